from odoo import fields, models
from odoo.addons.booking_change_request.models.booking_request_mixin import REVIEWER_GROUP


class BookingTestAppointment(models.Model):
    """A third kind of booking, defined only for the tests: one adapter, nothing else of the engine."""

    _name = "booking.test.appointment"
    _inherit = ["booking.request.mixin"]  # first: its hooks wrap those of any other parent
    _description = "Appointment (a test-only kind of booking)"
    _order = "start, id"
    _booking_kind = "appointment"
    _booking_request_field = "appointment_id"
    _booking_start_field = "start"
    _booking_stop_field = "stop"
    _booking_watched_fields = ("start", "stop", "state", "booking_product_id")
    _booking_list_fields = ["name", "start", "stop", "state", "company_id", "user_id"]

    name = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    state = fields.Selection(
        [("confirmed", "Confirmed"), ("cancelled", "Cancelled")], default="confirmed", required=True
    )
    booking_product_id = fields.Many2one("product.product", string="Service")
    booking_request_ids = fields.One2many(
        "booking.change.request", "appointment_id", string="Change requests"
    )
    booking_waitlist_ids = fields.One2many(
        "booking.waitlist", "appointment_id", string="Move-up list", groups=REVIEWER_GROUP
    )

    # ------------------------------------------------------------------
    # The adapter's hooks (see booking.request.mixin)
    # ------------------------------------------------------------------

    def _booking_domain(self):
        return [("booking_product_id", "!=", False)]

    def _booking_customer_domain(self, partner):
        return [("partner_id", "=", partner.id)]

    def _booking_cancelled_domain(self):
        return [("state", "=", "cancelled")]

    def _booking_busy_domain(self, workers, start, stop):
        return [
            ("booking_worker_ids", "in", workers.ids),
            ("state", "=", "confirmed"),
            ("start", "<", stop),
            ("stop", ">", start),
        ]

    def _booking_company(self):
        return self.company_id

    def _booking_customers(self):
        return self.partner_id

    def _booking_may_ask(self, partner):
        return bool(partner) and partner == self.partner_id

    def _booking_responsible(self):
        return self.user_id

    def _booking_is_cancelled(self):
        return self.state == "cancelled"

    def _booking_is_open(self):
        return self.state == "confirmed"

    def _booking_engaged(self):
        return bool(self.booking_product_id)

    def _booking_price(self):
        return self.booking_product_id.lst_price

    def _booking_currency(self):
        return self.company_id.currency_id

    def _booking_apply_cancel(self, request):
        self.state = "cancelled"

    def _booking_apply_change(self, request):
        values = {}
        if request.requested_start:
            values.update(start=request.requested_start, stop=request.requested_stop)
        if request.requested_product_id:
            values["booking_product_id"] = request.requested_product_id.id
        self.write(values)

    def _booking_apply_rebook(self, request):
        self.write({"state": "confirmed", "start": request.requested_start, "stop": request.requested_stop})

    def _booking_apply_undo(self, cancellation):
        self.state = "confirmed"
