"""Who came to a booking: the logged-in customer, a link's recipient, a reader, or nobody."""

import logging
from dataclasses import dataclass, field

from werkzeug.urls import url_encode

from odoo.http import request

from ..tools.throttle import AddressThrottle
from .portal_forms import is_record_id

_logger = logging.getLogger(__name__)

MIXIN = "booking.request.mixin"
# POSTs carrying a link's token, per address and process: a link is for one person's few requests
LINK_POSTS = AddressThrottle(limit=30, window=600)


def booking_models(env):
    """{kind: model name} of every kind of booking: the models that inherit the mixin."""
    return {env[name]._booking_kind: name for name in env[MIXIN]._booking_models()}


class NotFound(Exception):
    """Unknown and foreign bookings or requests answer alike (404): ids tell nothing."""


@dataclass
class Visitor:
    """Who came to a booking, by which path, and the time zone their times are read in."""

    booking: object  # the booking, as superuser
    partner: object  # the customer acting (empty: a reader, whose link does not say who they are)
    via: str  # 'user' (logged in) or 'token' (an email link)
    tz: str
    link: dict = field(default_factory=dict)  # access_token, pid, hash to carry on

    @property
    def channel(self):
        return "portal" if self.via == "user" else "email"

    @property
    def query(self):
        return url_encode(self.link)


class BookingVisitors:
    """Resolving the visitor of a route (mixed into the portal controller)."""

    def _booking_visitor(self, kind, booking_id, params):
        """Who is asking about this booking: the logged-in customer, else the link's recipient.

        ``params`` are where the link's access_token, pid and hash come from: the query
        string of a GET, the form body of a POST. Raises NotFound (404) when neither opens it.
        """
        model = booking_models(request.env).get(kind)
        if not model or not is_record_id(booking_id):
            raise NotFound()
        booking = request.env[model].sudo().browse(booking_id).exists()
        if not booking or not booking._booking_engaged():
            raise NotFound()  # a plain meeting, or a quotation never confirmed, is no booking
        user = request.env.user
        if not user._is_public() and booking._booking_may_ask(user.partner_id):
            return Visitor(booking, user.partner_id, "user", self._booking_tz(user.partner_id, booking))
        token = params.get("access_token")
        if not booking._booking_check_token(token):
            if token:
                self._booking_log_refused_link(booking, "token")
            raise NotFound()
        partner = booking._booking_link_partner(params.get("pid"), params.get("hash"))
        link = {"access_token": token}
        if partner:
            link.update(pid=partner.id, hash=params.get("hash"))
        elif params.get("pid") or params.get("hash"):
            self._booking_log_refused_link(booking, "signature")
        # a token without its recipient's signature (or Odoo's own order token) shows the page:
        # it never acts, as it may have been forwarded or previewed by someone else
        return Visitor(booking, partner, "token", self._booking_tz(partner, booking), link)

    @staticmethod
    def _booking_log_refused_link(booking, what):
        _logger.warning(
            "Booking link refused (wrong %s) for %s %s from %s",
            what,
            booking._name,
            booking.id,
            request.httprequest.remote_addr,
        )

    def _booking_own_request(self, request_id, params):
        """(visitor, request as superuser) for a request of the visitor's own; NotFound otherwise."""
        if not is_record_id(request_id):
            raise NotFound()
        req = request.env["booking.change.request"].sudo().browse(request_id).exists()
        if not req:
            raise NotFound()
        booking = req._booking()
        visitor = self._booking_visitor(booking._booking_kind, booking.id, params)
        # one who may only read the booking (a link without signature) is refused by the caller
        if visitor.partner and not booking._booking_is_own(req, visitor.partner):
            raise NotFound()
        return visitor, req

    def _booking_tz(self, partner, booking=None):
        """The time zone a visitor's times are read in: theirs, else the booking's, else the company's."""
        return (booking or request.env[MIXIN])._booking_tz(partner)

    def _booking_only_post(self):
        """Odoo routes OPTIONS to POST handlers (without CSRF check): anything but POST is refused."""
        if request.httprequest.method != "POST":
            return request.make_response(
                request.env._("Method not allowed: this address takes a POST."),
                headers=[("Allow", "POST"), ("Content-Type", "text/plain; charset=utf-8")],
                status=405,
            )
        return None

    def _booking_throttled(self):
        """429 when this address sent too many POSTs carrying a link's token lately."""
        address = request.httprequest.remote_addr
        if not request.httprequest.form.get("access_token") or not LINK_POSTS.hit(address):
            return None
        _logger.warning("Booking link POSTs throttled for %s", address)
        return request.make_response(
            request.env._("Too many attempts from your address: please wait a few minutes and try again."),
            headers=[("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "600")],
            status=429,
        )

    def _booking_origin(self):
        http_request = request.httprequest
        return {
            "requester_ip": (http_request.remote_addr or "")[:64],
            "requester_user_agent": (http_request.user_agent.string or "")[:512],
        }
