from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import models

from ..tools.compat import Intervals

SLOT_STEP = timedelta(minutes=30)


def to_utc(intervals):
    """Aware intervals of any zone as aware UTC ones (set operations need one zone)."""
    return Intervals(
        (start.astimezone(pytz.utc), stop.astimezone(pytz.utc), recs) for start, stop, recs in intervals
    )


class BookingSchedule(models.AbstractModel):
    """Availability, one computation: the workers' working hours (less leaves) less their other
    bookings. The free times of a day, the decision, the reviewer's conflicts and a staff move
    all read it."""

    _inherit = "booking.request.mixin"

    def _booking_free_slots(self, day, hours, tz_name, request_type="change"):
        """[(start, stop, decision)] in naive UTC: the times of ``day`` (a date in ``tz_name``) when
        every assigned worker is working and free for ``hours``, each with the decision a request
        for it would get (times the policy closes are left out)."""
        self.ensure_one()
        tz = pytz.timezone(tz_name)
        day_start = tz.localize(datetime.combine(day, time.min))
        day_stop = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        free = self._booking_working_intervals(day_start, day_stop) - self._booking_busy_intervals(
            day_start, day_stop
        )
        length = timedelta(hours=hours)
        slots = []
        for start, stop, _records in free:
            local = start.astimezone(tz)
            # on the half hour, as people book
            offset = (local - local.replace(minute=0, second=0, microsecond=0)) % SLOT_STEP
            candidate = start + ((SLOT_STEP - offset) % SLOT_STEP)
            while candidate + length <= stop:
                naive = candidate.astimezone(pytz.utc).replace(tzinfo=None)
                values = {"requested_start": naive, "requested_stop": naive + length}
                decision = self._booking_decision(request_type, values, available=True)
                if not decision.closed:
                    slots.append((naive, naive + length, decision))
                candidate += SLOT_STEP
        return slots

    def _booking_availability(self, start, stop):
        """(whether the workers all work during [start, stop), their other bookings then) in naive UTC."""
        self.ensure_one()
        aware_start, aware_stop = pytz.utc.localize(start), pytz.utc.localize(stop)
        worked = sum(
            (b - a for a, b, _recs in self._booking_working_intervals(aware_start, aware_stop)), timedelta()
        )
        return worked >= stop - start, self._booking_worker_conflicts(start, stop)

    def _booking_working_intervals(self, start, stop):
        """When every worker works between the aware ``start`` and ``stop`` (their working hours,
        less their leaves); the company's hours when nobody is assigned."""
        company = self._booking_company()
        result = Intervals(
            [(start.astimezone(pytz.utc), stop.astimezone(pytz.utc), self.env["resource.calendar"])]
        )
        workers = self.booking_worker_ids.sudo()
        if not workers:
            calendar = company.resource_calendar_id
            return result & to_utc(calendar._work_intervals_batch(start, stop)[False]) if calendar else result
        # one computation per working calendar, for all the workers who follow it
        by_calendar = defaultdict(lambda: [self.env["resource.resource"], False])
        for worker in workers:
            resource = worker.resource_ids.filtered(
                lambda r: r.company_id in (company, r.company_id.browse())
            )[:1]
            calendar = resource.calendar_id or company.resource_calendar_id
            if not calendar:
                continue  # no working hours known: any time
            if resource:
                by_calendar[calendar][0] |= resource
            else:
                by_calendar[calendar][1] = True
        for calendar, (resources, without_resource) in by_calendar.items():
            intervals = calendar._work_intervals_batch(start, stop, resources=resources or None)
            for key in resources.ids + ([False] if without_resource else []):
                result &= to_utc(intervals[key])
        return result

    def _booking_busy_intervals(self, start, stop):
        """When any worker is taken by another booking, of any kind, between ``start`` and ``stop``."""
        workers = self.booking_worker_ids
        if not workers:
            return Intervals()
        naive_start = start.astimezone(pytz.utc).replace(tzinfo=None)
        naive_stop = stop.astimezone(pytz.utc).replace(tzinfo=None)
        items = []
        for Kind, domain in self._booking_busy_domains(naive_start, naive_stop):
            fields = [Kind._booking_start_field, Kind._booking_stop_field]
            for row in Kind.search_read(domain, fields, load=None):
                busy_start, busy_stop = row[fields[0]], row[fields[1]] or row[fields[0]] + timedelta(hours=1)
                items.append(
                    (
                        pytz.utc.localize(busy_start),
                        pytz.utc.localize(busy_stop),
                        self.env["resource.calendar"],
                    )
                )
        return Intervals(items)

    def _booking_worker_conflicts(self, start, stop):
        """The other bookings of every kind where this booking's workers are busy during [start, stop)."""
        self.ensure_one()
        workers = self.booking_worker_ids
        if not workers or not start:
            return ()
        stop = stop or start + timedelta(hours=1)
        return tuple(Kind.search(domain) for Kind, domain in self._booking_busy_domains(start, stop))

    def _booking_busy_domains(self, start, stop):
        """(kind's model as superuser, domain) of the other bookings of this one's workers then."""
        for model in self._booking_models():
            Kind = self.env[model].sudo()
            domain = Kind._booking_busy_domain(self.booking_worker_ids, start, stop)
            if model == self._name:
                domain = [("id", "!=", self.id), *domain]
            yield Kind, domain
