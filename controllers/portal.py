from datetime import datetime, timedelta

import pytz

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL, format_time

BOOKING_MODELS = {"visit": "calendar.event", "order": "sale.order"}
# What a row of the list shows: fetched in one narrow query per kind, not whole rows.
LIST_FIELDS = {
    "visit": ["name", "start", "stop", "active", "booking_cancelled", "user_id"],
    "order": ["name", "commitment_date", "booking_stop", "state", "locked", "company_id", "currency_id"],
}
LIST_SHARED_FIELDS = ["booking_pending_request_id", "booking_product_id", "booking_worker_ids"]
MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids are unknown, not errors
MAX_TEXT = 2000
MAX_DURATION_HOURS = 24 * 14
DATETIME_INPUT = "%Y-%m-%dT%H:%M"

SUCCESS_CODES = (
    "cancel_approved",
    "cancel_pending",
    "change_approved",
    "change_pending",
    "rebook_approved",
    "rebook_pending",
    "withdrawn",
)


def success_message(code):
    """The text shown after the redirect of a successful POST."""
    env = request.env
    return {
        "cancel_approved": env._("Your booking is cancelled."),
        "cancel_pending": env._("Your cancellation request is sent: we will confirm it shortly."),
        "change_approved": env._("Your booking is changed."),
        "change_pending": env._("Your change request is sent: we will confirm it shortly."),
        "rebook_approved": env._("Your booking is confirmed again."),
        "rebook_pending": env._("Your request to book again is sent: we will confirm it shortly."),
        "withdrawn": env._("Your request is withdrawn; the booking stays as it was."),
    }[code]


class BadInput(ValueError):
    """Malformed form input: answered with 400 and the message."""


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

    def _booking_domains(self, partner, filterby):
        """The customer's visits and orders (record rules still apply), per filter."""
        now = fields.Datetime.now()
        visit = [("partner_ids", "in", partner.ids)]
        order = [
            ("message_partner_ids", "child_of", [partner.commercial_partner_id.id]),
            ("state", "in", ("sale", "cancel")),
            ("commitment_date", "!=", False),
        ]
        extra = {
            "upcoming": (
                [("start", ">=", now), ("booking_cancelled", "=", False)],
                [("commitment_date", ">=", now), ("state", "=", "sale")],
            ),
            "past": (
                [("start", "<", now), ("booking_cancelled", "=", False)],
                [("commitment_date", "<", now), ("state", "=", "sale")],
            ),
            "cancelled": ([("booking_cancelled", "=", True)], [("state", "=", "cancel")]),
        }.get(filterby, ([], []))
        return visit + extra[0], order + extra[1]

    def _bookings_union(self, partner, filterby):
        """SQL of (kind, id, start) over both kinds, searched as the current user."""
        visit_domain, order_domain = self._booking_domains(partner, filterby)
        visits = request.env["calendar.event"]._search(visit_domain)
        orders = request.env["sale.order"]._search(order_domain)
        return SQL(
            "(%s) UNION ALL (%s)",
            visits.select(
                SQL("'visit' AS kind"),
                SQL.identifier(visits.table, "id"),
                SQL("%s AS start", SQL.identifier(visits.table, "start")),
            ),
            orders.select(
                SQL("'order' AS kind"),
                SQL.identifier(orders.table, "id"),
                SQL("%s AS start", SQL.identifier(orders.table, "commitment_date")),
            ),
        )

    def _prepare_bookings_page(self, page, filterby):
        """One page of bookings, upcoming first (soonest first), then past (latest first)."""
        partner = request.env.user.partner_id
        union = self._bookings_union(partner, filterby)
        cr = request.env.cr
        page = max(page, 1)
        now = fields.Datetime.now()
        # the rows and the total in one query; a page past the end still needs the total
        cr.execute(
            SQL(
                "SELECT kind, id, count(*) OVER () FROM (%s) AS bookings ORDER BY start < %s, "
                "CASE WHEN start >= %s THEN start END, start DESC, kind, id LIMIT %s OFFSET %s",
                union,
                now,
                now,
                self._items_per_page,
                (page - 1) * self._items_per_page,
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
        records = {}
        for kind, model in BOOKING_MODELS.items():
            bookings = request.env[model].sudo().browse([id_ for k, id_, _total in rows if k == kind])
            bookings.fetch(LIST_FIELDS[kind] + LIST_SHARED_FIELDS)
            bookings.booking_worker_ids.fetch(["name"])
            bookings.booking_product_id.fetch(["name"])
            if kind == "visit":
                bookings.user_id.fetch(["company_id"])  # a visit's policy is its organizer's company's
            # iterating keeps the recordset's prefetch set: anything else loads once per kind
            records.update(((kind, booking.id), booking) for booking in bookings)
        return [records[kind, id_] for kind, id_, _total in rows], pager

    @http.route(["/my/bookings", "/my/bookings/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_bookings(self, page=1, filterby="all", **kw):
        filters = self._booking_filters()
        if filterby not in filters:
            filterby = "all"
        bookings, pager = self._prepare_bookings_page(page, filterby)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "bookings",
                "bookings": bookings,
                "pager": pager,
                "default_url": "/my/bookings",
                "searchbar_filters": filters,
                "filterby": filterby,
                "pending_bookings": [b for b in bookings if b.booking_pending_request_id],
                "bulk_results": request.session.pop("booking_bulk_results", None),
                "reasons": request.env["booking.cancel.reason"].sudo().search_fetch([], ["name"]),
                "company": request.env.company,
                **self._booking_formatters(request.env.user.partner_id),
            }
        )
        return request.render("booking_change_request.portal_my_bookings", values)

    @http.route("/my/bookings/cancel", type="http", auth="user", methods=["POST"], website=True)
    def portal_bulk_cancel(self, reason=None, reason_id=None, **kw):
        """Cancel several bookings with one reason; each goes through its own window."""
        keys = request.httprequest.form.getlist("booking")
        results = []
        try:
            values = self._booking_cancel_values(reason_id, reason)
        except BadInput as error:
            request.session["booking_bulk_results"] = [{"name": "", "ok": False, "message": str(error)}]
            return request.redirect("/my/bookings", code=303)
        for key in keys[: self._items_per_page]:
            kind, _sep, raw_id = key.partition("-")
            name = key
            try:
                booking, via = self._booking_check_access(kind, self._to_id(raw_id))
                name = booking.display_name
                with request.env.cr.savepoint():
                    req = booking._booking_request_cancel(
                        self._booking_requester(booking, via), values, "portal"
                    )
                results.append({"name": name, "ok": True, "message": success_message(f"cancel_{req.state}")})
            except (AccessError, MissingError, BadInput):
                results.append(
                    {"name": name, "ok": False, "message": request.env._("This booking is not one of yours.")}
                )
            except UserError as error:
                results.append({"name": name, "ok": False, "message": error.args[0]})
        if not keys:
            results.append(
                {"name": "", "ok": False, "message": request.env._("Please select bookings to cancel.")}
            )
        request.session["booking_bulk_results"] = results
        return request.redirect("/my/bookings", code=303)

    # ------------------------------------------------------------------
    # One booking
    # ------------------------------------------------------------------

    @http.route("/my/bookings/<string:kind>/<int:booking_id>", type="http", auth="public", website=True)
    def portal_booking_page(self, kind, booking_id, access_token=None, action=None, message=None, **kw):
        try:
            booking, via = self._booking_check_access(kind, booking_id, access_token)
        except MissingError:
            return self._booking_refusal(404, request.env._("This booking does not exist."))
        except AccessError:
            return self._booking_refusal(
                403,
                request.env._(
                    "This link does not open a booking of yours: it may be incomplete or outdated."
                ),
            )
        values = self._prepare_booking_values(booking, via, access_token, action=action)
        if message in SUCCESS_CODES:
            values["success"] = success_message(message)
        return request.render("booking_change_request.portal_booking_page", values)

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_cancel(self, kind, booking_id, access_token=None, reason_id=None, reason=None, **kw):
        return self._booking_post(
            kind,
            booking_id,
            access_token,
            "cancel",
            lambda booking: self._booking_cancel_values(reason_id, reason),
        )

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/change",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_change(self, kind, booking_id, access_token=None, **kw):
        return self._booking_post(
            kind, booking_id, access_token, "change", lambda booking: self._booking_change_values(booking, kw)
        )

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/rebook",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_rebook(self, kind, booking_id, access_token=None, **kw):
        kw.pop("requested_product_id", None)
        return self._booking_post(
            kind,
            booking_id,
            access_token,
            "rebook",
            lambda booking: self._booking_change_values(booking, kw, require_start=True),
        )

    @http.route(
        "/my/booking-requests/<int:request_id>/withdraw",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_request_withdraw(self, request_id, access_token=None, **kw):
        request_sudo = request.env["booking.change.request"].sudo()
        if 0 < request_id <= MAX_ID:
            request_sudo = request_sudo.browse(request_id).exists()
        if not request_sudo:
            return self._booking_refusal(404, request.env._("This request does not exist."))
        try:
            booking, via = self._booking_check_access(
                request_sudo.booking_kind, request_sudo._booking().id, access_token
            )
            if (
                request_sudo.partner_id.commercial_partner_id
                != self._booking_requester(booking, via).commercial_partner_id
            ):
                raise AccessError(request.env._("You can only withdraw your own requests."))
        except (AccessError, MissingError):
            return self._booking_refusal(403, request.env._("This request is not one of yours."))
        try:
            with request.env.cr.savepoint():
                request_sudo.action_withdraw()
        except UserError as error:
            return self._booking_error(booking, via, access_token, 409, error.args[0])
        return self._booking_redirect(booking, via, access_token, "withdrawn")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _booking_post(self, kind, booking_id, access_token, request_type, parse):
        """Check access, parse, submit in a savepoint; 303 on success, the page with a 4xx otherwise."""
        try:
            booking, via = self._booking_check_access(kind, booking_id, access_token)
        except MissingError:
            return self._booking_refusal(404, request.env._("This booking does not exist."))
        except AccessError:
            return self._booking_refusal(403, request.env._("This booking is not one of yours."))
        try:
            values = parse(booking)
            values.update(self._booking_origin())
            method = {
                "cancel": booking._booking_request_cancel,
                "change": booking._booking_request_change,
                "rebook": booking._booking_request_rebook,
            }[request_type]
            with request.env.cr.savepoint():
                req = method(
                    self._booking_requester(booking, via), values, "email" if via == "token" else "portal"
                )
        except BadInput as error:
            return self._booking_error(booking, via, access_token, 400, str(error), request_type)
        except AccessError as error:
            return self._booking_error(booking, via, access_token, 403, error.args[0], request_type)
        except ValidationError as error:
            return self._booking_error(booking, via, access_token, 400, error.args[0], request_type)
        except UserError as error:
            return self._booking_error(booking, via, access_token, 409, error.args[0], request_type)
        return self._booking_redirect(booking, via, access_token, f"{request_type}_{req.state}")

    def _booking_check_access(self, kind, booking_id, access_token=None):
        """(booking as superuser, 'user' or 'token'); raises MissingError or AccessError."""
        model = BOOKING_MODELS.get(kind)
        if not model or not isinstance(booking_id, int) or not 0 < booking_id <= MAX_ID:
            raise MissingError(request.env._("This booking does not exist."))
        booking = request.env[model].browse(booking_id)
        booking_sudo = booking.sudo().exists()
        if not booking_sudo:
            raise MissingError(request.env._("This booking does not exist."))
        if (
            not request.env.user._is_public()
            and booking.has_access("read")
            and booking_sudo._booking_may_ask(request.env.user.partner_id)
        ):
            return booking_sudo, "user"
        if access_token and isinstance(access_token, str) and booking_sudo._booking_check_token(access_token):
            return booking_sudo, "token"
        raise AccessError(request.env._("This booking is not one of yours."))

    def _booking_requester(self, booking, via):
        """Who asks: the logged-in customer, or the booking's customer for a token holder."""
        if via == "user":
            return request.env.user.partner_id
        return booking._booking_customers()[:1]

    def _booking_origin(self):
        http_request = request.httprequest
        return {
            "requester_ip": (http_request.remote_addr or "")[:64],
            "requester_user_agent": (http_request.user_agent.string or "")[:512],
        }

    def _booking_tz(self, partner):
        tz = partner.tz or request.env.user.tz or request.env.company.partner_id.tz or "UTC"
        return tz if tz in pytz.all_timezones_set else "UTC"

    def _booking_formatters(self, partner):
        tz = self._booking_tz(partner)
        env = request.env

        def fmt(value):
            return env["booking.request.mixin"]._booking_format_datetime(value, tz=tz)

        def fmt_range(start, stop):
            if not stop or not start:
                return fmt(start)
            zone = pytz.timezone(tz)
            local_start, local_stop = (pytz.utc.localize(d).astimezone(zone) for d in (start, stop))
            if local_start.date() != local_stop.date():
                return f"{fmt(start)} – {fmt(stop)}"
            end = format_time(env, local_stop.time(), time_format="short")
            return f"{fmt(start)} – {end}"

        def local_input(value):
            if not value:
                return ""
            return pytz.utc.localize(value).astimezone(pytz.timezone(tz)).strftime(DATETIME_INPUT)

        return {"fmt": fmt, "fmt_range": fmt_range, "local_input": local_input, "tz_name": tz}

    @staticmethod
    def _to_id(value):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise BadInput(request.env._("Invalid reference.")) from None
        if not 0 < number <= MAX_ID:
            raise BadInput(request.env._("Invalid reference."))
        return number

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

    def _booking_cancel_values(self, reason_id, reason):
        values = {"reason": self._text(reason, request.env._("The reason"))}
        if reason_id not in (None, "", "0"):
            values["reason_id"] = self._to_id(reason_id)
        return values

    def _booking_change_values(self, booking, form, require_start=False):
        values = {"requested_note": self._text(form.get("requested_note"), request.env._("The note"))}
        start = self._parse_local_datetime(booking, form.get("requested_start"))
        if start:
            duration = self._parse_duration(form.get("requested_duration"))
            values["requested_start"] = start
            if duration:
                values["requested_stop"] = start + timedelta(hours=duration)
        elif require_start:
            raise BadInput(request.env._("Please choose the new date and time."))
        elif form.get("requested_duration"):
            raise BadInput(request.env._("Please choose the new start with the new duration."))
        if form.get("requested_product_id") not in (None, "", "0"):
            values["requested_product_id"] = self._to_id(form["requested_product_id"])
        return values

    def _parse_local_datetime(self, booking, value):
        """'YYYY-MM-DDTHH:MM' in the customer's time zone -> naive UTC."""
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
        tz = pytz.timezone(self._booking_tz(self._booking_requester(booking, "user")))
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
        if not 0 < hours <= MAX_DURATION_HOURS:  # also refuses nan and inf
            raise BadInput(request.env._("The duration must be between 0 and %s hours.", MAX_DURATION_HOURS))
        return hours

    def _booking_redirect(self, booking, via, access_token, message):
        url = f"/my/bookings/{booking._booking_kind()}/{booking.id}?message={message}"
        if via == "token":
            url += f"&access_token={access_token}"
        return request.redirect(url, code=303)

    def _booking_refusal(self, status, message):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "bookings", "refusal": message})
        return request.render("booking_change_request.portal_booking_refusal", values, status=status)

    def _booking_error(self, booking, via, access_token, status, message, action=None):
        values = self._prepare_booking_values(booking, via, access_token, action=action)
        values["error"] = message
        return request.render("booking_change_request.portal_booking_page", values, status=status)

    def _prepare_booking_values(self, booking, via, access_token, action=None):
        """What the booking page shows; reads only (a GET changes nothing)."""
        requester = self._booking_requester(booking, via)
        company = booking._booking_company()
        cancel_quote = booking._booking_quote("cancel")
        change_quote = booking._booking_quote("change")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "booking",
                "booking": booking,
                "kind": booking._booking_kind(),
                "via": via,
                "access_token": access_token if via == "token" else None,
                "token_query": f"?access_token={access_token}" if via == "token" else "",
                "requester": requester,
                "company": company,
                "action": action if action in ("cancel", "change", "rebook") else None,
                "cancel_quote": cancel_quote,
                "change_quote": change_quote,
                "can_cancel": company.booking_portal_cancel and cancel_quote["window"] != "closed",
                "can_change": company.booking_portal_change and change_quote["window"] != "closed",
                "can_rebook": company.booking_portal_change and booking._booking_is_cancelled(),
                "closed_message": booking._booking_closed_message("cancel"),
                "requests": booking.booking_request_ids.sorted("id", reverse=True),
                "pending": booking.booking_pending_request_id,
                "reasons": request.env["booking.cancel.reason"].sudo().search([]),
                "services": request.env["product.product"]
                .sudo()
                .search(
                    [
                        ("sale_ok", "=", True),
                        ("type", "=", "service"),
                        ("company_id", "in", (False, company.id)),
                        (
                            "id",
                            "!=",
                            company.booking_fee_product_id.id
                            or request.env.ref("booking_change_request.product_booking_fee").id,
                        ),
                    ],
                    limit=50,
                ),
                "duration_hours": round(
                    (
                        (booking._booking_stop() or booking._booking_start()) - booking._booking_start()
                    ).total_seconds()
                    / 3600.0,
                    2,
                )
                if booking._booking_start()
                else 1.0,
                **self._booking_formatters(requester),
            }
        )
        return values
