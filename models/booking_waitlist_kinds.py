from odoo import fields, models

from .booking_request_mixin import REVIEWER_GROUP


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    booking_waitlist_ids = fields.One2many(
        "booking.waitlist", "event_id", string="Move-up list", groups=REVIEWER_GROUP
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    booking_waitlist_ids = fields.One2many(
        "booking.waitlist", "order_id", string="Move-up list", groups=REVIEWER_GROUP
    )

    def _booking_open_domain(self):
        return [("state", "=", "sale"), ("locked", "=", False)]
