from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import AccessError

from ..tools.refusal import BookingRefusal


class BookingChangeRequestUndo(models.Model):
    """The customer undoes their own approved cancellation, within the company's minutes."""

    _inherit = "booking.change.request"

    def action_undo(self):
        """The customer undoes their own approved cancellation, within the company's minutes."""
        if not self.env.su:
            user = self.env.user
            if not user.share or any(r.partner_id != user.partner_id for r in self):
                raise AccessError(self.env._("You can only undo your own cancellations."))
        for request in self.sudo():
            request._undo()
        return True

    def _undo(self):
        """Restore the booking as it was, reverse the cancellation's money, tell everyone it is back on."""
        self.ensure_one()
        self._lock_rows()
        booking = self._booking()
        booking._booking_lock()
        booking._booking_lock_workers()
        refusal = self._undo_refusal()
        if refusal:
            raise BookingRefusal(refusal)
        booking.with_context(booking_applying=self)._booking_apply_undo(self)
        self.write({"state": "undone"})
        self._settle_money()
        self._notify_customer("booking_change_request.mail_template_request_undone")
        booking._booking_log(self._history_line(), author=self.partner_id)
        booking._booking_tell_workers(self._worker_message(), author=self.partner_id)
        self.env.flush_all()

    def _undo_refusal(self):
        """Why this cancellation cannot be undone now, in words; None when it can."""
        self.ensure_one()
        booking = self._booking()
        contact = booking._booking_contact_text()
        minutes = self.company_id.booking_undo_minutes
        if self.request_type != "cancel" or self.state != "approved" or self.channel == "backend":
            return self.env._("Only your own cancellation can be undone.")
        if not minutes:
            return self.env._("A cancellation cannot be undone online. Please contact %s.", contact)
        if fields.Datetime.now() > self.decided_on + timedelta(minutes=minutes):
            return self.env._(
                "A cancellation can be undone within %(minutes)s minutes: that time has passed. "
                "Book again, or contact %(contact)s.",
                minutes=minutes,
                contact=contact,
            )
        if not booking._booking_is_cancelled() or booking._booking_last_cancellation() != self:
            return self.env._("This booking is already back on.")
        start = booking._booking_start()
        if not start or start <= fields.Datetime.now():
            return self.env._("This booking's time has passed.")
        if any(booking._booking_worker_conflicts(start, booking._booking_stop())):
            return self.env._(
                "Its time was given to someone else meanwhile: book again at another time, or contact %s.",
                contact,
            )
        return None

    def _undo_deadline(self):
        """Until when the customer may undo this cancellation (None when they may not)."""
        if self._undo_refusal():
            return None
        return self.decided_on + timedelta(minutes=self.company_id.booking_undo_minutes)
