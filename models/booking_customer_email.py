from markupsafe import Markup

from odoo import models

from ..tools.compat import RECORD_NAME


class BookingChangeRequest(models.Model):
    """How a customer's email about a request is posted: by the engine and by the staff wizards."""

    _inherit = "booking.change.request"

    def _post_customer_email(self, subject, body, template=None):
        """Post ``subject`` and ``body`` to the request's customer as an email, kept in the chatter.

        The engine posts its templates' output; the staff wizards (cancel, deny) post what the
        reviewer edited, as Odoo's own order cancellation wizard does. Links to the booking's
        page stay plain here: the customer's email gets them signed when it is rendered.
        """
        self.ensure_one()
        request = self.sudo()
        partner = request.partner_id
        if not partner.email or partner == request.company_id.partner_id:
            return request.env["mail.message"]
        email_from = template and template.sudo()._render_field("email_from", request.ids)[request.id]
        # Odoo never notifies the current user: a customer asking from the portal is one.
        self.env["mail.mail"]._booking_send_soon()
        return request.with_context(mail_notify_author=partner == self.env.user.partner_id).message_post(
            body=Markup(body or ""),
            subject=subject,
            email_from=email_from or None,
            partner_ids=partner.ids,
            message_type="comment",
            # not Discussions: the responsible follows the request, the customer's emails are not theirs
            subtype_xmlid="booking_change_request.mt_customer_email",
            # from the business: were the customer the author, Odoo would not notify them
            author_id=(request.user_id.partner_id or request.company_id.partner_id).id,
            email_layout_xmlid="mail.mail_notification_light",
            # the email's header names the booking, as its button does (Odoo's layout would
            # show the request's number with its slash turned into a dash)
            **{RECORD_NAME: request._booking().display_name},
            model_description=self.env._("booking"),
            # the customer's calendar follows: booking.ics (models/booking_ics.py)
            attachment_ids=request._booking_ics_attachment_ids(),
            # queued: a slow or broken mail server never delays or loses a request
            force_send=False,
        )

    def _actor_partner(self):
        """Who acted on the request, as workers and the booking's history name them: a staff
        member, else its customer (through an email link the user is the public user)."""
        self.ensure_one()
        user = self.env.user
        return user.partner_id if user._is_internal() else self.partner_id
