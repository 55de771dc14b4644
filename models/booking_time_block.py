from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BookingTimeBlock(models.Model):
    """A named part of the day a customer may ask for ("Morning 8-12"); staff set the exact time."""

    _name = "booking.time.block"
    _description = "Booking time block"
    _order = "company_id, sequence, hour_from, id"

    name = fields.Char(required=True, translate=True)
    hour_from = fields.Float(string="From", required=True, help="Local time in the company's time zone.")
    hour_to = fields.Float(string="To", required=True, help="Local time in the company's time zone.")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for block in self:
            if not 0 <= block.hour_from < block.hour_to <= 24:
                raise ValidationError(
                    self.env._("A time block runs from 0:00 to 24:00, its start before its end.")
                )

    @api.depends("name", "hour_from", "hour_to")
    def _compute_display_name(self):
        for block in self:
            block.display_name = (
                f"{block.name} ({block._hour_text(block.hour_from)}–{block._hour_text(block.hour_to)})"
            )

    @staticmethod
    def _hour_text(hour):
        minutes = round(hour * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
