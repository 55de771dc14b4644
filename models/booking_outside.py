from odoo import models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import policy
from ..tools.policy import REVIEW
from ..tools.refusal import BookingRefusal


class BookingOutside(models.AbstractModel):
    """Staff and Odoo's own ways of changing a booking: recorded as staff requests, approved."""

    _inherit = "booking.request.mixin"

    def _booking_staff_cancel(self, reason_id=False, reason=False, fee_amount=0.0, notify=True):
        """Staff cancellation (the backend wizard): applied at once with the given fee.

        ``notify``: False not to email the customer (or when the wizard posts the email staff edited).
        """
        self.ensure_one()
        self._booking_check_reviewer()
        if fee_amount < 0:
            raise ValidationError(self.env._("A fee cannot be negative."))
        booking = self.sudo()
        booking._booking_lock()
        if booking._booking_is_cancelled():
            raise BookingRefusal(self.env._("This booking is already cancelled."))
        return booking._booking_record_staff_request(
            "cancel",
            {"reason_id": reason_id, "reason": reason, "fee_amount": fee_amount},
            apply=True,
            customer_message=None if notify else False,
        )

    def _booking_record_staff_request(self, request_type, values, apply, customer_message=None):
        """A request made by staff, approved at once: pending requests end, workers hear of it.

        ``apply``: whether the engine applies it (the wizard) or it was already applied by
        Odoo's own buttons. ``customer_message``: None for the default email, False for no
        email (none, or one the caller posts).
        """
        self._booking_end_pending(request_type)
        partner = self._booking_customers()[:1] or self._booking_company().partner_id
        notice = self._booking_notice() if self._booking_start() else 0.0
        decision = policy.Decision(request_type, REVIEW, REVIEW, "", notice=notice)
        vals = self._booking_prepare_request_vals(request_type, partner, {}, "backend", decision)
        vals.update(values)
        if request_type == "cancel":
            # the forecast a customer's cancellation shows in its dialog, made with the staff's fee
            fee_total = self._booking_fee_total(vals.get("fee_amount", 0.0))
            vals.update(
                fee_total=fee_total, refund_amount=policy.refund_amount(self._booking_paid(), fee_total)
            )
        # decided requests (an earlier change in this transaction) reach the one-pending index first
        self.env["booking.change.request"].flush_model(["state"])
        request = self.env["booking.change.request"].sudo().create(vals)
        request._approve(apply=apply, decided_by=self.env.user, customer_message=customer_message)
        return request

    def _booking_end_pending(self, request_type):
        """A pending request made moot by staff ends, with a note saying why."""
        note = {
            "cancel": self.env._("Closed: our team cancelled the booking."),
            "change": self.env._("Closed: our team changed the booking."),
            "rebook": self.env._("Closed: our team booked it again."),
        }[request_type]
        pending = self.booking_pending_request_id
        pending._expire(note)
        # in the database before the staff request is inserted: the one-pending-request
        # index would refuse that insert while the ended request is still pending there
        pending.flush_recordset(["state"])

    def _booking_snapshot(self):
        return {
            "cancelled": self._booking_is_cancelled(),
            "open": self._booking_is_open(),
            "start": self._booking_start(),
            "stop": self._booking_stop(),
            "product": self._booking_product(),
        }

    def _booking_after_outside_write(self, old, vals=None):
        """A booking changed by Odoo's own buttons: record it as a staff request, approved."""
        change = self._booking_outside_change(old, self._booking_snapshot())
        if change:
            request_type, values, message = change
            self._booking_check_may_change_by_hand()
            if values.get("requested_start"):
                # onto a time a worker has another booking: the user confirms first (booking_backend.py)
                self._booking_confirm_busy_move(vals or {})
            self._booking_record_staff_request(request_type, values, apply=False, customer_message=message)

    def _booking_outside_change(self, old, new):
        """(request type, values, customer message) of what Odoo's own buttons did, or None."""
        if not old["cancelled"] and new["cancelled"]:
            return ("cancel", {}, self._booking_outside_cancel_message()) if old["open"] else None
        if old["cancelled"] and not new["cancelled"]:
            return "rebook", {"requested_start": new["start"], "requested_stop": new["stop"]}, None
        if new["cancelled"] or not old["open"]:
            return None
        values = {}
        if (old["start"], old["stop"]) != (new["start"], new["stop"]) and new["start"]:
            values.update(requested_start=new["start"], requested_stop=new["stop"])
        if old["product"] != new["product"]:
            values["requested_product_id"] = new["product"].id
        if not values:
            return None
        values.update(
            previous_start=old["start"], previous_stop=old["stop"], previous_product_id=old["product"].id
        )
        return "change", values, self._booking_outside_change_message()

    def _booking_check_may_change_by_hand(self):
        """Moving, cancelling or archiving a booking by hand: its responsible or a reviewer only."""
        user = self.env.user
        if self.env.su or user == self._booking_responsible():
            return
        try:
            self._booking_check_reviewer()
        except AccessError:
            raise UserError(
                self.env._(
                    "Only %(responsible)s, who is responsible for %(booking)s, or a booking reviewer "
                    "can move, cancel or archive it: its customers and workers are told of every change.",
                    responsible=self._booking_responsible().sudo().name or self.env._("its responsible"),
                    booking=self.display_name,
                )
            ) from None

    def _booking_outside_cancel_message(self):
        """How the customer hears of a cancellation by hand: None, our email; False, Odoo tells them."""
        return None

    def _booking_outside_change_message(self):
        """How the customer hears of a change made by hand: None for our email, False when Odoo tells them."""
        return None
