from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _booking_send_to_customer(self):
        """A fee invoice reaches its customer by email, with its portal link (Odoo's View button)."""
        template = self.env.ref("booking_change_request.mail_template_fee_invoice")
        for invoice in self.sudo().filtered(lambda m: m.partner_id.email):
            invoice.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                force_send=False,
            )
