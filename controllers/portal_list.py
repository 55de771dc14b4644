"""The portal's list of bookings: its filters, its one query over every kind, the home counter
and the bulk cancellation."""

from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import SQL

from ..tools.compat import expression
from ..tools.refusal import BookingRefusal
from .portal_forms import BadInput, success_message
from .portal_visitor import NotFound, booking_models

PENDING_SUMMARY_LIMIT = 50


class BookingList:
    # ------------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "booking_count" in counters:
            partner = request.env.user.partner_id
            request.env.cr.execute(
                SQL("SELECT count(*) FROM (%s) AS bookings", self._bookings_union(partner, "upcoming"))
            )
            values["booking_count"] = request.env.cr.fetchone()[0]
        return values

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _booking_filters(self):
        return {
            "all": {"label": request.env._("All")},
            "upcoming": {"label": request.env._("Upcoming")},
            "past": {"label": request.env._("Past")},
            "cancelled": {"label": request.env._("Cancelled")},
        }

    def _booking_domain(self, model, partner, filterby):
        """The customer's bookings of one kind (record rules still apply), per filter."""
        env = request.env
        now = fields.Datetime.now()
        start = env[model]._booking_start_field
        cancelled = env[model]._booking_cancelled_domain()
        not_cancelled = ["!", *expression.normalize_domain(cancelled)]
        extra = {
            "upcoming": [(start, ">=", now), *not_cancelled],
            "past": [(start, "<", now), *not_cancelled],
            "cancelled": cancelled,
        }.get(filterby, [])
        return env[model]._booking_customer_domain(partner) + env[model]._booking_domain() + extra

    def _bookings_union(self, partner, filterby, extra=None, period=None):
        """SQL of (kind, id, start) over every kind, searched as the current user.

        ``period``: (start, stop) naive UTC bounds of the bookings' start.
        """
        selects = []
        for kind, model in booking_models(request.env).items():
            start = request.env[model]._booking_start_field
            domain = self._booking_domain(model, partner, filterby) + (extra or [])
            if period:
                domain += [(start, ">=", period[0]), (start, "<", period[1])]
            Kind = request.env[model]
            # a field worker without sales rights has no orders here: an empty kind, not a 403
            query = Kind._search(domain) if Kind.has_access("read") else Kind.browse()._as_query()
            selects.append(
                query.select(
                    SQL("%s AS kind", kind),
                    SQL.identifier(query.table, "id"),
                    SQL("%s AS start", SQL.identifier(query.table, start)),
                    SQL(
                        "%s IS NOT NULL AS pending", SQL.identifier(query.table, "booking_pending_request_id")
                    ),
                )
            )
        return SQL(" UNION ALL ").join(SQL("(%s)", select) for select in selects)

    def _prepare_bookings_page(self, page, filterby):
        """One page of bookings, upcoming first (soonest first), then past (latest first), and
        the customer's pending ones wherever they are (the summary on top): one query for all."""
        partner = request.env.user.partner_id
        union = self._bookings_union(partner, filterby)
        cr = request.env.cr
        now = fields.Datetime.now()
        first, last = (page - 1) * self._items_per_page, page * self._items_per_page
        cr.execute(
            SQL(
                "SELECT kind, id, total, pending, rn > %s AND rn <= %s FROM ("
                " SELECT kind, id, pending, count(*) OVER () AS total, row_number() OVER ("
                "  ORDER BY start < %s, CASE WHEN start >= %s THEN start END, start DESC, kind, id) AS rn"
                " FROM (%s) AS bookings) AS numbered"
                " WHERE (rn > %s AND rn <= %s) OR pending ORDER BY rn LIMIT %s",
                first,
                last,
                now,
                now,
                union,
                first,
                last,
                self._items_per_page + PENDING_SUMMARY_LIMIT,
            )
        )
        rows = cr.fetchall()
        if rows:
            total = rows[0][2]
        else:
            cr.execute(SQL("SELECT count(*) FROM (%s) AS bookings", union))
            total = cr.fetchone()[0]
        pager = portal_pager(
            url="/my/bookings",
            total=total,
            page=page,
            step=self._items_per_page,
            url_args={"filterby": filterby},
        )
        records = dict(
            zip(
                ((k, i) for k, i, *_rest in rows),
                self._booking_records([(k, i) for k, i, *_r in rows]),
                strict=True,
            )
        )
        bookings = [records[kind, id_] for kind, id_, _total, _pending, in_page in rows if in_page]
        pending = [records[kind, id_] for kind, id_, _total, is_pending, _in_page in rows if is_pending]
        return bookings, pager, pending[:PENDING_SUMMARY_LIMIT]

    def _booking_records(self, keys):
        """The bookings of (kind, id) pairs as superuser, in that order, fetched once per kind."""
        records = {}
        for kind, model in booking_models(request.env).items():
            bookings = request.env[model].sudo().browse([id_ for k, id_ in keys if k == kind])
            bookings._booking_prefetch_list()
            # iterating keeps the recordset's prefetch set: anything else loads once per kind
            records.update(((kind, booking.id), booking) for booking in bookings)
        return [records[key] for key in keys]

    @http.route(
        ["/my/bookings", "/my/bookings/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_bookings(self, page=1, filterby="all", **kw):
        filters = self._booking_filters()
        if filterby not in filters:
            filterby = "all"
        page = self._to_page(page)
        bookings, pager, pending = self._prepare_bookings_page(page, filterby)
        partner = request.env.user.partner_id
        tz = self._booking_tz(partner)
        # what each row shows: its cancellation's decision (no refund to work out: the list shows
        # none) and its pencil, the other actions decided only when cancelling is not offered
        cancels = {b: b._booking_decision("cancel", viewer=partner, refund=False) for b in bookings}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "bookings",
                "viewer": partner,
                "bookings": bookings,
                "cancel_decisions": cancels,
                "pencils": {
                    b: b._booking_anything_offered(partner, {"cancel": c}) for b, c in cancels.items()
                },
                "pager": pager,
                "default_url": "/my/bookings",
                "searchbar_filters": filters,
                "filterby": filterby,
                "pending_bookings": pending,
                "bulk_results": request.session.pop("booking_bulk_results", None) if kw.get("bulk") else None,
                "reasons": request.env["booking.cancel.reason"]
                .sudo()
                .search_fetch([], ["name", "requires_note"]),
                "company": request.env.company.sudo(),
                **self._booking_formatters(tz),
            }
        )
        return self._booking_render("booking_change_request.portal_my_bookings", values)

    @http.route("/my/bookings/cancel", type="http", auth="user", methods=["POST"], website=True)
    def portal_bulk_cancel(self, **kw):
        """Cancel several bookings with one reason; each goes through its own decision."""
        if wrong := self._booking_only_post():
            return wrong
        form = request.httprequest.form
        keys = form.getlist("booking")[: self._items_per_page]
        results = []
        try:
            values = self._booking_cancel_values(form)
        except BadInput as error:
            return self._booking_bulk_done([{"name": "", "ok": False, "message": str(error)}])
        values.update(self._booking_origin())
        for key in keys:
            results.append(self._booking_bulk_one(key, values))
        if not keys:
            results.append(
                {"name": "", "ok": False, "message": request.env._("Please select bookings to cancel.")}
            )
        return self._booking_bulk_done(results)

    def _booking_bulk_one(self, key, values):
        kind, _sep, raw_id = key.partition("-")
        try:
            visitor = self._booking_visitor(kind, self._to_id(raw_id), {})
        except (NotFound, BadInput):
            return {"name": key, "ok": False, "message": request.env._("This booking is not one of yours.")}
        booking = visitor.booking
        try:
            with request.env.cr.savepoint():
                req = booking._booking_request_cancel(visitor.partner, values, "portal")
        except (BookingRefusal, ValidationError) as error:
            return {"name": booking.display_name, "ok": False, "message": error.args[0]}
        message = success_message(f"cancel_{req.state}")
        if req.sudo().fee_total:
            message = request.env._(
                "%(message)s A late-cancellation fee of %(fee)s applies.",
                message=message,
                fee=booking._booking_format_money(req.sudo().fee_total),
            )
        return {"name": booking.display_name, "ok": True, "message": message}

    def _booking_bulk_done(self, results):
        request.session["booking_bulk_results"] = results
        return request.redirect("/my/bookings?bulk=1", code=303)
