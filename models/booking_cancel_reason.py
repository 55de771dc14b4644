from odoo import fields, models


class BookingCancelReason(models.Model):
    _name = "booking.cancel.reason"
    _description = "Booking cancellation reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    requires_note = fields.Boolean(
        string="Requires a note",
        help="The customer must explain in their own words when picking this reason.",
    )
