from odoo import fields, models


class BookingDenyWizard(models.TransientModel):
    _name = "booking.deny.wizard"
    _description = "Deny booking requests"

    request_ids = fields.Many2many("booking.change.request", required=True)
    note = fields.Text(string="Message to the customer", required=True)

    def action_deny(self):
        self.request_ids.action_deny(note=self.note)
        return {"type": "ir.actions.act_window_close"}
