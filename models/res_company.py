from odoo import fields, models

AUTO_APPROVE = [
    ("never", "Never: staff review every request"),
    ("always", "Always"),
    ("notice", "With enough notice"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    booking_portal_cancel = fields.Boolean(
        string="Customers may cancel",
        default=True,
        help="Customers may cancel their bookings from the portal and from email links.",
    )
    booking_portal_change = fields.Boolean(
        string="Customers may ask for changes",
        default=True,
    )
    booking_email_links = fields.Boolean(
        string="Cancel and change links in emails",
        default=True,
        help="Confirmation and reminder emails carry Cancel and Request a change links.",
    )
    booking_cancel_reason_required = fields.Boolean(string="A reason is required")
    booking_cutoff_hours = fields.Float(
        string="Self-service closes (hours before start)",
        default=24.0,
        help="No self-service less than this many hours before the booking starts (0: none).",
    )
    booking_cancel_auto_approve = fields.Selection(
        AUTO_APPROVE,
        string="Approve cancellations",
        default="notice",
        required=True,
    )
    booking_cancel_auto_approve_hours = fields.Float(string="Cancellation notice (hours)", default=48.0)
    booking_change_auto_approve = fields.Selection(
        AUTO_APPROVE,
        string="Approve changes",
        default="never",
        required=True,
        help="A change is only approved on its own when the assigned workers are free at the new time.",
    )
    booking_change_auto_approve_hours = fields.Float(string="Change notice (hours)", default=48.0)
    booking_fee_product_id = fields.Many2one(
        "product.product",
        string="Fee product",
        domain=[("type", "=", "service")],
        help="Service product used on late-cancellation fee invoices.",
    )
    booking_fee_rule_ids = fields.One2many(
        "booking.cancellation.fee.rule",
        "company_id",
        string="Late-cancellation fees",
    )
    booking_fee_invoice_post = fields.Boolean(
        string="Post fee invoices",
        default=True,
        help="Post fee invoices at once; otherwise they wait in draft for an accountant.",
    )
    booking_reminder_hours = fields.Float(
        string="Order reminder (hours before)",
        default=24.0,
        help="Customers get a reminder of their booked order this many hours before it (0: none).",
    )
