import uuid

from odoo import Command, api, fields, models


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "booking.request.mixin"]

    booking_request_ids = fields.One2many("booking.change.request", "event_id", string="Change requests")
    booking_pending_request_id = fields.Many2one(
        "booking.change.request",
        string="Pending request",
        compute="_compute_booking_pending_request_id",
        store=True,
    )
    booking_request_count = fields.Integer(compute="_compute_booking_request_count")
    booking_product_id = fields.Many2one(
        "product.product",
        string="Service",
        domain=[("sale_ok", "=", True), ("type", "=", "service")],
    )
    booking_cancelled = fields.Boolean(string="Cancelled", readonly=True, copy=False, index=True)
    booking_access_token = fields.Char(copy=False, groups="base.group_system")

    def _booking_kind(self):
        return "visit"

    def _booking_request_field(self):
        return "event_id"

    def _booking_start(self):
        return self.start

    def _booking_stop(self):
        return self.stop

    def _booking_company(self):
        return self.user_id.company_id or self.env.company

    def _booking_customers(self):
        return self.partner_ids.filtered(lambda p: not p.user_ids or all(p.user_ids.mapped("share")))

    def _booking_may_ask(self, partner):
        return partner in self._booking_customers()

    def _booking_responsible(self):
        return self.user_id

    def _booking_is_cancelled(self):
        return self.booking_cancelled

    def _booking_is_open(self):
        return self.active and not self.booking_cancelled

    def _booking_price(self):
        return self.booking_product_id.lst_price

    def _booking_currency(self):
        return self._booking_company().currency_id

    def _booking_token(self):
        booking = self.sudo()
        if not booking.booking_access_token:
            booking.booking_access_token = uuid.uuid4().hex
        return booking.booking_access_token

    def _booking_stored_token(self):
        return self.sudo().booking_access_token

    def _booking_apply_cancel(self, request):
        # Kept, not deleted: attendees and history stay; it no longer blocks anyone's calendar
        # and sends no more reminders.
        self._booking_quiet().write(
            {"booking_cancelled": True, "show_as": "free", "alarm_ids": [Command.clear()]}
        )

    def _booking_apply_change(self, request):
        values = {}
        if request.requested_start:
            values.update(start=request.requested_start, stop=request.requested_stop)
        if request.requested_product_id:
            values["booking_product_id"] = request.requested_product_id.id
        if values:
            self._booking_quiet().write(values)

    def _booking_apply_rebook(self, request):
        self._booking_quiet().write(
            {
                "booking_cancelled": False,
                "show_as": "busy",
                "start": request.requested_start,
                "stop": request.requested_stop,
            }
        )

    def _booking_quiet(self):
        """Our own emails tell the customer; calendar's would say it twice."""
        return self.with_context(no_mail_to_attendees=True)

    @api.depends("booking_cancelled")
    def _compute_display_name(self):
        result = super()._compute_display_name()
        for event in self.filtered("booking_cancelled"):
            event.display_name = self.env._("%s (cancelled)", event.display_name)
        return result

    def message_notify(self, **kwargs):
        # Calendar sends invitations and reminders one attendee at a time: add the
        # links when that attendee is a customer of the visit.
        recipients = self.env["res.partner"].browse(kwargs.get("partner_ids") or [])
        if len(self) == 1 and recipients and recipients <= self._booking_customers():
            kwargs["body"] = self._booking_add_email_links(kwargs.get("body", ""))
        return super().message_notify(**kwargs)
