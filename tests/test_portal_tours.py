from datetime import datetime, time, timedelta

import pytz

from odoo.tests import tagged

from .test_portal import BookingHttpCase


class BookingTours:
    """The customer's flows, walked in headless Chromium (run at two widths below)."""

    def test_cancel_from_page(self):
        """Cancel from the booking page through the dialog."""
        visit = self.make_visit(self.far)
        self.start_tour(self.url(visit), "booking_cancel_from_page", login=self.customer_a.login)
        self.assertTrue(visit.booking_cancelled)
        self.assertEqual(visit.booking_request_ids.reason_id, self.reason)

    def test_request_change(self):
        """Ask for another time and service; it waits for review."""
        self.company.booking_change_auto_approve = "never"
        order = self.make_order(self.far)
        self.start_tour(self.url(order), "booking_request_change", login=self.customer_a.login)
        request = order.booking_request_ids
        self.assertRecordValues(request, [{"state": "pending", "requested_product_id": self.grooming.id}])
        self.assertTrue(request.requested_start)

    def test_bulk_cancel(self):
        """Select all, see each outcome and fee, confirm, and both are cancelled with one reason."""
        self.company.booking_cancel_auto_approve = "always"
        self.company.booking_fee_rule_ids = [
            (0, 0, {"hours_before": 48.0, "fee_type": "fixed", "amount": 9.0})
        ]
        visit, order = self.make_visit(self.at(24 * 5)), self.make_order(self.at(30), workers=self.worker_2)
        self.start_tour("/my/bookings", "booking_bulk_cancel", login=self.customer_a.login)
        self.assertTrue(visit.booking_cancelled)
        self.assertEqual(order.state, "cancel")
        requests = visit.booking_request_ids | order.booking_request_ids
        self.assertEqual(requests.mapped("reason"), ["Moving house"] * 2)

    def test_outcome_follows_the_time_picked(self):
        """The dialog asks again as the time changes: review when busy, confirmed at once when free."""
        self.company.booking_change_auto_approve = "always"
        visit = self.make_visit(self.far, workers=self.worker_2)
        busy = datetime.combine((datetime.now() + timedelta(days=8)).date(), time(10))
        brussels = pytz.timezone("Europe/Brussels")
        busy_utc = brussels.localize(busy).astimezone(pytz.utc).replace(tzinfo=None)
        self.make_visit(busy_utc - timedelta(minutes=30), partner=self.partner_b, workers=self.worker_2)
        self.start_tour(self.url(visit), "booking_change_outcome_live", login=self.customer_a.login)
        free = brussels.localize(busy + timedelta(days=1)).astimezone(pytz.utc).replace(tzinfo=None)
        self.assertEqual(visit.start, free)
        self.assertRecordValues(visit.booking_request_ids, [{"state": "approved", "auto_approved": True}])

    def test_calendar_pick_a_free_time(self):
        """From the calendar: the pencil, a free time shown as confirmed at once, and the booking moves."""
        self.company.booking_change_auto_approve = "always"
        self.company.resource_calendar_id = self.env["resource.calendar"].create(
            {
                "name": "Every day 8-18",
                "tz": "Europe/Brussels",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (0, 0, {"name": f"D{day}", "dayofweek": str(day), "hour_from": 8, "hour_to": 18})
                    for day in range(7)
                ],
            }
        )
        visit = self.make_visit(self.far, workers=self.worker_2)
        brussels = pytz.timezone("Europe/Brussels")
        day = pytz.utc.localize(visit.start).astimezone(brussels).date()
        self.start_tour(
            f"/my/bookings/calendar?date={day.isoformat()}",
            "booking_calendar_free_time",
            login=self.customer_a.login,
        )
        eight = brussels.localize(datetime.combine(day, time(8))).astimezone(pytz.utc).replace(tzinfo=None)
        self.assertEqual(visit.start, eight)
        self.assertRecordValues(visit.booking_request_ids, [{"state": "approved", "auto_approved": True}])

    def test_time_block_then_exact_time(self):
        """A customer asks for a morning; the reviewer approves it at 9:30 within it."""
        self.env["booking.time.block"].create({"name": "Morning", "hour_from": 8, "hour_to": 12})
        self.organizer.tz = "Europe/Brussels"
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.start_tour(self.url(visit), "booking_time_block", login=self.customer_a.login)
        request = visit.booking_request_ids
        self.assertEqual(request.state, "pending")
        brussels = pytz.timezone("Europe/Brussels")
        day = pytz.utc.localize(request.requested_start).astimezone(brussels).date()
        half_past_nine = (
            brussels.localize(datetime.combine(day, time(9, 30))).astimezone(pytz.utc).replace(tzinfo=None)
        )
        self.approve_block_at(request, half_past_nine)
        self.assertEqual((request.state, visit.start), ("approved", half_past_nine))

    def test_accept_a_proposed_time_from_the_email(self):
        """A reviewer proposes two times; the customer accepts one from the email's link, logged out."""
        self.company.booking_change_auto_approve = "never"
        order = self.make_order(self.far, workers=self.worker_2)
        request = self.change(order, self.at(24 * 8))
        times = [(self.at(24 * 9), self.at(24 * 9 + 1)), (self.at(24 * 10), self.at(24 * 10 + 1))]
        request.with_user(self.reviewer).action_propose(times)
        second = request.proposal_ids.sorted("start")[1]
        url = self.url(order, self.link_query(order, self.partner_a) + f"&proposal={second.id}")
        self.start_tour(url, "booking_accept_proposal", login=None)
        self.assertEqual((request.state, order.commitment_date), ("approved", times[1][0]))

    def test_email_link_logged_out(self):
        """Open the email link logged out; the dialog opens; cancel."""
        order = self.make_order(self.far)
        url = self.url(order, self.link_query(order, self.partner_a) + "&action=cancel")
        self.start_tour(url, "booking_email_link_cancel", login=None)
        self.assertEqual(order.state, "cancel")
        self.assertRecordValues(order.booking_request_ids, [{"channel": "email"}])


@tagged("post_install", "-at_install")
class TestToursDesktop(BookingTours, BookingHttpCase):
    allow_inherited_tests_method = True
    browser_size = "1366x768"


@tagged("post_install", "-at_install")
class TestToursPhone(BookingTours, BookingHttpCase):
    allow_inherited_tests_method = True
    browser_size = "375x667"
    touch_enabled = True
