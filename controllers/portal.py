import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytz
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import SQL, format_time
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools import policy
from ..tools.compat import expression
from ..tools.refusal import BookingRefusal

MIXIN = "booking.request.mixin"
MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids are unknown, not errors
MAX_TEXT = 2000
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATE_INPUT = "%Y-%m-%d"
LINK_PARAMS = ("access_token", "pid", "hash")
PENDING_SUMMARY_LIMIT = 50


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


def is_record_id(value):
    """Whether ``value`` can be a record's id: larger ids are unknown, not errors."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def booking_models(env):
    """{kind: model name} of every kind of booking: the models that inherit the mixin."""
    return {env[name]._booking_kind(): name for name in env[MIXIN]._booking_models()}


class BadInput(ValueError):
    """Malformed form input: answered with 400 and the message."""


class NotFound(Exception):
    """Unknown and foreign bookings or requests answer alike (404): ids tell nothing."""


@dataclass
class Visitor:
    """Who came to a booking, by which path, and the time zone their times are read in."""

    booking: object  # the booking, as superuser
    partner: object  # the customer acting (empty: a shared link that does not say who)
    via: str  # 'user' (logged in) or 'token' (an email link)
    tz: str
    link: dict = field(default_factory=dict)  # access_token, pid, hash to carry on

    @property
    def channel(self):
        return "portal" if self.via == "user" else "email"

    @property
    def query(self):
        return url_encode(self.link)


class BookingPortal(CustomerPortal):
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
        start = env[model]._booking_start_field()
        cancelled = env[model]._booking_cancelled_domain()
        not_cancelled = ["!", *expression.normalize_domain(cancelled)]
        extra = {
            "upcoming": [(start, ">=", now), *not_cancelled],
            "past": [(start, "<", now), *not_cancelled],
            "cancelled": cancelled,
        }.get(filterby, [])
        return env[model]._booking_customer_domain(partner) + extra

    def _bookings_union(self, partner, filterby, extra=None, period=None):
        """SQL of (kind, id, start) over every kind, searched as the current user.

        ``period``: (start, stop) naive UTC bounds of the bookings' start.
        """
        selects = []
        for kind, model in booking_models(request.env).items():
            start = request.env[model]._booking_start_field()
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
        decisions = {b: b._booking_decision("cancel", refund=False) for b in bookings}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "bookings",
                "bookings": bookings,
                "cancel_decisions": decisions,
                "pencils": {b: self._booking_has_pencil(b, decisions[b]) for b in bookings},
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
        return request.render("booking_change_request.portal_my_bookings", values)

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

    def _booking_has_pencil(self, booking, cancel=None):
        """Whether the Make changes dialog offers something for this booking (its pencil shows).

        ``cancel``: the row's cancellation decision when the page has it already.
        """
        if booking.booking_pending_request_id:
            return False
        cancel = cancel or booking._booking_decision("cancel", refund=False)
        return not cancel.closed or any(
            not booking._booking_refusal(kind, {}) for kind in ("change", "rebook")
        )

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
        return request.render("booking_change_request.portal_booking_page", values)

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
        try:
            values = self._booking_change_values(visitor, args) if request_type != "cancel" else {}
            values = booking._booking_clean_values(request_type, values) if values else values
        except (BadInput, ValidationError) as error:
            return self._booking_json({"error": error.args[0]}, 400)
        decision = booking._booking_decision(request_type, values)
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
        if wrong := self._booking_only_post():
            return wrong
        form = request.httprequest.form
        try:
            visitor, req = self._booking_own_request(request_id, form)
        except NotFound:
            return self._booking_not_found(request.env._("This request does not exist or is not yours."))
        try:
            with request.env.cr.savepoint():
                act(req, form)
        except BadInput as error:
            return self._booking_error(visitor, 400, str(error))
        except BookingRefusal as error:
            return self._booking_error(visitor, error.status, error.args[0])
        return self._booking_redirect(visitor, message)

    # ------------------------------------------------------------------
    # Who came
    # ------------------------------------------------------------------

    def _booking_visitor(self, kind, booking_id, params):
        """Who is asking about this booking: the logged-in customer, else the link's recipient.

        ``params`` are where the link's access_token, pid and hash come from: the query
        string of a GET, the form body of a POST. Raises NotFound (404) when neither opens it.
        """
        model = booking_models(request.env).get(kind)
        if not model or not is_record_id(booking_id):
            raise NotFound()
        booking = request.env[model].sudo().browse(booking_id).exists()
        if not booking:
            raise NotFound()
        user = request.env.user
        if not user._is_public() and booking._booking_may_ask(user.partner_id):
            return Visitor(booking, user.partner_id, "user", self._booking_tz(user.partner_id, booking))
        token = params.get("access_token")
        if not booking._booking_check_token(token):
            raise NotFound()
        partner = booking._booking_link_partner(params.get("pid"), params.get("hash"))
        link = {"access_token": token}
        if partner:
            link.update(pid=partner.id, hash=params.get("hash"))
        else:
            customers = booking._booking_customers()
            # a link without its recipient's signature speaks for the only customer, or for nobody
            partner = customers if len(customers) == 1 else customers.browse()
        return Visitor(booking, partner, "token", self._booking_tz(partner, booking), link)

    def _booking_own_request(self, request_id, params):
        """(visitor, request as superuser) for a request of the visitor's own; NotFound otherwise."""
        if not is_record_id(request_id):
            raise NotFound()
        req = request.env["booking.change.request"].sudo().browse(request_id).exists()
        if not req:
            raise NotFound()
        booking = req._booking()
        visitor = self._booking_visitor(booking._booking_kind(), booking.id, params)
        if (
            not visitor.partner
            or req.partner_id.commercial_partner_id != visitor.partner.commercial_partner_id
        ):
            raise NotFound()
        return visitor, req

    def _booking_tz(self, partner, booking=None):
        """The time zone a visitor's times are read in: theirs, else the booking's, else the company's."""
        tz = partner.sudo().tz if partner else False
        if not tz and booking:
            tz = booking._booking_tz()
        if not tz:
            company = request.env.company.sudo()
            tz = company.partner_id.tz or company.resource_calendar_id.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    # ------------------------------------------------------------------
    # POST helpers
    # ------------------------------------------------------------------

    def _booking_only_post(self):
        """Odoo routes OPTIONS to POST handlers (without CSRF check): anything but POST is refused."""
        if request.httprequest.method != "POST":
            return request.make_response(
                request.env._("Method not allowed: this address takes a POST."),
                headers=[("Allow", "POST"), ("Content-Type", "text/plain; charset=utf-8")],
                status=405,
            )
        return None

    def _booking_post(self, kind, booking_id, request_type, parse):
        """Check who came, parse, submit in a savepoint: 303 on success, the page with a 4xx otherwise."""
        if wrong := self._booking_only_post():
            return wrong
        form = request.httprequest.form
        try:
            visitor = self._booking_visitor(kind, booking_id, form)
        except NotFound:
            return self._booking_not_found()
        if not visitor.partner:
            return self._booking_error(
                visitor,
                403,
                request.env._(
                    "This link is shared by several people and does not say who you are: "
                    "please use the link of your own email, or log in."
                ),
                request_type,
            )
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

    def _booking_origin(self):
        http_request = request.httprequest
        return {
            "requester_ip": (http_request.remote_addr or "")[:64],
            "requester_user_agent": (http_request.user_agent.string or "")[:512],
        }

    def _booking_redirect(self, visitor, message):
        booking = visitor.booking
        query = url_encode({"message": message, **visitor.link})
        return request.redirect(f"/my/bookings/{booking._booking_kind()}/{booking.id}?{query}", code=303)

    # ------------------------------------------------------------------
    # Input
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

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
        return request.render("booking_change_request.portal_booking_refusal", values, status=404)

    def _booking_error(self, visitor, status, message, action=None, form=None):
        values = self._prepare_booking_values(visitor, action=action, form=form)
        values["error"] = message
        return request.render("booking_change_request.portal_booking_page", values, status=status)

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
        decisions = booking._booking_decisions()
        pending = booking.booking_pending_request_id
        last = (
            booking._booking_last_cancellation()
            if booking._booking_is_cancelled()
            else booking.booking_request_ids.browse()
        )
        own = (
            visitor.partner and last.partner_id.commercial_partner_id == visitor.partner.commercial_partner_id
        )
        undo_deadline = own and last._undo_deadline()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "booking",
                "booking": booking,
                "kind": booking._booking_kind(),
                "visitor": visitor,
                "via": visitor.via,
                "link": visitor.link,
                "link_query": f"?{visitor.query}" if visitor.link else "",
                "company": booking._booking_company().sudo(),
                "action": action if action in ("cancel", "change", "rebook", "undo") else None,
                "decisions": decisions,
                "can_cancel": not decisions["cancel"].closed and not pending,
                "can_change": not decisions["change"].closed and not pending,
                "can_rebook": not decisions["rebook"].closed and not pending,
                "requests": booking.booking_request_ids.sorted("id", reverse=True),
                "pending": pending,
                "proposals": pending.proposal_ids,
                "reasons": request.env["booking.cancel.reason"].sudo().search([]),
                "services": booking._booking_services() - booking._booking_product(),
                "time_blocks": booking._booking_company().sudo().booking_time_block_ids,
                "proposal_asked": request.httprequest.args.get("proposal"),
                "undo_request": last if undo_deadline else None,
                "undo_deadline": undo_deadline,
                "duration_hours": self._booking_hours(booking),
                "form": form or {},
                **self._booking_formatters(visitor.tz),
            }
        )
        return values
