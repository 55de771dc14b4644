from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import policy
from ..tools.policy import CLOSED, FREE, REVIEW
from ..tools.refusal import BookingForbidden, BookingRefusal


class BookingIntake(models.AbstractModel):
    """Requests from customers: who may ask, what they typed, one request at a time per booking."""

    _inherit = "booking.request.mixin"

    def _booking_request_cancel(self, partner, values, channel):
        """Ask to cancel; returns the request (approved at once in the free window)."""
        return self._booking_request("cancel", partner, values, channel)

    def _booking_request_change(self, partner, values, channel):
        """Ask to move the booking or swap its service; returns the request."""
        return self._booking_request("change", partner, values, channel)

    def _booking_request_rebook(self, partner, values, channel):
        """Ask to book a cancelled booking again at a new time; returns the request."""
        return self._booking_request("rebook", partner, values, channel)

    def _booking_request(self, request_type, partner, values, channel, review=False):
        """File a request; ``review``: never approved by the rules (calendar's decline, a GET)."""
        self.ensure_one()
        self._booking_check_requester(partner, channel)
        self._booking_lock()
        # closed whatever was typed (a pending request, a limit): said before the input is read
        closed = self._booking_decision(request_type, viewer=partner, refund=False)
        if closed.closed:
            raise BookingRefusal(closed.message)
        values = self._booking_clean_values(request_type, values)
        decision = self._booking_decision(request_type, values, viewer=partner)
        if decision.outcome == FREE and request_type != "cancel" and not review:
            # it takes the workers' time at once: decide again once no one else can take it
            self._booking_lock_workers()
            decision = self._booking_decision(request_type, values, viewer=partner)
        if decision.closed:
            raise BookingRefusal(decision.message)
        self._booking_check_daily_limit()
        # the partial unique index sees decided requests only once flushed
        self.env["booking.change.request"].flush_model(["state"])
        vals = self._booking_prepare_request_vals(request_type, partner, values, channel, decision)
        request = self.env["booking.change.request"].sudo().create(vals)
        if decision.outcome == FREE and not review:
            request._approve(auto=True)
        else:
            request._start_review()
        # Flush as superuser: flushed later by a portal or public caller's environment,
        # monetary values written here would need that caller to read order lines.
        request.env.flush_all()
        return request

    def _booking_check_daily_limit(self):
        """A booking takes so many customers' requests a day (each one emails and alerts people)."""
        limit = self._booking_company().booking_daily_request_limit
        if not limit:
            return
        since = fields.Datetime.now() - timedelta(days=1)
        field = self._booking_request_field
        count = (
            self.env["booking.change.request"]
            .sudo()
            .search_count([(field, "=", self.id), ("channel", "!=", "backend"), ("create_date", ">=", since)])
        )
        if count >= limit:
            raise BookingRefusal(
                self.env._(
                    "This booking had %(count)s requests in the last 24 hours, the most we take online. "
                    "Please contact %(contact)s.",
                    count=count,
                    contact=self._booking_contact_text(),
                ),
                429,
            )

    def _booking_lock_workers(self):
        """Serialize what takes the workers' time (undo, approval): the second waits, then sees the first.

        A real (empty) update of the workers' rows, not only a lock: under Odoo's REPEATABLE READ the
        second transaction would otherwise check their time in its older snapshot; this way it
        fails to serialize and Odoo retries it, seeing the first.
        """
        if self.booking_worker_ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_users SET write_date = write_date WHERE id IN %s",
                    tuple(sorted(self.booking_worker_ids.ids)),
                )
            )

    def _booking_lock(self):
        """Serialize requests on one booking: a racing submit waits, then sees this one."""
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id)
        )
        self.invalidate_recordset()
        self.booking_request_ids.invalidate_recordset()

    def _booking_check_requester(self, partner, channel):
        if channel == "backend":
            self._booking_check_reviewer()
        elif not partner or not self._booking_may_ask(partner):
            raise BookingForbidden(self.env._("You cannot make requests on this booking."))

    def _booking_clean_values(self, request_type, values):
        """Validate the customer's values; returns those the request keeps."""
        keys = (
            "reason_id",
            "reason",
            "requested_start",
            "requested_stop",
            "requested_product_id",
            "requested_time_block_id",
            "requested_note",
            "requester_ip",
            "requester_user_agent",
        )
        clean = {key: values[key] for key in keys if values.get(key)}
        if request_type == "cancel":
            self._booking_check_cancel_reason(clean)
            return {key: value for key, value in clean.items() if not key.startswith("requested_")}
        start, stop = clean.get("requested_start"), clean.get("requested_stop")
        if (
            request_type == "change"
            and start == self._booking_start()
            and stop in (None, self._booking_stop())
        ):
            # the form sends the current time back: no new time was asked for
            start, stop = None, None
            clean.pop("requested_start")
            clean.pop("requested_stop", None)
        if request_type == "rebook" and not start:
            raise ValidationError(self.env._("Please choose the new date and time."))
        if start:
            stop = stop or start + self._booking_duration()
            if stop <= start:
                raise ValidationError(self.env._("The new end must come after the new start."))
            if not policy.duration_ok((stop - start).total_seconds() / 3600.0):
                raise ValidationError(self.env._("A booking lasts from 15 minutes to 14 days."))
            clean["requested_stop"] = stop
        elif stop:
            raise ValidationError(self.env._("Please choose the new start, not only its end."))
        if request_type == "rebook":
            clean.pop("requested_product_id", None)
        if clean.get("requested_product_id") == self._booking_product().id:
            clean.pop("requested_product_id")
        if clean.get("requested_product_id"):
            self._booking_check_service(clean["requested_product_id"])
        if request_type == "change" and not (
            start or clean.get("requested_product_id") or clean.get("requested_note")
        ):
            raise ValidationError(
                self.env._("Please tell us what to change: a new time, a service or a note.")
            )
        company = self._booking_company()
        note = (clean.get("requested_note") or "").strip()
        if request_type == "change" and company.booking_change_reason_required and not note:
            raise ValidationError(self.env._("Please tell us why you ask for this change."))
        return clean

    def _booking_check_cancel_reason(self, clean):
        company = self._booking_company()
        reason = self.env["booking.cancel.reason"].sudo().browse(clean.get("reason_id")).exists()
        if clean.get("reason_id") and not reason:
            raise ValidationError(self.env._("Please pick a reason from the list."))
        words = (clean.get("reason") or "").strip()
        if reason.requires_note and not words:
            raise ValidationError(self.env._("Please tell us more about the reason “%s”.", reason.name))
        if company.booking_cancel_reason_required and not (reason or words):
            raise ValidationError(self.env._("Please tell us why you cancel."))

    def _booking_check_service(self, product_id):
        if product_id not in self._booking_services().ids:
            raise ValidationError(self.env._("Please pick one of the services we offer."))

    def _booking_prepare_request_vals(self, request_type, partner, values, channel, decision):
        vals = {
            **values,
            "request_type": request_type,
            "partner_id": partner.id,
            "channel": channel,
            # what was decided, as the customer was told: nothing recomputes it later
            "window": decision.window if decision.window != CLOSED else REVIEW,
            "outcome": decision.outcome if channel != "backend" else False,
            "decision_message": decision.message if channel != "backend" else False,
            "notice_hours": decision.notice,
            "company_id": self._booking_company().id,
            "currency_id": self._booking_currency().id,
            "user_id": self._booking_responsible().id,
            "previous_start": self._booking_start(),
            "previous_stop": self._booking_stop(),
            "previous_product_id": self._booking_product().id,
            self._booking_request_field: self.id,
        }
        if request_type == "cancel":
            vals.update(fee_amount=decision.fee, fee_total=decision.fee_total, refund_amount=decision.refund)
        return vals
