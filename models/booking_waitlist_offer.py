from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import policy, waitlist
from ..tools.policy import FREE
from ..tools.refusal import BookingRefusal


class BookingWaitlistOffer(models.Model):
    """A freed time offered to a waiting customer: the first to accept it takes it."""

    _name = "booking.waitlist.offer"
    _description = "Booking move-up list: a freed time offered"
    _order = "create_date desc, id desc"

    waitlist_id = fields.Many2one(
        "booking.waitlist", string="Wish", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="waitlist_id.partner_id", store=True, string="Customer")
    booking_name = fields.Char(related="waitlist_id.booking_name", string="Booking")
    company_id = fields.Many2one(related="waitlist_id.company_id", store=True, index=True)
    start = fields.Datetime(required=True, readonly=True)
    stop = fields.Datetime(required=True, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("lost", "Lost"), ("expired", "Expired")],
        required=True,
        default="open",
        readonly=True,
        index=True,
    )
    expires_on = fields.Datetime(
        string="Stands until",
        compute="_compute_expires_on",
        store=True,
        precompute=True,
        required=True,
        readonly=True,
    )
    request_id = fields.Many2one(
        "booking.change.request",
        string="Freed by",
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The cancellation or change that freed this time.",
    )
    accepted_request_id = fields.Many2one("booking.change.request", string="Change made", readonly=True)
    freed_count = fields.Integer(
        string="Times freed", readonly=True, help="1 on the first offer of a freed time: the times freed."
    )
    offered_count = fields.Integer(string="Offered", default=1, readonly=True)
    hours = fields.Float(string="Hours offered", compute="_compute_hours", store=True)
    taken_count = fields.Integer(string="Taken", compute="_compute_hours", store=True)
    hours_saved = fields.Float(
        string="Hours of work saved",
        compute="_compute_hours",
        store=True,
        help="The hours of a freed time a waiting customer took: work that would have been lost.",
    )

    @api.constrains("start", "stop")
    def _check_times(self):
        for offer in self:
            if offer.stop <= offer.start:
                raise ValidationError(self.env._("An offered time ends after it starts."))

    @api.depends("waitlist_id", "start")
    def _compute_expires_on(self):
        """The company's minutes from now, never past the cutoff before the time (when not given)."""
        now = fields.Datetime.now()
        for offer in self:
            company = offer.waitlist_id.company_id or self.env.company
            minutes, cutoff = company.booking_waitlist_offer_minutes, company.booking_cutoff_hours
            offer.expires_on = offer.start and waitlist.offer_deadline(now, minutes, offer.start, cutoff)

    @api.depends("start", "stop", "state")
    def _compute_hours(self):
        for offer in self:
            hours = (offer.stop - offer.start).total_seconds() / 3600.0 if offer.start and offer.stop else 0.0
            offer.hours = hours
            taken = offer.state == "accepted"
            offer.taken_count = int(taken)
            offer.hours_saved = hours if taken else 0.0

    @api.depends("start", "stop")
    def _compute_display_name(self):
        for offer in self:
            booking = offer.sudo().waitlist_id._booking()
            offer.display_name = booking._booking_format_datetime(offer.start) if booking else ""

    def _is_open(self, now=None):
        return self.state == "open" and self.expires_on > (now or fields.Datetime.now())

    # ------------------------------------------------------------------
    # Accepting: the first one wins
    # ------------------------------------------------------------------

    def _accept(self, partner, channel, origin=None):
        """``partner`` takes the offered time: their booking moves there as an approved change.

        Offers of the same freed time are locked first, then the booking and its workers: a racing
        accept waits, then sees this one (under Odoo's REPEATABLE READ it fails and is retried).
        """
        self.ensure_one()
        offer = self.sudo()
        offer._lock_freed_time()
        wish = offer.waitlist_id
        booking = wish._booking()
        booking._booking_lock()
        booking._booking_lock_workers()
        refusal = offer._accept_refusal(partner)
        if refusal:
            raise BookingRefusal(refusal)
        request = offer._make_change(partner, channel, origin or {})
        offer.write({"state": "accepted", "accepted_request_id": request.id})
        wish._end("moved", self.env._("Moved earlier: %s taken from the move-up list.", offer.display_name))
        offer._lose_rivals()
        # approved last: the time it frees in turn is offered to the list, with this offer settled
        request._approve(auto=True)
        request.env.flush_all()
        return request

    def _lock_freed_time(self):
        key = SQL("request_id = %s", self.request_id.id) if self.request_id else SQL("id = %s", self.id)
        self.env.cr.execute(SQL("SELECT id FROM booking_waitlist_offer WHERE %s ORDER BY id FOR UPDATE", key))
        self.env.cr.execute(
            SQL("SELECT id FROM booking_waitlist WHERE id = %s FOR UPDATE", self.waitlist_id.id)
        )
        self.invalidate_model(["state"])
        self.env["booking.waitlist"].invalidate_model(["state"])

    def _accept_refusal(self, partner):
        """Why this offer cannot be taken now, in words; None when it can."""
        wish, now = self.waitlist_id, fields.Datetime.now()
        booking = wish._booking()
        if not booking._booking_is_own(wish, partner):
            return self.env._("This offer is not yours.")
        if self.state == "accepted":
            return self.env._("You took this time already: your booking is moved.")
        if wish.state != "waiting":
            return self.env._("This offer is closed: you are no longer on the move-up list of this booking.")
        if self.state == "lost":
            return self.env._("Someone else took this time first: you stay on the list for the next one.")
        if self.state == "expired" or self.expires_on <= now:
            return self.env._(
                "This offer stood until %s: it has expired. You stay on the list for the next time.",
                wish._format_customer_datetime(self.expires_on),
            )
        start = booking._booking_start()
        if not booking._booking_is_open() or not start or start <= now:
            return self.env._("This booking can no longer be moved online.")
        if booking._booking_notice(self.start) < booking._booking_company().booking_cutoff_hours:
            return booking._booking_cutoff_message()
        if any(booking._booking_worker_conflicts(self.start, self.stop)):
            return self.env._("Someone else took this time first: you stay on the list for the next one.")
        return None

    def _make_change(self, partner, channel, origin):
        """The change request moving the booking to this time (approved by the caller)."""
        booking = self.waitlist_id._booking()
        note = self.env._("Closed: the booking moved to an earlier time from the move-up list.")
        booking.booking_pending_request_id._expire(note)
        # the partial unique index sees decided requests only once flushed
        self.env["booking.change.request"].flush_model(["state"])
        values = {"requested_start": self.start, "requested_stop": self.stop, **origin}
        decision = policy.Decision("change", FREE, FREE, "")
        vals = booking._booking_prepare_request_vals("change", partner, values, channel, decision)
        return self.env["booking.change.request"].sudo().create(vals)

    def _lose_rivals(self):
        """The other open offers of this time for the same workers are lost; their customers are told."""
        taken = (self.start, self.stop)
        workers = self.waitlist_id._booking().booking_worker_ids
        domain = [("state", "=", "open"), ("id", "!=", self.id), ("request_id", "=", self.request_id.id)]
        rivals = self.search(domain).filtered(
            lambda o: (
                waitlist.overlaps((o.start, o.stop), taken)
                and o.waitlist_id._booking().booking_worker_ids & workers
            )
        )
        rivals.write({"state": "lost"})
        for rival in rivals:
            rival.waitlist_id._notify_customer(
                "booking_change_request.mail_template_waitlist_offer_lost", rival
            )

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------

    @api.model
    def _cron_expire(self, batch_size=500):
        """Expire offers past their deadline; a freed time nobody took goes to the next in line."""
        now = fields.Datetime.now()
        offers = self.search([("state", "=", "open"), ("expires_on", "<=", now)], limit=batch_size)
        offers.write({"state": "expired"})
        requests = offers.request_id
        still_open = self.search([("state", "=", "open"), ("request_id", "in", requests.ids)]).request_id
        for request in requests - still_open:
            request._booking()._booking_waitlist_offer_again(request)
        self.env["booking.waitlist"]._cron_expire(batch_size)
        return offers

    def _format_customer_datetime(self, value):
        if not isinstance(value, datetime):
            return ""
        return self.waitlist_id._format_customer_datetime(value)

    def _booking_page_url(self):
        """The booking's page showing this offer first (a plain link: signed in the customer's email)."""
        return f"{self.waitlist_id._booking_page_url()}?offer={self.id}#booking_waitlist"
