"""What the backend's screens ask of the engine: a staff move onto a busy worker, the bulk Deny."""

import logging
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError

MOVE_ANYWAY = "booking_change_request.action_booking_move_anyway"


def json_safe(value):
    """``value`` (write values) as the client can carry it back: dates and times as text."""
    if isinstance(value, datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, date):
        return fields.Date.to_string(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


class BookingRequestMixin(models.AbstractModel):
    _inherit = "booking.request.mixin"

    def _booking_busy_now(self):
        """The workers' other bookings at this booking's time, as one recordset list.

        The one place a staff move asks about availability (the unified availability replaces it).
        """
        found = self._booking_worker_conflicts(self._booking_start(), self._booking_stop())
        return [booking for bookings in found for booking in bookings]

    def _booking_confirm_busy_move(self, vals):
        """Moved by hand (the calendar, the form) onto a time one of its workers has another
        booking: refused with a confirmation whose button applies ``vals`` again, confirmed."""
        self.ensure_one()
        if self.env.context.get("booking_conflicts_ok"):
            return
        busy = self._booking_busy_now()
        if not busy:
            return
        tz = self._booking_tz()
        others = ", ".join(
            f"{other.display_name} ({self._booking_format_datetime(other._booking_start(), tz=tz)})"
            for other in busy[:3]
        )
        question = RedirectWarning(
            self.env._(
                "The people assigned to %(booking)s already have another booking at that time: "
                "%(others)s. Move it anyway?",
                booking=self.display_name,
                others=others,
            ),
            self.env.ref(MOVE_ANYWAY).id,
            self.env._("Move anyway"),
            {"booking_move": {"model": self._name, "id": self.id, "values": json_safe(vals)}},
        )
        # a question to the user, logged as Odoo logs a refusal (a RedirectWarning, as an error)
        question.loglevel = logging.WARNING
        raise question

    @api.model
    def _booking_move_anyway(self):
        """The confirmed move (the button of the confirmation above): the same values, written again
        by the same user, with their rights, the workers' other bookings accepted."""
        move = self.env.context.get("booking_move")
        if (
            not isinstance(move, dict)
            or move.get("model") not in self._booking_models()
            or not isinstance(move.get("id"), int)
            or not isinstance(move.get("values"), dict)
        ):
            raise UserError(self.env._("There is no move to confirm."))
        booking = self.env[move["model"]].browse(move["id"]).exists()
        if not booking:
            raise UserError(self.env._("This booking no longer exists."))
        booking.with_context(booking_conflicts_ok=True, booking_move=None).write(move["values"])
        return {"type": "ir.actions.client", "tag": "soft_reload"}


class BookingChangeRequest(models.Model):
    _inherit = "booking.change.request"

    def _action_open_bulk_deny(self):
        """The list's Deny action: one note for every pending request selected."""
        pending = self.filtered(lambda r: r.state == "pending")
        if not pending:
            raise UserError(self.env._("Select the pending requests to deny."))
        return pending.action_open_deny_wizard()
