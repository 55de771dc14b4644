from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged

from ..tools.compat import ODOO_19
from .common import NOW, BookingCase


@tagged("post_install", "-at_install")
class TestEveryPath(BookingCase):
    """Odoo's own buttons reach the engine: pending requests end, workers are told, history is kept."""

    def worker_messages(self, booking):
        return self.env["mail.message"].search(
            [
                ("model", "=", booking._name),
                ("res_id", "=", booking.id),
                ("partner_ids", "in", self.worker.partner_id.ids),
            ]
        )

    def customer_emails(self, booking):
        requests = booking.booking_request_ids
        return requests.message_ids.filtered(lambda m: self.partner_a in m.notification_ids.res_partner_id)

    def test_odoos_cancel_button_on_an_order(self):
        """Sales' Cancel button: the pending request ends, workers hear, staff's cancellation recorded."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(hours=30))
            pending = self.change(order, NOW + timedelta(hours=40))
            action = order.with_user(self.organizer).action_cancel()
            if not ODOO_19:  # 18.0's button opens its wizard, which emails the customer
                wizard = Form(
                    self.env[action["res_model"]].with_user(self.organizer).with_context(**action["context"])
                ).save()
                wizard.action_send_mail_and_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertRecordValues(
            pending, [{"state": "expired", "decision_note": "Closed: our team cancelled the booking."}]
        )
        staff = order.booking_request_ids - pending
        self.assertRecordValues(
            staff,
            [
                {
                    "request_type": "cancel",
                    "state": "approved",
                    "channel": "backend",
                    "decided_by_id": self.organizer.id,
                }
            ],
        )
        self.assertEqual(len(self.worker_messages(order)), 1)
        self.assertIn("Cancelled", self.worker_messages(order).body)
        self.assertIn("Olga Organizer (staff)", self.worker_messages(order).body)
        # 18.0: Odoo's wizard told the customer, so not twice; 19.0 has no wizard: we tell them
        self.assertEqual(
            len(self.customer_emails(order).filtered(lambda m: "is cancelled" in (m.subject or ""))),
            1 if ODOO_19 else 0,
        )
        self.assertTrue(self.cancel_decision_closed(order))

    def cancel_decision_closed(self, booking):
        return booking._booking_decision("rebook").closed

    def test_archiving_a_visit_cancels_it(self):
        """Archiving a visit is a staff cancellation: the customer and the workers are told."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            pending = self.change(visit, NOW + timedelta(days=3, hours=5), hours=2)
            visit.with_user(self.organizer).action_archive()
        self.assertEqual(pending.state, "expired")
        staff = visit.booking_request_ids - pending
        self.assertRecordValues(
            staff, [{"request_type": "cancel", "state": "approved", "channel": "backend"}]
        )
        self.assertIn("Cancelled", self.worker_messages(visit).body)
        self.assertTrue(self.customer_emails(visit).filtered(lambda m: "is cancelled" in (m.subject or "")))
        self.assertEqual(visit._booking_portal_status()[0], "Cancelled")

    def test_deleting_a_visit_keeps_its_history(self):
        """Deleting a booked visit cancels and archives it: its requests stay, workers are told."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            visit.with_user(self.organizer).unlink()
        self.assertTrue(visit.exists())
        self.assertFalse(visit.active)
        self.assertRecordValues(visit.booking_request_ids, [{"request_type": "cancel", "state": "approved"}])
        self.assertIn("Cancelled", self.worker_messages(visit).body)
        with freeze_time(NOW):
            meeting = self.env["calendar.event"].create(
                {"name": "Coffee", "start": NOW + timedelta(days=2), "stop": NOW + timedelta(days=2, hours=1)}
            )
            meeting.unlink()
        self.assertFalse(meeting.exists(), "a plain meeting is deleted as before")

    def test_moving_a_visit_by_hand(self):
        """Dragged in the calendar: a staff change, workers told old → new, a pending request ends."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=3))
            pending = booking_request = visit._booking_request_change(
                self.partner_a, {"requested_note": "x"}, "portal"
            )
            old = visit.start
            new = old + timedelta(hours=3)
            visit.with_user(self.organizer).write({"start": new, "stop": new + timedelta(hours=1)})
        self.assertEqual(booking_request.state, "expired")
        staff = visit.booking_request_ids - pending
        self.assertRecordValues(
            staff,
            [{"request_type": "change", "channel": "backend", "previous_start": old, "requested_start": new}],
        )
        body = self.worker_messages(visit).body
        self.assertIn("→", body)
        self.assertIn("(staff)", body)

    def test_moving_an_order_by_hand(self):
        """A new delivery date typed by staff: workers told, the customer emailed (it is news to them)."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=3))
            new = NOW + timedelta(days=4)
            order.with_user(self.reviewer).write({"commitment_date": new})
        self.assertRecordValues(
            order.booking_request_ids, [{"request_type": "change", "requested_start": new}]
        )
        self.assertIn("→", self.worker_messages(order).body)
        self.assertTrue(self.customer_emails(order).filtered(lambda m: "is changed" in (m.subject or "")))

    def test_customer_decline_in_calendar_invitation(self):
        """Declining calendar's invitation files a cancellation for review (a GET never cancels)."""
        self.company.booking_cancel_auto_approve = "always"
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=5))
            attendee = visit.attendee_ids.filtered(lambda a: a.partner_id == self.partner_a)
            attendee.do_decline()
        self.assertRecordValues(
            visit.booking_request_ids,
            [{"request_type": "cancel", "state": "pending", "partner_id": self.partner_a.id}],
        )
        self.assertFalse(visit._booking_is_cancelled(), "reviewed first")

    def test_engine_writes_are_not_recorded_twice(self):
        """The engine's own changes are not taken for staff ones."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                self.cancel(booking)
                self.assertEqual(len(booking.booking_request_ids), 1)
