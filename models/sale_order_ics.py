"""An order with a delivery date is an event in its customer's calendar too (booking.ics)."""

from odoo import models

from ..tools.compat import ODOO_19

# context key: the order Odoo 18.0's cancel wizard emails before cancelling it (a recordset)
ICS_CANCELLING = "booking_ics_cancelling"


class SaleOrderIcs(models.Model):
    _inherit = "sale.order"

    def _booking_ics_summary(self):
        product = self._booking_product()
        return f"{product.name} ({self.name})" if product else self.name

    def _booking_ics_location(self):
        address = self.partner_shipping_id
        lines = address._display_address(without_company=True).splitlines() if address else []
        return ", ".join(line.strip() for line in lines if line.strip())

    def message_post(self, **kwargs):
        # The confirmation and the reminder (flagged by sale_order.py) carry the event; so does
        # Odoo 18.0's cancellation email, sent just before the cancellation it announces.
        cancelling = self.env.context.get(ICS_CANCELLING)
        cancelling = isinstance(cancelling, models.BaseModel) and self.id in cancelling.ids
        if (
            len(self) == 1
            and (cancelling or self.env.context.get("booking_email_links"))
            and self.partner_id.id in (kwargs.get("partner_ids") or [])
            and self._booking_engaged()
        ):
            ics = self._booking_ics_attachment_ids(
                "CANCEL" if cancelling else None, self.partner_id, ahead=1 if cancelling else 0
            )
            kwargs["attachment_ids"] = [*(kwargs.get("attachment_ids") or []), *ics]
        return super().message_post(**kwargs)


if not ODOO_19:  # 19.0's Cancel button has no wizard (and tells nobody: our email does)

    class SaleOrderCancel(models.TransientModel):
        _inherit = "sale.order.cancel"

        def action_send_mail_and_cancel(self):
            return super(
                SaleOrderCancel, self.with_context(**{ICS_CANCELLING: self.order_id})
            ).action_send_mail_and_cancel()

        def action_cancel(self):
            # the order's own notes (the engine's history) carry no file
            return super(SaleOrderCancel, self.with_context(**{ICS_CANCELLING: None})).action_cancel()
