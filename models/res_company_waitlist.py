from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    booking_waitlist = fields.Boolean(
        string="Move-up list",
        default=True,
        help="Customers ask to come earlier; a time freed by a cancellation or a move is offered to them.",
    )
    booking_waitlist_offers = fields.Integer(
        string="Offers at once",
        default=3,
        help="How many waiting customers one freed time is offered to at once (the oldest wishes first).",
    )
    booking_waitlist_offer_minutes = fields.Integer(
        string="Offer stands (minutes)",
        default=120,
        help="How long an offer stands; never past the self-service cutoff before its time.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    booking_waitlist = fields.Boolean(related="company_id.booking_waitlist", readonly=False)
    booking_waitlist_offers = fields.Integer(related="company_id.booking_waitlist_offers", readonly=False)
    booking_waitlist_offer_minutes = fields.Integer(
        related="company_id.booking_waitlist_offer_minutes", readonly=False
    )
