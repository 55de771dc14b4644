from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every
from odoo.tools.sql import index_exists

from ..tools.compat import Constraint
from .booking_request_mixin import REVIEWER_GROUP, booking_field_names

# Written by the engine's methods only (as superuser), never by a person through the ORM
# (with the fields naming the booking, one per kind).
ENGINE_FIELDS = {
    "name",
    "request_type",
    "state",
    "partner_id",
    "channel",
    "window",
    "outcome",
    "decision_message",
    "reason_id",
    "reason",
    "requested_start",
    "requested_stop",
    "requested_product_id",
    "requested_time_block_id",
    "requested_note",
    "previous_start",
    "previous_stop",
    "previous_product_id",
    "auto_approved",
    "decided_by_id",
    "decided_on",
    "notice_hours",
    "fee_amount",
    "fee_total",
    "currency_id",
    "fee_invoice_id",
    "fee_invoiced_amount",
    "fee_reversed_amount",
    "refund_amount",
    "refund_move_id",
    "requester_ip",
    "requester_user_agent",
    "company_id",
    "proposal_ids",
}


class BookingChangeRequest(models.Model):
    _name = "booking.change.request"
    _description = "Booking change request"
    _inherit = ["booking.signed.mail", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/", index="trigram")
    request_type = fields.Selection(
        [("cancel", "Cancellation"), ("change", "Change"), ("rebook", "Book again")],
        string="Type",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("denied", "Denied"),
            ("withdrawn", "Withdrawn"),
            ("expired", "Expired"),
            ("undone", "Undone"),
        ],
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        index=True,
    )
    event_id = fields.Many2one(
        "calendar.event", string="Visit", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null", ondelete="restrict")
    booking_kind = fields.Selection(
        selection="_selection_booking_kind", compute="_compute_booking_kind", store=True
    )
    booking_name = fields.Char(string="Booking", compute="_compute_booking_name")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", help="Who reviews the request.", tracking=True
    )
    channel = fields.Selection(
        [("portal", "Portal"), ("email", "Email link"), ("backend", "Backend")],
        required=True,
        readonly=True,
    )
    window = fields.Selection(
        [("review", "Review window"), ("free", "Free window")],
        readonly=True,
        help="The policy window the request's notice fell in when submitted.",
    )
    outcome = fields.Selection(
        [("review", "Sent for review"), ("free", "Approved at once")],
        string="Decided when filed",
        readonly=True,
        help="What the rules decided when the request was filed: its customer was told so.",
    )
    decision_message = fields.Char(
        string="The customer was told", readonly=True, help="The decision's words, as the customer read them."
    )
    reason_id = fields.Many2one("booking.cancel.reason", readonly=True)
    reason = fields.Text(string="Customer's words", readonly=True)
    requested_start = fields.Datetime(string="New start", readonly=True)
    requested_stop = fields.Datetime(string="New end", readonly=True)
    requested_product_id = fields.Many2one("product.product", string="New service", readonly=True)
    requested_time_block_id = fields.Many2one("booking.time.block", string="Time block", readonly=True)
    requested_note = fields.Text(string="Notes", readonly=True)
    proposal_ids = fields.One2many(
        "booking.change.proposal", "request_id", string="Proposed times", readonly=True
    )
    previous_start = fields.Datetime(string="Booked start", readonly=True)
    previous_stop = fields.Datetime(string="Booked end", readonly=True)
    previous_product_id = fields.Many2one("product.product", string="Booked service", readonly=True)
    auto_approved = fields.Boolean(readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text()
    notice_hours = fields.Float(
        string="Notice (hours)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Hours from submission to the booking's start.",
    )
    fee_amount = fields.Monetary(
        string="Fee", currency_field="currency_id", readonly=True, groups=REVIEWER_GROUP
    )
    fee_total = fields.Monetary(
        string="Fee, taxes included",
        currency_field="currency_id",
        readonly=True,
        groups=REVIEWER_GROUP,
        help="The fee as it is invoiced, taxes included, as decided when the request was filed.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    fee_invoice_id = fields.Many2one(
        "account.move", string="Fee invoice", readonly=True, copy=False, groups=REVIEWER_GROUP
    )
    refund_amount = fields.Monetary(
        string="Refund", currency_field="currency_id", readonly=True, groups=REVIEWER_GROUP
    )
    refund_move_id = fields.Many2one(
        "account.move", string="Credit note", readonly=True, copy=False, groups=REVIEWER_GROUP
    )
    requester_ip = fields.Char(string="IP address", readonly=True, groups=REVIEWER_GROUP)
    requester_user_agent = fields.Char(string="User agent", readonly=True, groups=REVIEWER_GROUP)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    conflict_event_ids = fields.Many2many(
        "calendar.event", string="Conflicting visits", compute="_compute_conflicts"
    )
    conflict_order_ids = fields.Many2many(
        "sale.order", string="Conflicting orders", compute="_compute_conflicts"
    )
    has_conflict = fields.Boolean(string="Workers busy", compute="_compute_conflicts")

    _fee_positive = Constraint("CHECK(fee_amount >= 0)", "A fee cannot be negative.")
    _requested_order = Constraint(
        "CHECK(requested_stop IS NULL OR requested_start IS NULL OR requested_stop > requested_start)",
        "The new end must come after the new start.",
    )

    def init(self):
        # One pending request per booking, enforced by the database as well.
        for column in self._booking_field_names():
            name = f"booking_change_request_one_pending_{column}"
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON booking_change_request (%s) WHERE state = 'pending'",
                        SQL.identifier(name),
                        SQL.identifier(column),
                    )
                )

    @api.model
    def _booking_field_names(self):
        """The request's fields pointing at a kind of booking: event_id, order_id, and any adapter's."""
        return booking_field_names(self)

    @api.model
    def _selection_booking_kind(self):
        return [
            (self.env[self._fields[name].comodel_name]._booking_kind, self._fields[name].string)
            for name in self._booking_field_names()
        ]

    @api.constrains(lambda self: self._booking_field_names())
    def _check_one_booking(self):
        names = self._booking_field_names()
        for request in self:
            if len([name for name in names if request[name]]) != 1:
                raise ValidationError(
                    self.env._("A request is about exactly one booking: a visit or an order.")
                )

    @api.depends(lambda self: self._booking_field_names())
    def _compute_booking_kind(self):
        for request in self:
            booking = request.sudo()._booking()
            request.booking_kind = booking._booking_kind if booking else False

    @api.depends(lambda self: [f"{name}.display_name" for name in self._booking_field_names()])
    def _compute_booking_name(self):
        for request in self:
            request.booking_name = request.sudo()._booking().display_name

    @api.depends("requested_start", "requested_stop", "state")
    def _compute_conflicts(self):
        for request in self:
            found = ()
            if request.state == "pending" and request.requested_start:
                found = (
                    request.sudo()
                    ._booking()
                    ._booking_worker_conflicts(request.requested_start, request.requested_stop)
                )
            busy = self.env["calendar.event"].union(*(r for r in found if r._name == "calendar.event"))
            request.conflict_event_ids = busy
            request.conflict_order_ids = self.env["sale.order"].union(
                *(r for r in found if r._name == "sale.order")
            )
            request.has_conflict = any(found)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Booking requests are made by customers or by the booking's actions.")
            )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("booking.change.request") or "/"
        return super(BookingChangeRequest, self.with_context(mail_create_nosubscribe=True)).create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) & (ENGINE_FIELDS | set(self._booking_field_names())):
            raise AccessError(
                self.env._("A request's state, customer, booking and money change only through its actions.")
            )
        return super().write(vals)

    def copy(self, default=None):
        if self:
            raise UserError(
                self.env._("A booking request cannot be duplicated: the customer makes a new one.")
            )
        return super().copy(default)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Booking requests are the history of their booking: they cannot be deleted.")
        )

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        # The customer's emails are theirs alone: reviewers hear of a request by its activity.
        return []

    def _one_by_one(self, batch=50):
        """The requests one at a time, prefetching a batch at a time: a loop that writes on each
        would otherwise re-read what it invalidates for all of them (quadratic in bulk)."""
        for ids in split_every(batch, self.ids):
            yield from self.browse(ids)

    def _booking(self):
        """The booking the request is about (whatever its kind)."""
        self.ensure_one()
        for name in self._booking_field_names():
            if self[name]:
                return self[name]
        return self.env["calendar.event"]

    def _type_label(self):
        return dict(self._fields["request_type"]._description_selection(self.env)).get(self.request_type, "")

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(self.state, "")
