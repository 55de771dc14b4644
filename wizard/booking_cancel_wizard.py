from odoo import api, fields, models
from odoo.exceptions import UserError

STAFF_CANCEL_TEMPLATE = "booking_change_request.mail_template_booking_cancelled_by_staff"


class BookingCancelWizard(models.TransientModel):
    """Staff cancel a booking: the fee a customer would pay, editable, and the email, editable."""

    _name = "booking.cancel.wizard"
    _inherit = "mail.composer.mixin"
    _description = "Cancel a booking (staff)"

    booking_model = fields.Char(readonly=True)
    booking_id = fields.Many2oneReference(string="Booking record", model_field="booking_model", readonly=True)
    booking_name = fields.Char(string="Booking", readonly=True)
    reason_id = fields.Many2one("booking.cancel.reason")
    reason = fields.Text(string="Details")
    notice_hours = fields.Float(string="Notice (hours)", readonly=True, digits=(16, 1))
    fee_amount = fields.Monetary(
        string="Fee (untaxed)",
        currency_field="currency_id",
        help="Proposed by the fee tiers, as a customer cancelling now would pay; change it if needed.",
    )
    fee_total = fields.Monetary(
        string="Fee invoiced", currency_field="currency_id", compute="_compute_fee_total"
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    notify_customer = fields.Boolean(string="Email the customer", default=True)
    template_id = fields.Many2one(
        default=lambda self: self.env.ref(STAFF_CANCEL_TEMPLATE, raise_if_not_found=False)
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        booking = self._booking_from_context()
        if not booking:
            return values
        booking._booking_check_reviewer()
        notice = booking._booking_notice() if booking._booking_start() else 0.0
        values.update(
            {
                "booking_model": booking._name,
                "booking_id": booking.id,
                "booking_name": booking.display_name,
                "notice_hours": notice,
                "fee_amount": booking._booking_cancel_fee(notice),
                "currency_id": booking._booking_currency().id,
            }
        )
        return values

    def _booking_from_context(self):
        model, res_id = self.env.context.get("active_model"), self.env.context.get("active_id")
        if model not in self.env or not res_id:
            return None
        if not isinstance(self.env[model], self.env.registry["booking.request.mixin"]):
            return None
        return self.env[model].browse(res_id).exists()

    def _compute_render_model(self):
        self.render_model = "booking.change.request"

    def _booking(self):
        """The booking as superuser: the reviewer is checked on opening and again on confirming."""
        if not self.booking_model or self.booking_model not in self.env:
            return None
        return self.env[self.booking_model].sudo().browse(self.booking_id).exists()

    @api.depends("fee_amount", "booking_model", "booking_id")
    def _compute_fee_total(self):
        for wizard in self:
            booking = wizard._booking()
            wizard.fee_total = booking._booking_fee_total(wizard.fee_amount) if booking else 0.0

    def _draft_request(self):
        """The request this wizard will make, unsaved: the template is rendered on it."""
        booking = self._booking()
        return (
            self.env["booking.change.request"]
            .sudo()
            .new(
                {
                    booking._booking_request_field: booking.id,
                    "request_type": "cancel",
                    "channel": "backend",
                    "partner_id": booking._booking_customers()[:1].id,
                    "previous_start": booking._booking_start(),
                    "previous_stop": booking._booking_stop(),
                    "reason_id": self.reason_id.id,
                    "reason": self.reason,
                    "fee_amount": self.fee_amount,
                    "fee_total": booking._booking_fee_total(self.fee_amount),
                    "currency_id": booking._booking_currency().id,
                    "company_id": booking._booking_company().id,
                }
            )
        )

    @api.depends("booking_model", "booking_id", "reason_id", "reason", "fee_amount")
    def _compute_subject(self):
        for wizard in self.filtered(lambda w: w.template_id and w._booking()):
            wizard.subject = wizard._render("subject")

    @api.depends("booking_model", "booking_id", "reason_id", "reason", "fee_amount")
    def _compute_body(self):
        for wizard in self.filtered(lambda w: w.template_id and w._booking()):
            wizard.body = wizard._render("body_html")

    def _render(self, field):
        """The template's ``field`` rendered on the request this wizard will make."""
        draft = self._draft_request()
        options = {"post_process": True} if field == "body_html" else {}
        return self.template_id.sudo()._render_field(
            field, list(draft._ids), compute_lang=True, options=options
        )[draft.id]

    def _kept_template(self):
        """Whether staff kept the template's words: it is then rendered when sent, once the
        cancellation is made, with the link to its fee invoice."""
        return (
            self.template_id == self.env.ref(STAFF_CANCEL_TEMPLATE)
            and self.subject == self._render("subject")
            and self.body == self._fields["body"].convert_to_cache(self._render("body_html"), self)
        )

    def action_cancel_booking(self):
        self.ensure_one()
        booking = self._booking()
        if not booking:
            raise UserError(self.env._("Open the cancellation from a visit or an order."))
        kept = self.notify_customer and self._kept_template()
        request = booking.with_env(self.env)._booking_staff_cancel(
            self.reason_id.id, self.reason, self.fee_amount, notify=kept
        )
        if self.notify_customer and not kept:
            # the email as staff edited it, posted on the request once the booking is cancelled
            request._post_customer_email(self.subject, self.body, self.template_id)
        return request.action_open_booking()
