"""One answer everywhere: the dialog, the page, the email links and the engine agree."""

import json
from datetime import datetime, time, timedelta

import pytz

from odoo import Command
from odoo.tests import tagged

from .test_portal import BookingHttpCase

BRUSSELS = pytz.timezone("Europe/Brussels")


def next_weekday(weekday, days_ahead):
    """The first date ``days_ahead`` days from today or later that falls on ``weekday`` (0: Monday)."""
    day = datetime.now(BRUSSELS).date() + timedelta(days=days_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day, hour):
    """``hour`` o'clock on ``day`` in Brussels: (what a form sends, the UTC it means)."""
    local = datetime.combine(day, time(hour))
    utc = BRUSSELS.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
    return local.strftime("%Y-%m-%dT%H:%M"), utc


@tagged("post_install", "-at_install")
class TestOneAnswer(BookingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the workers work Monday to Friday, 8 to 17, in Brussels
        cls.company.resource_calendar_id = cls.make_hours("Office hours", 8, 17, days=range(5))
        cls.company.write({"booking_change_auto_approve": "always", "booking_cancel_auto_approve": "always"})
        cls.organizer.tz = "Europe/Brussels"
        cls.tuesday = next_weekday(1, 9)
        cls.saturday = next_weekday(5, 9)

    def visit(self):
        return self.make_visit(datetime.combine(next_weekday(0, 8), time(9)))  # a Monday, 10:00 in Brussels

    def dialog(self, booking, request_type, start=None):
        """What the dialog is told (the read-only /decision route), logged in as the customer."""
        query = f"?type={request_type}" + (f"&requested_start={start}" if start else "")
        return json.loads(self.url_open(self.url(booking, "/decision" + query)).text)

    def told_workers(self, booking):
        return self.env["mail.message"].search_count(
            [
                ("model", "=", booking._name),
                ("res_id", "=", booking.id),
                ("message_type", "=", "user_notification"),
            ]
        )

    def assertOneAnswer(self, booking, request_type, start, outcome, words):
        """The dialog and the engine say the same; the page offers the form, or says why not."""
        answer = self.dialog(booking, request_type, start)
        self.assertEqual(answer["outcome"], outcome, answer["message"])
        self.assertIn(words, answer["message"])
        response = self.post(self.url(booking, f"/{request_type}"), {"requested_start": start, "reason": "x"})
        if outcome == "closed":
            self.assertEqual(response.status_code, 409)
            self.assertIn(words, response.text)
        else:
            self.assertEqual(response.status_code, 303)
            booking.invalidate_recordset()
            self.assertEqual(
                booking.booking_request_ids[:1].state, "pending" if outcome == "review" else "approved"
            )
        return response

    def test_three_in_the_morning_goes_to_review(self):
        """A move to 03:00, when nobody works: sent for review, the worker not told yet."""
        booking = self.visit()
        self.login(self.customer_a)
        typed, _utc = at(self.tuesday, 3)
        self.assertOneAnswer(booking, "change", typed, "review", "do not work at that time")
        request = booking.booking_request_ids
        self.assertEqual(request.outcome, "review")
        self.assertIn("do not work at that time", request.decision_message)
        self.assertEqual(self.told_workers(booking), 0, "nothing changed for the worker yet")
        typed, utc = at(self.tuesday, 10)  # a working hour: confirmed at once
        other = self.visit()
        self.assertOneAnswer(other, "change", typed, "free", "confirmed at once")
        self.assertEqual(other.start, utc)

    def test_saturday_has_no_free_time_and_says_so(self):
        """No free time on a Saturday, and the decision for Saturday 10:00 agrees: review, not at once."""
        booking = self.visit()
        self.login(self.customer_a)
        slots = json.loads(
            self.url_open(self.url(booking, f"/slots?date={self.saturday.isoformat()}&duration=1")).text
        )
        self.assertEqual(slots["slots"], [])
        weekday = json.loads(
            self.url_open(self.url(booking, f"/slots?date={self.tuesday.isoformat()}&duration=1")).text
        )
        self.assertTrue(weekday["slots"])
        self.assertEqual({slot["outcome"] for slot in weekday["slots"]}, {"free"})
        typed, _utc = at(self.saturday, 10)
        self.assertOneAnswer(booking, "change", typed, "review", "do not work at that time")

    def test_a_pending_request_closes_the_others(self):
        """With a request waiting: the dialog, the page and the engine all say so, theirs or another's."""
        booking = self.visit()
        booking.partner_ids = [Command.link(self.partner_b.id)]
        self.login(self.customer_a)
        typed, _utc = at(self.tuesday, 3)
        self.post(self.url(booking, "/change"), {"requested_start": typed})
        self.assertEqual(booking.booking_pending_request_id.partner_id, self.partner_a)
        for request_type in ("cancel", "change"):
            self.assertOneAnswer(booking, request_type, None, "closed", "still waiting for an answer")
        page = self.url_open(self.url(booking)).text
        self.assertNotIn("o_booking_make_changes", page)
        self.login(self.customer_b)
        self.assertOneAnswer(booking, "cancel", None, "closed", "Another attendee's request")
        page = self.url_open(self.url(booking)).text
        self.assertIn("Another attendee", page)
        self.assertNotIn("o_booking_make_changes", page)

    def test_a_reached_limit_is_said_by_the_page_and_the_email_link(self):
        """Past the number of changes: the email's change link lands on the reason, not a cancel form."""
        self.company.booking_change_limit = 1
        booking = self.visit()
        self.login(self.customer_a)
        typed, _utc = at(self.tuesday, 10)
        self.assertOneAnswer(booking, "change", typed, "free", "confirmed at once")
        typed, _utc = at(self.tuesday, 14)
        self.assertOneAnswer(booking, "change", typed, "closed", "already changed 1 times")
        self.assertNotIn("action=change", booking._booking_email_links(self.partner_a))
        self.assertIn("action=cancel", booking._booking_email_links(self.partner_a))
        link = self.link_query(booking, self.partner_a)
        self.logout()
        page = self.url_open(self.url(booking, f"{link}&action=change")).text
        self.assertIn("o_booking_action_closed", page)
        self.assertIn("already changed 1 times", page)
        self.assertNotIn('data-booking-action="change"', page)

    def test_book_again_counts_as_a_move_and_stays_near(self):
        """Cancel then book again: past the horizon or the limit, refused as a change would be."""
        self.company.booking_change_horizon_days = 60
        booking = self.visit()
        self.login(self.customer_a)
        self.assertEqual(self.post(self.url(booking, "/cancel"), {}).status_code, 303)
        far_day = next_weekday(1, 200)
        typed, _utc = at(far_day, 10)
        self.assertOneAnswer(booking, "rebook", typed, "closed", "up to 60 days from its first date")
        self.company.booking_change_limit = 1
        typed, _utc = at(self.tuesday, 10)
        self.assertOneAnswer(booking, "rebook", typed, "free", "confirmed again at once")
        self.assertEqual(self.post(self.url(booking, "/cancel"), {}).status_code, 303)
        self.assertOneAnswer(booking, "rebook", typed, "closed", "already changed 1 times")

    def test_a_meeting_with_a_customer_is_not_a_booking(self):
        """No service, no worker: not listed, no page, no links, no request: one rule everywhere."""
        meeting = self.env["calendar.event"].create(
            {
                "name": "Coffee",
                "start": datetime.combine(self.tuesday, time(9)),
                "stop": datetime.combine(self.tuesday, time(10)),
                "user_id": self.organizer.id,
                "partner_ids": [Command.set([self.partner_a.id, self.organizer.partner_id.id])],
            }
        )
        self.login(self.customer_a)
        self.assertNotIn(f'data-booking="visit-{meeting.id}"', self.url_open("/my/bookings").text)
        self.assertEqual(self.url_open(self.url(meeting)).status_code, 404)
        self.assertEqual(self.post(self.url(meeting, "/cancel"), {}).status_code, 404)
        self.assertFalse(meeting._booking_email_links(self.partner_a))
        self.assertFalse(meeting.booking_request_ids)
