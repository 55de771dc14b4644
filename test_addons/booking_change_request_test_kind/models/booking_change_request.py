from odoo import fields, models


class BookingChangeRequest(models.Model):
    """The request names a booking of the third kind by the field its adapter declares."""

    _inherit = "booking.change.request"

    appointment_id = fields.Many2one(
        "booking.test.appointment",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )


class BookingWaitlist(models.Model):
    """A wish to come earlier names it by the same field (the move-up list's SQL joins on it)."""

    _inherit = "booking.waitlist"

    appointment_id = fields.Many2one(
        "booking.test.appointment",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
