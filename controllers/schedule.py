from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz
from babel.dates import format_date, format_time

from odoo import http
from odoo.http import request
from odoo.tools import SQL
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools.refusal import BookingRefusal
from .portal import BookingPortal
from .portal_forms import DATETIME_INPUT, BadInput
from .portal_visitor import NotFound

CALENDAR_LIMIT = 500  # bookings shown on one month's grid at most
GRID_CAP = {
    "month": 3,
    "week": 8,
}  # entries in a day's cell; the rest behind "+N more", as Odoo's calendar does
LIST_LIMIT = {
    "month": 80,
    "week": CALENDAR_LIMIT,
}  # rows of the period's list: a month's as many as Odoo's portal pages, the rest week by week


class BookingSchedulePortal(BookingPortal):
    """The customer's schedule: a calendar, free times to pick, a dialog in place, counter-offers."""

    # ------------------------------------------------------------------
    # Calendar
    # ------------------------------------------------------------------

    @http.route("/my/bookings/calendar", type="http", auth="user", website=True, readonly=True)
    def portal_my_bookings_calendar(self, date=None, mode="month", **kw):
        partner = request.env.user.partner_id
        tz = self._booking_tz(partner)
        zone = pytz.timezone(tz)
        today = datetime.now(zone).date()
        try:
            day = self._parse_date(date) or today
        except BadInput:
            day = today
        mode = mode if mode in ("month", "week") else "month"
        first, last = self._calendar_period(day, mode)
        utc = [
            zone.localize(datetime.combine(d, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for d in (first, last)
        ]
        bookings = self._calendar_bookings(partner, *utc)
        layout = self._calendar_layout(bookings, zone, GRID_CAP[mode], LIST_LIMIT[mode], partner)
        days = [first + timedelta(days=n) for n in range((last - first).days)]
        formatters = self._booking_formatters(tz)
        locale = formatters["babel_locale"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "bookings_calendar",
                "viewer": partner,
                "mode": mode,
                "day": day,
                "today": today,
                "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
                "grid_cap": GRID_CAP[mode],
                "bookings": bookings,
                **layout,
                "title": self._calendar_title(day, mode, first, last, locale),
                "weekday_names": [format_date(d, "EEE", locale=locale) for d in days[:7]],
                "prev_url": self._calendar_url(self._calendar_step(day, mode, -1), mode),
                "next_url": self._calendar_url(self._calendar_step(day, mode, 1), mode),
                "today_url": self._calendar_url(today, mode),
                "mode_urls": {m: self._calendar_url(day, m) for m in ("month", "week")},
                "local_time": lambda value: format_time(
                    pytz.utc.localize(value).astimezone(zone), format="short", locale=locale
                ),
                "day_label": lambda d: format_date(d, format="full", locale=locale),
                **formatters,
            }
        )
        return self._booking_render("booking_change_request.portal_my_bookings_calendar", values)

    def _calendar_layout(self, bookings, zone, grid_cap, list_limit, viewer):
        """Bookings by local day for the grid (a few a day) and for the period's list (the first
        `list_limit`, then a link to the week of the next), and the pencils and statuses of
        those shown."""
        by_day, listed_by_day, unlisted_url = defaultdict(list), defaultdict(list), False
        for index, booking in enumerate(bookings):
            local_day = pytz.utc.localize(booking._booking_start()).astimezone(zone).date()
            by_day[local_day].append(booking)
            if index < list_limit:
                listed_by_day[local_day].append(booking)
            elif index == list_limit:
                unlisted_url = self._calendar_url(local_day, "week")
        shown = set(bookings[:list_limit]).union(*(day[:grid_cap] for day in by_day.values()))
        return {
            "by_day": by_day,
            "listed_by_day": listed_by_day,
            "unlisted_count": max(len(bookings) - list_limit, 0),
            "unlisted_url": unlisted_url,
            "pencils": {booking: booking._booking_anything_offered(viewer) for booking in shown},
            "statuses": {booking: booking._booking_portal_status(viewer) for booking in shown},
        }

    def _calendar_period(self, day, mode):
        """[first, last) days of the grid: whole weeks, Monday first."""
        if mode == "week":
            first = day - timedelta(days=day.weekday())
            return first, first + timedelta(days=7)
        month_first = day.replace(day=1)
        next_month = (month_first + timedelta(days=32)).replace(day=1)
        first = month_first - timedelta(days=month_first.weekday())
        last = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
        return first, last

    @staticmethod
    def _calendar_step(day, mode, direction):
        if mode == "week":
            return day + timedelta(days=7 * direction)
        month_first = day.replace(day=1)
        if direction > 0:
            return (month_first + timedelta(days=32)).replace(day=1)
        return (month_first - timedelta(days=1)).replace(day=1)

    @staticmethod
    def _calendar_url(day, mode):
        return f"/my/bookings/calendar?date={day.isoformat()}&mode={mode}"

    @staticmethod
    def _calendar_title(day, mode, first, last, locale):
        if mode == "month":
            return format_date(day, "LLLL y", locale=locale)
        first_text = format_date(first, "medium", locale=locale)
        return f"{first_text} – {format_date(last - timedelta(days=1), 'medium', locale=locale)}"

    def _calendar_bookings(self, partner, start, stop):
        """The customer's bookings starting in [start, stop), in order, fetched in a few queries."""
        union = self._bookings_union(partner, "all", period=(start, stop))
        request.env.cr.execute(
            SQL(
                "SELECT kind, id FROM (%s) AS bookings ORDER BY start, kind, id LIMIT %s",
                union,
                CALENDAR_LIMIT,
            )
        )
        return self._booking_records(request.env.cr.fetchall())

    # ------------------------------------------------------------------
    # The dialog in place, and free times
    # ------------------------------------------------------------------

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/dialog",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_booking_dialog(self, kind, booking_id, **kw):
        """The Make changes dialog alone: the list and the calendar open it in place."""
        try:
            visitor = self._booking_visitor(kind, booking_id, request.httprequest.args)
        except NotFound:
            return self._booking_not_found()
        values = self._prepare_booking_values(visitor, action=kw.get("action"))
        return self._booking_render("booking_change_request.booking_dialog_fragment", values)

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/slots",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_booking_slots(self, kind, booking_id, **kw):
        """The times of a day when every assigned worker is free and working, each with its decision."""
        args = request.httprequest.args
        try:
            visitor = self._booking_visitor(kind, booking_id, args)
        except NotFound:
            return self._booking_json_not_found()
        request_type = args.get("type") or "change"
        try:
            day = self._parse_date(args.get("date"))
            if not day:
                raise BadInput(request.env._("Please choose the day."))
            if request_type not in ("change", "rebook"):
                raise BadInput(request.env._("Unknown request type."))
            hours = self._parse_duration(args.get("duration")) or self._booking_hours(visitor.booking)
        except BadInput as error:
            return self._booking_json({"error": str(error)}, 400)
        if abs((day - date.today()).days) > 800:
            return self._booking_json({"timezone": visitor.tz, "slots": []})
        zone = pytz.timezone(visitor.tz)
        locale = babel_locale_parse(get_lang(request.env).code)
        slots = visitor.booking._booking_free_slots(day, hours, visitor.tz, request_type)
        labels = {
            "free": request.env._("confirmed at once"),
            "review": request.env._("sent for review"),
        }
        return self._booking_json(
            {
                "timezone": visitor.tz,
                "slots": [
                    {
                        "start": pytz.utc.localize(start).astimezone(zone).strftime(DATETIME_INPUT),
                        "stop": pytz.utc.localize(stop).astimezone(zone).strftime(DATETIME_INPUT),
                        # the time as every other time of the page shows it (9:30 AM in English)
                        "time": format_time(
                            pytz.utc.localize(start).astimezone(zone), format="short", locale=locale
                        ),
                        "outcome": decision.outcome,
                        "label": labels[decision.outcome],
                    }
                    for start, stop, decision in slots
                ],
            }
        )

    # ------------------------------------------------------------------
    # Counter-offers
    # ------------------------------------------------------------------

    @http.route(
        "/my/booking-requests/<int:request_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_request_accept(self, request_id, **kw):
        """The customer takes one of the times staff proposed: approved at that time and applied."""
        return self._booking_request_post(
            request_id, lambda req, form: req._accept_proposal(self._booking_proposal(req, form)), "accepted"
        )

    def _booking_proposal(self, req, form):
        """The proposal the form names, one of this request's (400 when malformed, 404 when not)."""
        proposal = request.env["booking.change.proposal"].sudo().browse(self._to_id(form.get("proposal_id")))
        if not proposal.exists() or proposal.request_id != req:
            raise BookingRefusal(request.env._("This time was not proposed to you."), 404)
        return proposal
