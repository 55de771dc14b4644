"""The portal's forms: what a visitor typed, checked and read in their time zone."""

from datetime import date, datetime, time, timedelta

import pytz

from odoo.http import request

from ..tools import policy

MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids are unknown, not errors
MAX_TEXT = 2000
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATE_INPUT = "%Y-%m-%d"


def is_record_id(value):
    """Whether ``value`` can be a record's id: larger ids are unknown, not errors."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def success_message(code):
    """The text shown after the redirect of a successful POST; None for an unknown code."""
    env = request.env
    return {
        "cancel_approved": env._("Your booking is cancelled."),
        "cancel_pending": env._("Your cancellation request is sent: we will confirm it shortly."),
        "change_approved": env._("Your booking is changed."),
        "change_pending": env._("Your change request is sent: we will confirm it shortly."),
        "rebook_approved": env._("Your booking is confirmed again."),
        "rebook_pending": env._("Your request to book again is sent: we will confirm it shortly."),
        "withdrawn": env._("Your request is withdrawn; the booking stays as it was."),
        "accepted": env._("Thank you: your booking is moved to the time you accepted."),
        "undone": env._("Your cancellation is undone: your booking is back on."),
    }.get(code)


class BadInput(ValueError):
    """Malformed form input: answered with 400 and the message."""


class BookingForms:
    """Parsing the portal's forms (mixed into the portal controller)."""

    @staticmethod
    def _to_id(value):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise BadInput(request.env._("Invalid reference.")) from None
        if not is_record_id(number):
            raise BadInput(request.env._("Invalid reference."))
        return number

    @staticmethod
    def _to_page(value):
        try:
            return min(max(int(value), 1), 10**6)
        except (TypeError, ValueError):
            return 1

    def _text(self, value, label):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise BadInput(request.env._("%s must be text.", label))
        if len(value) > MAX_TEXT:
            raise BadInput(
                request.env._(
                    "%(label)s is too long (%(max)s characters at most).", label=label, max=MAX_TEXT
                )
            )
        return value.replace("\x00", "").strip()

    def _booking_cancel_values(self, form):
        values = {"reason": self._text(form.get("reason"), request.env._("The reason"))}
        if form.get("reason_id") not in (None, "", "0"):
            values["reason_id"] = self._to_id(form["reason_id"])
        return values

    def _booking_change_values(self, visitor, form, require_start=False):
        """The change form: an exact time (or a time block on a date), a duration, a service, notes."""
        values = {"requested_note": self._text(form.get("requested_note"), request.env._("The note"))}
        # a time block on a date, when asked for, wins over the exact time the form also carries
        block = self._booking_time_block(visitor, form)
        start = None if block else self._parse_local_datetime(form.get("requested_start"), visitor.tz)
        if block:
            values["requested_time_block_id"] = block[0].id
            start, stop = block[1:]
            values.update(requested_start=start, requested_stop=stop)
        elif start:
            duration = self._parse_duration(form.get("requested_duration"))
            values["requested_start"] = start
            if duration:
                values["requested_stop"] = start + timedelta(hours=duration)
        elif require_start:
            raise BadInput(request.env._("Please choose the new date and time."))
        elif (self._parse_duration(form.get("requested_duration")) or 0) not in (
            0,
            self._booking_hours(visitor.booking),
        ):
            raise BadInput(request.env._("Please choose the new start with the new duration."))
        if form.get("requested_product_id") not in (None, "", "0"):
            values["requested_product_id"] = self._to_id(form["requested_product_id"])
        return values

    def _booking_time_block(self, visitor, form):
        """(block, start, stop) for 'a time block on a date', None when the form asks for none."""
        raw_block, raw_date = form.get("time_block_id"), form.get("requested_date")
        if raw_block in (None, "", "0"):
            return None
        block = request.env["booking.time.block"].sudo().browse(self._to_id(raw_block)).exists()
        company = visitor.booking._booking_company()
        if not block or not block.active or block.company_id != company:
            raise BadInput(request.env._("Please pick one of the time blocks offered."))
        day = self._parse_date(raw_date)
        if not day:
            raise BadInput(request.env._("Please choose the date of the time block."))
        tz = pytz.timezone(visitor.booking._booking_tz())
        start = self._localize(tz, datetime.combine(day, time()) + timedelta(hours=block.hour_from))
        stop = self._localize(tz, datetime.combine(day, time()) + timedelta(hours=block.hour_to))
        return block, start, stop

    def _parse_date(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 32:
            raise BadInput(request.env._("Please enter the date as YYYY-MM-DD."))
        try:
            day = datetime.strptime(value.strip()[:10], DATE_INPUT).date()
        except ValueError:
            raise BadInput(request.env._("Please enter the date as YYYY-MM-DD.")) from None
        if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            raise BadInput(request.env._("Please enter a date between 2000 and 2100."))
        return day

    def _parse_local_datetime(self, value, tz_name):
        """'YYYY-MM-DDTHH:MM' in the visitor's time zone -> naive UTC."""
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 32:
            raise BadInput(request.env._("Please enter the date and time as YYYY-MM-DD HH:MM."))
        try:
            local = datetime.strptime(value.strip()[:16], DATETIME_INPUT)
        except ValueError:
            raise BadInput(request.env._("Please enter the date and time as YYYY-MM-DD HH:MM.")) from None
        if not 2000 <= local.year <= 2100:
            raise BadInput(request.env._("Please enter a date between 2000 and 2100."))
        return self._localize(pytz.timezone(tz_name), local)

    def _localize(self, tz, local):
        try:
            aware = tz.localize(local, is_dst=None)
        except pytz.NonExistentTimeError:
            raise BadInput(
                request.env._("That time does not exist on that day (the clocks change).")
            ) from None
        except pytz.AmbiguousTimeError:
            aware = tz.localize(local, is_dst=False)
        return aware.astimezone(pytz.utc).replace(tzinfo=None)

    def _parse_duration(self, value):
        if value in (None, ""):
            return None
        try:
            hours = float(value)
        except (TypeError, ValueError):
            raise BadInput(request.env._("The duration must be a number of hours.")) from None
        if not policy.duration_ok(hours):
            raise BadInput(request.env._("A booking lasts from 15 minutes to 14 days (336 hours)."))
        return hours

    @staticmethod
    def _booking_hours(booking):
        return round(booking._booking_duration().total_seconds() / 3600.0, 2)
