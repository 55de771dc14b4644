from odoo import models

from .booking_ics import ICS_NAME, sign_ics


class MailMailIcs(models.Model):
    """booking.ics is stored with its message (readable by the booking's workers) with the page's
    plain link; each customer's own email gets it signed for them as it leaves, as the body's links."""

    _inherit = "mail.mail"

    def _prepare_outgoing_list(self, *args, **kwargs):
        # 18.0: (mail_server, recipients_follower_status); 19.0: (mail_server, doc_to_followers)
        results = super()._prepare_outgoing_list(*args, **kwargs)
        if not any(name == ICS_NAME for values in results for name, *_rest in values["attachments"]):
            return results
        record = self._booking_ics_record()
        for values in results:
            # one entry per partner recipient: an SMTP message of their own, with no one in copy
            partner = values.get("partner_id")
            paths = record._booking_signed_paths(partner) if record and partner else {}
            if paths:
                values["attachments"] = [
                    (name, sign_ics(raw, paths), *rest) if name == ICS_NAME else (name, raw, *rest)
                    for name, raw, *rest in values["attachments"]
                ]
        return results

    def _booking_ics_record(self):
        """The record of the email (a booking or a request) when its links are signed per recipient."""
        self.ensure_one()
        if not self.model or not self.res_id or self.model not in self.env:
            return None
        if not issubclass(self.env.registry[self.model], self.env.registry["booking.signed.mail"]):
            return None
        return self.env[self.model].sudo().browse(self.res_id).exists() or None
