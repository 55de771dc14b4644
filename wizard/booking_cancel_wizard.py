from odoo import api, fields, models
from odoo.exceptions import UserError


class BookingCancelWizard(models.TransientModel):
    _name = "booking.cancel.wizard"
    _description = "Cancel a booking (staff)"

    event_id = fields.Many2one("calendar.event", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    booking_name = fields.Char(string="Booking", readonly=True)
    reason_id = fields.Many2one("booking.cancel.reason")
    reason = fields.Text(string="Details")
    notice_hours = fields.Float(string="Notice (hours)", readonly=True, digits=(16, 1))
    fee_amount = fields.Monetary(
        string="Fee", currency_field="currency_id", help="Proposed by the fee tiers; change it if needed."
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    notify_customer = fields.Boolean(string="Email the customer", default=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, res_id = self.env.context.get("active_model"), self.env.context.get("active_id")
        if model not in ("calendar.event", "sale.order") or not res_id:
            return values
        booking = self.env[model].browse(res_id)
        notice = booking._booking_notice() if booking._booking_start() else 0.0
        values.update(
            {
                booking._booking_request_field(): booking.id,
                "booking_name": booking.display_name,
                "notice_hours": notice,
                "fee_amount": booking._booking_cancel_fee(notice),
                "currency_id": booking._booking_currency().id,
            }
        )
        return values

    def action_cancel_booking(self):
        self.ensure_one()
        booking = self.event_id or self.order_id
        if not booking:
            raise UserError(self.env._("Open the cancellation from a visit or an order."))
        if self.fee_amount < 0:
            raise UserError(self.env._("A fee cannot be negative."))
        request = booking._booking_staff_cancel(
            self.reason_id.id, self.reason, self.fee_amount, notify_customer=self.notify_customer
        )
        return request.action_open_booking()
