from datetime import datetime, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, split_every
from odoo.tools.sql import index_exists

from ..tools import policy
from ..tools.compat import Constraint, cron_progress, expression
from ..tools.refusal import BookingRefusal
from .booking_request_mixin import REVIEWER_GROUP

REVIEW_ACTIVITY = "booking_change_request.mail_activity_type_booking_review"
# Written by the engine's methods only (as superuser), never by a person through the ORM
# (with the fields naming the booking, one per kind).
ENGINE_FIELDS = {
    "name",
    "request_type",
    "state",
    "partner_id",
    "channel",
    "window",
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
    "currency_id",
    "fee_invoice_id",
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
        [("review", "Review"), ("free", "Free (auto-approved)")],
        readonly=True,
        help="The policy window the request fell in when submitted.",
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
        compute="_compute_fee_total",
        groups=REVIEWER_GROUP,
        help="The fee as invoiced, taxes included.",
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
        mixin = self.env.registry["booking.request.mixin"]
        return [
            name
            for name, field in self._fields.items()
            if field.type == "many2one"
            and field.store
            and issubclass(self.env.registry[field.comodel_name], mixin)
            and not self.env.registry[field.comodel_name]._abstract
        ]

    @api.model
    def _selection_booking_kind(self):
        return [
            (self.env[self._fields[name].comodel_name]._booking_kind(), self._fields[name].string)
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
            request.booking_kind = booking._booking_kind() if booking else False

    @api.depends(lambda self: [f"{name}.display_name" for name in self._booking_field_names()])
    def _compute_booking_name(self):
        for request in self:
            request.booking_name = request.sudo()._booking().display_name

    @api.depends("fee_amount", "fee_invoice_id.amount_total")
    def _compute_fee_total(self):
        for request in self.sudo():
            booking = request._booking()
            request.fee_total = request.fee_invoice_id.amount_total or (
                booking._booking_fee_total(request.fee_amount, request.partner_id) if booking else 0.0
            )

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

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    def action_approve(self):
        """Approve and apply the requests (reviewers of their company only)."""
        self._check_reviewer()
        self._lock_pending()
        self._check_still_possible()
        self._check_workers_free()
        self._approve(decided_by=self.env.user)
        return True

    def _check_workers_free(self):
        """A new time the workers are now busy at is approved only when the reviewer confirmed it."""
        if self.env.context.get("booking_conflicts_ok"):
            return
        for request in self.sudo().filtered(
            lambda r: r.request_type in ("change", "rebook") and r.requested_start
        ):
            booking = request._booking()
            booking._booking_lock_workers()
            if any(booking._booking_worker_conflicts(request.requested_start, request.requested_stop)):
                raise BookingRefusal(
                    self.env._(
                        "The people assigned to %(booking)s are now busy at the time asked for in %(name)s: "
                        "open it to see the conflicts and approve anyway.",
                        booking=booking.display_name,
                        name=request.name,
                    )
                )

    def action_undo(self):
        """The customer undoes their own approved cancellation, within the company's minutes."""
        if not self.env.su:
            user = self.env.user
            if not user.share or any(r.partner_id != user.partner_id for r in self):
                raise AccessError(self.env._("You can only undo your own cancellations."))
        for request in self.sudo():
            request._undo()
        return True

    def _undo(self):
        """Restore the booking as it was, reverse the cancellation's money, tell everyone it is back on."""
        self.ensure_one()
        self._lock_rows()
        booking = self._booking()
        booking._booking_lock()
        booking._booking_lock_workers()
        refusal = self._undo_refusal()
        if refusal:
            raise BookingRefusal(refusal)
        booking.with_context(booking_applying=self)._booking_apply_undo(self)
        self.write({"state": "undone"})
        self._settle_money()
        self._notify_customer("booking_change_request.mail_template_request_undone")
        booking._booking_log(self._history_line())
        booking._booking_tell_workers(self._worker_message())
        self.env.flush_all()

    def _undo_refusal(self):
        """Why this cancellation cannot be undone now, in words; None when it can."""
        self.ensure_one()
        booking = self._booking()
        contact = booking._booking_contact_text()
        minutes = self.company_id.booking_undo_minutes
        if self.request_type != "cancel" or self.state != "approved" or self.channel == "backend":
            return self.env._("Only your own cancellation can be undone.")
        if not minutes:
            return self.env._("A cancellation cannot be undone online. Please contact %s.", contact)
        if fields.Datetime.now() > self.decided_on + timedelta(minutes=minutes):
            return self.env._(
                "A cancellation can be undone within %(minutes)s minutes: that time has passed. "
                "Book again, or contact %(contact)s.",
                minutes=minutes,
                contact=contact,
            )
        if not booking._booking_is_cancelled() or booking._booking_last_cancellation() != self:
            return self.env._("This booking is already back on.")
        start = booking._booking_start()
        if not start or start <= fields.Datetime.now():
            return self.env._("This booking's time has passed.")
        if any(booking._booking_worker_conflicts(start, booking._booking_stop())):
            return self.env._(
                "Its time was given to someone else meanwhile: book again at another time, or contact %s.",
                contact,
            )
        return None

    def _undo_deadline(self):
        """Until when the customer may undo this cancellation (None when they may not)."""
        if self._undo_refusal():
            return None
        return self.decided_on + timedelta(minutes=self.company_id.booking_undo_minutes)

    def action_deny(self, note=None, message=None):
        """Deny the requests, telling the customer ``note`` (reviewers only).

        ``message``: a {request id: (subject, body)} the reviewer wrote instead of the template.
        """
        self._check_reviewer()
        self._check_deny_arguments(note, message)
        self._lock_pending()
        requests = self.sudo()
        requests.write(
            {
                "state": "denied",
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        requests.proposal_ids.unlink()
        requests._end_review(self.env._("Denied"))
        for request in requests._one_by_one():
            custom = (message or {}).get(request.id)
            request._notify_customer("booking_change_request.mail_template_request_denied", custom)
            request._booking()._booking_log(request._history_line())
        return True

    def action_withdraw(self):
        """The customer takes their pending request back (or a reviewer, on their behalf)."""
        if not self.env.su and not self.env.user.has_group(REVIEWER_GROUP):
            user = self.env.user
            if not user.share or any(r.partner_id != user.partner_id for r in self):
                raise AccessError(self.env._("You can only withdraw your own requests."))
        elif not self.env.su:
            self._check_reviewer()
        self._lock_pending()
        requests = self.sudo()
        requests.write({"state": "withdrawn", "decided_on": fields.Datetime.now()})
        requests.proposal_ids.unlink()
        requests._end_review(self.env._("Withdrawn by the customer"))
        for request in requests._one_by_one():
            request._booking()._booking_log(request._history_line())
        requests.env.flush_all()  # as superuser: see _booking_request
        return True

    def action_propose(self, times):
        """Answer pending changes with other times (one to three ``(start, stop)`` UTC pairs).

        The request stays pending with its proposals; the customer gets one link per time
        and accepts one on the booking's page.
        """
        self._check_reviewer()
        self._lock_pending()
        times = self._check_proposed_times(times)
        for request in self.sudo()._one_by_one():
            if request.request_type not in ("change", "rebook"):
                raise ValidationError(
                    self.env._("Other times can be proposed for a change or a booking again.")
                )
            request.proposal_ids.unlink()
            request.write(
                {"proposal_ids": [Command.create({"start": start, "stop": stop}) for start, stop in times]}
            )
            request._notify_customer("booking_change_request.mail_template_request_proposal")
            request._booking()._booking_log(
                Markup("<p>%s</p>")
                % self.env._("%(name)s: %(count)s other times proposed.", name=request.name, count=len(times))
            )
        return True

    def _check_deny_arguments(self, note, message):
        if note is not None and note is not False and not isinstance(note, str):
            raise UserError(self.env._("The note to the customer must be text."))
        if message is None:
            return
        valid = isinstance(message, dict) and all(
            isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            for pair in message.values()
        )
        if not valid:
            raise UserError(self.env._("The email to the customer must be a subject and a body per request."))

    def _check_proposed_times(self, times):
        try:
            times = [
                (fields.Datetime.to_datetime(start), fields.Datetime.to_datetime(stop))
                for start, stop in times
                if start
            ]
        except (TypeError, ValueError):
            raise UserError(
                self.env._(
                    "Propose times as (start, end) pairs of dates and times, such as 2026-06-01 10:00:00."
                )
            ) from None
        if not 1 <= len(times) <= 3:
            raise ValidationError(self.env._("Propose one to three times."))
        now = fields.Datetime.now()
        for start, stop in times:
            if not stop or stop <= start:
                raise ValidationError(self.env._("A proposed time ends after it starts."))
            if start <= now:
                raise ValidationError(self.env._("A proposed time must be in the future."))
            if not policy.duration_ok((stop - start).total_seconds() / 3600.0):
                raise ValidationError(self.env._("A booking lasts from 15 minutes to 14 days."))
        return times

    def _accept_proposal(self, proposal):
        """The customer takes a time staff proposed: approved at that time and applied."""
        self.ensure_one()
        self._lock_pending()
        request = self.sudo()
        if proposal not in request.proposal_ids:
            raise BookingRefusal(self.env._("This time was not proposed for this request."), 404)
        booking = request._booking()
        booking._booking_lock_workers()
        if proposal.start <= fields.Datetime.now():
            raise BookingRefusal(self.env._("This time has passed: please ask for another one."))
        if any(booking._booking_worker_conflicts(proposal.start, proposal.stop)):
            raise BookingRefusal(self.env._("This time is no longer free: please ask for another one."))
        request.write({"requested_start": proposal.start, "requested_stop": proposal.stop})
        request._approve(decided_by=proposal.create_uid)
        return request

    def _approve_at(self, start, stop):
        """Approve a time-block request at the exact time the reviewer picked within the block."""
        self.ensure_one()
        self._check_reviewer()
        self._lock_pending()
        self._check_still_possible()
        request = self.sudo()
        if request.requested_start and not request.requested_start <= start < request.requested_stop:
            raise ValidationError(self.env._("Please pick a time within the block the customer asked for."))
        if not stop or stop <= start:
            raise ValidationError(self.env._("The new end must come after the new start."))
        request.write({"requested_start": start, "requested_stop": stop})
        request._approve(decided_by=self.env.user)
        return True

    def action_open_time_wizard(self):
        """Approve a time block at an exact time, or propose other times: the reviewer picks times."""
        self._check_reviewer()
        self.ensure_one()
        mode = self.env.context.get("booking_time_mode", "approve")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve at a time")
            if mode == "approve"
            else self.env._("Propose other times"),
            "res_model": "booking.time.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id, "default_mode": mode},
        }

    def action_open_deny_wizard(self):
        self._check_reviewer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Deny request"),
            "res_model": "booking.deny.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_ids": [Command.set(self.ids)]},
        }

    def action_open_booking(self):
        booking = self._booking()
        return {
            "type": "ir.actions.act_window",
            "res_model": booking._name,
            "res_id": booking.id,
            "view_mode": "form",
        }

    def _check_reviewer(self):
        if self.env.su:
            return
        if not self.env.user.has_group(REVIEWER_GROUP) or not set(self.company_id) <= set(
            self.env.user.company_ids
        ):
            raise AccessError(self.env._("Only booking request reviewers can approve or deny requests."))

    def _lock_rows(self):
        """Lock the requests' rows: a racing decision waits for this one, then sees its outcome."""
        if self:
            self.env.cr.execute(
                SQL("SELECT id FROM booking_change_request WHERE id IN %s FOR UPDATE", tuple(self.ids))
            )
            self.invalidate_recordset()

    def _lock_pending(self):
        """Lock the rows; a racing decision waits, then fails instead of deciding twice."""
        if not self:
            return
        self._lock_rows()
        decided = self.filtered(lambda r: r.state != "pending")
        if decided:
            raise BookingRefusal(
                self.env._(
                    "%(names)s was already decided (%(state)s).",
                    names=", ".join(decided.mapped("name")),
                    state=decided[0]._state_label(),
                )
            )

    def _check_still_possible(self):
        """A decision on a booking that is no longer open (or no longer cancelled) is refused."""
        for request in self.sudo():
            booking = request._booking()
            if request.request_type == "rebook":
                possible = booking._booking_is_cancelled()
            else:
                possible = booking._booking_is_open()
            if not possible:
                raise BookingRefusal(
                    self.env._(
                        "%(name)s cannot be approved: %(booking)s is no longer open to it.",
                        name=request.name,
                        booking=booking.display_name,
                    )
                )

    def _approve(self, auto=False, apply=True, decided_by=None, customer_message=None):
        """Apply the requests to their bookings, then tell everyone.

        ``customer_message``: None for the standard email, False for none, or the
        (subject, body) a staff member wrote.
        """
        now = fields.Datetime.now()
        for request in self.sudo()._one_by_one():
            booking = request._booking().with_context(booking_applying=request)
            if apply:
                getattr(booking, f"_booking_apply_{request.request_type}")(request)
            request.write(
                {
                    "state": "approved",
                    "auto_approved": auto,
                    "decided_by_id": decided_by.id if decided_by else False,
                    "decided_on": now,
                }
            )
            request.proposal_ids.unlink()
            request._end_review(self.env._("Approved"))
            request._settle_money()
            request._notify_decision(customer_message)

    def _expire(self, note):
        """End pending requests made moot (the booking started, or staff acted on it)."""
        requests = self.sudo().filtered(lambda r: r.state == "pending")
        requests.write({"state": "expired", "decided_on": fields.Datetime.now(), "decision_note": note})
        requests.proposal_ids.unlink()
        requests._end_review(note)
        for request in requests._one_by_one():
            request.message_post(body=note, message_type="notification", subtype_xmlid="mail.mt_note")

    def _start_review(self):
        """A pending request: a review activity for the booking's responsible, an email to the customer."""
        for request in self.sudo()._one_by_one():
            reviewer = request.user_id or self.env.ref("base.user_admin")
            request.activity_schedule(
                REVIEW_ACTIVITY,
                user_id=reviewer.id,
                summary=self.env._(
                    "Review %(type)s of %(booking)s", type=request._type_label(), booking=request.booking_name
                ),
            )
            request._notify_customer("booking_change_request.mail_template_request_received")
            request._booking()._booking_log(request._history_line())

    def _end_review(self, feedback):
        self.activity_feedback([REVIEW_ACTIVITY], feedback=feedback)

    @api.model
    def _cron_expire(self, batch_size=500):
        """Expire pending requests whose booking has started."""
        now = fields.Datetime.now()
        started = [
            [(f"{name}.{self.env[self._fields[name].comodel_name]._booking_start_field()}", "<=", now)]
            for name in self._booking_field_names()
        ]
        domain = expression.AND([[("state", "=", "pending")], expression.OR(started)])
        requests = self.search(domain, limit=batch_size)
        requests._expire(self.env._("Expired: the booking started before a decision."))
        remaining = self.search_count(domain) if len(requests) == batch_size else 0
        cron_progress(self.env, done=len(requests), remaining=remaining)
        return requests

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------

    def _format_customer_datetime(self, value):
        """A date and time as the customer reads it (for the email templates)."""
        self.ensure_one()
        if not isinstance(value, datetime):
            return ""
        return self.sudo()._booking()._booking_format_datetime(value, partner=self.partner_id)

    def _booking_link_recipients(self):
        booking = self.sudo()._booking()
        return self.partner_id.filtered(booking._booking_may_ask) if booking else self.partner_id.browse()

    def _booking_signed_paths(self, partner):
        request = self.sudo()
        paths = request._booking()._booking_signed_paths(partner)
        # the cancellation's invoice and credit note: their own pages, with Odoo's own token
        for move in request.fee_invoice_id | request.refund_move_id:
            if move.partner_id.commercial_partner_id == partner.commercial_partner_id:
                paths[move.access_url] = {"access_token": move._portal_ensure_token()}
        return paths

    def _booking_access_button(self, partner):
        booking = self.sudo()._booking()
        return {
            "url": booking.get_base_url() + booking._booking_page_path(),
            "title": self.env._("View your booking"),
        }

    def _notify_decision(self, customer_message=None):
        booking = self._booking()
        if customer_message is not False:
            staff = self.channel == "backend"
            if self.request_type == "cancel" and staff:
                template = "booking_change_request.mail_template_booking_cancelled_by_staff"
            elif staff:
                template = "booking_change_request.mail_template_booking_changed_by_staff"
            else:
                template = "booking_change_request.mail_template_request_approved"
            self._notify_customer(template, customer_message)
        booking._booking_log(self._history_line())
        booking._booking_tell_workers(self._worker_message())

    def _notify_customer(self, template_xmlid, custom=None):
        """Email the customer from an editable template, or the text staff wrote (kept in the chatter).

        Links to the booking's page are plain here: the customer's email gets them signed
        when it is rendered (see booking.signed.mail), and so does its main button.
        """
        request = self.sudo()
        partner = request.partner_id
        if not partner.email or partner == request.company_id.partner_id:
            return
        template = self.env.ref(template_xmlid).sudo()
        booking = request._booking()
        invoice = request.fee_invoice_id
        if invoice and invoice.state == "posted" and not invoice.is_move_sent:
            # the fee invoice goes with this email, with its own page to see and pay it
            invoice.is_move_sent = True
            invoice._message_log(body=self.env._("Sent to the customer with %s.", request.name))
        add_context = {
            "booking_url": booking.get_base_url() + booking._booking_page_path(),
            "invoice_url": invoice and invoice.get_base_url() + invoice.access_url,
            # the Undo button is for the customer's own cancellation approved at once
            "undo_deadline": request.state == "approved"
            and request.auto_approved
            and request._undo_deadline(),
            **request._money_email_values(),
        }
        if custom:
            subject, body = custom
        else:
            # rendered once, in the customer's language (the composer would render it twice)
            subject = template._render_field("subject", request.ids, compute_lang=True)[request.id]
            body = template._render_field(
                "body_html",
                request.ids,
                compute_lang=True,
                add_context=add_context,
                options={"post_process": True},
            )[request.id]
        email_from = template._render_field("email_from", request.ids)[request.id]
        # Odoo never notifies the current user: a customer asking from the portal is one.
        request.with_context(mail_notify_author=partner == self.env.user.partner_id).message_post(
            body=Markup(body or ""),
            subject=subject,
            email_from=email_from or None,
            partner_ids=partner.ids,
            message_type="comment",
            # not Discussions: the responsible follows the request, the customer's emails are not theirs
            subtype_xmlid="booking_change_request.mt_customer_email",
            # from the business: were the customer the author, Odoo would not notify them
            author_id=(request.user_id.partner_id or request.company_id.partner_id).id,
            email_layout_xmlid="mail.mail_notification_light",
            # the customer's calendar follows: booking.ics (models/booking_ics.py)
            attachment_ids=request._booking_ics_attachment_ids(),
            # queued: a slow or broken mail server never delays or loses a request
            force_send=False,
        )

    # ------------------------------------------------------------------
    # Texts
    # ------------------------------------------------------------------

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

    def _decider_text(self):
        """Who decided, in words: the customer, a rule or a staff member."""
        if self.channel == "backend":
            return self.env._("Done by %s (staff).", (self.decided_by_id or self.env.user).name)
        if self.state == "undone":
            return self.env._("Undone by %s, the customer.", self.partner_id.name)
        if self.auto_approved:
            return self.env._("Asked by %s; approved automatically by the rules.", self.partner_id.name)
        return self.env._(
            "Asked by %(customer)s; approved by %(reviewer)s.",
            customer=self.partner_id.name,
            reviewer=self.decided_by_id.name or self.env._("our team"),
        )

    def _history_line(self):
        """One line for the booking's chatter."""
        text = self.env._(
            "%(name)s: %(type)s by %(customer)s, %(state)s.",
            name=self.name,
            type=self._type_label(),
            customer=self.partner_id.name if self.channel != "backend" else self.env._("staff"),
            state=self._state_label().lower(),
        )
        if self.state in ("approved", "undone"):
            text = f"{text} {self._what_changed_text()}"
        return Markup("<p>%s</p>") % text

    def _what_changed_text(self):
        """What the decision did to the booking, old → new, in the booking's time zone."""
        booking = self._booking()
        tz = booking._booking_tz()

        def when(start, stop):
            return booking._booking_format_datetime(start, tz=tz) + (
                f" ({self._hours(start, stop)})" if start and stop else ""
            )

        if self.state == "undone":
            return self.env._("Back on: %s.", when(self.previous_start, self.previous_stop))
        if self.request_type == "cancel":
            return self.env._(
                "Cancelled; it was booked for %s.", when(self.previous_start, self.previous_stop)
            )
        if self.request_type == "rebook":
            return self.env._("Back on: %s.", when(self.requested_start, self.requested_stop))
        parts = []
        if self.requested_start and self.requested_start != self.previous_start:
            parts.append(
                self.env._(
                    "time %(old)s → %(new)s",
                    old=booking._booking_format_datetime(self.previous_start, tz=tz),
                    new=booking._booking_format_datetime(self.requested_start, tz=tz),
                )
            )
        old_hours, new_hours = (
            self._hours(self.previous_start, self.previous_stop),
            self._hours(self.requested_start, self.requested_stop),
        )
        if self.requested_start and old_hours != new_hours:
            parts.append(self.env._("duration %(old)s → %(new)s", old=old_hours, new=new_hours))
        if self.requested_product_id and self.requested_product_id != self.previous_product_id:
            parts.append(
                self.env._(
                    "service %(old)s → %(new)s",
                    old=self.previous_product_id.name or "—",
                    new=self.requested_product_id.name,
                )
            )
        if self.requested_note:
            parts.append(self.env._("customer's note: “%s”", self.requested_note))
        return self.env._("Changed: %s.", "; ".join(parts) or self.env._("nothing"))

    def _hours(self, start, stop):
        if not (start and stop):
            return ""
        hours = (stop - start).total_seconds() / 3600.0
        return self.env._("%s h", f"{hours:g}")

    def _worker_message(self):
        """What workers read: what changed, on which booking, and who decided."""
        booking = self._booking()
        return Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
            booking.display_name,
            self._what_changed_text(),
            self._decider_text(),
        )
