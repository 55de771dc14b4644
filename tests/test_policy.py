from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.refusal import BookingRefusal
from .common import NOW, BookingCase


@tagged("post_install", "-at_install")
class TestPolicyWindows(BookingCase):
    """Closed, review and free windows, the same for visits and orders."""

    def test_closed_one_minute_inside_cutoff(self):
        """One minute under the 24 h cutoff, both kinds are refused with whom to contact."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=24) - timedelta(minutes=1)):
                with self.assertRaisesRegex(UserError, r"close 24 hours before.*Olga Organizer.*555 0100"):
                    self.cancel(booking)
                self.assertFalse(booking.booking_request_ids)

    def test_open_exactly_at_cutoff(self):
        """Exactly at the cutoff, and one minute before it, a request goes to review."""
        for minutes in (0, 1):
            with freeze_time(NOW):
                start = NOW + timedelta(hours=24, minutes=minutes)
                for booking in self.bookings(start):
                    request = self.cancel(booking)
                    self.assertRecordValues(request, [{"state": "pending", "window": "review"}])

    def test_free_window_edges(self):
        """At 48 h of notice a cancellation is approved at once; one minute less, it waits."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=48)):
                request = self.cancel(booking)
                self.assertRecordValues(
                    request, [{"state": "approved", "window": "free", "auto_approved": True}]
                )
                self.assertTrue(booking._booking_is_cancelled())
            for booking in self.bookings(NOW + timedelta(hours=48) - timedelta(minutes=1)):
                self.assertEqual(self.cancel(booking).state, "pending")

    def test_window_in_utc_across_daylight_saving(self):
        """Notice counts real hours: the night the clocks go forward is 23 hours long."""
        # Brussels moves to summer time on 2026-03-29 at 02:00; the visit is at 10:00 local (08:00 UTC).
        start = datetime(2026, 3, 29, 8, 0)
        # Same wall-clock time the day before (10:00 CET = 09:00 UTC) is only 23 h before: closed.
        with freeze_time(datetime(2026, 3, 28, 9, 0)):
            for booking in self.bookings(start):
                with self.assertRaises(UserError):
                    self.cancel(booking)
        # 24 real hours before (09:00 CET) it is open.
        with freeze_time(datetime(2026, 3, 28, 8, 0)):
            for booking in self.bookings(start):
                self.assertEqual(self.cancel(booking).notice_hours, 24.0)

    def test_started_and_cancelled_bookings_are_closed(self):
        """No cutoff at all still closes a started or cancelled booking."""
        self.company.booking_cutoff_hours = 0
        with freeze_time(NOW):
            for booking in self.bookings(NOW - timedelta(minutes=5)):
                with self.assertRaisesRegex(UserError, "has started"):
                    self.cancel(booking)
            for booking in self.bookings(NOW + timedelta(days=5)):
                self.cancel(booking)
                with self.assertRaisesRegex(UserError, "already cancelled"):
                    self.cancel(booking)

    def test_auto_approve_never_and_always(self):
        """'never' sends everything to review; 'always' approves anything inside the open window."""
        with freeze_time(NOW):
            self.company.booking_cancel_auto_approve = "never"
            for booking in self.bookings(NOW + timedelta(days=30)):
                self.assertEqual(self.cancel(booking).state, "pending")
            self.company.booking_cancel_auto_approve = "always"
            for booking in self.bookings(NOW + timedelta(hours=25)):
                self.assertEqual(self.cancel(booking).state, "approved")

    def test_one_pending_request_per_booking(self):
        """A second request while one is pending is refused with its name (409)."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                first = self.cancel(booking)
                with self.assertRaisesRegex(BookingRefusal, first.name) as refused:
                    self.change(booking, NOW + timedelta(days=3))
                self.assertEqual(refused.exception.status, 409)
                self.assertEqual(booking.booking_request_ids, first)

    def test_company_switches(self):
        """Self-service turned off in settings refuses the portal, not staff."""
        self.company.write({"booking_portal_cancel": False, "booking_portal_change": False})
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaisesRegex(UserError, "Online cancellation is not offered"):
                    self.cancel(booking)
                with self.assertRaisesRegex(UserError, "Online changes are not offered"):
                    self.change(booking, NOW + timedelta(days=6))
                request = booking.with_user(self.reviewer)._booking_staff_cancel(fee_amount=0.0)
                self.assertEqual(request.state, "approved")

    def test_reason_rules(self):
        """A required reason, and a reason that asks for the customer's words."""
        self.company.booking_cancel_reason_required = True
        other = self.env.ref("booking_change_request.reason_other")
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaisesRegex(UserError, "tell us why"):
                    self.cancel(booking)
                with self.assertRaisesRegex(UserError, "tell us more"):
                    self.cancel(booking, reason_id=other.id)
                with self.assertRaisesRegex(UserError, "pick a reason"):
                    self.cancel(booking, reason_id=999999)
                request = self.cancel(booking, reason_id=other.id, reason="Moving abroad")
                self.assertRecordValues(request, [{"reason_id": other.id, "reason": "Moving abroad"}])

    def test_a_picked_reason_is_enough(self):
        """With a reason required, picking one from the list needs no words."""
        self.company.booking_cancel_reason_required = True
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                self.assertEqual(self.cancel(booking, reason_id=self.reason.id).state, "approved")

    def test_change_input_rules(self):
        """A change is in the future, ends after it starts and names one of the company's services."""
        not_offered = self.env["product.product"].create(
            {"name": "Hotel Accommodation", "type": "service", "sale_ok": True, "list_price": 14.0}
        )
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaisesRegex(UserError, "too close or already past"):
                    self.change(booking, NOW - timedelta(hours=1))
                with self.assertRaisesRegex(UserError, "end must come after"):
                    self.change(booking, NOW + timedelta(days=6), hours=-1)
                with self.assertRaisesRegex(UserError, "services we offer"):
                    self.change(booking, NOW + timedelta(days=6), requested_product_id=not_offered.id)
                with self.assertRaisesRegex(UserError, "what to change"):
                    booking._booking_request_change(self.partner_a, {}, "portal")
                self.assertFalse(booking.booking_request_ids)

    def test_durations_from_15_minutes_to_14_days(self):
        """336 hours is the longest a booking may last, 15 minutes the shortest."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                for hours in (0.2, 336.5):
                    with self.assertRaisesRegex(UserError, "15 minutes to 14 days"):
                        self.change(booking, NOW + timedelta(days=6), hours=hours)
                self.assertFalse(booking.booking_request_ids)

    def test_only_the_customer_may_ask(self):
        """Another customer is refused (403) and nothing is filed."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaises(AccessError) as refused:
                    self.cancel(booking, partner=self.partner_b)
                self.assertEqual(refused.exception.status, 403)
                self.assertFalse(booking.booking_request_ids)


@tagged("post_install", "-at_install")
class TestDecision(BookingCase):
    """One decision: what the customer is told is what the engine then does."""

    def decide(self, booking, start, hours=1.0, **values):
        return booking._booking_decision(
            "change", {"requested_start": start, "requested_stop": start + timedelta(hours=hours), **values}
        )

    def test_cancel_decision_is_what_happens(self):
        """The cancellation decision (outcome, fee) is the request the engine files."""
        with freeze_time(NOW):
            for hours, outcome, fee in ((30, "review", 20.0), (24 * 5, "free", 0.0)):
                for booking in self.bookings(NOW + timedelta(hours=hours)):
                    decision = booking._booking_decision("cancel")
                    self.assertEqual((decision.outcome, decision.fee), (outcome, fee))
                    request = self.cancel(booking)
                    expected_state = {"review": "pending", "free": "approved"}[outcome]
                    self.assertRecordValues(request, [{"state": expected_state, "fee_amount": fee}])

    def test_a_time_move_with_free_workers_is_free(self):
        """The same service and duration at a time the workers are free: confirmed at once, as said."""
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5))):
                new_start = NOW + timedelta(days=6 + days)  # the two bookings share their worker
                decision = self.decide(booking, new_start)
                self.assertEqual(decision.outcome, "free")
                self.assertIn("confirmed at once", decision.message)
                request = self.change(booking, new_start)
                self.assertRecordValues(request, [{"state": "approved", "auto_approved": True}])

    def test_no_new_time_is_never_free(self):
        """Without a new time the dialog says review, and the engine reviews."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                self.assertEqual(booking._booking_decision("change").outcome, "review")
                request = booking._booking_request_change(
                    self.partner_a, {"requested_note": "gate"}, "portal"
                )
                self.assertEqual(request.state, "pending")

    def test_longer_visit_or_other_service_goes_to_review(self):
        """A 1-hour visit stretched to 336 hours, or swapped for another service, waits for a person."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                new_start = NOW + timedelta(days=6)
                for values in ({"hours": 336}, {"requested_product_id": self.grooming.id}):
                    decision = self.decide(booking, new_start, **values)
                    self.assertEqual(decision.outcome, "review", values)
                request = self.change(booking, new_start, hours=336)
                self.assertEqual(request.state, "pending")
                self.assertEqual(booking._booking_start(), NOW + timedelta(days=5))

    def test_moving_out_of_the_fee_window_needs_a_person(self):
        """30 hours before, inside the fee window: moving 60 days away is not free (then cancelling free)."""
        self.company.booking_change_auto_approve = "always"
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                decision = self.decide(booking, NOW + timedelta(days=60))
                self.assertEqual(decision.outcome, "review")
                self.assertIn("fee", decision.message)
                self.assertEqual(self.change(booking, NOW + timedelta(days=60)).state, "pending")

    def test_busy_workers_send_a_change_to_review(self):
        """The workers busy at the new time: review, and the reviewer sees the conflict."""
        with freeze_time(NOW):
            new_start = NOW + timedelta(days=6)
            self.make_visit(new_start, partner=self.partner_b)
            for booking in self.bookings(NOW + timedelta(days=5)):
                decision = self.decide(booking, new_start)
                self.assertEqual(decision.outcome, "review")
                self.assertIn("busy", decision.message)

    def test_services_offered_are_the_companys(self):
        """The services a customer may pick: the company's bookable ones, else the booking's own only."""
        with freeze_time(NOW):
            visit = self.make_visit(NOW + timedelta(days=5))
            self.assertEqual(visit._booking_services(), self.walk | self.grooming)
            self.company.booking_service_product_ids = [Command.clear()]
            self.assertEqual(visit._booking_services(), self.walk)

    def test_limits_close_the_change(self):
        """Past the number of changes or the horizon, a change is closed with whom to contact."""
        self.company.write({"booking_change_limit": 1, "booking_change_horizon_days": 30})
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5))):
                far = self.decide(booking, NOW + timedelta(days=40))
                self.assertEqual(far.outcome, "closed")
                self.assertIn("30 days", far.message)
                self.assertEqual(self.change(booking, NOW + timedelta(days=6 + days)).state, "approved")
                again = self.decide(booking, NOW + timedelta(days=9))
                self.assertEqual(again.outcome, "closed")
                self.assertIn("Olga Organizer", again.message)
                with self.assertRaises(BookingRefusal):
                    self.change(booking, NOW + timedelta(days=9))

    def test_change_reason_required(self):
        """A company may require the customer's reason for a change."""
        self.company.booking_change_reason_required = True
        with freeze_time(NOW):
            for days, booking in enumerate(self.bookings(NOW + timedelta(days=5))):
                with self.assertRaisesRegex(UserError, "why you ask"):
                    self.change(booking, NOW + timedelta(days=6 + days))
                request = self.change(booking, NOW + timedelta(days=6 + days), requested_note="visit")
                self.assertEqual(request.state, "approved")

    def test_rebook_only_after_the_customers_own_cancellation(self):
        """Book again is offered after the customer cancelled, not after staff did."""
        with freeze_time(NOW):
            mine, staffs = self.bookings(NOW + timedelta(days=5)), self.bookings(NOW + timedelta(days=5))
            for booking in mine:
                self.cancel(booking)
                self.assertFalse(booking._booking_decision("rebook").closed)
            for booking in staffs:
                booking.with_user(self.reviewer)._booking_staff_cancel(fee_amount=0.0)
                decision = booking._booking_decision("rebook")
                self.assertTrue(decision.closed)
                self.assertIn("cancelled by our team", decision.message)
                with self.assertRaises(BookingRefusal):
                    booking._booking_request_rebook(
                        self.partner_a, {"requested_start": NOW + timedelta(days=9)}, "portal"
                    )

    def test_a_declined_quotation_is_never_booked_again(self):
        """A quotation cancelled unconfirmed (declined, or by staff) is never confirmed by 'book again'."""
        with freeze_time(NOW):
            quotation = self.make_order(NOW + timedelta(days=5), confirm=False)
            quotation.action_quotation_sent()
            quotation.with_context(disable_cancel_warning=True).action_cancel()
            self.assertTrue(quotation._booking_decision("rebook").closed)
            with self.assertRaises(BookingRefusal):
                quotation._booking_request_rebook(
                    self.partner_a, {"requested_start": NOW + timedelta(days=9)}, "portal"
                )
            self.assertEqual(quotation.state, "cancel")

    def test_rebook_without_duration_or_date(self):
        """An order without delivery date or duration books again for an hour, never crashes."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=5))
            self.cancel(order)
            order.with_context(booking_applying=order).write({"booking_duration": 0.0})
            request = order._booking_request_rebook(
                self.partner_a, {"requested_start": NOW + timedelta(days=9)}, "portal"
            )
            self.assertEqual(request.requested_stop - request.requested_start, timedelta(hours=1))
