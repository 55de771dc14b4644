from datetime import timedelta

import pytz
from babel.dates import format_skeleton, format_time
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools import policy
from ..tools.policy import CLOSED, FREE, REVIEW
from ..tools.refusal import BookingForbidden, BookingRefusal

REVIEWER_GROUP = "booking_change_request.group_booking_reviewer"
REQUEST_TYPES = ("cancel", "change", "rebook")


def applying(env):
    """The request the engine is applying, if any: its own writes are not news to it.

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
        field = self._booking_request_field()
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
        watched = not applying(self.env) and set(vals) & set(self._booking_watched_fields())
        before = {b: b._booking_snapshot() for b in self if b._booking_engaged()} if watched else {}
        result = super().write(vals)
        if "booking_worker_ids" in vals:
            self.booking_worker_ids._booking_receive_in_inbox()
        for booking, old in before.items():
            booking._booking_after_outside_write(old, vals)
        return result

    def _booking_engine_fields(self):
        """Fields only the engine or a reviewer writes: who works on it, what is pending, its token."""
        return {"booking_worker_ids", "booking_pending_request_id", "booking_access_token"}

    def _booking_check_engine_write(self, vals):
        if self.env.su or applying(self.env) or not set(vals) & self._booking_engine_fields():
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

    # ------------------------------------------------------------------
    # Hooks each kind of booking (adapter) implements
    # ------------------------------------------------------------------

    def _booking_kind(self):
        """'visit' or 'order': the <kind> of the portal routes (works on an empty recordset)."""
        raise NotImplementedError

    def _booking_request_field(self):
        """The booking.change.request field pointing at this model."""
        raise NotImplementedError

    def _booking_start_field(self):
        """The stored field holding the start (the portal sorts on it in SQL)."""
        raise NotImplementedError

    def _booking_stop_field(self):
        """The stored field holding the end (busy times are read in SQL)."""
        raise NotImplementedError

    def _booking_customer_domain(self, partner):
        """Domain of the bookings ``partner`` is a customer of (the portal list)."""
        raise NotImplementedError

    def _booking_watched_fields(self):
        """Fields whose change by hand (not by the engine) is a cancellation or a change."""
        raise NotImplementedError

    def _booking_cancelled_domain(self):
        """Domain of the cancelled bookings of this kind (the portal's filter)."""
        raise NotImplementedError

    def _booking_busy_domain(self, workers, start, stop):
        """Domain of the bookings of this kind that keep any of ``workers`` busy during [start, stop)."""
        raise NotImplementedError

    def _booking_start(self):
        """Start of the booking (naive UTC datetime)."""
        raise NotImplementedError

    def _booking_stop(self):
        """End of the booking (naive UTC datetime)."""
        raise NotImplementedError

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
        """Whether it is a booking the engine follows (a plain meeting is not)."""
        raise NotImplementedError

    def _booking_price(self):
        """Untaxed price, in ``_booking_currency()``, that percent fees apply to."""
        raise NotImplementedError

    def _booking_currency(self):
        raise NotImplementedError

    def _booking_list_fields(self):
        """The fields a row of the portal list reads: fetched at once for a whole page."""
        raise NotImplementedError

    def _booking_prefetch_list(self):
        """Fetch what the portal list shows of these bookings in a few queries, whatever their number."""
        self.fetch(
            [
                *self._booking_list_fields(),
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

    # ------------------------------------------------------------------
    # The decision
    # ------------------------------------------------------------------

    def _booking_decision(self, request_type, values=None, conflicts=None, refund=True):
        """The one decision for a request of ``request_type`` with ``values``, made now.

        ``values`` are request fields (``requested_start``, ``requested_stop``,
        ``requested_product_id``, ``requested_time_block_id``...). The portal, the
        list, the dialog, the bulk panel, the emails and the engine all read it.
        ``conflicts``: the workers' other bookings at the new time when already known
        (the free times of a day are free). ``refund``: whether to work out what a paid
        order refunds (the list, which does not show it, skips it).
        """
        self.ensure_one()
        values = values or {}
        refusal = self._booking_refusal(request_type, values)
        if refusal:
            return policy.Decision(request_type, CLOSED, CLOSED, refusal)
        company = self._booking_company()
        notice = self._booking_notice() if self._booking_start() else 0.0
        if request_type == "cancel":
            window = policy.window(
                notice,
                company.booking_cutoff_hours,
                company.booking_cancel_auto_approve,
                company.booking_cancel_auto_approve_hours,
            )
            return self._booking_cancel_decision(window, notice, refund)
        start = values.get("requested_start")
        if request_type == "rebook":
            notice = self._booking_notice(start) if start else notice
        elif start:
            notice = min(notice, self._booking_notice(start))
        window = policy.window(
            notice,
            company.booking_cutoff_hours,
            company.booking_change_auto_approve,
            company.booking_change_auto_approve_hours,
        )
        return self._booking_change_decision(request_type, window, notice, values, conflicts)

    def _booking_cancel_decision(self, window, notice, refund=True):
        fee = self._booking_cancel_fee(notice)
        fee_total = self._booking_fee_total(fee)
        paid = self._booking_paid() if refund else 0.0
        refund = policy.refund_amount(paid, fee_total) if paid else 0.0
        if window == FREE:
            message = self.env._("Your booking will be cancelled at once.")
        else:
            message = self.env._("Your cancellation will be sent to our team for review.")
        return policy.Decision(
            "cancel",
            window,
            window,
            message,
            fee=fee,
            fee_total=fee_total,
            refund=refund,
        )

    def _booking_change_decision(self, request_type, window, notice, values, conflicts=None):
        start, stop = values.get("requested_start"), values.get("requested_stop")
        if conflicts is None:
            conflicts = self._booking_worker_conflicts(start, stop) if start else ()
        reasons = policy.change_review_reasons(
            time_only=self._booking_is_time_only(values),
            workers_free=not any(conflicts),
            fee_now=bool(self._booking_cancel_fee(notice)),
            time_block=bool(values.get("requested_time_block_id")),
        )
        outcome = policy.outcome(window, reasons)
        asked = start or values.get("requested_product_id") or values.get("requested_note")
        if not asked:
            message = (
                self.env._(
                    "Pick a new time: when the people assigned are free then, it is confirmed at once."
                )
                if window == FREE
                else self.env._("Your change will be sent to our team for review.")
            )
        elif outcome == FREE:
            message = (
                self.env._("Your booking will be confirmed again at once.")
                if request_type == "rebook"
                else self.env._("Your change will be confirmed at once.")
            )
        else:
            message = self._booking_review_message(request_type, window, reasons)
        return policy.Decision(request_type, outcome, window, message)

    def _booking_review_message(self, request_type, window, reasons):
        why = {
            policy.TIME_BLOCK: self.env._("we set the exact time within the block you pick"),
            policy.NOT_ONLY_TIME: self.env._("a change of service, duration or notes needs our team"),
            policy.WORKERS_BUSY: self.env._("the people assigned are busy at that time"),
            policy.FEE_NOW: self.env._("it is late: a cancellation now would carry a fee"),
        }
        if window == REVIEW or not reasons:
            reason = self.env._("our team reviews changes at this notice")
        else:
            reason = why[reasons[0]]
        if request_type == "rebook":
            return self.env._("Your request to book again will be sent to our team for review (%s).", reason)
        return self.env._("Your change will be sent to our team for review (%s).", reason)

    def _booking_decisions(self):
        """The decision of each request type with no values: what the page offers."""
        return {request_type: self._booking_decision(request_type) for request_type in REQUEST_TYPES}

    def _booking_refusal(self, request_type, values):
        """Why a request of this type is closed now, in words; None when it is open."""
        company = self._booking_company()
        allowed = company.booking_portal_cancel if request_type == "cancel" else company.booking_portal_change
        if not allowed:
            if request_type == "cancel":
                return self.env._(
                    "Online cancellation is not offered. Please contact %s.", self._booking_contact_text()
                )
            return self.env._(
                "Online changes are not offered. Please contact %s.", self._booking_contact_text()
            )
        if request_type == "rebook":
            return self._booking_rebook_refusal(values)
        if self._booking_is_cancelled():
            return self.env._("This booking is already cancelled.")
        start = self._booking_start()
        if not self._booking_is_open() or not start or start <= fields.Datetime.now():
            return self.env._(
                "This booking has started or is closed: it can no longer be changed online. "
                "Please contact %s.",
                self._booking_contact_text(),
            )
        if self._booking_notice() < company.booking_cutoff_hours:
            return self._booking_cutoff_message()
        if request_type == "change":
            return self._booking_change_limit_refusal(values)
        return None

    def _booking_cutoff_message(self):
        return self.env._(
            "Online changes close %(hours)s hours before the start. Please contact %(contact)s.",
            hours=f"{self._booking_company().booking_cutoff_hours:g}",
            contact=self._booking_contact_text(),
        )

    def _booking_rebook_refusal(self, values):
        if not self._booking_is_cancelled():
            return self.env._("Only a cancelled booking can be booked again.")
        last = self._booking_last_cancellation()
        if not last or last.channel == "backend":
            return self.env._(
                "This booking was cancelled by our team: please contact %s to book it again.",
                self._booking_contact_text(),
            )
        return self._booking_too_close_refusal(values.get("requested_start"))

    def _booking_too_close_refusal(self, start):
        """A new time inside the cutoff, or past, is not booked online."""
        if start and self._booking_notice(start) < max(self._booking_company().booking_cutoff_hours, 0.0001):
            return self.env._(
                "That time is too close or already past to be booked online. Please contact %s.",
                self._booking_contact_text(),
            )
        return None

    def _booking_change_limit_refusal(self, values):
        """Past the company's limits on changes: how many, how far, how close."""
        company = self._booking_company()
        limit = company.booking_change_limit
        if limit and self._booking_approved_change_count() >= limit:
            return self.env._(
                "This booking was already changed %(count)s times online. Please contact %(contact)s.",
                count=limit,
                contact=self._booking_contact_text(),
            )
        start = values.get("requested_start")
        if not start:
            return None
        horizon = company.booking_change_horizon_days
        if horizon and abs(start - self._booking_original_start()) > timedelta(days=horizon):
            return self.env._(
                "A booking can be moved online up to %(days)s days from its first date. "
                "Please contact %(contact)s.",
                days=horizon,
                contact=self._booking_contact_text(),
            )
        return self._booking_too_close_refusal(start)

    def _booking_last_cancellation(self):
        """The approved cancellation that cancelled the booking (the latest), if any."""
        return self.booking_request_ids.filtered(
            lambda r: r.request_type == "cancel" and r.state == "approved"
        ).sorted(lambda r: (r.decided_on or r.create_date, r.id))[-1:]

    def _booking_approved_change_count(self):
        return len(
            self.booking_request_ids.filtered(
                lambda r: r.request_type == "change" and r.state == "approved" and r.channel != "backend"
            )
        )

    def _booking_original_start(self):
        """Where the booking started before any online change (the horizon counts from it)."""
        changes = self.booking_request_ids.filtered(
            lambda r: r.request_type in ("change", "rebook") and r.state == "approved" and r.previous_start
        ).sorted("id")
        return changes[:1].previous_start or self._booking_start()

    def _booking_is_time_only(self, values):
        """A pure move: a new time, the same service and the same duration."""
        start, stop = values.get("requested_start"), values.get("requested_stop")
        if not start:
            return False
        product_id = values.get("requested_product_id")
        if product_id and product_id != self._booking_product().id:
            return False
        if not stop or not self._booking_start():
            return True
        return stop - start == (self._booking_stop() or self._booking_start()) - self._booking_start()

    def _booking_notice(self, start=None):
        """Hours from now to ``start`` (default: the booking's start)."""
        return policy.notice_hours(fields.Datetime.now(), start or self._booking_start())

    def _booking_cancel_fee(self, notice):
        """The late-cancellation fee (untaxed), rounded in the booking's currency."""
        company = self._booking_company()
        rule = policy.matching_fee_rule(notice, company.sudo().booking_fee_rule_ids)
        currency = self._booking_currency()
        # the price is read only when a percent rule needs it (it can cost a query per booking)
        price = self._booking_price() if rule and rule.fee_type == "percent" else 0.0
        amount = policy.fee_amount(rule, price)
        if rule and rule.fee_type == "fixed" and company.currency_id != currency:
            amount = company.currency_id._convert(amount, currency, company, fields.Date.today())
        return currency.round(amount)

    def _booking_fee_product(self):
        company = self._booking_company()
        return company.booking_fee_product_id or self.env.ref("booking_change_request.product_booking_fee")

    def _booking_fee_taxes(self, partner=None):
        """The fee invoice line's taxes: the fee product's, mapped by the customer's fiscal position."""
        company = self._booking_company()
        product = self._booking_fee_product().sudo()
        taxes = product.taxes_id._filter_taxes_by_company(company)
        partner = partner or self._booking_invoice_partner()
        fiscal_position = self.env["account.fiscal.position"].sudo().with_company(company)
        return fiscal_position._get_fiscal_position(partner).map_tax(taxes)

    def _booking_fee_total(self, fee, partner=None):
        """The fee as it will be invoiced, taxes included."""
        if not fee:
            return 0.0
        currency = self._booking_currency()
        taxes = self._booking_fee_taxes(partner)
        return taxes.compute_all(fee, currency, 1.0, self._booking_fee_product(), partner)["total_included"]

    def _booking_invoice_partner(self):
        """Who a fee invoice is addressed to."""
        return self._booking_customers()[:1]

    def _booking_worker_conflicts(self, start, stop):
        """The other bookings of every kind where this booking's workers are busy during [start, stop)."""
        self.ensure_one()
        workers = self.booking_worker_ids
        if not workers or not start:
            return ()
        stop = stop or start + timedelta(hours=1)
        return tuple(Kind.search(domain) for Kind, domain in self._booking_busy_domains(start, stop))

    def _booking_busy_domains(self, start, stop):
        """(kind's model as superuser, domain) of the other bookings of this one's workers then."""
        for model in self._booking_models():
            Kind = self.env[model].sudo()
            domain = Kind._booking_busy_domain(self.booking_worker_ids, start, stop)
            if model == self._name:
                domain = [("id", "!=", self.id), *domain]
            yield Kind, domain

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

    def _booking_contact_text(self):
        """Whom a refused customer should contact."""
        company = self._booking_company().sudo()
        contact = ", ".join(filter(None, [company.phone, company.email]))
        name = self._booking_responsible().sudo().name or company.name
        return f"{name} ({contact})" if contact else name

    # ------------------------------------------------------------------
    # Requests from customers
    # ------------------------------------------------------------------

    def _booking_request_cancel(self, partner, values, channel):
        """Ask to cancel; returns the request (approved at once in the free window)."""
        return self._booking_request("cancel", partner, values, channel)

    def _booking_request_change(self, partner, values, channel):
        """Ask to move the booking or swap its service; returns the request."""
        return self._booking_request("change", partner, values, channel)

    def _booking_request_rebook(self, partner, values, channel):
        """Ask to book a cancelled booking again at a new time; returns the request."""
        return self._booking_request("rebook", partner, values, channel)

    def _booking_request(self, request_type, partner, values, channel, review=False):
        """File a request; ``review``: never approved by the rules (calendar's decline, a GET)."""
        self.ensure_one()
        self._booking_check_requester(partner, channel)
        self._booking_lock()
        values = self._booking_clean_values(request_type, values)
        decision = self._booking_decision(request_type, values)
        if decision.outcome == FREE and request_type != "cancel" and not review:
            # it takes the workers' time at once: decide again once no one else can take it
            self._booking_lock_workers()
            decision = self._booking_decision(request_type, values)
        if decision.closed:
            raise BookingRefusal(decision.message)
        self._booking_check_no_pending(partner)
        self._booking_check_daily_limit()
        # the partial unique index sees decided requests only once flushed
        self.env["booking.change.request"].flush_model(["state"])
        vals = self._booking_prepare_request_vals(request_type, partner, values, channel, decision)
        request = self.env["booking.change.request"].sudo().create(vals)
        if decision.outcome == FREE and not review:
            request._approve(auto=True)
        else:
            request._start_review()
        # Flush as superuser: flushed later by a portal or public caller's environment,
        # monetary values written here would need that caller to read order lines.
        request.env.flush_all()
        return request

    def _booking_check_no_pending(self, partner):
        pending = self.booking_pending_request_id
        if pending and self._booking_is_own(pending, partner):
            raise BookingRefusal(
                self.env._(
                    "Your request %(name)s for this booking is still waiting for an answer: "
                    "withdraw it first, or wait for our reply.",
                    name=pending.name,
                )
            )
        if pending:
            raise BookingRefusal(
                self.env._(
                    "Another attendee's request for this booking is waiting for our answer: "
                    "please try again once it is answered."
                )
            )

    def _booking_check_daily_limit(self):
        """A booking takes so many customers' requests a day (each one emails and alerts people)."""
        limit = self._booking_company().booking_daily_request_limit
        if not limit:
            return
        since = fields.Datetime.now() - timedelta(days=1)
        field = self._booking_request_field()
        count = (
            self.env["booking.change.request"]
            .sudo()
            .search_count([(field, "=", self.id), ("channel", "!=", "backend"), ("create_date", ">=", since)])
        )
        if count >= limit:
            raise BookingRefusal(
                self.env._(
                    "This booking had %(count)s requests in the last 24 hours, the most we take online. "
                    "Please contact %(contact)s.",
                    count=count,
                    contact=self._booking_contact_text(),
                ),
                429,
            )

    def _booking_lock_workers(self):
        """Serialize what takes the workers' time (undo, approval): the second waits, then sees the first.

        A real (empty) update of the workers' rows, not only a lock: under Odoo's REPEATABLE READ the
        second transaction would otherwise check their time in its older snapshot; this way it
        fails to serialize and Odoo retries it, seeing the first.
        """
        if self.booking_worker_ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_users SET write_date = write_date WHERE id IN %s",
                    tuple(sorted(self.booking_worker_ids.ids)),
                )
            )

    def _booking_lock(self):
        """Serialize requests on one booking: a racing submit waits, then sees this one."""
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id)
        )
        self.invalidate_recordset()
        self.booking_request_ids.invalidate_recordset()

    def _booking_check_requester(self, partner, channel):
        if channel == "backend":
            self._booking_check_reviewer()
        elif not partner or not self._booking_may_ask(partner):
            raise BookingForbidden(self.env._("You cannot make requests on this booking."))

    def _booking_check_reviewer(self):
        """Staff actions on this booking: reviewers of the booking's company only."""
        if self.env.su:
            return
        user = self.env.user
        companies = self.env["res.company"].union(*(b.sudo()._booking_company() for b in self))
        if not user.has_group(REVIEWER_GROUP) or companies - user.company_ids:
            raise AccessError(self.env._("Only booking reviewers of this booking's company can do this."))

    def _booking_clean_values(self, request_type, values):
        """Validate the customer's values; returns those the request keeps."""
        keys = (
            "reason_id",
            "reason",
            "requested_start",
            "requested_stop",
            "requested_product_id",
            "requested_time_block_id",
            "requested_note",
            "requester_ip",
            "requester_user_agent",
        )
        clean = {key: values[key] for key in keys if values.get(key)}
        if request_type == "cancel":
            self._booking_check_cancel_reason(clean)
            return {key: value for key, value in clean.items() if not key.startswith("requested_")}
        start, stop = clean.get("requested_start"), clean.get("requested_stop")
        if (
            request_type == "change"
            and start == self._booking_start()
            and stop in (None, self._booking_stop())
        ):
            # the form sends the current time back: no new time was asked for
            start, stop = None, None
            clean.pop("requested_start")
            clean.pop("requested_stop", None)
        if request_type == "rebook" and not start:
            raise ValidationError(self.env._("Please choose the new date and time."))
        if start:
            stop = stop or start + self._booking_duration()
            if stop <= start:
                raise ValidationError(self.env._("The new end must come after the new start."))
            if not policy.duration_ok((stop - start).total_seconds() / 3600.0):
                raise ValidationError(self.env._("A booking lasts from 15 minutes to 14 days."))
            clean["requested_stop"] = stop
        elif stop:
            raise ValidationError(self.env._("Please choose the new start, not only its end."))
        if request_type == "rebook":
            clean.pop("requested_product_id", None)
        if clean.get("requested_product_id") == self._booking_product().id:
            clean.pop("requested_product_id")
        if clean.get("requested_product_id"):
            self._booking_check_service(clean["requested_product_id"])
        if request_type == "change" and not (
            start or clean.get("requested_product_id") or clean.get("requested_note")
        ):
            raise ValidationError(
                self.env._("Please tell us what to change: a new time, a service or a note.")
            )
        company = self._booking_company()
        note = (clean.get("requested_note") or "").strip()
        if request_type == "change" and company.booking_change_reason_required and not note:
            raise ValidationError(self.env._("Please tell us why you ask for this change."))
        return clean

    def _booking_check_cancel_reason(self, clean):
        company = self._booking_company()
        reason = self.env["booking.cancel.reason"].sudo().browse(clean.get("reason_id")).exists()
        if clean.get("reason_id") and not reason:
            raise ValidationError(self.env._("Please pick a reason from the list."))
        words = (clean.get("reason") or "").strip()
        if reason.requires_note and not words:
            raise ValidationError(self.env._("Please tell us more about the reason “%s”.", reason.name))
        if company.booking_cancel_reason_required and not (reason or words):
            raise ValidationError(self.env._("Please tell us why you cancel."))

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

    def _booking_check_service(self, product_id):
        if product_id not in self._booking_services().ids:
            raise ValidationError(self.env._("Please pick one of the services we offer."))

    def _booking_prepare_request_vals(self, request_type, partner, values, channel, decision):
        vals = {
            **values,
            "request_type": request_type,
            "partner_id": partner.id,
            "channel": channel,
            "window": decision.window if decision.window != CLOSED else REVIEW,
            "notice_hours": self._booking_notice() if self._booking_start() else 0.0,
            "company_id": self._booking_company().id,
            "currency_id": self._booking_currency().id,
            "user_id": self._booking_responsible().id,
            "previous_start": self._booking_start(),
            "previous_stop": self._booking_stop(),
            "previous_product_id": self._booking_product().id,
            self._booking_request_field(): self.id,
        }
        if request_type == "cancel":
            vals["fee_amount"] = decision.fee
            vals["refund_amount"] = decision.refund
        return vals

    # ------------------------------------------------------------------
    # Staff and Odoo's own paths
    # ------------------------------------------------------------------

    def _booking_staff_cancel(self, reason_id=False, reason=False, fee_amount=0.0, notify=True):
        """Staff cancellation (the backend wizard): applied at once with the given fee.

        ``notify``: False not to email the customer (or when the wizard posts the email staff edited).
        """
        self.ensure_one()
        self._booking_check_reviewer()
        if fee_amount < 0:
            raise ValidationError(self.env._("A fee cannot be negative."))
        booking = self.sudo()
        booking._booking_lock()
        if booking._booking_is_cancelled():
            raise BookingRefusal(self.env._("This booking is already cancelled."))
        return booking._booking_record_staff_request(
            "cancel",
            {"reason_id": reason_id, "reason": reason, "fee_amount": fee_amount},
            apply=True,
            customer_message=None if notify else False,
        )

    def _booking_record_staff_request(self, request_type, values, apply, customer_message=None):
        """A request made by staff, approved at once: pending requests end, workers hear of it.

        ``apply``: whether the engine applies it (the wizard) or it was already applied by
        Odoo's own buttons. ``customer_message``: None for the default email, False for no
        email (none, or one the caller posts).
        """
        self._booking_end_pending(request_type)
        partner = self._booking_customers()[:1] or self._booking_company().partner_id
        decision = policy.Decision(request_type, REVIEW, REVIEW, "")
        vals = self._booking_prepare_request_vals(request_type, partner, {}, "backend", decision)
        vals.update(values)
        if request_type == "cancel":
            # the forecast a customer's cancellation shows in its dialog, made with the staff's fee
            fee_total = self._booking_fee_total(vals.get("fee_amount", 0.0))
            vals["refund_amount"] = policy.refund_amount(self._booking_paid(), fee_total)
        # decided requests (an earlier change in this transaction) reach the one-pending index first
        self.env["booking.change.request"].flush_model(["state"])
        request = self.env["booking.change.request"].sudo().create(vals)
        request._approve(apply=apply, decided_by=self.env.user, customer_message=customer_message)
        return request

    def _booking_end_pending(self, request_type):
        """A pending request made moot by staff ends, with a note saying why."""
        note = {
            "cancel": self.env._("Closed: our team cancelled the booking."),
            "change": self.env._("Closed: our team changed the booking."),
            "rebook": self.env._("Closed: our team booked it again."),
        }[request_type]
        pending = self.booking_pending_request_id
        pending._expire(note)
        # in the database before the staff request is inserted: the one-pending-request
        # index would refuse that insert while the ended request is still pending there
        pending.flush_recordset(["state"])

    def _booking_snapshot(self):
        return {
            "cancelled": self._booking_is_cancelled(),
            "open": self._booking_is_open(),
            "start": self._booking_start(),
            "stop": self._booking_stop(),
            "product": self._booking_product(),
        }

    def _booking_after_outside_write(self, old, vals=None):
        """A booking changed by Odoo's own buttons: record it as a staff request, approved."""
        change = self._booking_outside_change(old, self._booking_snapshot())
        if change:
            request_type, values, message = change
            self._booking_check_may_change_by_hand()
            if values.get("requested_start"):
                # onto a time a worker has another booking: the user confirms first (booking_backend.py)
                self._booking_confirm_busy_move(vals or {})
            self._booking_record_staff_request(request_type, values, apply=False, customer_message=message)

    def _booking_outside_change(self, old, new):
        """(request type, values, customer message) of what Odoo's own buttons did, or None."""
        if not old["cancelled"] and new["cancelled"]:
            return ("cancel", {}, self._booking_outside_cancel_message()) if old["open"] else None
        if old["cancelled"] and not new["cancelled"]:
            return "rebook", {"requested_start": new["start"], "requested_stop": new["stop"]}, None
        if new["cancelled"] or not old["open"]:
            return None
        values = {}
        if (old["start"], old["stop"]) != (new["start"], new["stop"]) and new["start"]:
            values.update(requested_start=new["start"], requested_stop=new["stop"])
        if old["product"] != new["product"]:
            values["requested_product_id"] = new["product"].id
        if not values:
            return None
        values.update(
            previous_start=old["start"], previous_stop=old["stop"], previous_product_id=old["product"].id
        )
        return "change", values, self._booking_outside_change_message()

    def _booking_check_may_change_by_hand(self):
        """Moving, cancelling or archiving a booking by hand: its responsible or a reviewer only."""
        user = self.env.user
        if self.env.su or user == self._booking_responsible():
            return
        try:
            self._booking_check_reviewer()
        except AccessError:
            raise UserError(
                self.env._(
                    "Only %(responsible)s, who is responsible for %(booking)s, or a booking reviewer "
                    "can move, cancel or archive it: its customers and workers are told of every change.",
                    responsible=self._booking_responsible().sudo().name or self.env._("its responsible"),
                    booking=self.display_name,
                )
            ) from None

    def _booking_outside_cancel_message(self):
        """How the customer hears of a cancellation by hand: None, our email; False, Odoo tells them."""
        return None

    def _booking_outside_change_message(self):
        """How the customer hears of a change made by hand: None for our email, False when Odoo tells them."""
        return None

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------

    @api.model
    def _booking_format_datetime(self, value, partner=None, tz=None, locale=None):
        """'Tue, Nov 24, 2026, 9:00 AM' in the reader's language and time zone (no seconds).

        ``locale``: the babel locale, when the caller formats many dates (looked up once).
        """
        if not value:
            return ""
        tz = tz or (partner and partner.tz) or (self and self._booking_tz()) or "UTC"
        local = pytz.utc.localize(value).astimezone(
            pytz.timezone(tz if tz in pytz.all_timezones_set else "UTC")
        )
        locale = locale or babel_locale_parse(get_lang(self.env).code)
        date = format_skeleton("yMMMEd", local, locale=locale)
        time = format_time(local, format="short", locale=locale)
        return locale.datetime_formats["medium"].replace("{1}", date).replace("{0}", time)

    def _booking_tz(self):
        """The booking's own time zone: its responsible's, else its company's, else UTC."""
        responsible = self._booking_responsible().sudo()
        company = self._booking_company().sudo()
        tz = responsible.tz or company.partner_id.tz or company.resource_calendar_id.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    def _booking_format_money(self, amount):
        return format_amount(self.env, amount, self._booking_currency())

    def _booking_tell_workers(self, body, author=None):
        """One inbox message and one toast per worker: the mobile app and web push show the first.

        ``author``: who acted (a customer through an email link is no user), default the user.
        """
        workers = self.booking_worker_ids
        if not workers:
            return
        self.sudo().message_notify(
            body=body,
            subject=self.env._("Booking update: %s", self.display_name),
            partner_ids=workers.partner_id.ids,
            author_id=(author or self.env.user.partner_id).id,
            model=self._name,
            res_id=self.id,
            email_layout_xmlid="mail.mail_notification_light",
        )
        workers._bus_send(
            "simple_notification",
            {
                "title": self.env._("Booking update: %s", self.display_name),
                "message": body.striptags() if isinstance(body, Markup) else str(body),
                "type": "warning",
                "sticky": True,
            },
        )

    def _booking_log(self, body, author=None):
        """A note in the booking's chatter (staff read the history there); ``author``: who acted."""
        self.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=(author or self.env.user.partner_id).id,
        )
