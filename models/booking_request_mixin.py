from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

REVIEWER_GROUP = "booking_change_request.group_booking_reviewer"
REQUEST_TYPES = ("cancel", "change", "rebook")


def booking_field_names(model):
    """The fields of ``model`` (a request, a wish) naming a kind of booking: event_id, order_id..."""
    registry = model.env.registry
    mixin = registry["booking.request.mixin"]
    return [
        name
        for name, field in model._fields.items()
        if field.type == "many2one"
        and field.store
        and issubclass(registry[field.comodel_name], mixin)
        and not registry[field.comodel_name]._abstract
    ]


def applying(env):
    """What the engine is applying, if any (a request, or a booking it updates itself).

    A recordset, so no RPC caller can set it through the context.
    """
    marker = env.context.get("booking_applying")
    return marker if isinstance(marker, models.BaseModel) else None


class BookingRequestMixin(models.AbstractModel):
    """What every kind of booking shares: requests, the decision, the engine's paths, notifications.

    A kind of booking (an adapter) inherits it, declares ``booking_request_ids`` (its
    inverse field differs) and implements the ``_booking_*`` hooks of the first section.
    """

    _name = "booking.request.mixin"
    _inherit = ["booking.signed.mail"]
    _description = "Booking customers can cancel or ask to change"

    # What each kind of booking (adapter) declares, as tier.validation's _state_field:
    _booking_kind = None  # the <kind> of the portal routes: "visit", "order"
    _booking_request_field = None  # the booking.change.request field pointing at the kind
    _booking_start_field = None  # the stored field of its start (sorted and read in SQL)
    _booking_stop_field = None  # the stored field of its end
    _booking_watched_fields = ()  # a change of these by hand is a cancellation or a change
    _booking_list_fields = ()  # what a row of the portal list reads, fetched for a whole page

    booking_worker_ids = fields.Many2many(
        "res.users",
        string="Field workers",
        domain=[("share", "=", False)],
        help="The people who do the work. They are told at once when the booking is cancelled or changed.",
    )
    booking_pending_request_id = fields.Many2one(
        "booking.change.request",
        string="Pending request",
        compute="_compute_booking_pending_request_id",
        store=True,
        index="btree_not_null",
    )
    booking_request_count = fields.Integer(string="Requests", compute="_compute_booking_request_count")

    @api.depends(lambda self: ("booking_request_ids.state",) if "booking_request_ids" in self._fields else ())
    def _compute_booking_pending_request_id(self):
        for booking in self:
            pending = booking.booking_request_ids.filtered(lambda r: r.state == "pending")
            booking.booking_pending_request_id = pending[:1]

    @api.depends(lambda self: ("booking_request_ids",) if "booking_request_ids" in self._fields else ())
    def _compute_booking_request_count(self):
        field = self._booking_request_field
        counts = dict(
            self.env["booking.change.request"]._read_group([(field, "in", self.ids)], [field], ["__count"])
        )
        for booking in self:
            booking.booking_request_count = counts.get(booking._origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._booking_check_engine_write(vals)
        bookings = super().create(vals_list)
        bookings.booking_worker_ids._booking_receive_in_inbox()
        return bookings

    def write(self, vals):
        """Odoo's own ways of changing a booking (its buttons, the calendar) reach the engine."""
        self._booking_check_engine_write(vals)
        watched = set(vals) & set(self._booking_watched_fields)
        before = (
            {b: b._booking_snapshot() for b in self if b._booking_engaged() and not b._booking_applied()}
            if watched
            else {}
        )
        result = super().write(vals)
        if "booking_worker_ids" in vals:
            self.booking_worker_ids._booking_receive_in_inbox()
        for booking, old in before.items():
            booking._booking_after_outside_write(old, vals)
        return result

    def _booking_engine_fields(self):
        """Fields only the engine or a reviewer writes: who works on it, what is pending, its token."""
        return {"booking_worker_ids", "booking_pending_request_id", "booking_access_token"}

    def _booking_applied(self):
        """Whether the engine is applying a request to this very booking: its writes are not news."""
        marker = applying(self.env)
        if not marker:
            return False
        target = marker._booking() if marker._name == "booking.change.request" else marker
        return bool(self) and self <= target

    def _booking_check_engine_write(self, vals):
        if self.env.su or not set(vals) & self._booking_engine_fields():
            return
        if self._booking_applied() or (not self and applying(self.env)):
            return
        try:
            self._booking_check_reviewer()
        except AccessError:
            raise AccessError(
                self.env._(
                    "Only booking reviewers assign field workers; a booking's pending request and "
                    "cancellation change through its requests."
                )
            ) from None

    def _booking_kind_label(self):
        """What the portal calls a booking of this kind: its field's label on the request ("Visit")."""
        field = self.env["booking.change.request"]._fields[self._booking_request_field]
        return field._description_string(self.env)

    def _booking_portal_status(self, viewer=None):
        """(label, Bootstrap colour) of the booking for the customer ``viewer``."""
        if self._booking_is_cancelled():
            return self.env._("Cancelled"), "danger"
        pending = self.booking_pending_request_id
        if pending and not self._booking_is_own(pending, viewer):
            return self.env._("Another attendee's request"), "warning"
        if pending:
            if pending.request_type == "cancel":
                return self.env._("Cancellation requested"), "warning"
            return self.env._("Change requested"), "warning"
        start = self._booking_start()
        if not self._booking_is_open() or (start and start <= fields.Datetime.now()):
            return self.env._("Past"), "secondary"
        return self.env._("Confirmed"), "success"

    def _booking_customer_key(self, partner):
        """Who a customer acts for: a contact acts for their company (an order's customer)."""
        return partner.commercial_partner_id

    def _booking_is_own(self, request, partner):
        """Whether ``request`` is ``partner``'s own (its words, fee and buttons are theirs only)."""
        return bool(request and partner) and (
            self._booking_customer_key(request.partner_id) == self._booking_customer_key(partner)
        )

    def action_booking_cancel(self):
        """Staff cancellation, with the proposed fee and an editable email, in a wizard."""
        self.ensure_one()
        self._booking_check_reviewer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel booking"),
            "res_model": "booking.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_id": self.id},
        }

    def action_booking_open_pending(self):
        self.ensure_one()
        return self.booking_pending_request_id.get_formview_action()

    def _booking_customer_domain(self, partner):
        """Domain of the bookings ``partner`` is a customer of (the portal list)."""
        raise NotImplementedError

    def _booking_cancelled_domain(self):
        """Domain of the cancelled bookings of this kind (the portal's filter)."""
        raise NotImplementedError

    def _booking_busy_domain(self, workers, start, stop):
        """Domain of the bookings of this kind that keep any of ``workers`` busy during [start, stop)."""
        raise NotImplementedError

    def _booking_start(self):
        """Start of the booking (naive UTC datetime): its ``_booking_start_field``."""
        return self[self._booking_start_field]

    def _booking_stop(self):
        """End of the booking (naive UTC datetime): its ``_booking_stop_field``."""
        return self[self._booking_stop_field]

    def _booking_company(self):
        """The company whose policy applies."""
        raise NotImplementedError

    def _booking_customers(self):
        """The customer partners of the booking."""
        raise NotImplementedError

    def _booking_may_ask(self, partner):
        """Whether ``partner`` is a customer allowed to make requests on it."""
        raise NotImplementedError

    def _booking_responsible(self):
        """The user who reviews its requests (organizer, salesperson)."""
        raise NotImplementedError

    def _booking_is_cancelled(self):
        raise NotImplementedError

    def _booking_is_open(self):
        """Not cancelled and not closed for good (a locked order)."""
        raise NotImplementedError

    def _booking_engaged(self):
        """Whether it is a booking (the record-level ``_booking_domain``): the one rule the list,
        the calendar, the pages, the emails and Odoo's own paths read."""
        raise NotImplementedError

    def _booking_domain(self):
        """Domain of the records of this kind that are bookings (a plain meeting is not)."""
        raise NotImplementedError

    def _booking_price(self):
        """Untaxed price, in ``_booking_currency()``, that percent fees apply to."""
        raise NotImplementedError

    def _booking_currency(self):
        raise NotImplementedError

    def _booking_prefetch_list(self):
        """Fetch what the portal list shows of these bookings in a few queries, whatever their number."""
        self.fetch(
            [
                *self._booking_list_fields,
                "booking_pending_request_id",
                "booking_product_id",
                "booking_worker_ids",
            ]
        )
        self.booking_worker_ids.fetch(["name"])
        self.booking_product_id.fetch(["name"])
        self.booking_pending_request_id.fetch(["name", "request_type", "partner_id"])

    def _booking_product(self):
        """The service booked."""
        return self.booking_product_id

    def _booking_apply_cancel(self, request):
        raise NotImplementedError

    def _booking_apply_change(self, request):
        """Move the booking to the request's time and service."""
        raise NotImplementedError

    def _booking_apply_rebook(self, request):
        """Reopen a cancelled booking at the request's time."""
        raise NotImplementedError

    def _booking_apply_undo(self, cancellation):
        """Restore the booking as it was before ``cancellation``."""
        raise NotImplementedError

    @api.model
    @tools.ormcache()
    def _booking_models(self):
        """The models of every kind of booking: those that inherit this mixin (once per registry)."""
        mixin = self.env.registry["booking.request.mixin"]
        return tuple(
            name
            for name, model in self.env.registry.items()
            if not model._abstract and not model._transient and issubclass(model, mixin)
        )

    def _booking_check_reviewer(self):
        """Staff actions on this booking: reviewers of the booking's company only."""
        if self.env.su:
            return
        user = self.env.user
        companies = self.env["res.company"].union(*(b.sudo()._booking_company() for b in self))
        if not user.has_group(REVIEWER_GROUP) or companies - user.company_ids:
            raise AccessError(self.env._("Only booking reviewers of this booking's company can do this."))

    def _booking_duration(self):
        """The booking's length (one hour when it has no end)."""
        start, stop = self._booking_start(), self._booking_stop()
        if start and stop and stop > start:
            return stop - start
        return timedelta(hours=1)

    def _booking_services(self):
        """The services a customer may pick in a change: the company's, else the booking's own."""
        services = self._booking_company().booking_service_product_ids
        return (services or self._booking_product()).sudo().filtered(lambda p: p.active and p.sale_ok)

    def _booking_last_cancellation(self):
        """The approved cancellation that cancelled the booking (the latest), if any."""
        return self.booking_request_ids.filtered(
            lambda r: r.request_type == "cancel" and r.state == "approved"
        ).sorted(lambda r: (r.decided_on or r.create_date, r.id))[-1:]
