from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    booking_portal_cancel = fields.Boolean(related="company_id.booking_portal_cancel", readonly=False)
    booking_portal_change = fields.Boolean(related="company_id.booking_portal_change", readonly=False)
    booking_email_links = fields.Boolean(related="company_id.booking_email_links", readonly=False)
    booking_cancel_reason_required = fields.Boolean(
        related="company_id.booking_cancel_reason_required", readonly=False
    )
    booking_cutoff_hours = fields.Float(related="company_id.booking_cutoff_hours", readonly=False)
    booking_cancel_auto_approve = fields.Selection(
        related="company_id.booking_cancel_auto_approve", readonly=False
    )
    booking_cancel_auto_approve_hours = fields.Float(
        related="company_id.booking_cancel_auto_approve_hours", readonly=False
    )
    booking_change_auto_approve = fields.Selection(
        related="company_id.booking_change_auto_approve", readonly=False
    )
    booking_change_auto_approve_hours = fields.Float(
        related="company_id.booking_change_auto_approve_hours", readonly=False
    )
    booking_fee_product_id = fields.Many2one(related="company_id.booking_fee_product_id", readonly=False)
    booking_fee_invoice_post = fields.Boolean(related="company_id.booking_fee_invoice_post", readonly=False)
    booking_accountant_id = fields.Many2one(related="company_id.booking_accountant_id", readonly=False)
    booking_reminder_hours = fields.Float(related="company_id.booking_reminder_hours", readonly=False)
    booking_service_product_ids = fields.Many2many(
        related="company_id.booking_service_product_ids", readonly=False
    )
    booking_change_limit = fields.Integer(related="company_id.booking_change_limit", readonly=False)
    booking_change_horizon_days = fields.Integer(
        related="company_id.booking_change_horizon_days", readonly=False
    )
    booking_change_reason_required = fields.Boolean(
        related="company_id.booking_change_reason_required", readonly=False
    )
    booking_undo_minutes = fields.Integer(related="company_id.booking_undo_minutes", readonly=False)
    booking_daily_request_limit = fields.Integer(
        related="company_id.booking_daily_request_limit", readonly=False
    )

    def action_booking_time_blocks(self):
        """Open the time blocks of the current company."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Time blocks"),
            "res_model": "booking.time.block",
            "view_mode": "list",
            "domain": [("company_id", "=", self.company_id.id)],
            "context": {"default_company_id": self.company_id.id},
        }

    def action_booking_fee_rules(self):
        """Open the fee tiers of the current company."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Late-cancellation fees"),
            "res_model": "booking.cancellation.fee.rule",
            "view_mode": "list",
            "domain": [("company_id", "=", self.company_id.id)],
            "context": {"default_company_id": self.company_id.id},
        }
