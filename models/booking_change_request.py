from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import index_exists

REVIEW_ACTIVITY = "booking_change_request.mail_activity_type_booking_review"
REVIEWER_GROUP = "booking_change_request.group_booking_reviewer"


class BookingChangeRequest(models.Model):
    _name = "booking.change.request"
    _description = "Booking change request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/", index="trigram")
    request_type = fields.Selection(
        [("cancel", "Cancellation"), ("change", "Change"), ("rebook", "Book again")],
        string="Type",
        required=True,
        readonly=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("denied", "Denied"),
            ("withdrawn", "Withdrawn"),
            ("expired", "Expired"),
        ],
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        index=True,
    )
    event_id = fields.Many2one("calendar.event", string="Visit", readonly=True, index="btree_not_null")
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    booking_kind = fields.Selection(
        [("visit", "Visit"), ("order", "Order")], compute="_compute_booking_kind", store=True
    )
    booking_name = fields.Char(string="Booking", compute="_compute_booking_name")
    booking_portal_url = fields.Char(
        string="Customer link",
        compute="_compute_booking_portal_url",
        help="The booking's page, with its token.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", readonly=True, help="Who reviews the request.", tracking=True
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
    requested_note = fields.Text(string="Notes", readonly=True)
    previous_start = fields.Datetime(string="Booked start", readonly=True)
    previous_stop = fields.Datetime(string="Booked end", readonly=True)
    previous_product_id = fields.Many2one("product.product", string="Booked service", readonly=True)
    auto_approved = fields.Boolean(readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text(readonly=True)
    notice_hours = fields.Float(
        string="Notice (hours)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Hours from submission to the booking's start.",
    )
    fee_amount = fields.Monetary(string="Fee", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    fee_invoice_id = fields.Many2one("account.move", string="Fee invoice", readonly=True, copy=False)
    requester_ip = fields.Char(string="IP address", readonly=True)
    requester_user_agent = fields.Char(string="User agent", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    conflict_event_ids = fields.Many2many(
        "calendar.event", string="Conflicting visits", compute="_compute_conflicts"
    )
    conflict_order_ids = fields.Many2many(
        "sale.order", string="Conflicting orders", compute="_compute_conflicts"
    )
    has_conflict = fields.Boolean(string="Workers busy", compute="_compute_conflicts")

    _sql_constraints = [
        (
            "one_booking",
            "CHECK((event_id IS NULL) != (order_id IS NULL))",
            "A request is about exactly one booking: a visit or an order.",
        ),
        ("fee_positive", "CHECK(fee_amount >= 0)", "A fee cannot be negative."),
        (
            "requested_order",
            "CHECK(requested_stop IS NULL OR requested_start IS NULL OR requested_stop > requested_start)",
            "The new end must come after the new start.",
        ),
    ]

    def init(self):
        # One pending request per booking, enforced by the database as well.
        for column in ("event_id", "order_id"):
            name = f"booking_change_request_one_pending_{column}"
            if not index_exists(self.env.cr, name):
                self.env.cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON booking_change_request (%s) WHERE state = 'pending'",
                        SQL.identifier(name),
                        SQL.identifier(column),
                    )
                )

    @api.depends("event_id", "order_id")
    def _compute_booking_kind(self):
        for request in self:
            request.booking_kind = "visit" if request.event_id else "order" if request.order_id else False

    @api.depends("event_id.name", "order_id.name")
    def _compute_booking_name(self):
        for request in self:
            request.booking_name = request.sudo()._booking().display_name

    def _compute_booking_portal_url(self):
        for request in self:
            booking = request.sudo()._booking()
            request.booking_portal_url = booking.get_base_url() + booking._booking_portal_url()

    @api.depends("requested_start", "requested_stop", "state")
    def _compute_conflicts(self):
        for request in self:
            events, orders = self.env["calendar.event"], self.env["sale.order"]
            if request.state == "pending" and request.requested_start:
                events, orders = (
                    request.sudo()
                    ._booking()
                    ._booking_worker_conflicts(request.requested_start, request.requested_stop)
                )
            request.conflict_event_ids = events
            request.conflict_order_ids = orders
            request.has_conflict = bool(events or orders)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("booking.change.request") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    def action_approve(self):
        """Approve and apply the requests (reviewers only)."""
        self._check_reviewer()
        self._lock_pending()
        self._approve()
        return True

    def action_deny(self, note=None):
        """Deny the requests, telling the customer ``note`` (reviewers only)."""
        self._check_reviewer()
        self._lock_pending()
        self.write(
            {
                "state": "denied",
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        self._close_review(self.env._("Denied"))
        for request in self:
            request._notify_customer("booking_change_request.mail_template_request_denied")
            request._booking()._booking_log(request, request._log_text(), alert_workers=False)
        return True

    def action_withdraw(self):
        """The customer takes their pending request back."""
        for request in self:
            own = request.partner_id == self.env.user.partner_id
            if not (own or self.env.user._is_internal() or self.env.su):
                raise AccessError(self.env._("You can only withdraw your own requests."))
        self._lock_pending()
        self.sudo().write({"state": "withdrawn", "decided_on": fields.Datetime.now()})
        self.sudo()._close_review(self.env._("Withdrawn by the customer"))
        for request in self.sudo():
            request._booking()._booking_log(request, request._log_text(), alert_workers=False)
        self.sudo().env.flush_all()  # as superuser: see _booking_request
        return True

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
        if not (self.env.su or self.env.user.has_group(REVIEWER_GROUP)):
            raise AccessError(self.env._("Only booking request reviewers can approve or deny requests."))

    def _lock_pending(self):
        """Lock the rows; a racing decision waits, then fails instead of deciding twice."""
        if not self:
            return
        self.env.cr.execute(
            SQL("SELECT id FROM booking_change_request WHERE id IN %s FOR UPDATE", tuple(self.ids))
        )
        self.invalidate_recordset(["state"])
        decided = self.filtered(lambda r: r.state != "pending")
        if decided:
            raise UserError(
                self.env._(
                    "%(names)s was already decided (%(state)s).",
                    names=", ".join(decided.mapped("name")),
                    state=decided[0]._fields["state"].convert_to_export(decided[0].state, decided[0]),
                )
            )

    def _approve(self, auto=False):
        """Apply the requests to their bookings, then tell everyone."""
        now = fields.Datetime.now()
        for request in self:
            booking = request._booking().sudo()
            apply = {
                "cancel": booking._booking_apply_cancel,
                "change": booking._booking_apply_change,
                "rebook": booking._booking_apply_rebook,
            }[request.request_type]
            apply(request)
        self.sudo().write(
            {
                "state": "approved",
                "auto_approved": auto,
                "decided_by_id": False if auto else self.env.uid,
                "decided_on": now,
            }
        )
        self.sudo()._close_review(self.env._("Approved"))
        for request in self.sudo():
            if request.request_type == "cancel" and request.fee_amount:
                request._create_fee_invoice()
            request._notify_decision()

    def _close_superseded(self, note):
        """Close a pending request made moot by staff (no email: staff's own message says it)."""
        self.sudo().write({"state": "denied", "decided_on": fields.Datetime.now(), "decision_note": note})
        self.sudo()._close_review(note)

    def _start_review(self):
        """A pending request: a review activity for the booking's responsible, an email to the customer."""
        for request in self.sudo():
            reviewer = (
                request.user_id
                or request.company_id.partner_id.user_ids[:1]
                or self.env.ref("base.user_admin")
            )
            request.activity_schedule(
                REVIEW_ACTIVITY,
                user_id=reviewer.id,
                summary=self.env._(
                    "Review %(type)s of %(booking)s", type=request._type_label(), booking=request.booking_name
                ),
            )
            request._notify_customer("booking_change_request.mail_template_request_received")
            request._booking()._booking_log(request, request._log_text(), alert_workers=False)

    def _close_review(self, feedback):
        self.activity_feedback([REVIEW_ACTIVITY], feedback=feedback)

    @api.model
    def _cron_expire(self, batch_size=500):
        """Expire pending requests whose booking has started."""
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "pending"),
            "|",
            ("event_id.start", "<=", now),
            ("order_id.commitment_date", "<=", now),
        ]
        requests = self.search(domain, limit=batch_size)
        requests.write({"state": "expired", "decided_on": now})
        requests._close_review(self.env._("Expired: the booking started"))
        for request in requests:
            request.message_post(body=self.env._("Expired: the booking started before a decision."))
        remaining = self.search_count(domain) if len(requests) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(requests), remaining=remaining)
        return requests

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def format_customer_datetime(self, value):
        """A date and time as the customer reads it (for the email templates)."""
        self.ensure_one()
        return self.env["booking.request.mixin"]._booking_format_datetime(value, partner=self.partner_id)

    def _booking(self):
        self.ensure_one()
        return self.event_id or self.order_id

    def _type_label(self):
        labels = {
            "cancel": self.env._("Cancellation"),
            "change": self.env._("Change"),
            "rebook": self.env._("Book again"),
        }
        return labels.get(self.request_type, "")

    def _log_text(self):
        """One line for the booking's chatter and the workers' inbox."""
        booking = self._booking()
        values = {
            "name": self.name,
            "type": self._type_label(),
            "state": self._fields["state"].convert_to_export(self.state, self),
            "customer": self.partner_id.name,
        }
        text = self.env._("%(name)s: %(type)s requested by %(customer)s, %(state)s.", **values)
        if self.state == "approved" and self.request_type == "cancel":
            text = self.env._(
                "Cancelled (%(name)s, requested by %(customer)s). It was booked for %(when)s.",
                when=booking._booking_format_datetime(self.previous_start),
                **values,
            )
        elif self.state == "approved" and self.requested_start:
            text = self.env._(
                "Moved (%(name)s): from %(old)s to %(new)s.",
                old=booking._booking_format_datetime(self.previous_start),
                new=booking._booking_format_datetime(self.requested_start),
                **values,
            )
        return Markup("<p>%s</p>") % text

    def _notify_decision(self):
        booking = self._booking()
        staff_cancel = self.env.context.get("booking_staff_cancel")
        if not staff_cancel or self.env.context.get("booking_notify_customer", True):
            template = (
                "booking_change_request.mail_template_booking_cancelled_by_staff"
                if staff_cancel
                else "booking_change_request.mail_template_request_approved"
            )
            self._notify_customer(template)
        moved = self.request_type in ("change", "rebook") and self.requested_start
        booking._booking_log(
            self, self._log_text(), alert_workers=self.request_type == "cancel" or bool(moved)
        )

    def _notify_customer(self, template_xmlid):
        """Email the customer from an editable template (kept in the request's chatter)."""
        if not self.partner_id.email:
            return
        template = self.env.ref(template_xmlid)
        # rendered once, in the customer's language (the composer would render it twice)
        values = template._generate_template(self.ids, ("subject", "body_html", "email_from"))[self.id]
        # Odoo never notifies the current user: a customer asking from the portal is one.
        customer_is_user = self.partner_id == self.env.user.partner_id
        self.with_context(mail_notify_author=customer_is_user).message_post(
            body=values["body_html"],
            subject=values["subject"],
            email_from=values["email_from"] or None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
            # from the business: were the customer the author, Odoo would not notify them
            author_id=(self.user_id.partner_id or self.company_id.partner_id).id,
            email_layout_xmlid="mail.mail_notification_light",
            # queued: a slow or broken mail server never delays or loses a request
            force_send=False,
        )

    def _create_fee_invoice(self):
        """The late-cancellation fee invoice, posted when the company says so."""
        self.ensure_one()
        company = self.company_id
        product = company.booking_fee_product_id or self.env.ref("booking_change_request.product_booking_fee")
        booking = self._booking()
        partner = booking.partner_invoice_id if self.order_id else self.partner_id
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    # the booking's responsible, not whoever is logged in (the customer, often)
                    "invoice_user_id": self.user_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_origin": f"{booking.display_name} ({self.name})",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": self.fee_amount,
                                "name": self.env._("Late cancellation fee: %s", booking.display_name),
                            }
                        )
                    ],
                }
            )
        )
        if company.booking_fee_invoice_post:
            invoice.action_post()
        self.fee_invoice_id = invoice
        return invoice
