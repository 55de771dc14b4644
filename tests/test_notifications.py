import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOW, BookingCase


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

    def test_workers_set_to_inbox_when_assigned(self):
        """Assigning a worker makes Discuss (and so the mobile app) their notification channel."""
        self.worker_2.notification_type = "email"
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            self.assertEqual(self.worker.notification_type, "inbox")
            visit.booking_worker_ids = [Command.link(self.worker_2.id)]
        self.assertEqual(self.worker_2.notification_type, "inbox")

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

    def test_auto_approved_cancellation(self):
        """Cancelled: one 'approved' email, and each worker gets an inbox message and a toast."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5), workers=self.worker | self.worker_2):
                request = self.cancel(booking)
                emails = self.customer_messages(request)
                self.assertEqual(len(emails), 1)
                self.assertIn("cancelled", emails.subject)
                for worker in (self.worker, self.worker_2):
                    inbox = self.worker_inbox(booking, worker)
                    self.assertEqual(len(inbox), 1, f"{worker.name} has it in the inbox")
                    self.assertIn("Cancelled", inbox.mail_message_id.body)
                    self.assertIn(request.name, inbox.mail_message_id.body)
        for worker in (self.worker, self.worker_2):
            toasts = self.bus_toasts(worker)
            self.assertEqual(len(toasts), 2, "one toast per cancelled booking")
            self.assertTrue(all(t["type"] == "warning" and "Cancelled" in t["message"] for t in toasts))
        self.assertFalse(self.bus_toasts(self.organizer))

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

    def test_moved_booking_alerts_workers(self):
        """An approved change tells the workers the old and new times."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                request = self.change(booking, NOW + timedelta(hours=40))
                request.with_user(self.reviewer).action_approve()
                inbox = self.worker_inbox(booking, self.worker)
                self.assertEqual(len(inbox), 1)
                self.assertIn("Moved", inbox.mail_message_id.body)
                self.assertIn("approved", self.customer_messages(request)[0].subject)
        self.assertEqual(len(self.bus_toasts(self.worker)), 2)

    def test_staff_cancellation_email(self):
        """Staff cancellation: the 'cancelled by staff' email, or none when unticked."""
        with freeze_time(NOW):
            visit, order = self.bookings(NOW + timedelta(days=2))
            told = visit._booking_staff_cancel(self.reason.id, "Storm", 0.0)
            silent = order._booking_staff_cancel(self.reason.id, "Storm", 0.0, notify_customer=False)
        self.assertIn("is cancelled", self.customer_messages(told).subject)
        self.assertIn("Storm", self.customer_messages(told).body)
        self.assertFalse(self.customer_messages(silent))
        self.assertEqual(len(self.worker_inbox(order, self.worker)), 1, "workers are told either way")

    def test_visit_invitation_carries_links(self):
        """The visit's invitation to the customer carries cancel and change links with its token."""
        with freeze_time(NOW):
            visit = self.env["calendar.event"].create(
                {
                    "name": "Walk",
                    "start": NOW + timedelta(days=4),
                    "stop": NOW + timedelta(days=4, hours=1),
                    "user_id": self.organizer.id,
                    "partner_ids": [Command.set([self.partner_a.id, self.organizer.partner_id.id])],
                }
            )
        message = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", visit.id),
                ("partner_ids", "in", self.partner_a.ids),
            ]
        )
        self.assertEqual(len(message), 1)
        token = visit.sudo().booking_access_token
        self.assertIn(f"/my/bookings/visit/{visit.id}?action=cancel&amp;access_token={token}", message.body)
        self.assertIn(f"/my/bookings/visit/{visit.id}?action=change&amp;access_token={token}", message.body)

    def test_links_turned_off(self):
        """Turned off in Settings, the links disappear from the emails."""
        self.company.booking_email_links = False
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=4), confirm=False)
            order.with_context(send_email=True).action_confirm()
        body = "".join(order.message_ids.mapped("body"))
        self.assertNotIn("/my/bookings/", body)

    def test_order_confirmation_and_reminder_carry_links(self):
        """The order confirmation and the reminder (sent once, two days before) carry the links."""
        self.company.booking_reminder_hours = 48
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=4), confirm=False)
            order.with_context(send_email=True).action_confirm()
            confirmation = order.message_ids.filtered(lambda m: "/my/bookings/order/" in (m.body or ""))
            self.assertEqual(len(confirmation), 1)
            self.assertIn(f"action=cancel&amp;access_token={order.access_token}", confirmation.body)
            self.assertFalse(self.env["sale.order"]._cron_booking_reminders(), "too early")
        with freeze_time(NOW + timedelta(days=2, hours=1)):
            self.assertEqual(self.env["sale.order"]._cron_booking_reminders(), order)
            self.assertFalse(self.env["sale.order"]._cron_booking_reminders(), "sent once")
        reminder = order.message_ids.filtered(lambda m: (m.subject or "").startswith("Reminder"))
        self.assertIn("action=change", reminder.body)
        self.assertIn(self.partner_a, reminder.notification_ids.res_partner_id)
