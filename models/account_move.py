from odoo import fields, models

CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    booking_request_id = fields.Many2one(
        "booking.change.request",
        string="Booking request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="booking_change_request.group_booking_reviewer",
        help="The booking request whose step made this document: a fee invoice, a credit note or a reversal.",
    )

    def _booking_counts(self):
        """Whether a booking's account counts it: posted, or a draft the engine made (never made twice)."""
        self.ensure_one()
        return self.move_type in CUSTOMER_DOCUMENTS and (
            self.state == "posted" or (self.state == "draft" and bool(self.sudo().booking_request_id))
        )

    def _booking_signed_total(self):
        """Its total as the customer owes it: an invoice adds, a credit note takes away."""
        return sum(m.amount_total if m.move_type == "out_invoice" else -m.amount_total for m in self)

    def _booking_unreversed(self):
        """What of it no reversal has taken back yet (a credit note made by hand may take part of it)."""
        self.ensure_one()
        reversals = self.reversal_move_ids.filtered(lambda m: m._booking_counts())
        return self.currency_id.round(self.amount_total - sum(reversals.mapped("amount_total")))

    def _booking_paid_by_payments(self):
        """What real money (payments, bank lines) settled of it, other documents left out."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        amount = 0.0
        for partial in lines.matched_debit_ids | lines.matched_credit_ids:
            ours_credit = partial.credit_move_id in lines
            counterpart = partial.debit_move_id if ours_credit else partial.credit_move_id
            if not counterpart.move_id.is_invoice(include_receipts=True):
                amount += partial.credit_amount_currency if ours_credit else partial.debit_amount_currency
        return amount
