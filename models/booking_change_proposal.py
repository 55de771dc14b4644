from odoo import api, fields, models

from ..tools.compat import Constraint


class BookingChangeProposal(models.Model):
    """A time staff propose instead of the one a customer asked for; the customer accepts one."""

    _name = "booking.change.proposal"
    _description = "Booking change: a time proposed by staff"
    _order = "start, id"

    request_id = fields.Many2one("booking.change.request", required=True, ondelete="cascade", index=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)

    _start_before_stop = Constraint("CHECK(stop > start)", "A proposed time ends after it starts.")

    @api.depends("start", "stop")
    def _compute_display_name(self):
        for proposal in self:
            booking = proposal.request_id.sudo()._booking()
            proposal.display_name = booking._booking_format_datetime(proposal.start) if booking else ""
