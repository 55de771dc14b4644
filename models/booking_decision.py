from datetime import timedelta

from odoo import fields, models

from ..tools import policy
from ..tools.policy import CLOSED, FREE, REVIEW
from .booking_request_mixin import REQUEST_TYPES


class BookingDecision(models.AbstractModel):
    """The one decision: for a request type and values, closed, review or free, why, and what it costs."""

    _inherit = "booking.request.mixin"

    def _booking_decision(self, request_type, values=None, conflicts=None, refund=True):
        """The one decision for a request of ``request_type`` with ``values``, made now.

        ``values`` are request fields (``requested_start``, ``requested_stop``,
        ``requested_product_id``, ``requested_time_block_id``...). The portal, the
        list, the dialog, the bulk panel, the emails and the engine all read it.
        ``conflicts``: the workers' other bookings at the new time when already known
        (the free times of a day are free). ``refund``: whether to work out what a paid
        order refunds (the list, which does not show it, skips it).
        """
        self.ensure_one()
        values = values or {}
        refusal = self._booking_refusal(request_type, values)
        if refusal:
            return policy.Decision(request_type, CLOSED, CLOSED, refusal)
        company = self._booking_company()
        notice = self._booking_notice() if self._booking_start() else 0.0
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
        return self._booking_change_decision(request_type, window, notice, values, conflicts)

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
            "cancel",
            window,
            window,
            message,
            fee=fee,
            fee_total=fee_total,
            refund=refund,
        )

    def _booking_change_decision(self, request_type, window, notice, values, conflicts=None):
        start, stop = values.get("requested_start"), values.get("requested_stop")
        if conflicts is None:
            conflicts = self._booking_worker_conflicts(start, stop) if start else ()
        reasons = policy.change_review_reasons(
            time_only=self._booking_is_time_only(values),
            workers_free=not any(conflicts),
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
        return policy.Decision(request_type, outcome, window, message)

    def _booking_review_message(self, request_type, window, reasons):
        why = {
            policy.TIME_BLOCK: self.env._("we set the exact time within the block you pick"),
            policy.NOT_ONLY_TIME: self.env._("a change of service, duration or notes needs our team"),
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

    def _booking_decisions(self):
        """The decision of each request type with no values: what the page offers."""
        return {request_type: self._booking_decision(request_type) for request_type in REQUEST_TYPES}

    def _booking_refusal(self, request_type, values):
        """Why a request of this type is closed now, in words; None when it is open."""
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
        return self._booking_too_close_refusal(values.get("requested_start"))

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
        return len(
            self.booking_request_ids.filtered(
                lambda r: r.request_type == "change" and r.state == "approved" and r.channel != "backend"
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

    def _booking_cancel_fee(self, notice):
        """The late-cancellation fee (untaxed), rounded in the booking's currency."""
        company = self._booking_company()
        rule = policy.matching_fee_rule(notice, company.sudo().booking_fee_rule_ids)
        currency = self._booking_currency()
        # the price is read only when a percent rule needs it (it can cost a query per booking)
        price = self._booking_price() if rule and rule.fee_type == "percent" else 0.0
        amount = policy.fee_amount(rule, price)
        if rule and rule.fee_type == "fixed" and company.currency_id != currency:
            amount = company.currency_id._convert(amount, currency, company, fields.Date.today())
        return currency.round(amount)

    def _booking_fee_product(self):
        company = self._booking_company()
        return company.booking_fee_product_id or self.env.ref("booking_change_request.product_booking_fee")

    def _booking_fee_taxes(self, partner=None):
        """The fee invoice line's taxes: the fee product's, mapped by the customer's fiscal position."""
        company = self._booking_company()
        product = self._booking_fee_product().sudo()
        taxes = product.taxes_id._filter_taxes_by_company(company)
        partner = partner or self._booking_invoice_partner()
        fiscal_position = self.env["account.fiscal.position"].sudo().with_company(company)
        return fiscal_position._get_fiscal_position(partner).map_tax(taxes)

    def _booking_fee_total(self, fee, partner=None):
        """The fee as it will be invoiced, taxes included."""
        if not fee:
            return 0.0
        currency = self._booking_currency()
        taxes = self._booking_fee_taxes(partner)
        return taxes.compute_all(fee, currency, 1.0, self._booking_fee_product(), partner)["total_included"]

    def _booking_invoice_partner(self):
        """Who a fee invoice is addressed to."""
        return self._booking_customers()[:1]

    def _booking_contact_text(self):
        """Whom a refused customer should contact."""
        company = self._booking_company().sudo()
        contact = ", ".join(filter(None, [company.phone, company.email]))
        name = self._booking_responsible().sudo().name or company.name
        return f"{name} ({contact})" if contact else name
