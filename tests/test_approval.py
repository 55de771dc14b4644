from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import NOW, BookingCase


@tagged("post_install", "-at_install")
class TestApproval(BookingCase):
    """Decisions and how they are applied to visits and orders."""

    def review_requests(self, request_type="cancel"):
        with freeze_time(NOW):
            requests = self.env["booking.change.request"]
            for booking in self.bookings(NOW + timedelta(hours=30)):
                if request_type == "cancel":
                    requests |= self.cancel(booking, reason_id=self.reason.id)
                else:
                    requests |= self.change(booking, NOW + timedelta(hours=40))
            self.assertEqual(set(requests.mapped("state")), {"pending"})
            return requests

    def test_approve_cancellation(self):
        """A reviewer approves: the visit is marked cancelled (kept, free), the order cancelled."""
        visit_request, order_request = self.review_requests()
        with freeze_time(NOW):
            (visit_request | order_request).with_user(self.reviewer).action_approve()
        self.assertRecordValues(
            visit_request | order_request,
            [{"state": "approved", "auto_approved": False, "decided_by_id": self.reviewer.id}] * 2,
        )
        visit = visit_request.event_id
        self.assertRecordValues(visit, [{"booking_cancelled": True, "show_as": "free", "active": True}])
        self.assertIn(self.partner_a, visit.partner_ids, "attendees stay")
        self.assertNotIn(
            "cancelled", visit.display_name, "emails say it once, not 'X (cancelled) is cancelled'"
        )
        self.assertEqual(order_request.order_id.state, "cancel")

    def test_order_cancellation_cancels_draft_invoices(self):
        """The order goes through Odoo's own cancellation: its draft invoices are cancelled."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=5))
            order.order_line.qty_delivered = 1
            invoice = order._create_invoices()
            self.assertEqual(invoice.state, "draft")
            self.cancel(order)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(invoice.state, "cancel")

    def test_deny_keeps_booking(self):
        """Denying records the note and leaves the booking as it was."""
        requests = self.review_requests()
        with freeze_time(NOW):
            requests.with_user(self.reviewer).action_deny(note="We need the slot")
        self.assertRecordValues(
            requests,
            [{"state": "denied", "decision_note": "We need the slot", "decided_by_id": self.reviewer.id}] * 2,
        )
        self.assertFalse(requests[0].event_id.booking_cancelled)
        self.assertEqual(requests[1].order_id.state, "sale")

    def test_deny_wizard(self):
        """The deny button asks for a note through a wizard."""
        requests = self.review_requests()
        action = requests.with_user(self.reviewer).action_open_deny_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.reviewer).with_context(**action["context"])
        )
        wizard.note = "Fully booked"
        wizard.save().action_deny()
        self.assertEqual(requests.mapped("decision_note"), ["Fully booked"] * 2)

    def test_decided_request_cannot_be_decided_again(self):
        """A second decision on a decided request is refused."""
        requests = self.review_requests()
        requests.with_user(self.reviewer).action_approve()
        with self.assertRaisesRegex(UserError, "already decided"):
            requests.with_user(self.reviewer).action_deny(note="late")
        with self.assertRaisesRegex(UserError, "already decided"):
            requests[0].with_user(self.reviewer).action_approve()

    def test_approve_change_moves_booking_and_service(self):
        """An approved change moves the visit and the order, and swaps the service."""
        with freeze_time(NOW):
            visit, order = self.bookings(NOW + timedelta(hours=30))
            new_start = NOW + timedelta(days=3)
            requests = self.change(visit, new_start, hours=2, requested_product_id=self.grooming.id)
            requests |= self.change(
                order, new_start + timedelta(hours=3), hours=2, requested_product_id=self.grooming.id
            )
            requests.with_user(self.reviewer).action_approve()
        self.assertRecordValues(
            visit,
            [
                {
                    "start": new_start,
                    "stop": new_start + timedelta(hours=2),
                    "booking_product_id": self.grooming.id,
                }
            ],
        )
        self.assertRecordValues(
            order,
            [{"commitment_date": new_start + timedelta(hours=3), "booking_duration": 2.0, "state": "sale"}],
        )
        self.assertEqual(order.order_line.product_id, self.grooming)
        self.assertEqual(requests.mapped("previous_start"), [NOW + timedelta(hours=30)] * 2)

    def test_change_auto_approved_when_workers_free(self):
        """With enough notice and free workers, a change is applied at once."""
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5), workers=self.worker_2)):
                new_start = NOW + timedelta(days=6 + days)  # the two bookings share the worker
                request = self.change(booking, new_start)
                self.assertRecordValues(request, [{"state": "approved", "auto_approved": True}])
                self.assertEqual(booking._booking_start(), new_start)

    def test_change_with_busy_worker_goes_to_review(self):
        """A worker busy at the new time sends the change to review and shows the conflicts."""
        with freeze_time(NOW):
            new_start = NOW + timedelta(days=6)
            other_visit = self.make_visit(new_start + timedelta(minutes=30), partner=self.partner_b)
            other_order = self.make_order(new_start - timedelta(minutes=30), partner=self.partner_b)
            for booking in self.bookings(NOW + timedelta(days=5)):
                request = self.change(booking, new_start)
                self.assertEqual(request.state, "pending")
                self.assertTrue(request.has_conflict)
                self.assertEqual(request.conflict_event_ids, other_visit)
                self.assertEqual(request.conflict_order_ids, other_order)
            # the worker's own meeting counts too, a cancelled visit does not
            other_visit.booking_cancelled = True
            other_order.with_context(disable_cancel_warning=True).action_cancel()
            meeting = self.env["calendar.event"].create(
                {
                    "name": "Team meeting",
                    "start": new_start,
                    "stop": new_start + timedelta(hours=1),
                    "partner_ids": [Command.set(self.worker.partner_id.ids)],
                }
            )
            visit = self.make_visit(NOW + timedelta(days=5, hours=3))
            self.assertEqual(
                visit._booking_worker_conflicts(new_start, new_start + timedelta(hours=1))[0], meeting
            )

    def test_withdraw(self):
        """The customer withdraws their pending request; the review activity closes."""
        requests = self.review_requests()
        requests[0].with_user(self.customer_a).action_withdraw()
        self.assertEqual(requests[0].state, "withdrawn")
        self.assertFalse(requests[0].activity_ids)
        with self.assertRaisesRegex(UserError, "already decided"):
            requests[0].with_user(self.customer_a).action_withdraw()

    def test_expiry_cron(self):
        """Pending requests expire once their booking has started."""
        requests = self.review_requests()
        with freeze_time(NOW + timedelta(hours=29)):
            self.env["booking.change.request"]._cron_expire()
            self.assertEqual(set(requests.mapped("state")), {"pending"})
        with freeze_time(NOW + timedelta(hours=31)):
            expired = self.env["booking.change.request"]._cron_expire()
        self.assertEqual(expired, requests)
        self.assertEqual(set(requests.mapped("state")), {"expired"})
        self.assertFalse(requests.activity_ids)

    def test_bulk_approval_server_action(self):
        """The server action approves the selected pending requests, skipping decided ones."""
        requests = self.review_requests()
        requests[0].with_user(self.reviewer).action_deny(note="no")
        action = self.env.ref("booking_change_request.action_booking_change_request_approve")
        action.with_user(self.reviewer).with_context(
            active_model="booking.change.request", active_ids=requests.ids
        ).run()
        self.assertEqual(requests.mapped("state"), ["denied", "approved"])

    def test_recurring_occurrence(self):
        """One occurrence of a weekly visit is cancelled or moved, the others stay."""
        with freeze_time(NOW):
            first = self.make_visit(
                NOW + timedelta(days=3),
                recurrency=True,
                rrule_type="weekly",
                interval=1,
                count=4,
                end_type="count",
                **{(NOW + timedelta(days=3)).strftime("%a").lower()[:3]: True},
            )
            occurrences = first.recurrence_id.calendar_event_ids.sorted("start")
            self.assertEqual(len(occurrences), 4)
            second, third = occurrences[1], occurrences[2]
            self.cancel(second)
            new_start = third.start + timedelta(hours=2)
            self.change(third, new_start)
        self.assertEqual(occurrences.mapped("booking_cancelled"), [False, True, False, False])
        self.assertEqual(third.start, new_start)
        self.assertEqual(occurrences[3].start, occurrences[0].start + timedelta(weeks=3))

    def test_rebook_after_cancellation(self):
        """After a cancellation the customer books again at a new time; the same booking reopens."""
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5))):
                self.cancel(booking)
                new_start = NOW + timedelta(days=9 + days)
                values = {"requested_start": new_start, "requested_stop": new_start + timedelta(hours=1)}
                request = booking._booking_request_rebook(self.partner_a, values, "portal")
                self.assertRecordValues(request, [{"request_type": "rebook", "state": "approved"}])
                self.assertFalse(booking._booking_is_cancelled())
                self.assertEqual(booking._booking_start(), new_start)

    def test_staff_cancel_wizard(self):
        """A reviewer cancels from the backend: the proposed fee, edited, a reason, an editable email."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=10)):
                action = booking.with_user(self.reviewer).sudo(False).action_booking_cancel()
                form = Form(
                    self.env[action["res_model"]].with_user(self.reviewer).with_context(**action["context"])
                )
                self.assertEqual(form.fee_amount, 20.0, "the same fee the tiers give a customer")
                self.assertIn("We had to cancel your booking", form.body)
                form.fee_amount = 15.0
                form.reason_id = self.reason
                form.body = "<p>Dear Alice, the storm closes the park. Sorry!</p>"
                form.save().action_cancel_booking()
                request = booking.booking_request_ids
                self.assertRecordValues(
                    request,
                    [
                        {
                            "channel": "backend",
                            "state": "approved",
                            "fee_amount": 15.0,
                            "decided_by_id": self.reviewer.id,
                        }
                    ],
                )
                self.assertTrue(booking._booking_is_cancelled())
                self.assertEqual(request.fee_invoice_id.amount_untaxed, 15.0)
                email = request.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
                self.assertIn("the storm closes the park", email.body)

    def test_staff_cancel_closes_pending_request(self):
        """A pending request made moot by a staff cancellation ends with a note saying why."""
        requests = self.review_requests("change")
        for request in requests:
            request._booking().with_user(self.reviewer)._booking_staff_cancel(False, "storm", 0.0)
        self.assertEqual(requests.mapped("state"), ["expired", "expired"])
        self.assertEqual(set(requests.mapped("decision_note")), {"Closed: our team cancelled the booking."})
        self.assertFalse(requests.activity_ids)

    def test_no_decision_on_a_booking_no_longer_open(self):
        """A change pending on an order that staff then cancelled with Odoo's button cannot be approved."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(hours=30))
            request = self.change(order, NOW + timedelta(hours=40))
            self.env.cr.execute("UPDATE sale_order SET state = 'cancel' WHERE id = %s", [order.id])
            order.invalidate_recordset()
            with self.assertRaisesRegex(UserError, "no longer open"):
                request.with_user(self.reviewer).action_approve()
            self.assertEqual(request.state, "pending")
