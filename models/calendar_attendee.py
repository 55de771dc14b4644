from odoo import models

from ..tools.compat import ODOO_19

# Calendar's emails to attendees, and ours for the customers of a booked visit: ours carry
# the Cancel and Request a change links (calendar's Accept and Decline change the visit on a GET).
CHANGEDATE = "calendar.calendar_template_meeting_changedate"
BOOKED_VISIT_TEMPLATES = {
    "calendar.calendar_template_meeting_invitation": "booking_change_request.mail_template_visit_invitation",
    "calendar.calendar_template_meeting_changedate": "booking_change_request.mail_template_visit_moved",
    "calendar.calendar_template_meeting_reminder": "booking_change_request.mail_template_visit_reminder",
}


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def write(self, vals):
        declined = self.filtered(lambda a: a.state != "declined") if vals.get("state") == "declined" else self
        result = super().write(vals)
        if vals.get("state") == "declined":
            for attendee in declined:
                event = attendee.event_id
                if event._booking_may_ask(attendee.partner_id):
                    event._booking_on_decline(attendee.partner_id)
        return result

    def _booking_send_split(self, method, mail_template, *args, **kwargs):
        """Calendar's ``method`` emails attendees from ``mail_template``; a booked visit's customers
        get ours instead."""
        ours = self._booking_template_for(mail_template)
        customers = self.filtered(lambda a: a._booking_is_customer()) if ours else self.browse()
        # a booked visit's workers hear of a move from us, once (their inbox): not from calendar too
        moved = mail_template == self.env.ref(CHANGEDATE, raise_if_not_found=False)
        workers = self.filtered(lambda a: a._booking_is_worker()) if moved else self.browse()
        result = getattr(super(CalendarAttendee, self - customers - workers), method)(
            mail_template, *args, **kwargs
        )
        if customers:
            # queued, as all our emails to customers: a slow mail server never delays the visit;
            # their calendar file is booking.ics (models/calendar_event_ics.py), not calendar's own
            customers = customers.with_context(booking_ics_attendees=customers)
            getattr(super(CalendarAttendee, customers), method)(
                ours, *args, **{**kwargs, "force_send": False}
            )
            self.env["mail.mail"]._booking_send_soon()
        return result

    # calendar's method emailing attendees from a template, renamed in 19.0
    if ODOO_19:

        def _notify_attendees(self, mail_template, *args, **kwargs):
            return self._booking_send_split("_notify_attendees", mail_template, *args, **kwargs)

    else:

        def _send_mail_to_attendees(self, mail_template, *args, **kwargs):
            return self._booking_send_split("_send_mail_to_attendees", mail_template, *args, **kwargs)

    def _booking_is_customer(self):
        """A customer of a booked visit (its emails are ours)."""
        event = self.event_id
        return event._booking_engaged() and event._booking_may_ask(self.partner_id)

    def _booking_is_worker(self):
        """A field worker of a booked visit (we tell them of its changes)."""
        event = self.event_id
        return event._booking_engaged() and self.partner_id in event.booking_worker_ids.partner_id

    def _booking_template_for(self, mail_template):
        """Our template in place of calendar's ``mail_template`` for booked customers, if any."""
        for calendar_xmlid, our_xmlid in BOOKED_VISIT_TEMPLATES.items():
            if mail_template and mail_template == self.env.ref(calendar_xmlid, raise_if_not_found=False):
                return self.env.ref(our_xmlid)
        return None

    def _booking_email_details(self):
        """The visit's time, service, workers and place, and the customer's links (our templates)."""
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            "booking_change_request.booking_visit_email_details", {"attendee": self.sudo()}
        )
