from odoo import http
from odoo.http import request

from ..models.booking_ics import ICS_MIMETYPE, ICS_NAME
from .portal import FRAME_HEADERS, BookingPortal
from .portal_visitor import NotFound


class BookingIcsPortal(BookingPortal):
    """ "Add to my calendar": the booking's event, as the customer's emails carry it."""

    @http.route(
        "/my/bookings/<string:kind>/<int:booking_id>/ics",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_booking_ics(self, kind, booking_id, **kw):
        try:
            visitor = self._booking_visitor(kind, booking_id, request.httprequest.args)
        except NotFound:
            return self._booking_not_found()
        booking = visitor.booking
        # the visitor's own link: the file goes to their calendar, never into a message
        url = booking._booking_ics_url() + (f"?{visitor.query}" if visitor.link else "")
        method = "CANCEL" if booking._booking_is_cancelled() else "PUBLISH"
        raw = booking._booking_ics(method, visitor.partner or None, url=url)
        if not raw:
            return self._booking_not_found()
        return request.make_response(
            raw,
            headers=[
                ("Content-Type", f"{ICS_MIMETYPE}; charset=utf-8"),
                ("Content-Disposition", f"attachment; filename={ICS_NAME}"),
                ("Cache-Control", "no-store"),
                *FRAME_HEADERS.items(),
            ],
        )
