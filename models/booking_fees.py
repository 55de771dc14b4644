from odoo import fields, models

from ..tools import policy


class BookingFees(models.AbstractModel):
    """The late-cancellation fee of a booking: its tier, its product and taxes, as it will be invoiced."""

    _inherit = "booking.request.mixin"

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
