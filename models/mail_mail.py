from datetime import timedelta

from odoo import api, fields, models

RETRY_DAYS = 3
QUEUE_CRON = "mail.ir_cron_mail_scheduler_action"


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
            self._booking_send_soon()
        return mails

    @api.model
    def _booking_send_soon(self):
        """Customers' emails are queued (a slow mail server never delays a booking) and go out
        within a minute: the queue's cron, hourly otherwise, is triggered once per transaction."""
        data = self.env.cr.precommit.data
        if data.get("booking_send_soon"):
            return
        data["booking_send_soon"] = True
        cron = self.env.ref(QUEUE_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
