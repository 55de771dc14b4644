from datetime import timedelta

from odoo import api, fields, models


class BookingTimeWizard(models.TransientModel):
    """A reviewer picks times: the exact time of a time-block request, or one to three other times."""

    _name = "booking.time.wizard"
    _description = "Booking request: approve at a time, or propose other times"

    request_id = fields.Many2one("booking.change.request", required=True, readonly=True)
    mode = fields.Selection(
        [("approve", "Approve at a time"), ("propose", "Propose other times")], required=True
    )
    asked = fields.Char(string="The customer asked for", compute="_compute_asked")
    start_1 = fields.Datetime(string="Time", required=True)
    start_2 = fields.Datetime(string="Second time")
    start_3 = fields.Datetime(string="Third time")
    duration = fields.Float(string="Duration (hours)", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        request = self.env["booking.change.request"].browse(values.get("request_id")).sudo()
        if request:
            booking = request._booking()
            values.setdefault("start_1", request.requested_start or booking._booking_start())
            values.setdefault("duration", booking._booking_duration().total_seconds() / 3600.0)
        return values

    @api.depends("request_id")
    def _compute_asked(self):
        for wizard in self:
            wizard.asked = wizard._asked_text()

    def _asked_text(self):
        """What the customer asked for, in words: the time (or time block), the service, their note."""
        request = self.request_id.sudo()
        if not request:
            return ""
        booking = request._booking()
        parts = []
        if request.requested_start:
            start = booking._booking_format_datetime(request.requested_start)
            stop = booking._booking_format_datetime(request.requested_stop)
            block = request.requested_time_block_id.display_name
            parts.append(f"{block}: {start} – {stop}" if block else f"{start} – {stop}")
        if request.requested_product_id:
            parts.append(self.env._("service %s", request.requested_product_id.display_name))
        if request.requested_note:
            parts.append(f"“{request.requested_note}”")
        return "; ".join(parts)

    def action_confirm(self):
        self.ensure_one()
        length = timedelta(hours=self.duration)
        if self.mode == "approve":
            self.request_id._approve_at(self.start_1, self.start_1 + length)
        else:
            starts = [start for start in (self.start_1, self.start_2, self.start_3) if start]
            self.request_id.action_propose([(start, start + length) for start in starts])
        return {"type": "ir.actions.act_window_close"}
