"""The customer's schedule: calendar, free times, the dialog in place, time blocks, counter-offers."""

import json
from datetime import datetime, timedelta
from unittest.mock import patch

import pytz

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..controllers import schedule
from .test_portal import BookingHttpCase

BRUSSELS = pytz.timezone("Europe/Brussels")


def local(day, hour, minute=0):
    """Naive UTC of ``hour:minute`` on ``day`` in Brussels."""
    naive = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    return BRUSSELS.localize(naive).astimezone(pytz.utc).replace(tzinfo=None)


class ScheduleCase(BookingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hours = cls.env["resource.calendar"].create(
            {
                "name": "Every day 8-18",
                "tz": "Europe/Brussels",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 8, "hour_to": 18}
                    )
                    for day in range(7)
                ],
            }
        )
        cls.company.resource_calendar_id = cls.hours
        cls.organizer.tz = "Europe/Brussels"
        cls.day = (datetime.now(BRUSSELS) + timedelta(days=8)).date()

    def slots(self, booking, day=None, duration=None, params=None):
        query = {"date": (day or self.day).isoformat(), **(params or {})}
        if duration:
            query["duration"] = duration
        response = self.url_open(
            self.url(booking, "/slots?" + "&".join(f"{k}={v}" for k, v in query.items()))
        )
        return response


@tagged("post_install", "-at_install")
class TestFreeTimes(ScheduleCase):
    def test_free_times_skip_busy_and_closed_hours(self):
        """The day's free times: the worker's working hours less their other bookings, with decisions."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.make_order(local(self.day, 11), partner=self.partner_b, workers=self.worker_2)  # 11:00-12:00
        self.login(self.customer_a)
        response = self.slots(visit, duration="1")
        self.assertEqual(response.status_code, 200)
        data = json.loads(response.text)
        self.assertEqual(data["timezone"], "Europe/Brussels")
        starts = [slot["start"][11:] for slot in data["slots"]]
        self.assertEqual(starts[0], "08:00")
        self.assertEqual(starts[-1], "17:00", "ends within the working day")
        for busy in ("10:30", "11:00", "11:30"):
            self.assertNotIn(busy, starts, "overlaps the worker's order")
        self.assertIn("12:00", starts)
        self.assertEqual({slot["outcome"] for slot in data["slots"]}, {"free"})
        self.assertTrue(all(slot["start"].startswith(self.day.isoformat()) for slot in data["slots"]))

    def test_every_worker_must_be_working(self):
        """Two workers: only the hours both work; a worker's leave takes hours away."""
        part_time = self.env["resource.calendar"].create(
            {
                "name": "Afternoons",
                "tz": "Europe/Brussels",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 13, "hour_to": 18}
                    )
                    for day in range(7)
                ],
            }
        )
        self.env["resource.resource"].create(
            {
                "name": "Victor",
                "user_id": self.worker_2.id,
                "calendar_id": part_time.id,
                "tz": "Europe/Brussels",
            }
        )
        visit = self.make_visit(self.far, workers=self.worker | self.worker_2)
        self.login(self.customer_a)
        starts = [slot["start"][11:] for slot in json.loads(self.slots(visit, duration="2").text)["slots"]]
        self.assertEqual(starts, ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"])

    def test_review_when_the_duration_changes(self):
        """A longer booking at a free time is sent for review, and says so."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.login(self.customer_a)
        data = json.loads(self.slots(visit, duration="3").text)
        self.assertTrue(data["slots"])
        self.assertEqual({slot["outcome"] for slot in data["slots"]}, {"review"})
        self.assertEqual(data["slots"][0]["label"], "sent for review")

    def test_link_holder_and_refusals(self):
        """A link holder gets the times in their time zone; another customer 404; bad input 400."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        link = self.link_params(visit, self.partner_a)
        self.logout()
        self.assertEqual(self.slots(visit, params=link).status_code, 200)
        self.assertEqual(self.slots(visit).status_code, 404, "no link, no login")
        self.login(self.customer_b)
        self.assertEqual(self.slots(visit).status_code, 404)
        self.login(self.customer_a)
        for query in (
            "date=tomorrow",
            "date=2026-02-30",
            "",
            "date=2026-06-01&duration=abc",
            "date=2026-06-01&duration=400",
            "date=2026-06-01&type=cancel",
        ):
            with self.subTest(query=query):
                self.assertEqual(self.url_open(self.url(visit, f"/slots?{query}")).status_code, 400)

    def test_slots_queries_do_not_grow_with_bookings(self):
        """Free times with three workers: the same number of queries over 2 or 30 other bookings."""
        workers = self.worker | self.worker_2 | self.reviewer
        visit = self.make_visit(self.far, workers=workers)
        self.login(self.customer_a)

        def count():
            self.slots(visit, duration="1")
            before = self.cr.sql_log_count
            self.assertEqual(self.slots(visit, duration="1").status_code, 200)
            return self.cr.sql_log_count - before

        for hour in (9, 14):
            self.make_visit(local(self.day, hour), partner=self.partner_b, workers=workers)
        small = count()
        for index in range(28):  # on the other days around it: the same free times that day
            day = self.day + timedelta(days=index % 7 + 1)
            self.make_visit(local(day, 8 + index % 9), partner=self.partner_b, workers=workers)
        self.assertEqual(count(), small)


@tagged("post_install", "-at_install")
class TestCalendarPage(ScheduleCase):
    def test_month_and_week(self):
        """The month and the week of a date: the customer's bookings of that period, pending ones marked."""
        mine = self.make_visit(local(self.day, 9))
        pending = self.make_order(local(self.day, 15), workers=self.worker_2)
        self.company.booking_cancel_auto_approve = "never"
        self.cancel(pending)
        theirs = self.make_visit(local(self.day, 10), partner=self.partner_b)
        next_month = self.make_visit(local(self.day + timedelta(days=45), 9))
        self.login(self.customer_a)
        for mode in ("month", "week"):
            with self.subTest(mode=mode):
                response = self.url_open(f"/my/bookings/calendar?date={self.day.isoformat()}&mode={mode}")
                self.assertEqual(response.status_code, 200)
                html = response.text
                self.assertIn(f'data-booking="visit-{mine.id}"', html)
                self.assertIn(f'data-booking="order-{pending.id}"', html)
                self.assertNotIn(f'data-booking="visit-{theirs.id}"', html)
                self.assertNotIn(f'data-booking="visit-{next_month.id}"', html)
                self.assertIn("o_booking_pending", html)
                self.assertIn("o_booking_agenda", html, "an agenda for phones")
                self.assertIn(
                    f"/my/bookings/visit/{mine.id}/dialog", html, "a pencil opens the dialog in place"
                )
        self.assertIn("/my/bookings/calendar", self.url_open("/my/bookings").text, "the list links to it")

    def test_busy_day_shows_a_few_and_more(self):
        """A busy day's cell shows three bookings and "+2 more", leading to the day in the list (all five)."""
        visits = [self.make_visit(local(self.day, 8 + hour)) for hour in range(5)]
        self.login(self.customer_a)
        html = self.url_open(f"/my/bookings/calendar?date={self.day.isoformat()}").text
        grid, agenda = html.split("o_booking_agenda o_booking_calendar_list", 1)
        self.assertEqual(grid.count("o_booking_calendar_entry"), 3)
        self.assertIn(f'href="#booking_day_{self.day.isoformat()}"', grid)
        self.assertIn("+2 more", " ".join(grid.split()))
        self.assertIn(f'id="booking_day_{self.day.isoformat()}"', agenda)
        for visit in visits:
            self.assertIn(f'data-booking="visit-{visit.id}"', agenda)
        week = self.url_open(f"/my/bookings/calendar?date={self.day.isoformat()}&mode=week").text
        self.assertEqual(
            week.split("o_booking_agenda o_booking_calendar_list", 1)[0].count("o_booking_calendar_entry"), 5
        )

    def test_busy_month_lists_the_first_then_week_by_week(self):
        """A month's list stops at its limit; the rest, and a later busy day's "+N more", lead to its week."""
        other = self.day + timedelta(days=1)
        if other.month != self.day.month:
            other = self.day - timedelta(days=1)
        early, late = sorted((self.day, other))
        first = [self.make_visit(local(early, 8 + hour)) for hour in range(5)]
        rest = [self.make_visit(local(late, 8 + hour)) for hour in range(4)]
        self.login(self.customer_a)
        with patch.dict(schedule.LIST_LIMIT, month=5):
            html = self.url_open(f"/my/bookings/calendar?date={self.day.isoformat()}").text
        grid, agenda = html.split("o_booking_agenda o_booking_calendar_list", 1)
        week_url = f"/my/bookings/calendar?date={late.isoformat()}&amp;mode=week"
        self.assertEqual(grid.count("o_booking_calendar_entry"), 6)
        self.assertIn(f'href="#booking_day_{early.isoformat()}"', grid)
        self.assertIn(f'href="{week_url}"', grid, "the unlisted day's +1 more leads to its week")
        for visit in first:
            self.assertIn(f'data-booking="visit-{visit.id}"', agenda)
        for visit in rest:
            self.assertNotIn(f'data-booking="visit-{visit.id}"', agenda)
        self.assertNotIn(f'id="booking_day_{late.isoformat()}"', agenda)
        self.assertIn("4 more bookings this month", " ".join(agenda.split()))
        self.assertIn(f'href="{week_url}"', agenda)
        week = self.url_open(week_url.replace("&amp;", "&")).text
        week = week.split("o_booking_agenda o_booking_calendar_list")[1]
        for visit in rest:
            self.assertIn(f'data-booking="visit-{visit.id}"', week)

    def test_any_input_is_answered(self):
        """Bad dates and modes fall back to today's month; no time zone is fine; a visitor must log in."""
        self.login(self.customer_a)
        for query in ("", "?date=nope", "?date=2026-13-40&mode=year", "?mode=week", "?date=1999-01-01"):
            with self.subTest(query=query):
                self.assertEqual(self.url_open(f"/my/bookings/calendar{query}").status_code, 200)
        self.partner_a.tz = False
        self.assertEqual(self.url_open("/my/bookings/calendar").status_code, 200)
        self.logout()
        self.assertEqual(self.url_open("/my/bookings/calendar", allow_redirects=False).status_code, 303)

    def test_calendar_queries_constant(self):
        """/my/bookings/calendar: the same query count for 4 and for 40 bookings in the month."""
        self.company.booking_change_auto_approve = "never"
        self.login(self.customer_a)
        url = f"/my/bookings/calendar?date={self.day.isoformat()}"

        def add(count, offset):
            for index in range(count):
                start = local(self.day, 8) + timedelta(days=(index % 5) - 2, hours=(index + offset) % 9)
                booking = (self.make_visit if index % 2 else self.make_order)(start, workers=self.worker_2)
                if index % 4 == 0:
                    self.change(booking, start + timedelta(days=20), requested_note="pending")

        def queries():
            self.url_open(url)
            with patch("random.random", lambda: 1):
                before = self.cr.sql_log_count
                self.assertEqual(self.url_open(url).status_code, 200)
                return self.cr.sql_log_count - before

        add(4, 0)
        small = queries()
        add(36, 4)
        self.assertEqual(queries(), small)

    def test_dialog_in_place(self):
        """The pencil's dialog: the same forms as the booking page; another customer's is 404."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        response = self.url_open(self.url(visit, "/dialog"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_booking_change_form", response.text)
        self.assertIn("o_booking_dialog_root", response.text)
        self.login(self.customer_b)
        self.assertEqual(self.url_open(self.url(visit, "/dialog")).status_code, 404)

    def test_get_routes_stay_on_a_read_only_cursor(self):
        """Every GET route runs read-only: none falls back to a read/write cursor (replica-ready)."""
        visit = self.make_visit(self.far)
        order = self.make_order(self.far, workers=self.worker_2)
        link = self.link_params(order, self.partner_a)
        self.login(self.customer_a)
        urls = [
            "/my/bookings",
            "/my/bookings/page/1",
            f"/my/bookings/calendar?date={self.day.isoformat()}",
            self.url(visit),
            self.url(visit, "?action=change"),
            self.url(visit, f"/slots?date={self.day.isoformat()}"),
            self.url(visit, f"/decision?type=change&requested_start={self.local_input(self.at(24 * 9))}"),
            self.url(visit, "/dialog"),
        ]
        with self.assertNoLogs("odoo.http", "WARNING"):
            for url in urls:
                self.assertEqual(self.url_open(url).status_code, 200, url)
            self.logout()
            query = "&".join(f"{k}={v}" for k, v in link.items())
            self.assertEqual(self.url_open(self.url(order, f"?{query}&action=cancel")).status_code, 200)


@tagged("post_install", "-at_install")
class TestTimeBlocksAndProposals(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.morning = cls.env["booking.time.block"].create(
            {"name": "Morning", "hour_from": 8, "hour_to": 12, "company_id": cls.company.id}
        )

    def test_time_block_goes_to_review_then_approved_at_a_time(self):
        """A time block on a date: pending at its bounds; the reviewer approves an exact time within it."""
        self.company.booking_change_auto_approve = "always"
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.login(self.customer_a)
        data = {
            "requested_date": self.day.isoformat(),
            "time_block_id": self.morning.id,
            "requested_note": "",
        }
        response = self.post(self.url(visit, "/change"), data)
        self.assertEqual(response.status_code, 303)
        request = visit.booking_request_ids
        self.assertRecordValues(
            request,
            [
                {
                    "state": "pending",
                    "requested_time_block_id": self.morning.id,
                    "requested_start": local(self.day, 8),
                    "requested_stop": local(self.day, 12),
                }
            ],
        )
        with self.assertRaises(ValidationError):
            request.with_user(self.reviewer)._approve_at(local(self.day, 13), local(self.day, 14))
        self.approve_block_at(request, local(self.day, 9, 30))
        self.assertEqual(request.state, "approved")
        self.assertEqual((visit.start, visit.stop), (local(self.day, 9, 30), local(self.day, 10, 30)))

    def test_unknown_or_foreign_time_block(self):
        """A time block of another company, or none, is refused with 400."""
        other_company, _reviewer = self.make_other_company()
        theirs = self.env["booking.time.block"].create(
            {"name": "Theirs", "hour_from": 8, "hour_to": 12, "company_id": other_company.id}
        )
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        for block in (theirs.id, 999999, "x"):
            data = {"requested_date": self.day.isoformat(), "time_block_id": block}
            self.assertEqual(self.post(self.url(visit, "/change"), data).status_code, 400)
        self.assertFalse(visit.booking_request_ids)

    def propose(self, booking, hours=(14, 16)):
        self.company.booking_change_auto_approve = "never"
        request = self.change(booking, local(self.day, 9))
        times = [(local(self.day, hour), local(self.day, hour + 1)) for hour in hours]
        request.with_user(self.reviewer).action_propose(times)
        return request

    def test_proposals_emailed_and_accepted_by_link(self):
        """Two times proposed: one link per time by email; the link holder accepts one; workers told."""
        bookings = (
            self.make_visit(self.far, workers=self.worker_2),
            self.make_order(self.far, workers=self.worker_2),
        )
        for booking, hours in zip(bookings, ((14, 16), (13, 15)), strict=True):
            request = self.propose(booking, hours)
            self.assertEqual(request.state, "pending")
            self.assertEqual(len(request.proposal_ids), 2)
            email = request.message_ids.filtered(lambda m: "Other times" in (m.subject or ""))
            self.assertEqual(email.body.count("proposal="), 2)
            link = self.link_params(booking, self.partner_a)
            self.logout()
            page = self.url_open(self.url(booking, "?" + "&".join(f"{k}={v}" for k, v in link.items())))
            self.assertEqual(page.text.count("o_booking_accept"), 2)
            chosen = request.proposal_ids.sorted("start")[1]
            response = self.post(
                f"/my/booking-requests/{request.id}/accept", {**link, "proposal_id": chosen.id}
            )
            self.assertEqual(
                response.status_code, 303, response.text[response.text.find("o_booking_error") :][:300]
            )
            self.assertRecordValues(
                request, [{"state": "approved", "requested_start": local(self.day, hours[1])}]
            )
            self.assertEqual(booking._booking_start(), local(self.day, hours[1]))
            self.assertFalse(request.proposal_ids, "proposals end with their request")
            self.assertEqual(
                self.post(
                    f"/my/booking-requests/{request.id}/accept", {**link, "proposal_id": chosen.id}
                ).status_code,
                404,
            )

    def test_accept_refusals(self):
        """Foreign or unknown proposals, another customer, a bad id, a GET: 4xx, nothing changes."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        other = self.make_visit(self.at(24 * 7), workers=self.worker)
        request = self.propose(visit)
        other_request = self.propose(other, hours=(15,))
        self.login(self.customer_b)
        self.assertEqual(
            self.post(
                f"/my/booking-requests/{request.id}/accept", {"proposal_id": request.proposal_ids[0].id}
            ).status_code,
            404,
        )
        self.login(self.customer_a)
        url = f"/my/booking-requests/{request.id}/accept"
        self.assertEqual(self.post(url, {"proposal_id": other_request.proposal_ids.id}).status_code, 404)
        self.assertEqual(self.post(url, {"proposal_id": "999999"}).status_code, 404)
        self.assertEqual(self.post(url, {"proposal_id": "abc"}).status_code, 400)
        self.assertEqual(self.post(url, {}).status_code, 400)
        self.assertEqual(self.url_open(url).status_code, 405)
        self.assertEqual(request.state, "pending")

    def test_proposals_die_with_their_request(self):
        """Withdrawn, denied or expired: the proposals go with the request."""
        requests = [
            self.propose(self.make_visit(self.far + timedelta(days=d), workers=self.worker_2))
            for d in range(3)
        ]
        requests[0].with_user(self.customer_a).action_withdraw()
        requests[1].with_user(self.reviewer).action_deny(note="no")
        requests[2]._expire("started")
        for request in requests:
            self.assertFalse(request.proposal_ids)

    def test_propose_rules(self):
        """One to three future times, for a change; reviewers only."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.company.booking_change_auto_approve = "never"
        request = self.change(visit, local(self.day, 9))
        slot = (local(self.day, 14), local(self.day, 15))
        with self.assertRaises(ValidationError):
            request.with_user(self.reviewer).action_propose([slot] * 4)
        with self.assertRaises(ValidationError):
            request.with_user(self.reviewer).action_propose([(self.at(-2), self.at(-1))])
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            request.with_user(self.worker).action_propose([slot])
        self.assertFalse(request.proposal_ids)
