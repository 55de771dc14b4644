"""A booked visit's customers get booking.ics, not calendar's invitation.ics (whose UID changes at
every send and which has no METHOD), in the invitation, "moved" and reminder emails."""

from odoo import models

# context key: the customers' attendees whose emails carry booking.ics (a recordset: no RPC forges it)
ICS_ATTENDEES = "booking_ics_attendees"
# context key: the "moved" emails of a write on a visit, sent once the move is in its history
ICS_MOVES = "booking_ics_moves"
CHANGEDATE = "calendar.calendar_template_meeting_changedate"


class DeferredMoves(list):
    """Calendar's "moved" emails held until its write returns (a type of its own: no RPC forges it)."""


def ics_attendees(env):
    attendees = env.context.get(ICS_ATTENDEES)
    return (
        attendees
        if isinstance(attendees, models.BaseModel) and attendees._name == "calendar.attendee"
        else None
    )


class CalendarEventIcs(models.Model):
    _inherit = "calendar.event"

    def _booking_ics_summary(self):
        return self.name or self.display_name

    def _booking_ics_location(self):
        return self.location or ""

    def _get_ics_file(self):
        # calendar's file for everyone but the booked customers it emails now (they get ours)
        attendees = ics_attendees(self.env)
        if attendees is None:
            return super()._get_ics_file()
        return super(CalendarEventIcs, self - attendees.event_id)._get_ics_file()

    def message_notify(self, **kwargs):
        attendees = ics_attendees(self.env)
        if attendees is not None and len(self) == 1:
            partner = self.env["res.partner"].browse(kwargs.get("partner_ids") or ())
            customer = attendees.filtered(lambda a: a.event_id == self and a.partner_id == partner)
            if len(partner) == 1 and customer:
                ics = self._booking_ics_attachment_ids(None, partner)
                kwargs["attachment_ids"] = [*(kwargs.get("attachment_ids") or []), *ics]
        return super().message_notify(**kwargs)

    def write(self, vals):
        # Calendar emails a moved visit's attendees inside its write, before the engine records
        # the move: held until then, the customers' file counts the move in its SEQUENCE.
        if "start" not in vals or isinstance(self.env.context.get(ICS_MOVES), DeferredMoves):
            return super().write(vals)
        moves = DeferredMoves()
        result = super(CalendarEventIcs, self.with_context(**{ICS_MOVES: moves})).write(vals)
        for attendees, args, kwargs in moves:
            attendees.with_context(**{ICS_MOVES: None})._booking_send_split(*args, **kwargs)
        return result


class CalendarAttendeeIcs(models.Model):
    _inherit = "calendar.attendee"

    def _booking_send_split(self, method, mail_template, *args, **kwargs):
        moves = self.env.context.get(ICS_MOVES)
        if (
            isinstance(moves, DeferredMoves)
            and mail_template
            and mail_template == self.env.ref(CHANGEDATE, raise_if_not_found=False)
            and any(event._booking_engaged() for event in self.event_id)
        ):
            moves.append((self, (method, mail_template, *args), kwargs))
            return None
        return super()._booking_send_split(method, mail_template, *args, **kwargs)
