from datetime import datetime

import pytz
from werkzeug.urls import url_encode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import format_time
from odoo.tools.misc import babel_locale_parse, get_lang

from ..models.booking_request_mixin import REQUEST_TYPES
from ..tools.refusal import BookingRefusal
from .portal_forms import DATETIME_INPUT, BadInput, BookingForms, success_message
from .portal_list import BookingList
from .portal_visitor import MIXIN, BookingVisitors, NotFound

# portal pages are never framed by another site (clickjacking), as Odoo's own account pages
FRAME_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}


class BookingPortal(BookingVisitors, BookingForms, BookingList, CustomerPortal):
    """A booking's page, its decision and the requests' POST routes (the list: portal_list.py)."""

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

    def _booking_poster(self, kind, booking_id):
        """Who posts to a booking: (visitor, None), or (None, the answer refusing them)."""
        if wrong := self._booking_only_post() or self._booking_throttled():
            return None, wrong
        try:
            visitor = self._booking_visitor(kind, booking_id, request.httprequest.form)
        except NotFound:
            return None, self._booking_not_found()
        if not visitor.partner:
            return None, self._booking_read_only(visitor)
        return visitor, None

    def _booking_post(self, kind, booking_id, request_type, parse):
        """Check who came, parse, submit in a savepoint: 303 on success, the page with a 4xx otherwise."""
        visitor, wrong = self._booking_poster(kind, booking_id)
        if wrong:
            return wrong
        form = request.httprequest.form
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
        return request.make_json_response(payload, headers={"Cache-Control": "no-store"}, status=status)

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
