from odoo import api, fields, models

DENIED_TEMPLATE = "booking_change_request.mail_template_request_denied"


class BookingDenyWizard(models.TransientModel):
    """Deny requests with a message; for one request, the whole email is shown and editable.

    For several requests (the list's Deny action) the one note goes to each customer in the
    standard email of their request.
    """

    _name = "booking.deny.wizard"
    _inherit = "mail.composer.mixin"
    _description = "Deny booking requests"

    request_ids = fields.Many2many("booking.change.request", required=True)
    note = fields.Text(string="Message to the customer", required=True)
    single = fields.Boolean(compute="_compute_single")
    request_count = fields.Integer(compute="_compute_single")
    template_id = fields.Many2one(
        default=lambda self: self.env.ref(DENIED_TEMPLATE, raise_if_not_found=False)
    )

    def _compute_render_model(self):
        self.render_model = "booking.change.request"

    @api.depends("request_ids")
    def _compute_single(self):
        for wizard in self:
            wizard.request_count = len(wizard.request_ids)
            wizard.single = wizard.request_count == 1

    def _render(self, template_field, **options):
        # the saved request: on screen, the wizard is a new record whose requests are new ones too
        request = self.request_ids._origin.sudo()
        return (
            self.template_id.sudo()
            .with_context(booking_decision_note=self.note)
            ._render_field(template_field, request.ids, compute_lang=True, **options)[request.id]
        )

    @api.depends("request_ids", "note")
    def _compute_subject(self):
        for wizard in self:
            if wizard.template_id and wizard.single:
                wizard.subject = wizard._render("subject")
            else:
                wizard.subject = False

    @api.depends("request_ids", "note")
    def _compute_body(self):
        for wizard in self:
            if wizard.template_id and wizard.single:
                wizard.body = wizard._render("body_html", options={"post_process": True})
            else:
                wizard.body = False

    def action_deny(self):
        self.ensure_one()
        if not self.single:
            self.request_ids.action_deny(note=self.note)
            return {"type": "ir.actions.act_window_close"}
        # the reviewer's own email, as they edited it, once the request is denied
        self.request_ids.action_deny(note=self.note, notify=False)
        self.request_ids._post_customer_email(self.subject, self.body, self.template_id)
        return {"type": "ir.actions.act_window_close"}
