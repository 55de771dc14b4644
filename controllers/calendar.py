from odoo import http
from odoo.addons.calendar.controllers.main import CalendarController
from odoo.http import request


class BookingCalendarController(CalendarController):
    """Calendar's Accept and Decline links change a visit on a GET (mail scanners follow links):
    for a booked visit's customer they only lead to the booking's page, where they can cancel."""

    @http.route()
    def accept_meeting(self, token, id, **kwargs):
        return self._booking_page_of(token) or super().accept_meeting(token, id, **kwargs)

    @http.route()
    def accept_recurrence(self, token, id, **kwargs):
        return self._booking_page_of(token) or super().accept_recurrence(token, id, **kwargs)

    @http.route()
    def decline_meeting(self, token, id, **kwargs):
        return self._booking_page_of(token, "cancel") or super().decline_meeting(token, id, **kwargs)

    @http.route()
    def decline_recurrence(self, token, id, **kwargs):
        return self._booking_page_of(token, "cancel") or super().decline_recurrence(token, id, **kwargs)

    def _booking_page_of(self, token, action=None):
        """A redirect to the booking's page for the attendee holding ``token``; None for a plain meeting."""
        if not isinstance(token, str) or not token:
            return None
        attendee = request.env["calendar.attendee"].sudo().search([("access_token", "=", token)], limit=1)
        event = attendee.event_id
        if not attendee or not attendee._booking_is_customer():
            return None
        # signed for the attendee, the one who holds calendar's token, when their links exist
        partner = attendee.partner_id if event.booking_access_token else None
        return request.redirect(event._booking_portal_url(action, partner), code=303)
