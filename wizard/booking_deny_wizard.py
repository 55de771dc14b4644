from odoo import api, fields, models

DENIED_TEMPLATE = "booking_change_request.mail_template_request_denied"


class BookingDenyWizard(models.TransientModel):
    """Deny requests with a message; for one request, the whole email is shown and editable."""

    _name = "booking.deny.wizard"
    _inherit = "mail.composer.mixin"
    _description = "Deny booking requests"

    request_ids = fields.Many2many("booking.change.request", required=True)
    note = fields.Text(string="Message to the customer", required=True)
    single = fields.Boolean(compute="_compute_single")
    template_id = fields.Many2one(
        default=lambda self: self.env.ref(DENIED_TEMPLATE, raise_if_not_found=False)
    )

    def _compute_render_model(self):
        self.render_model = "booking.change.request"

    @api.depends("request_ids")
    def _compute_single(self):
        for wizard in self:
            wizard.single = len(wizard.request_ids) == 1

    def _render(self, template_field, **options):
        request = self.request_ids.sudo()
        return (
            self.template_id.sudo()
            .with_context(booking_decision_note=self.note)
            ._render_field(template_field, request.ids, compute_lang=True, **options)[request.id]
        )

    @api.depends("request_ids", "note")
    def _compute_subject(self):
        for wizard in self.filtered(lambda w: w.template_id and w.single):
            wizard.subject = wizard._render("subject")

    @api.depends("request_ids", "note")
    def _compute_body(self):
        for wizard in self.filtered(lambda w: w.template_id and w.single):
            wizard.body = wizard._render("body_html", options={"post_process": True})

    def action_deny(self):
        message = {self.request_ids.id: (self.subject, self.body)} if self.single else None
        self.request_ids.action_deny(note=self.note, message=message)
        return {"type": "ir.actions.act_window_close"}
