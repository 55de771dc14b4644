from odoo import models

LINKED_TEMPLATES = (
    "calendar.calendar_template_meeting_invitation",
    "calendar.calendar_template_meeting_changedate",
    "calendar.calendar_template_meeting_reminder",
)


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _send_mail_to_attendees(self, mail_template, force_send=False):
        """Confirmation and reminder emails of visits carry the cancel and change links."""
        linked = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in LINKED_TEMPLATES]
        attendees = self.with_context(booking_email_links=True) if mail_template in linked else self
        return super(CalendarAttendee, attendees)._send_mail_to_attendees(
            mail_template, force_send=force_send
        )
