from datetime import timedelta

from odoo import api, fields, models

RETRY_DAYS = 3


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _cron_booking_requeue_unsent(self):
        """Send again customers' booking emails that failed only because the mail server was unreachable.

        Odoo marks such emails as failed for good; a customer must still hear of
        their request once the server is back.
        """
        mails = self.search(
            [
                ("state", "=", "exception"),
                ("model", "=", "booking.change.request"),
                ("notification_ids.failure_type", "=", "mail_smtp"),
                ("create_date", ">=", fields.Datetime.now() - timedelta(days=RETRY_DAYS)),
            ]
        )
        mails.action_retry()
        if mails:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return mails
