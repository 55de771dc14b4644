import json
from datetime import datetime

import pytz
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import SQL, format_time
from odoo.tools.misc import babel_locale_parse, get_lang

from ..models.booking_request_mixin import REQUEST_TYPES
from ..tools.compat import expression
from ..tools.refusal import BookingRefusal
from .portal_forms import DATETIME_INPUT, BadInput, BookingForms
from .portal_visitor import MIXIN, BookingVisitors, NotFound, booking_models

PENDING_SUMMARY_LIMIT = 50
# portal pages are never framed by another site (clickjacking), as Odoo's own account pages
FRAME_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}


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


class BookingPortal(BookingVisitors, BookingForms, CustomerPortal):
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

    # ------------------------------------------------------------------
    # One booking
    # ------------------------------------------------------------------

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>", type="http", auth="public", website=True, readonly=True
    )
    def portal_booking_page(self, kind, booking_id, action=None, message=None, **kw):
        try:
            visitor = self._booking_visitor(kind, booking_id, request.httprequest.args)
        except NotFound:
            return self._booking_not_found()
        values = self._prepare_booking_values(visitor, action=action)
        if success := success_message(message):
            values["success"] = success
        return self._booking_render("booking_change_request.portal_booking_page", values)

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/decision",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_booking_decision(self, kind, booking_id, **kw):
        """The decision a request with these values would get now (the dialog asks as the customer types)."""
        args = request.httprequest.args
        try:
            visitor = self._booking_visitor(kind, booking_id, args)
        except NotFound:
            return self._booking_json_not_found()
        booking = visitor.booking
        request_type = args.get("type")
        if request_type not in ("cancel", "change", "rebook"):
            return self._booking_json({"error": request.env._("Unknown request type.")}, 400)
        decision = booking._booking_decision(request_type, viewer=visitor.partner)
        if decision.offered and request_type != "cancel":
            # closed whatever is typed (a pending request, a limit): said before the input is read
            try:
                values = booking._booking_clean_values(
                    request_type, self._booking_change_values(visitor, args)
                )
            except (BadInput, ValidationError) as error:
                return self._booking_json({"error": error.args[0]}, 400)
            decision = booking._booking_decision(request_type, values, viewer=visitor.partner)
        return self._booking_json(decision.as_json(booking._booking_format_money))

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_cancel(self, kind, booking_id, **kw):
        return self._booking_post(
            kind, booking_id, "cancel", lambda visitor, form: self._booking_cancel_values(form)
        )

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/change",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_change(self, kind, booking_id, **kw):
        return self._booking_post(kind, booking_id, "change", self._booking_change_values)

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/rebook",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_rebook(self, kind, booking_id, **kw):
        return self._booking_post(
            kind,
            booking_id,
            "rebook",
            lambda visitor, form: self._booking_change_values(visitor, form, require_start=True),
        )

    @http.route(
        "/my/booking-requests/<int:request_id>/withdraw",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_request_withdraw(self, request_id, **kw):
        return self._booking_request_post(request_id, lambda req, form: req.action_withdraw(), "withdrawn")

    @http.route(
        "/my/booking-requests/<int:request_id>/undo",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_request_undo(self, request_id, **kw):
        """The customer undoes their own approved cancellation, within the company's minutes."""
        return self._booking_request_post(request_id, lambda req, form: req._undo(), "undone")

    def _booking_request_post(self, request_id, act, message):
        """A POST on one of the visitor's own requests: ``act(request, form)`` in a savepoint;
        303 back to the booking, or its page with a 4xx."""
        if wrong := self._booking_only_post() or self._booking_throttled():
            return wrong
        form = request.httprequest.form
        try:
            visitor, req = self._booking_own_request(request_id, form)
        except NotFound:
            return self._booking_not_found(request.env._("This request does not exist or is not yours."))
        if not visitor.partner:
            return self._booking_read_only(visitor)
        try:
            with request.env.cr.savepoint():
                act(req, form)
        except BadInput as error:
            return self._booking_error(visitor, 400, str(error))
        except BookingRefusal as error:
            return self._booking_error(visitor, error.status, error.args[0])
        return self._booking_redirect(visitor, message)

    # ------------------------------------------------------------------
    # POST helpers
    # ------------------------------------------------------------------

    def _booking_post(self, kind, booking_id, request_type, parse):
        """Check who came, parse, submit in a savepoint: 303 on success, the page with a 4xx otherwise."""
        if wrong := self._booking_only_post() or self._booking_throttled():
            return wrong
        form = request.httprequest.form
        try:
            visitor = self._booking_visitor(kind, booking_id, form)
        except NotFound:
            return self._booking_not_found()
        if not visitor.partner:
            return self._booking_read_only(visitor)
        try:
            values = parse(visitor, form)
            values.update(self._booking_origin())
            with request.env.cr.savepoint():
                req = visitor.booking._booking_request(request_type, visitor.partner, values, visitor.channel)
        except (BadInput, ValidationError) as error:
            return self._booking_error(visitor, 400, error.args[0], request_type, form)
        except BookingRefusal as error:
            return self._booking_error(visitor, error.status, error.args[0], request_type, form)
        return self._booking_redirect(visitor, f"{request_type}_{req.state}")

    def _booking_read_only(self, visitor):
        """403 for a visitor whose link shows the booking but does not say who they are."""
        message = request.env._(
            "This link lets you see the booking, not change it: please use the link of your own email, "
            "or log in."
        )
        return self._booking_error(visitor, 403, message)

    def _booking_redirect(self, visitor, message):
        booking = visitor.booking
        query = url_encode({"message": message, **visitor.link})
        return request.redirect(f"/my/bookings/{booking._booking_kind}/{booking.id}?{query}", code=303)

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _booking_render(self, template, values, status=200):
        return request.render(template, values, status=status, headers=FRAME_HEADERS)

    def _booking_json(self, payload, status=200):
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            status=status,
        )

    def _booking_json_not_found(self):
        return self._booking_json({"error": request.env._("This booking does not exist.")}, 404)

    def _booking_not_found(self, message=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "bookings",
                "refusal": message
                or request.env._(
                    "We could not find this booking: the link may be incomplete or outdated, "
                    "or the booking is not one of yours."
                ),
            }
        )
        return self._booking_render("booking_change_request.portal_booking_refusal", values, status=404)

    def _booking_error(self, visitor, status, message, action=None, form=None):
        values = self._prepare_booking_values(visitor, action=action, form=form)
        # the error shows in the form the visitor filled; when that form is no longer offered, on the page
        if not values.get(f"can_{action}"):
            values.update(action=None, closed_action=False)
        values["error"] = message
        return self._booking_render("booking_change_request.portal_booking_page", values, status=status)

    def _booking_formatters(self, tz):
        env = request.env
        locale = babel_locale_parse(get_lang(env).code)  # once per request, not once per date

        def fmt(value):
            return env[MIXIN]._booking_format_datetime(value, tz=tz, locale=locale)

        def fmt_range(start, stop):
            if not stop or not start:
                return fmt(start)
            zone = pytz.timezone(tz)
            local_start, local_stop = (pytz.utc.localize(d).astimezone(zone) for d in (start, stop))
            if local_start.date() != local_stop.date():
                return f"{fmt(start)} – {fmt(stop)}"
            return f"{fmt(start)} – {format_time(env, local_stop.time(), time_format='short')}"

        def local_input(value):
            if not value:
                return ""
            return pytz.utc.localize(value).astimezone(pytz.timezone(tz)).strftime(DATETIME_INPUT)

        today = datetime.now(pytz.timezone(tz)).strftime(DATETIME_INPUT)
        return {
            "fmt": fmt,
            "fmt_range": fmt_range,
            "local_input": local_input,
            "tz_name": tz,
            "now_input": today,
            "babel_locale": locale,
        }

    def _prepare_booking_values(self, visitor, action=None, form=None):
        """What the booking page shows; reads only (a GET changes nothing)."""
        booking = visitor.booking
        viewer = visitor.partner
        offer = booking._booking_offer(viewer)
        pending = booking.booking_pending_request_id
        own_pending = pending if booking._booking_is_own(pending, viewer) else pending.browse()
        undo = offer.undo
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "booking",
                "booking": booking,
                "kind": booking._booking_kind,
                "visitor": visitor,
                "via": visitor.via,
                "link": visitor.link,
                "link_query": f"?{visitor.query}" if visitor.link else "",
                "company": booking._booking_company().sudo(),
                "action": action if action in ("cancel", "change", "rebook", "undo") else None,
                # an email's link to an action no longer offered says why instead of opening a form
                "closed_action": action in REQUEST_TYPES and viewer and offer[action].closed and action,
                "offer": offer,
                "decisions": offer,
                "viewer": viewer,
                # a link without its recipient's signature shows the booking; only its customers act
                "can_cancel": bool(viewer) and offer.cancel.offered,
                "can_change": bool(viewer) and offer.change.offered,
                "can_rebook": bool(viewer) and offer.rebook.offered,
                # each customer sees their own requests: another attendee's words and fees are theirs
                "requests": booking.booking_request_ids.filtered(
                    lambda r: booking._booking_is_own(r, viewer)
                ).sorted("id", reverse=True),
                "pending": own_pending,
                "proposals": own_pending.proposal_ids,
                "reasons": request.env["booking.cancel.reason"].sudo().search([]),
                "services": booking._booking_services() - booking._booking_product(),
                "time_blocks": booking._booking_company().sudo().booking_time_block_ids,
                "proposal_asked": request.httprequest.args.get("proposal"),
                "undo_request": booking._booking_last_cancellation() if undo and undo.offered else None,
                "undo": undo,
                "duration_hours": self._booking_hours(booking),
                "form": form or {},
                **self._booking_formatters(visitor.tz),
            }
        )
        return values
