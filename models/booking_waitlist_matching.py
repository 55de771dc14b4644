from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.tools import SQL

from ..tools import waitlist

CANDIDATE_PAGE = 50  # wishes read at a time; the next page only when too many of them do not fit


class BookingWaitlistMatching(models.AbstractModel):
    """A time a booking frees (cancelled, or moved away) offered to the customers waiting for one."""

    _inherit = "booking.request.mixin"

    def _booking_time_freed(self, previous_start, previous_stop, request=None):
        """The engine approved ``request`` (a cancellation, a change): offer the time it freed.

        What is freed: the whole previous time when cancelled, the previous time less the new
        one when moved; from the cutoff on (closer times are not booked online).
        """
        self.ensure_one()
        if request and request.request_type not in ("cancel", "change"):
            return self.env["booking.waitlist.offer"]
        booking = self.sudo()
        if booking._booking_is_cancelled():
            booking._booking_waitlist_end_own()
            current = None
        else:
            current = (booking._booking_start(), booking._booking_stop())
        return booking._booking_offer_times((previous_start, previous_stop), current, request)

    def _booking_waitlist_offer_again(self, request):
        """The time ``request`` freed, offered to the next in line (its offers expired, or staff ask)."""
        self.ensure_one()
        current = (
            None if request.request_type == "cancel" else (request.requested_start, request.requested_stop)
        )
        previous = (request.previous_start, request.previous_stop)
        return self.sudo()._booking_offer_times(previous, current, request)

    def _booking_offer_times(self, previous, current, request):
        company = self._booking_company()
        offers = self.env["booking.waitlist.offer"]
        if not company.booking_waitlist or not self.booking_worker_ids:
            return offers
        earliest = fields.Datetime.now() + timedelta(hours=company.booking_cutoff_hours)
        for start, stop in waitlist.freed_times(previous, current, earliest):
            offers |= self._booking_offer_freed(start, stop, request)
        return offers

    def _booking_waitlist_end_own(self):
        """A cancelled booking no longer waits for an earlier time."""
        wishes = self.booking_waitlist_ids.filtered(lambda w: w.state == "waiting")
        for wish in wishes:
            wish._end("expired", self.env._("Ended: the booking was cancelled."))

    def _booking_offer_freed(self, start, stop, request):
        """Offer [start, stop) of this booking's workers to the oldest fitting wishes, a few at once."""
        Offer = self.env["booking.waitlist.offer"].sudo()
        made = Offer.search([("request_id", "=", request.id)]) if request else Offer
        wanted = self._booking_company().booking_waitlist_offers - len(
            made.filtered(lambda o: o.state == "open")
        )
        values = self._booking_waitlist_pick((start, stop), request, wanted) if wanted > 0 else []
        for vals in values[:1]:
            vals["freed_count"] = int(not made)  # the pivot counts each freed time once
        offers = Offer.create(values)
        self.env["booking.waitlist"]._notify_customers(
            "booking_change_request.mail_template_waitlist_offer", offers
        )
        return offers

    def _booking_waitlist_pick(self, freed, request, wanted):
        """The offers' values for at most ``wanted`` of the oldest wishes that fit ``freed``, reading
        the candidates a page at a time (the next page only when too many of them do not fit)."""
        company = self._booking_company()
        now = fields.Datetime.now()
        earliest = now + timedelta(hours=company.booking_cutoff_hours)
        free_by_workers, values, offset = {}, [], 0
        while len(values) < wanted:
            rows = self._booking_waitlist_candidates(*freed, request, offset)
            for wish, booking in rows:
                fit = self._booking_waitlist_fit(wish, booking, freed, earliest, free_by_workers)
                minutes, cutoff = company.booking_waitlist_offer_minutes, company.booking_cutoff_hours
                expires = fit and waitlist.offer_deadline(now, minutes, fit[0], cutoff)
                if fit and expires > now:
                    values.append(
                        {
                            "waitlist_id": wish.id,
                            "start": fit[0],
                            "stop": fit[1],
                            "expires_on": expires,
                            "request_id": request.id if request else False,
                            "freed_count": 0,
                        }
                    )
                if len(values) == wanted:
                    break
            if len(rows) < CANDIDATE_PAGE:
                break
            offset += CANDIDATE_PAGE
        return values

    def _booking_waitlist_fit(self, wish, booking, freed, earliest, free_by_workers):
        """(start, stop) of the earliest time in ``freed`` the waiting ``booking`` fits, inside the
        customer's days and its workers' free working time, before its own start; None otherwise."""
        length = booking._booking_stop() - booking._booking_start()
        low = max(freed[0], wish.date_from, earliest)
        high = min(freed[1], wish.date_to, booking._booking_start() + length)
        if high - low < length:
            return None
        key = frozenset(booking.booking_worker_ids.ids)
        if key not in free_by_workers:
            free_by_workers[key] = booking._booking_waitlist_free_rows(*freed)
        working, busy = free_by_workers[key]
        # its own booking does not keep it from moving
        own = [(s, e) for kind, rid, s, e in busy if (kind, rid) != (booking._name, booking.id)]
        free = working
        for interval in own:
            free = [part for span in free for part in waitlist.subtract(span, interval)]
        start = waitlist.first_fit(free, low, high, length)
        if start is None or start >= booking._booking_start():
            return None
        return start, start + length

    def _booking_waitlist_free_rows(self, start, stop):
        """(working intervals, busy rows) of this booking's workers during [start, stop), naive UTC:
        the one availability computation (working hours less leaves; their bookings of every kind)."""
        aware = [pytz.utc.localize(value) for value in (start, stop)]
        working = [
            (s.astimezone(pytz.utc).replace(tzinfo=None), e.astimezone(pytz.utc).replace(tzinfo=None))
            for s, e, _records in self._booking_working_intervals(*aware)
        ]
        busy = []
        for model in self._booking_models():
            Kind = self.env[model].sudo()
            names = [Kind._booking_start_field, Kind._booking_stop_field]
            domain = Kind._booking_busy_domain(self.booking_worker_ids, start, stop)
            for row in Kind.search_read(domain, names, load=None):
                busy_stop = row[names[1]] or row[names[0]] + timedelta(hours=1)
                busy.append((model, row["id"], row[names[0]], busy_stop))
        return working, busy

    def _booking_waitlist_candidates(self, start, stop, request, offset=0):
        """[(wish, booking)] waiting for an earlier time of these workers that [start, stop) may suit,
        oldest first: one query over every kind, filtered in SQL by workers, dates and length."""
        selects = [
            self._booking_waitlist_candidates_sql(model, start, stop, request)
            for model in self._booking_models()
        ]
        union = SQL(" UNION ALL ").join(SQL("(%s)", select) for select in selects)
        self.env.cr.execute(
            SQL(
                "SELECT wish_id, model, booking_id FROM (%s) AS candidates"
                " ORDER BY created, wish_id LIMIT %s OFFSET %s",
                union,
                CANDIDATE_PAGE,
                offset,
            )
        )
        rows = self.env.cr.fetchall()
        bookings = {}
        for model in {row[1] for row in rows}:
            # one recordset per kind: their fields are read once for all of them
            records = self.env[model].sudo().browse([row[2] for row in rows if row[1] == model])
            bookings.update(((model, record.id), record) for record in records)
        wishes = self.env["booking.waitlist"].sudo().browse([row[0] for row in rows])
        return [(wish, bookings[row[1], row[2]]) for wish, row in zip(wishes, rows, strict=True)]

    def _booking_waitlist_candidates_sql(self, model, start, stop, request):
        """The waiting wishes on bookings of ``model`` whose workers are all among this booking's
        (one at least), that start after ``start`` and are no longer than [start, stop)."""
        Kind = self.env[model].sudo()
        relation = Kind._fields["booking_worker_ids"]
        begin, end = (
            SQL("b.%s", SQL.identifier(name))
            for name in (Kind._booking_start_field, Kind._booking_stop_field)
        )
        return SQL(
            """SELECT w.id AS wish_id, %(model)s AS model, b.id AS booking_id, w.create_date AS created
            FROM booking_waitlist w JOIN %(table)s b ON b.id = w.%(wish_field)s
            WHERE w.state = 'waiting' AND w.company_id = %(company)s
              AND w.date_from < %(stop)s AND w.date_to > %(start)s
              AND %(begin)s > %(start)s AND %(end)s - %(begin)s <= %(length)s
              AND b.id != %(self_id)s AND b.id IN %(open)s
              AND EXISTS (SELECT 1 FROM %(rel)s r
                          WHERE r.%(own)s = b.id AND r.%(other)s IN %(workers)s)
              AND NOT EXISTS (SELECT 1 FROM %(rel)s r
                              WHERE r.%(own)s = b.id AND r.%(other)s NOT IN %(workers)s)
              AND NOT EXISTS (SELECT 1 FROM booking_waitlist_offer o
                              WHERE o.waitlist_id = w.id AND o.request_id = %(request)s)""",
            model=model,
            table=SQL.identifier(Kind._table),
            # the wish's field naming a booking of this kind has the request's name (event_id, order_id)
            wish_field=SQL.identifier(Kind._booking_request_field),
            company=self._booking_company().id,
            start=start,
            stop=stop,
            begin=begin,
            end=end,
            length=stop - start,
            self_id=self.id if model == self._name else 0,
            open=Kind._search(Kind._booking_open_domain()).subselect(),
            rel=SQL.identifier(relation.relation),
            own=SQL.identifier(relation.column1),
            other=SQL.identifier(relation.column2),
            workers=tuple(self.booking_worker_ids.ids),
            request=request.id if request else 0,
        )
