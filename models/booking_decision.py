from datetime import timedelta

from odoo import fields, models

from ..tools import policy
from ..tools.policy import CLOSED, FREE, REVIEW
from .booking_request_mixin import REQUEST_TYPES


class BookingDecision(models.AbstractModel):
    """The one decision: for a request type and values, closed, review or free, why, and what it costs."""

    _inherit = "booking.request.mixin"

    def _booking_decision(self, request_type, values=None, viewer=None, available=None, refund=True):
        """The one decision for a request of ``request_type`` with ``values``, made now.

        ``values`` are request fields (``requested_start``, ``requested_stop``,
        ``requested_product_id``, ``requested_time_block_id``...); ``viewer``, the customer
        asking (their own pending request or another attendee's closes it differently). The
        portal, the list, the dialog, the bulk panel, the emails and the engine all read it.
        ``available``: True when the new time is already known to be free for the workers
        (the free times of a day); ``refund``: whether to work out what a paid order refunds
        (the list, which does not show it, skips it).
        """
        self.ensure_one()
        values = values or {}
        notice = self._booking_notice() if self._booking_start() else 0.0
        refusal = self._booking_refusal(request_type, values, viewer)
        if refusal:
            return policy.Decision(request_type, CLOSED, CLOSED, refusal, notice=notice)
        company = self._booking_company()
        if request_type == "cancel":
            window = policy.window(
                notice,
                company.booking_cutoff_hours,
                company.booking_cancel_auto_approve,
                company.booking_cancel_auto_approve_hours,
            )
            return self._booking_cancel_decision(window, notice, refund)
        start = values.get("requested_start")
        if request_type == "rebook":
            notice = self._booking_notice(start) if start else notice
        elif start:
            notice = min(notice, self._booking_notice(start))
        window = policy.window(
            notice,
            company.booking_cutoff_hours,
            company.booking_change_auto_approve,
            company.booking_change_auto_approve_hours,
        )
        return self._booking_change_decision(request_type, window, notice, values, available)

    def _booking_cancel_decision(self, window, notice, refund=True):
        fee = self._booking_cancel_fee(notice)
        fee_total = self._booking_fee_total(fee)
        paid = self._booking_paid() if refund else 0.0
        refund = policy.refund_amount(paid, fee_total) if paid else 0.0
        if window == FREE:
            message = self.env._("Your booking will be cancelled at once.")
        else:
            message = self.env._("Your cancellation will be sent to our team for review.")
        return policy.Decision(
            "cancel", window, window, message, fee=fee, fee_total=fee_total, refund=refund, notice=notice
        )

    def _booking_change_decision(self, request_type, window, notice, values, available=None):
        start, stop = values.get("requested_start"), values.get("requested_stop")
        working, busy = True, False
        if start and not available:
            working, conflicts = self._booking_availability(start, stop or start + self._booking_duration())
            busy = any(conflicts)
        reasons = policy.change_review_reasons(
            time_only=self._booking_is_time_only(values),
            workers_free=not busy,
            working=working,
            fee_now=bool(self._booking_cancel_fee(notice)),
            time_block=bool(values.get("requested_time_block_id")),
        )
        outcome = policy.outcome(window, reasons)
        asked = start or values.get("requested_product_id") or values.get("requested_note")
        if not asked:
            message = (
                self.env._(
                    "Pick a new time: when the people assigned are free then, it is confirmed at once."
                )
                if window == FREE
                else self.env._("Your change will be sent to our team for review.")
            )
        elif outcome == FREE:
            message = (
                self.env._("Your booking will be confirmed again at once.")
                if request_type == "rebook"
                else self.env._("Your change will be confirmed at once.")
            )
        else:
            message = self._booking_review_message(request_type, window, reasons)
        return policy.Decision(request_type, outcome, window, message, notice=notice, reasons=reasons)

    def _booking_review_message(self, request_type, window, reasons):
        why = {
            policy.TIME_BLOCK: self.env._("we set the exact time within the block you pick"),
            policy.NOT_ONLY_TIME: self.env._("a change of service, duration or notes needs our team"),
            policy.OFF_HOURS: self.env._("the people assigned do not work at that time"),
            policy.WORKERS_BUSY: self.env._("the people assigned are busy at that time"),
            policy.FEE_NOW: self.env._("it is late: a cancellation now would carry a fee"),
        }
        if window == REVIEW or not reasons:
            reason = self.env._("our team reviews changes at this notice")
        else:
            reason = why[reasons[0]]
        if request_type == "rebook":
            return self.env._("Your request to book again will be sent to our team for review (%s).", reason)
        return self.env._("Your change will be sent to our team for review (%s).", reason)

    def _booking_offer(self, viewer=None, refund=True, undo=True):
        """What the booking offers ``viewer`` now: each action's decision, and the undo of theirs.

        ``refund`` and ``undo``: whether to work them out (the list shows neither).
        """
        decisions = {
            request_type: self._booking_decision(request_type, viewer=viewer, refund=refund)
            for request_type in REQUEST_TYPES
        }
        return policy.Offer(**decisions, undo=self._booking_undo_decision(viewer) if undo else None)

    def _booking_anything_offered(self, viewer=None, decided=None):
        """Whether the booking offers ``viewer`` any action now (the pencil of the list and the
        calendar), deciding the actions in turn only until one is offered (the first, cancel,
        usually is); ``decided``: {request_type: decision} already made (refund not worked out)."""
        decided = decided or {}
        return policy.anything_offered(
            decided.get(request_type) or self._booking_decision(request_type, viewer=viewer, refund=False)
            for request_type in REQUEST_TYPES
        )

    def _booking_undo_decision(self, viewer):
        """Undoing ``viewer``'s own cancellation: offered until when, or why not; None when there is none."""
        last = self._booking_last_cancellation() if self._booking_is_cancelled() else None
        if not last or last.channel == "backend" or not self._booking_is_own(last, viewer):
            return None
        refusal = last._undo_refusal()
        if refusal:
            return policy.Decision("undo", CLOSED, CLOSED, refusal)
        deadline = last._undo_deadline()
        message = self.env._(
            "You can undo this cancellation until %s.",
            self._booking_format_datetime(deadline, partner=viewer),
        )
        return policy.Decision("undo", FREE, FREE, message, deadline=deadline)

    def _booking_refusal(self, request_type, values, viewer=None):
        """Why a request of this type is closed now for ``viewer``, in words; None when it is open."""
        if not self._booking_engaged():
            return self.env._(
                "This is not a booking we change online. Please contact %s.", self._booking_contact_text()
            )
        company = self._booking_company()
        allowed = company.booking_portal_cancel if request_type == "cancel" else company.booking_portal_change
        if not allowed:
            if request_type == "cancel":
                return self.env._(
                    "Online cancellation is not offered. Please contact %s.", self._booking_contact_text()
                )
            return self.env._(
                "Online changes are not offered. Please contact %s.", self._booking_contact_text()
            )
        pending = self._booking_pending_refusal(viewer)
        if pending:
            return pending
        if request_type == "rebook":
            return self._booking_rebook_refusal(values)
        if self._booking_is_cancelled():
            return self.env._("This booking is already cancelled.")
        start = self._booking_start()
        if not self._booking_is_open() or not start or start <= fields.Datetime.now():
            return self.env._(
                "This booking has started or is closed: it can no longer be changed online. "
                "Please contact %s.",
                self._booking_contact_text(),
            )
        if self._booking_notice() < company.booking_cutoff_hours:
            return self._booking_cutoff_message()
        if request_type == "change":
            return self._booking_change_limit_refusal(values)
        return None

    def _booking_pending_refusal(self, viewer):
        """One request at a time per booking: theirs, or another attendee's, waits for our answer."""
        pending = self.booking_pending_request_id
        if not pending:
            return None
        if self._booking_is_own(pending, viewer):
            return self.env._(
                "Your request %(name)s for this booking is still waiting for an answer: "
                "withdraw it first, or wait for our reply.",
                name=pending.name,
            )
        return self.env._(
            "Another attendee's request for this booking is waiting for our answer: "
            "please try again once it is answered."
        )

    def _booking_cutoff_message(self):
        return self.env._(
            "Online changes close %(hours)s hours before the start. Please contact %(contact)s.",
            hours=f"{self._booking_company().booking_cutoff_hours:g}",
            contact=self._booking_contact_text(),
        )

    def _booking_rebook_refusal(self, values):
        if not self._booking_is_cancelled():
            return self.env._("Only a cancelled booking can be booked again.")
        last = self._booking_last_cancellation()
        if not last or last.channel == "backend":
            return self.env._(
                "This booking was cancelled by our team: please contact %s to book it again.",
                self._booking_contact_text(),
            )
        # booking again moves it: the same limits as a change
        return self._booking_change_limit_refusal(values)

    def _booking_too_close_refusal(self, start):
        """A new time inside the cutoff, or past, is not booked online."""
        if start and self._booking_notice(start) < max(self._booking_company().booking_cutoff_hours, 0.0001):
            return self.env._(
                "That time is too close or already past to be booked online. Please contact %s.",
                self._booking_contact_text(),
            )
        return None

    def _booking_change_limit_refusal(self, values):
        """Past the company's limits on changes: how many, how far, how close."""
        company = self._booking_company()
        limit = company.booking_change_limit
        if limit and self._booking_approved_change_count() >= limit:
            return self.env._(
                "This booking was already changed %(count)s times online. Please contact %(contact)s.",
                count=limit,
                contact=self._booking_contact_text(),
            )
        start = values.get("requested_start")
        if not start:
            return None
        horizon = company.booking_change_horizon_days
        if horizon and abs(start - self._booking_original_start()) > timedelta(days=horizon):
            return self.env._(
                "A booking can be moved online up to %(days)s days from its first date. "
                "Please contact %(contact)s.",
                days=horizon,
                contact=self._booking_contact_text(),
            )
        return self._booking_too_close_refusal(start)

    def _booking_approved_change_count(self):
        """The approved moves customers made online: changes and bookings again."""
        return len(
            self.booking_request_ids.filtered(
                lambda r: (
                    r.request_type in ("change", "rebook")
                    and r.state == "approved"
                    and r.channel != "backend"
                )
            )
        )

    def _booking_original_start(self):
        """Where the booking started before any online change (the horizon counts from it)."""
        changes = self.booking_request_ids.filtered(
            lambda r: r.request_type in ("change", "rebook") and r.state == "approved" and r.previous_start
        ).sorted("id")
        return changes[:1].previous_start or self._booking_start()

    def _booking_is_time_only(self, values):
        """A pure move: a new time, the same service and the same duration."""
        start, stop = values.get("requested_start"), values.get("requested_stop")
        if not start:
            return False
        product_id = values.get("requested_product_id")
        if product_id and product_id != self._booking_product().id:
            return False
        if not stop or not self._booking_start():
            return True
        return stop - start == (self._booking_stop() or self._booking_start()) - self._booking_start()

    def _booking_notice(self, start=None):
        """Hours from now to ``start`` (default: the booking's start)."""
        return policy.notice_hours(fields.Datetime.now(), start or self._booking_start())

    def _booking_contact_text(self):
        """Whom a refused customer should contact."""
        company = self._booking_company().sudo()
        contact = ", ".join(filter(None, [company.phone, company.email]))
        name = self._booking_responsible().sudo().name or company.name
        return f"{name} ({contact})" if contact else name
