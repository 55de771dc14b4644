from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _booking_receive_in_inbox(self):
        """Field workers read booking alerts in Discuss (and so the mobile app and web push)."""
        self.filtered(lambda user: user.notification_type == "email" and not user.share).sudo().write(
            {"notification_type": "inbox"}
        )
