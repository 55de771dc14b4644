from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

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
        """A second request while one is pending is refused with its name."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                first = self.cancel(booking)
                with self.assertRaisesRegex(UserError, first.name):
                    self.change(booking, NOW + timedelta(days=3))
                self.assertEqual(booking.booking_request_ids, first)

    def test_company_switches(self):
        """Self-service turned off in settings refuses the portal, not the backend."""
        self.company.write({"booking_portal_cancel": False, "booking_portal_change": False})
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaisesRegex(UserError, "Online cancellation is not offered"):
                    self.cancel(booking)
                with self.assertRaisesRegex(UserError, "Online changes are not offered"):
                    self.change(booking, NOW + timedelta(days=6))
                self.assertEqual(self.cancel(booking, channel="backend").state, "approved")

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

    def test_change_input_rules(self):
        """A change is in the future, ends after it starts and names a service we sell."""
        not_sold = self.env["product.product"].create(
            {"name": "Internal", "type": "service", "sale_ok": False}
        )
        goods = self.env["product.product"].create({"name": "Leash", "type": "consu", "sale_ok": True})
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaisesRegex(UserError, "in the future"):
                    self.change(booking, NOW - timedelta(hours=1))
                with self.assertRaisesRegex(UserError, "end must come after"):
                    self.change(booking, NOW + timedelta(days=6), hours=-1)
                for product in (not_sold, goods):
                    with self.assertRaisesRegex(UserError, "services we offer"):
                        self.change(booking, NOW + timedelta(days=6), requested_product_id=product.id)
                with self.assertRaisesRegex(UserError, "what to change"):
                    booking._booking_request_change(self.partner_a, {}, "portal")
                self.assertFalse(booking.booking_request_ids)

    def test_only_the_customer_may_ask(self):
        """Another customer is refused with an AccessError."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(days=5)):
                with self.assertRaises(AccessError):
                    self.cancel(booking, partner=self.partner_b)

    def test_quote_tells_window_and_fee(self):
        """What the portal shows before confirming: window and exact fee."""
        with freeze_time(NOW):
            visit, order = self.bookings(NOW + timedelta(hours=30))
            for booking in (visit, order):
                quote = booking._booking_quote("cancel")
                self.assertEqual(quote["window"], "review")
                self.assertEqual(quote["fee"], 20.0)
            self.assertEqual(order._booking_quote("cancel", None)["currency"], order.currency_id)
