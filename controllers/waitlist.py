"""The move-up list in the portal: ask to come earlier, leave the list, take an offered time."""

from datetime import datetime, time, timedelta

import pytz

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.http import request

from ..tools.refusal import BookingRefusal
from .portal import BookingPortal
from .portal_forms import DATE_INPUT, BadInput, is_record_id
from .portal_visitor import NotFound


def waitlist_message(code):
    """The text shown after a successful POST of the move-up list; None for an unknown code."""
    env = request.env
    return {
        "waitlist_joined": env._(
            "You are on the move-up list: if an earlier time frees up on your days, we email you at once."
        ),
        "waitlist_withdrawn": env._("You left the move-up list; your booking stays as it is."),
    }.get(code)


class BookingWaitlistPortal(BookingPortal):
    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/waitlist",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_booking_waitlist(self, kind, booking_id, **kw):
        """The customer asks to be moved earlier, on the days they give (whole days, their time zone)."""
        visitor, wrong = self._booking_poster(kind, booking_id)
        if wrong:
            return wrong
        form = request.httprequest.form
        try:
            date_from, date_to = self._booking_waitlist_days(visitor, form)
            with request.env.cr.savepoint():
                visitor.booking._booking_waitlist_join(visitor.partner, date_from, date_to, visitor.channel)
        except (BadInput, ValidationError) as error:
            return self._booking_error(visitor, 400, error.args[0])
        except BookingRefusal as error:
            return self._booking_error(visitor, error.status, error.args[0])
        return self._booking_redirect(visitor, "waitlist_joined")

    @http.route(
        "/my/booking-waitlist/<int:wish_id>/withdraw",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_waitlist_withdraw(self, wish_id, **kw):
        return self._booking_waitlist_post("booking.waitlist", wish_id, self._booking_withdraw_wish)

    @http.route(
        "/my/booking-offers/<int:offer_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_offer_accept(self, offer_id, **kw):
        """The customer takes an offered earlier time: the first to accept it wins."""
        return self._booking_waitlist_post("booking.waitlist.offer", offer_id, self._booking_accept_offer)

    @staticmethod
    def _booking_withdraw_wish(visitor, wish):
        wish._withdraw()
        return "waitlist_withdrawn"

    def _booking_accept_offer(self, visitor, offer):
        offer._accept(visitor.partner, visitor.channel, self._booking_origin())
        return "accepted"

    def _booking_waitlist_post(self, model, record_id, act):
        """A POST on the visitor's own wish or offer: ``act(visitor, record)`` in a savepoint, then
        303 back to the booking; another's, or an unknown id, answers 404 alike."""
        if wrong := self._booking_only_post() or self._booking_throttled():
            return wrong
        form = request.httprequest.form
        try:
            visitor, record = self._booking_own_waitlist_record(model, record_id, form)
        except NotFound:
            return self._booking_not_found(request.env._("This does not exist or is not yours."))
        if not visitor.partner:
            return self._booking_read_only(visitor)
        try:
            with request.env.cr.savepoint():
                message = act(visitor, record)
        except ValidationError as error:
            return self._booking_error(visitor, 400, error.args[0])
        except BookingRefusal as error:
            return self._booking_error(visitor, error.status, error.args[0])
        return self._booking_redirect(visitor, message)

    def _booking_own_waitlist_record(self, model, record_id, params):
        """(visitor, wish or offer as superuser) when it is the visitor's own; NotFound otherwise."""
        if not is_record_id(record_id):
            raise NotFound()
        record = request.env[model].sudo().browse(record_id).exists()
        if not record:
            raise NotFound()
        wish = record if model == "booking.waitlist" else record.waitlist_id
        booking = wish._booking()
        visitor = self._booking_visitor(booking._booking_kind, booking.id, params)
        # one who may only read the booking (a link without signature) is refused by the caller
        if visitor.partner and not booking._booking_is_own(wish, visitor.partner):
            raise NotFound()
        return visitor, record

    def _booking_waitlist_days(self, visitor, form):
        """[first day 00:00, the day after the last 00:00) in the visitor's time zone, as naive UTC."""
        first, last = self._parse_date(form.get("date_from")), self._parse_date(form.get("date_to"))
        if not first or not last:
            raise BadInput(request.env._("Please choose the first and the last day you could come."))
        if last < first:
            raise BadInput(request.env._("The last day must not come before the first."))
        zone = pytz.timezone(visitor.tz)
        return tuple(
            self._localize(zone, datetime.combine(day, time.min)) for day in (first, last + timedelta(days=1))
        )

    # ------------------------------------------------------------------
    # The booking's page
    # ------------------------------------------------------------------

    def _prepare_booking_values(self, visitor, action=None, form=None):
        values = super()._prepare_booking_values(visitor, action=action, form=form)
        values.update(self._prepare_waitlist_values(visitor))
        if success := waitlist_message(request.httprequest.args.get("message")):
            values["success"] = success
        return values

    def _prepare_waitlist_values(self, visitor):
        """The visitor's own wish, its open offers (the one an email opened first), or the form to ask."""
        booking, viewer = visitor.booking, visitor.partner
        wish = booking._booking_waitlist_own(viewer)
        now = fields.Datetime.now()
        offers = wish.offer_ids.filtered(lambda o: o._is_open(now)).sorted("start")
        asked = self._booking_asked_offer(booking, viewer)
        refusal = booking._booking_waitlist_refusal()
        zone = pytz.timezone(visitor.tz)
        today = datetime.now(zone).date()
        start = booking._booking_start()
        last = pytz.utc.localize(start).astimezone(zone).date() - timedelta(days=1) if start else today
        return {
            "waitlist": wish,
            "waitlist_offers": offers,
            "waitlist_asked": asked,
            "waitlist_asked_gone": asked and asked not in offers,
            "can_waitlist": bool(viewer) and not wish and not refusal,
            "waitlist_prompt": request.httprequest.args.get("message") == "change_pending"
            or self._booking_change_denied(booking, viewer),
            "waitlist_from": today.strftime(DATE_INPUT),
            "waitlist_to": max(last, today).strftime(DATE_INPUT),
            "waitlist_max": (max(last, today) + timedelta(days=1)).strftime(DATE_INPUT),
        }

    def _booking_asked_offer(self, booking, viewer):
        """The offer an email link opened (``?offer=<id>``), when it is the visitor's own."""
        raw = request.httprequest.args.get("offer")
        if not viewer or not raw or not raw.isdigit() or not is_record_id(int(raw)):
            return None
        offer = request.env["booking.waitlist.offer"].sudo().browse(int(raw)).exists()
        wish = offer.waitlist_id
        if not offer or wish._booking() != booking or not booking._booking_is_own(wish, viewer):
            return None
        return offer

    @staticmethod
    def _booking_change_denied(booking, viewer):
        """Whether the visitor's latest request is a change our team denied (a time they wanted, busy)."""
        own = booking.booking_request_ids.filtered(lambda r: booking._booking_is_own(r, viewer))
        last = own.sorted("id")[-1:]
        return bool(last) and last.request_type == "change" and last.state == "denied"
