from odoo import api, fields, models

from ..tools.compat import Constraint


class BookingCancellationFeeRule(models.Model):
    _name = "booking.cancellation.fee.rule"
    _description = "Late-cancellation fee tier"
    _order = "company_id, hours_before, id"

    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", default=lambda self: self.env.company
    )
    hours_before = fields.Float(
        string="Notice below (hours)",
        required=True,
        help="Applies to cancellations made with less notice than this.",
    )
    fee_type = fields.Selection(
        [("fixed", "Fixed amount"), ("percent", "Percent of the booking's price")],
        required=True,
        default="percent",
    )
    amount = fields.Float(required=True, help="Amount in the company's currency, or a percentage.")
    currency_id = fields.Many2one(related="company_id.currency_id")

    _hours_positive = Constraint("CHECK(hours_before > 0)", "A fee tier needs a notice threshold above zero.")
    _amount_positive = Constraint("CHECK(amount >= 0)", "A fee cannot be negative.")
    _percent_range = Constraint(
        "CHECK(fee_type != 'percent' OR amount <= 100)", "A percentage fee cannot exceed 100%."
    )

    @api.depends("hours_before", "fee_type", "amount")
    def _compute_display_name(self):
        for rule in self:
            fee = f"{rule.amount:g}%" if rule.fee_type == "percent" else f"{rule.amount:g}"
            rule.display_name = self.env._(
                "Below %(hours)s h: %(fee)s", hours=f"{rule.hours_before:g}", fee=fee
            )
