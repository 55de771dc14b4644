from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.compat import ODOO_19


class SaleOrder(models.Model):
    """An order: a booked service, dated by its delivery date."""

    _name = "sale.order"
    _inherit = ["booking.request.mixin", "sale.order"]
    _booking_kind = "order"
    _booking_request_field = "order_id"
    _booking_start_field = "commitment_date"
    _booking_stop_field = "booking_stop"
    # its cancellation and confirmation reach the engine through Odoo's own _action_cancel
    # and _action_confirm; by hand, the date, the length and the booked service
    _booking_watched_fields = ("commitment_date", "booking_duration", "order_line")
    _booking_list_fields = [
        "name",
        "commitment_date",
        "booking_stop",
        "state",
        "locked",
        "company_id",
        "currency_id",
        "amount_untaxed",
        "user_id",
    ]

    booking_request_ids = fields.One2many("booking.change.request", "order_id", string="Change requests")
    booking_duration = fields.Float(
        string="Duration (hours)", default=1.0, help="How long the booked service takes."
    )
    booking_stop = fields.Datetime(string="Booked until", compute="_compute_booking_stop", store=True)
    booking_reminder_sent = fields.Boolean(copy=False, readonly=True)
    booking_product_id = fields.Many2one(
        "product.product",
        string="Booked service",
        compute="_compute_booking_product_id",
        store=True,
        help="The first service of the order: what a change request may swap.",
    )

    @api.depends("commitment_date", "booking_duration")
    def _compute_booking_stop(self):
        for order in self:
            order.booking_stop = order.commitment_date and order.commitment_date + timedelta(
                hours=order.booking_duration or 0.0
            )

    @api.depends("order_line.product_id", "order_line.display_type")
    def _compute_booking_product_id(self):
        for order in self:
            order.booking_product_id = order._booking_service_line().product_id

    # ------------------------------------------------------------------
    # The adapter's hooks (see booking.request.mixin)
    # ------------------------------------------------------------------

    def _booking_customer_domain(self, partner):
        return [("partner_id", "child_of", partner.commercial_partner_id.id)]

    def _booking_domain(self):
        # a confirmed (or cancelled) order with a delivery date: a quotation is not booked yet
        return [("commitment_date", "!=", False), ("state", "in", ("sale", "cancel"))]

    def _booking_cancelled_domain(self):
        return [("state", "=", "cancel")]

    def _booking_busy_domain(self, workers, start, stop):
        return [
            ("booking_worker_ids", "in", workers.ids),
            ("state", "=", "sale"),
            ("commitment_date", "<", stop),
            ("booking_stop", ">", start),
        ]

    def _booking_company(self):
        return self.company_id

    def _booking_customers(self):
        return self.partner_id

    def _booking_may_ask(self, partner):
        return bool(partner) and partner.commercial_partner_id == self.partner_id.commercial_partner_id

    def _booking_responsible(self):
        return self.user_id

    def _booking_is_cancelled(self):
        return self.state == "cancel"

    def _booking_is_open(self):
        return self.state == "sale" and not self.locked

    def _booking_engaged(self):
        return bool(self.commitment_date) and self.state in ("sale", "cancel")

    def _booking_price(self):
        return self.amount_untaxed

    def _booking_currency(self):
        return self.currency_id

    def _booking_invoice_partner(self):
        return self.partner_invoice_id

    def _booking_sale_documents(self):
        # reversals keep their lines' sale_line_ids: the engine's credit notes of the order are here too
        return self.invoice_ids

    def _booking_check_token(self, token):
        # Odoo's own order token (its quotation emails, a salesperson's preview) shows the page;
        # it never acts (that needs the booking's token and the recipient's signature)
        return super()._booking_check_token(token) or self._booking_token_matches(
            self.sudo().access_token, token
        )

    def _booking_service_line(self):
        return self.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == "service"
        )[:1]

    def _booking_apply_cancel(self, request):
        # Odoo's own cancellation, so draft invoices are cancelled with the order.
        self.with_context(disable_cancel_warning=True).action_cancel()

    def _booking_apply_change(self, request):
        if request.requested_product_id:
            line = self._booking_service_line()
            if not line.product_updatable:
                raise UserError(
                    self.env._(
                        "The service of %s was delivered or invoiced: it cannot be swapped.", self.name
                    )
                )
            line.product_id = request.requested_product_id
        if request.requested_start:
            self._booking_move(request.requested_start, request.requested_stop)

    def _booking_apply_rebook(self, request):
        self.action_draft()
        self._booking_move(request.requested_start, request.requested_stop)
        self.action_confirm()

    def _booking_apply_undo(self, cancellation):
        self.action_draft()
        self.action_confirm()

    def _booking_move(self, start, stop):
        self.write(
            {
                "commitment_date": start,
                "booking_duration": (stop - start).total_seconds() / 3600.0,
                "booking_reminder_sent": False,
            }
        )

    def _booking_outside_cancel_message(self):
        # 18.0: Odoo's cancel wizard emails the customer, or staff chose not to; 19.0's
        # Cancel button has no wizard and tells nobody: our email does
        return None if ODOO_19 else False

    # ------------------------------------------------------------------
    # Odoo's own paths and emails
    # ------------------------------------------------------------------

    def _action_cancel(self):
        """Odoo's own cancellation of a booked order (its Cancel button and wizard) reaches the engine."""
        booked = self.filtered(
            lambda o: o._booking_engaged() and o._booking_is_open() and not o._booking_applied()
        )
        for order in booked:
            order._booking_check_may_change_by_hand()
        result = super()._action_cancel()
        for order in booked:
            order._booking_record_staff_request(
                "cancel", {}, apply=False, customer_message=order._booking_outside_cancel_message()
            )
        return result

    def _action_confirm(self):
        """An order the engine cancelled, confirmed again by hand: booked again, as staff."""
        again = self.filtered(lambda o: o._booking_cancelled_by_engine() and not o._booking_applied())
        for order in again:
            order._booking_check_may_change_by_hand()
        result = super()._action_confirm()
        for order in again.filtered("commitment_date"):
            values = {"requested_start": order.commitment_date, "requested_stop": order.booking_stop}
            order._booking_record_staff_request("rebook", values, apply=False)
        return result

    def _booking_cancelled_by_engine(self):
        """Whether the engine's last word on this order was an approved cancellation."""
        last = self.booking_request_ids.filtered(
            lambda r: (
                (r.request_type in ("cancel", "rebook") and r.state == "approved") or r.state == "undone"
            )
        ).sorted("id")[-1:]
        return last.request_type == "cancel" and last.state == "approved"

    def write(self, vals):
        customers = {order: order.partner_id for order in self} if "partner_id" in vals else {}
        result = super().write(vals)
        self.filtered(lambda o: o in customers and customers[o] != o.partner_id)._booking_rotate_token()
        return result

    def message_post(self, **kwargs):
        # The confirmation and reminder emails (flagged below) carry the customer's links.
        if self.env.context.get("booking_email_links") and len(self) == 1:
            links = self._booking_email_links(self.partner_id)
            if links:
                kwargs["body"] = (kwargs.get("body") or "") + links
        return super().message_post(**kwargs)

    def _send_order_confirmation_mail(self):
        return super(SaleOrder, self.with_context(booking_email_links=True))._send_order_confirmation_mail()

    @api.model
    def _cron_booking_reminders(self, batch_size=200):
        """Remind customers of their booked orders, with the cancel and change links."""
        now = fields.Datetime.now()
        horizon = max(self.env["res.company"].sudo().search([]).mapped("booking_reminder_hours") or [0])
        orders = self.search(
            [
                ("state", "=", "sale"),
                ("booking_reminder_sent", "=", False),
                ("commitment_date", ">", now),
                ("commitment_date", "<=", now + timedelta(hours=horizon)),
            ]
        )
        due = orders.filtered(
            lambda o: (
                o.company_id.booking_reminder_hours
                and o.commitment_date <= now + timedelta(hours=o.company_id.booking_reminder_hours)
            )
        )[:batch_size]
        template = self.env.ref("booking_change_request.mail_template_booking_order_reminder")
        for order in due.with_context(booking_email_links=True):
            order.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
                partner_ids=order.partner_id.ids,
                force_send=False,
            )
        self.env["mail.mail"]._booking_send_soon()
        due.booking_reminder_sent = True
        return due
