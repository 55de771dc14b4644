from odoo import api, fields, models

from ..tools.compat import GROUP_IDS

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
    # Not required in the database: Odoo's own tests create companies before our fields load.
    booking_cancel_auto_approve = fields.Selection(
        AUTO_APPROVE,
        string="Approve cancellations",
        default="notice",
    )
    booking_cancel_auto_approve_hours = fields.Float(string="Cancellation notice (hours)", default=48.0)
    booking_change_auto_approve = fields.Selection(
        AUTO_APPROVE,
        string="Approve changes",
        default="never",
        help="A change is only approved on its own when the assigned workers are free at the new time.",
    )
    booking_change_auto_approve_hours = fields.Float(string="Change notice (hours)", default=48.0)
    booking_fee_product_id = fields.Many2one(
        "product.product",
        string="Fee product",
        default=lambda self: self.env.ref(
            "booking_change_request.product_booking_fee", raise_if_not_found=False
        ),
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
    booking_accountant_id = fields.Many2one(
        "res.users",
        string="Accounting contact",
        domain=lambda self: [(GROUP_IDS, "in", self.env.ref("account.group_account_invoice").ids)],
        help="Who is asked to return money to customers, or to collect it again, when a booking's "
        "cancellation, undo or booking again moves money already paid (empty: an accounting manager).",
    )
    booking_reminder_hours = fields.Float(
        string="Order reminder (hours before)",
        default=24.0,
        help="Customers get a reminder of their booked order this many hours before it (0: none).",
    )
    booking_service_product_ids = fields.Many2many(
        "product.product",
        "res_company_booking_service_product_rel",
        string="Bookable services",
        domain=[("type", "=", "service"), ("sale_ok", "=", True)],
        help="The services a customer may pick when asking for a change (empty: the booking's own only).",
    )
    booking_change_limit = fields.Integer(
        string="Changes per booking",
        help="How many approved online changes a booking may have (0: no limit).",
    )
    booking_change_horizon_days = fields.Integer(
        string="Furthest move (days)",
        help="How far from its first date a booking may be moved online (0: no limit).",
    )
    booking_change_reason_required = fields.Boolean(string="A reason is required for changes")
    booking_undo_minutes = fields.Integer(
        string="Undo a cancellation (minutes)",
        default=15,
        help="Customers may undo their own approved cancellation within this many minutes (0: never).",
    )
    booking_daily_request_limit = fields.Integer(
        string="Requests per booking and day",
        default=10,
        help="How many requests customers may make on one booking in 24 hours (0: no limit).",
    )
    booking_time_block_ids = fields.One2many("booking.time.block", "company_id", string="Time blocks")

    @api.model
    def _booking_default_fee_product(self):
        """At install: companies that exist already show the fee product fees use."""
        product = self.env.ref("booking_change_request.product_booking_fee")
        self.sudo().search([("booking_fee_product_id", "=", False)]).booking_fee_product_id = product
