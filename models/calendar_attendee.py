from odoo import models


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
