import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOW, BookingCase


class PushEndpoint(BaseHTTPRequestHandler):
    """A web push service on loopback: it keeps what browsers would be sent."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestNotifications(BookingCase):
    """Who hears of what: customers by email, workers in the inbox and as a toast, reviewers by activity."""

    def customer_messages(self, request):
        """Messages of the request's chatter emailed to its customer."""
        return request.message_ids.filtered(
            lambda m: m.message_type == "comment" and request.partner_id in m.notification_ids.res_partner_id
        )

    def bus_toasts(self, user):
        self.env.cr.precommit.run()  # bus.bus rows are written at commit time
        channel = [self.env.cr.dbname, "res.partner", user.partner_id.id]
        payloads = [
            json.loads(m.message)
            for m in self.env["bus.bus"].sudo().search([])
            if json.loads(m.channel) == channel
        ]
        return [p["payload"] for p in payloads if p["type"] == "simple_notification"]

    def worker_inbox(self, booking, user):
        """Unread inbox notifications of ``user`` on ``booking``'s messages."""
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("is_read", "=", False),
                ("mail_message_id.model", "=", booking._name),
                ("mail_message_id.res_id", "=", booking.id),
            ]
        )

    def told(self, booking, worker=None):
        """The one inbox message a worker got about ``booking``, as text."""
        inbox = self.worker_inbox(booking, worker or self.worker)
        self.assertEqual(len(inbox), 1, "one message per change")
        return inbox.mail_message_id.body

    def test_workers_set_to_inbox_when_assigned(self):
        """Assigning a worker makes Discuss (and so the mobile app) their notification channel."""
        self.worker_2.notification_type = "email"
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            self.assertEqual(self.worker.notification_type, "inbox")
            visit.booking_worker_ids = [Command.link(self.worker_2.id)]
        self.assertEqual(self.worker_2.notification_type, "inbox")

    def test_workers_see_their_visits_in_their_calendar(self):
        """Assigned workers attend their visits, so Odoo's calendar shows them the visit."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            visit.booking_worker_ids = [Command.link(self.worker_2.id)]
        self.assertIn(self.worker.partner_id, visit.partner_ids)
        self.assertIn(self.worker_2.partner_id, visit.partner_ids)
        mine = (
            self.env["calendar.event"]
            .with_user(self.worker_2)
            .search([("partner_ids", "in", self.worker_2.partner_id.ids)])
        )
        self.assertIn(visit, mine)
        self.assertNotIn(self.worker.partner_id, visit._booking_customers(), "workers are not customers")

    def test_pending_request(self):
        """Pending: the customer gets the 'received' email; the responsible gets a review activity."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                request = self.cancel(booking)
                emails = self.customer_messages(request)
                self.assertEqual(len(emails), 1)
                self.assertIn("We received your request", emails.subject)
                notification = emails.notification_ids.filtered(lambda n: n.res_partner_id == self.partner_a)
                self.assertEqual(notification.notification_type, "email")
                self.assertTrue(emails.mail_ids, "the email is queued")
                activity = request.activity_ids
                self.assertRecordValues(
                    activity,
                    [
                        {
                            "user_id": self.organizer.id,
                            "activity_type_id": self.env.ref(
                                "booking_change_request.mail_activity_type_booking_review"
                            ).id,
                        }
                    ],
                )
                self.assertFalse(self.worker_inbox(booking, self.worker), "workers hear of decisions only")

    def test_reviewer_notified_once_and_never_sent_a_token(self):
        """One notification per request for its reviewer (the activity); no staff email has a token."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                request = self.cancel(booking)
                to_reviewer = self.env["mail.notification"].search(
                    [
                        ("res_partner_id", "=", self.organizer.partner_id.id),
                        ("mail_message_id.model", "=", request._name),
                        ("mail_message_id.res_id", "=", request.id),
                    ]
                )
                self.assertEqual(len(to_reviewer), 1, "the activity assignment only")
                request.with_user(self.reviewer).action_approve()
                token = booking.sudo().booking_access_token
                self.assertTrue(token)
                staff_mails = self.env["mail.mail"].search(
                    [("recipient_ids", "in", self.organizer.partner_id.ids)]
                )
                self.assertFalse([m for m in staff_mails if token in (m.body_html or "")])
                customer_mail = self.customer_messages(request).mail_ids
                self.assertTrue(
                    any(token in (m.body_html or "") for m in customer_mail), "the customer has theirs"
                )

    def test_auto_approved_cancellation(self):
        """Cancelled: one email; each worker gets one inbox message and one toast, saying who decided."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5), workers=self.worker | self.worker_2):
                request = self.cancel(booking)
                emails = self.customer_messages(request)
                self.assertEqual(len(emails), 1)
                self.assertIn("cancelled", emails.subject)
                self.assertEqual(emails.subject.count("cancelled"), 1)
                for worker in (self.worker, self.worker_2):
                    body = self.told(booking, worker)
                    self.assertIn("Cancelled", body)
                    self.assertIn("Alice Customer", body)
                    self.assertIn("approved automatically", body)
        for worker in (self.worker, self.worker_2):
            toasts = self.bus_toasts(worker)
            self.assertEqual(len(toasts), 2, "one toast per cancelled booking")
            self.assertTrue(all(t["type"] == "warning" and "Cancelled" in t["message"] for t in toasts))
        self.assertFalse(self.bus_toasts(self.organizer))

    def test_customer_emails_go_out_within_a_minute(self):
        """Queued, the customer's email is not left to the queue's hourly run: its cron is triggered,
        once per transaction however many emails are queued."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        triggers = self.env["ir.cron.trigger"].sudo()
        before = triggers.search_count([("cron_id", "=", cron.id)])
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                request = self.cancel(booking)
                self.assertTrue(self.emails_to(self.partner_a, request), "queued, not sent in the request")
        self.assertEqual(triggers.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_denied_request(self):
        """Denied: the customer gets the reviewer's note; workers are not disturbed."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                request = self.change(booking, NOW + timedelta(hours=40))
                request.with_user(self.reviewer).action_deny(note="Nobody is free then")
                denied = self.customer_messages(request)[0]
                self.assertIn("Nobody is free then", denied.body)
                self.assertFalse(request.activity_ids)
                self.assertFalse(self.worker_inbox(booking, self.worker))
        self.assertFalse(self.bus_toasts(self.worker))

    def test_moved_booking_tells_old_and_new_time_and_who(self):
        """An approved change tells the workers the old and new times, and the reviewer who approved it."""
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(hours=30))):
                request = self.change(booking, NOW + timedelta(hours=40 + days * 3))
                request.with_user(self.reviewer).action_approve()
                body = self.told(booking)
                self.assertIn("time ", body)
                self.assertIn("→", body)
                self.assertIn("Rita Reviewer", body)
                self.assertIn("your change is approved", self.customer_messages(request)[0].subject)
        self.assertEqual(len(self.bus_toasts(self.worker)), 2)

    def test_service_and_duration_changes_say_so(self):
        """A service swap reads 'service A → B', a longer visit 'duration 1 h → 2 h', never 'Moved'."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                start = booking._booking_start()
                request = self.change(booking, start, hours=2, requested_product_id=self.grooming.id)
                # the visit and the order share their worker: the reviewer approves knowingly
                request.with_user(self.reviewer).with_context(booking_conflicts_ok=True).action_approve()
                body = self.told(booking)
                self.assertIn("service Dog walk → Grooming", body)
                self.assertIn("duration 1 h → 2 h", body)
                self.assertNotIn("Moved", body)
                self.assertNotIn("time ", body, "the start did not move")

    def test_note_only_change_reaches_workers(self):
        """An approved change with only a note ('use the back gate') reaches the workers."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                request = booking._booking_request_change(
                    self.partner_a, {"requested_note": "Use the back gate"}, "portal"
                )
                request.with_user(self.reviewer).action_approve()
                self.assertIn("Use the back gate", self.told(booking))
        self.assertEqual(len(self.bus_toasts(self.worker)), 2)

    def test_rebook_says_back_on(self):
        """Booked again: 'Back on' with the new time, not 'moved from 10:00 to 10:00'."""
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5))):
                self.cancel(booking)
                self.worker_inbox(booking, self.worker).is_read = True
                new_start = NOW + timedelta(days=9 + days)
                values = {"requested_start": new_start, "requested_stop": new_start + timedelta(hours=1)}
                booking._booking_request_rebook(self.partner_a, values, "portal")
                body = self.told(booking)
                self.assertIn("Back on", body)
                self.assertIn(booking._booking_format_datetime(new_start, tz=booking._booking_tz()), body)
                self.assertNotIn("→", body)

    def test_staff_cancellation_says_staff(self):
        """A staff cancellation reads 'by Rita Reviewer (staff)', never 'requested by' the customer."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=2)):
                booking.with_user(self.reviewer)._booking_staff_cancel(self.reason.id, "Storm", 0.0)
                body = self.told(booking)
                self.assertIn("by Rita Reviewer (staff)", body)
                self.assertNotIn("Alice", body)

    def test_staff_cancellation_email(self):
        """Staff cancellation: its email, or none when unticked; workers told either way."""
        with freeze_time(NOW):
            visit, order = self.bookings(NOW + timedelta(days=2))
            told = visit.with_user(self.reviewer)._booking_staff_cancel(self.reason.id, "Storm", 0.0)
            silent = order.with_user(self.reviewer)._booking_staff_cancel(
                self.reason.id, "Storm", 0.0, notify=False
            )
        self.assertIn("is cancelled", self.customer_messages(told).subject)
        self.assertIn("Storm", self.customer_messages(told).body)
        self.assertFalse(self.customer_messages(silent))
        self.assertEqual(len(self.worker_inbox(order, self.worker)), 1, "workers are told either way")

    def test_visit_invitation_carries_links(self):
        """A customer's invitation carries our signed links instead of calendar's Accept/Decline."""
        with freeze_time(NOW):
            visit = self.env["calendar.event"].create(
                {
                    "name": "Walk",
                    "start": NOW + timedelta(days=4),
                    "stop": NOW + timedelta(days=4, hours=1),
                    "user_id": self.organizer.id,
                    "booking_product_id": self.walk.id,
                    "partner_ids": [Command.set([self.partner_a.id, self.organizer.partner_id.id])],
                }
            )
        email = self.emails_to(self.partner_a, visit)
        self.assertEqual(len(email), 1)
        params = self.link_params(visit, self.partner_a)
        for action in ("cancel", "change"):
            self.assertIn(
                f"/my/bookings/visit/{visit.id}?action={action}&amp;access_token={params['access_token']}"
                f"&amp;pid={self.partner_a.id}&amp;hash={params['hash']}",
                email.body_html,
            )
        self.assertNotIn("/calendar/meeting/decline", email.body_html)
        self.assertNotIn("/calendar/meeting/accept", email.body_html)
        # the message the chatter keeps has the plain links: the token is in the email only
        self.assertIn(f"/my/bookings/visit/{visit.id}?action=cancel", email.mail_message_id.body)
        self.assertNotIn(params["access_token"], email.mail_message_id.body)

    def test_customer_added_to_a_visit_gets_working_links(self):
        """A customer added to a visit whose links were sent: their invitation's links open it."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=4))
            old_token = self.link_params(visit, self.partner_a)["access_token"]
            visit = visit.with_context(no_mail_to_attendees=False)  # staff's own form invites
            visit.partner_ids = [Command.link(self.partner_b.id)]
        email = self.emails_to(self.partner_b, visit)
        self.assertEqual(len(email), 1)
        params = self.link_params(visit, self.partner_b)
        self.assertNotEqual(params["access_token"], old_token, "new customers, new token")
        self.assertIn(
            f"access_token={params['access_token']}&amp;pid={self.partner_b.id}&amp;hash={params['hash']}",
            email.body_html,
        )

    def test_plain_meeting_invitation_untouched(self):
        """A meeting that is not a booking keeps calendar's own invitation, Accept and Decline included."""
        with freeze_time(NOW):
            meeting = self.env["calendar.event"].create(
                {
                    "name": "Coffee",
                    "start": NOW + timedelta(days=4),
                    "stop": NOW + timedelta(days=4, hours=1),
                    "user_id": self.organizer.id,
                    "partner_ids": [Command.set([self.partner_a.id, self.organizer.partner_id.id])],
                }
            )
        message = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", meeting.id),
                ("partner_ids", "in", self.partner_a.ids),
            ]
        )
        self.assertIn("/calendar/meeting/decline", message.body)
        self.assertNotIn("/my/bookings/", message.body)

    def test_links_turned_off(self):
        """Turned off in Settings, the links disappear from the emails."""
        self.company.booking_email_links = False
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=4), confirm=False)
            order.with_context(send_email=True).action_confirm()
        body = "".join(order.message_ids.mapped("body"))
        self.assertNotIn("/my/bookings/", body)

    def test_order_confirmation_and_reminder_carry_links(self):
        """The order confirmation and the reminder (sent once, two days before) carry signed links."""
        self.company.booking_reminder_hours = 48
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=4), confirm=False)
            order.with_context(send_email=True, mail_notify_force_send=False).action_confirm()
            confirmation = self.emails_to(self.partner_a, order)
            self.assertEqual(len(confirmation), 1)
            params = self.link_params(order, self.partner_a)
            self.assertNotEqual(params["access_token"], order.access_token, "a token of our own")
            self.assertIn(
                f"action=cancel&amp;access_token={params['access_token']}&amp;pid={self.partner_a.id}"
                f"&amp;hash={params['hash']}",
                confirmation.body_html,
            )
            self.assertNotIn(params["access_token"], confirmation.mail_message_id.body)
            self.assertFalse(self.env["sale.order"]._cron_booking_reminders(), "too early")
        with freeze_time(NOW + timedelta(days=2, hours=1)):
            self.assertEqual(self.env["sale.order"]._cron_booking_reminders(), order)
            self.assertFalse(self.env["sale.order"]._cron_booking_reminders(), "sent once")
        reminder = self.emails_to(self.partner_a, order) - confirmation
        self.assertTrue(reminder.subject.startswith("Reminder"))
        self.assertIn(f"action=change&amp;access_token={params['access_token']}", reminder.body_html)

    def test_web_push_reaches_a_workers_device(self):
        """A worker's registered browser (mail.push.device) is sent the message by web push."""
        self.env["mail.push.device"].get_web_push_vapid_public_key()  # the database's VAPID keys
        server = HTTPServer(("127.0.0.1", 0), PushEndpoint)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        PushEndpoint.received = []
        browser_key = ec.generate_private_key(ec.SECP256R1())
        p256dh = browser_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.env["mail.push.device"].sudo().create(
            {
                "partner_id": self.worker.partner_id.id,
                "endpoint": f"http://127.0.0.1:{server.server_port}/push/worker",
                "keys": json.dumps(
                    {
                        "p256dh": base64.urlsafe_b64encode(p256dh).decode().rstrip("="),
                        "auth": base64.urlsafe_b64encode(b"0123456789abcdef").decode().rstrip("="),
                    }
                ),
            }
        )
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=5))
            self.cancel(visit)
        self.assertEqual(len(PushEndpoint.received), 1, "one push for the one change")
        path, headers, body = PushEndpoint.received[0]
        self.assertEqual(path, "/push/worker")
        self.assertEqual(headers["Content-Encoding"], "aes128gcm")
        self.assertTrue(headers["Authorization"].startswith("vapid t="))
        self.assertGreater(len(body), 100, "an encrypted payload")
