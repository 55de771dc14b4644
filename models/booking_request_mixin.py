from datetime import timedelta

import pytz
from babel.dates import format_skeleton, format_time
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, consteq
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools import policy


class BookingRequestMixin(models.AbstractModel):
    """What visits and orders share: requests, policy, fees, notifications.

    A concrete booking model declares ``booking_request_ids`` (the inverse field
    differs) and ``booking_pending_request_id`` computed by
    ``_compute_booking_pending_request_id``, and implements the ``_booking_*``
    hooks marked below.
    """

    _name = "booking.request.mixin"
    _description = "Booking customers can cancel or ask to change"

    booking_worker_ids = fields.Many2many(
        "res.users",
        string="Field workers",
        domain=[("share", "=", False)],
        help="The people who do the work. They are told at once when the booking is cancelled or moved.",
    )

    @api.depends("booking_request_ids.state")
    def _compute_booking_pending_request_id(self):
        for booking in self:
            pending = booking.booking_request_ids.filtered(lambda r: r.state == "pending")
            booking.booking_pending_request_id = pending[:1]

    @api.depends("booking_request_ids")
    def _compute_booking_request_count(self):
        counts = dict(
            self.env["booking.change.request"]._read_group(
                [(self._booking_request_field(), "in", self.ids)],
                [self._booking_request_field()],
                ["__count"],
            )
        )
        for booking in self:
            booking.booking_request_count = counts.get(booking._origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        bookings = super().create(vals_list)
        bookings.booking_worker_ids._booking_receive_in_inbox()
        return bookings

    def write(self, vals):
        result = super().write(vals)
        if "booking_worker_ids" in vals:
            self.booking_worker_ids._booking_receive_in_inbox()
        return result

    def _booking_portal_status(self):
        """(label, Bootstrap colour) of the booking for the customer."""
        if self._booking_is_cancelled():
            return self.env._("Cancelled"), "danger"
        if self.booking_pending_request_id:
            return self.env._("Change requested"), "warning"
        start = self._booking_start()
        if not self._booking_is_open() or (start and start <= fields.Datetime.now()):
            return self.env._("Past"), "secondary"
        return self.env._("Confirmed"), "success"

    def action_booking_cancel(self):
        """Staff cancellation, with the proposed fee, in a wizard."""
        self.ensure_one()
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
    # Hooks each kind of booking implements
    # ------------------------------------------------------------------

    def _booking_kind(self):
        """'visit' or 'order': the <kind> of the portal routes."""
        raise NotImplementedError

    def _booking_request_field(self):
        """The booking.change.request field pointing at this model."""
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
        """The customer partners of the booking (who hear of its requests)."""
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
        """Not cancelled and not closed for good (a locked order, an archived visit)."""
        raise NotImplementedError

    def _booking_price(self):
        """Untaxed price, in ``_booking_currency()``, that percent fees apply to."""
        raise NotImplementedError

    def _booking_currency(self):
        raise NotImplementedError

    def _booking_product(self):
        """The service booked (both kinds store it in ``booking_product_id``)."""
        return self.booking_product_id

    def _booking_token(self):
        """The access token of email links, created when missing."""
        raise NotImplementedError

    def _booking_stored_token(self):
        """The access token currently stored (may be empty)."""
        raise NotImplementedError

    def _booking_check_token(self, token):
        """Whether ``token`` opens this booking (constant-time comparison)."""
        stored = self._booking_stored_token()
        # consteq raises on non-ASCII text: such a token is simply wrong
        if not stored or not isinstance(token, str) or not token.isascii():
            return False
        return consteq(stored, token)

    def _booking_apply_cancel(self, request):
        raise NotImplementedError

    def _booking_apply_change(self, request):
        """Move the booking to the request's time and service."""
        raise NotImplementedError

    def _booking_apply_rebook(self, request):
        """Reopen a cancelled booking at the request's time."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Policy
    # ------------------------------------------------------------------

    def _booking_notice(self, start=None):
        """Hours from now to ``start`` (default: the booking's start)."""
        return policy.notice_hours(fields.Datetime.now(), start or self._booking_start())

    def _booking_window(self, request_type, requested_start=None, requested_stop=None):
        """The window (closed, review, free) of a request made now, and its notice."""
        self.ensure_one()
        company = self._booking_company()
        if request_type == "rebook":
            if not self._booking_is_cancelled() or not requested_start:
                return policy.CLOSED, 0.0
            notice = self._booking_notice(requested_start)
        else:
            if self._booking_is_cancelled() or not self._booking_is_open() or not self._booking_start():
                return policy.CLOSED, 0.0
            notice = self._booking_notice()
        if request_type == "cancel":
            mode, hours, conditions = (
                company.booking_cancel_auto_approve,
                company.booking_cancel_auto_approve_hours,
                True,
            )
        else:
            mode, hours = company.booking_change_auto_approve, company.booking_change_auto_approve_hours
            # only a new time can be applied on its own, and only when the workers are free
            conditions = bool(requested_start) and not any(
                self._booking_worker_conflicts(requested_start, requested_stop)
            )
        return policy.window(notice, company.booking_cutoff_hours, mode, hours, conditions), notice

    def _booking_cancel_fee(self, notice=None):
        """The late-cancellation fee, rounded in the booking's currency."""
        self.ensure_one()
        company = self._booking_company()
        notice = self._booking_notice() if notice is None else notice
        rule = policy.matching_fee_rule(notice, company.booking_fee_rule_ids)
        currency = self._booking_currency()
        amount = policy.fee_amount(rule, self._booking_price())
        if rule and rule.fee_type == "fixed" and company.currency_id != currency:
            amount = company.currency_id._convert(amount, currency, company, fields.Date.today())
        return currency.round(amount)

    def _booking_quote(self, request_type, requested_start=None, requested_stop=None):
        """What the customer is told before confirming: window, fee and message."""
        window, notice = self._booking_window(request_type, requested_start, requested_stop)
        fee = (
            self._booking_cancel_fee(notice) if request_type == "cancel" and window != policy.CLOSED else 0.0
        )
        return {"window": window, "notice": notice, "fee": fee, "currency": self._booking_currency()}

    def _booking_worker_conflicts(self, start, stop):
        """Other busy visits and open orders of this booking's workers overlapping [start, stop)."""
        self.ensure_one()
        workers = self.booking_worker_ids
        events = self.env["calendar.event"]
        orders = self.env["sale.order"]
        if not workers or not start:
            return events, orders
        stop = stop or start + timedelta(hours=1)
        own = [("id", "!=", self.id)]
        events = events.sudo().search(
            (own if self._name == events._name else [])
            + [
                "|",
                ("booking_worker_ids", "in", workers.ids),
                ("partner_ids", "in", workers.partner_id.ids),
                ("start", "<", stop),
                ("stop", ">", start),
                ("show_as", "=", "busy"),
                ("booking_cancelled", "=", False),
            ]
        )
        orders = orders.sudo().search(
            (own if self._name == orders._name else [])
            + [
                ("booking_worker_ids", "in", workers.ids),
                ("state", "=", "sale"),
                ("commitment_date", "<", stop),
                ("booking_stop", ">", start),
            ]
        )
        return events, orders

    def _booking_contact_text(self):
        """Whom a refused customer should contact."""
        company = self._booking_company()
        contact = ", ".join(filter(None, [company.phone, company.email]))
        name = self._booking_responsible().name or company.name
        return f"{name} ({contact})" if contact else name

    def _booking_closed_message(self, request_type):
        if request_type == "rebook":
            if not self._booking_is_cancelled():
                return self.env._("Only a cancelled booking can be booked again.")
            return self.env._(
                "That time is too close or already past to be booked online. Please contact %(contact)s.",
                contact=self._booking_contact_text(),
            )
        if self._booking_is_cancelled():
            return self.env._("This booking is already cancelled.")
        notice = self._booking_notice() if self._booking_start() else 0
        if not self._booking_is_open() or notice <= 0:
            return self.env._(
                "This booking has started or is closed: it can no longer be changed online. "
                "Please contact %(contact)s.",
                contact=self._booking_contact_text(),
            )
        return self.env._(
            "Online changes close %(hours)s hours before the start. Please contact %(contact)s.",
            hours=f"{self._booking_company().booking_cutoff_hours:g}",
            contact=self._booking_contact_text(),
        )

    # ------------------------------------------------------------------
    # Requests
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

    def _booking_request(self, request_type, partner, values, channel):
        self.ensure_one()
        self._booking_lock()
        self._booking_check_requester(partner, request_type, channel)
        values = self._booking_clean_values(request_type, values)
        window, notice = self._booking_window(
            request_type, values.get("requested_start"), values.get("requested_stop")
        )
        if window == policy.CLOSED:
            raise UserError(self._booking_closed_message(request_type))
        if self.booking_pending_request_id:
            raise UserError(
                self.env._(
                    "Your request %(name)s for this booking is still waiting for an answer: "
                    "withdraw it first, or wait for our reply.",
                    name=self.booking_pending_request_id.name,
                )
            )
        # the partial unique index sees decided requests only once flushed
        self.env["booking.change.request"].flush_model(["state"])
        request = (
            self.env["booking.change.request"]
            .sudo()
            .create(
                self._booking_prepare_request_vals(request_type, partner, values, channel, window, notice)
            )
        )
        if window == policy.FREE:
            request._approve(auto=True)
        else:
            request._start_review()
        # Flush as superuser: flushed later by a portal or public caller's environment,
        # monetary values written here would need that caller to read order lines.
        request.env.flush_all()
        return request

    def _booking_lock(self):
        """Serialize requests on one booking: a racing submit waits, then sees this one."""
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id)
        )
        self.invalidate_recordset()

    def _booking_check_requester(self, partner, request_type, channel):
        company = self._booking_company()
        if channel == "backend":
            if not self.env.user._is_internal() and not self.env.su:
                raise AccessError(self.env._("Only staff can make requests from the backend."))
            self.check_access("write")
            return
        if not partner or not self._booking_may_ask(partner):
            raise AccessError(self.env._("You cannot make requests on this booking."))
        allowed = company.booking_portal_cancel if request_type == "cancel" else company.booking_portal_change
        if not allowed:
            message = (
                self.env._("Online cancellation is not offered. Please contact %(contact)s.")
                if request_type == "cancel"
                else self.env._("Online changes are not offered. Please contact %(contact)s.")
            )
            raise UserError(message % {"contact": self._booking_contact_text()})

    def _booking_clean_values(self, request_type, values):
        """Validate the customer's values; returns those the request keeps."""
        company = self._booking_company()
        clean = {
            key: values[key]
            for key in (
                "reason_id",
                "reason",
                "requested_start",
                "requested_stop",
                "requested_product_id",
                "requested_note",
                "requester_ip",
                "requester_user_agent",
            )
            if values.get(key)
        }
        if request_type == "cancel":
            reason = self.env["booking.cancel.reason"].browse(clean.get("reason_id")).exists()
            if clean.get("reason_id") and not reason:
                raise ValidationError(self.env._("Please pick a reason from the list."))
            if reason.requires_note and not (clean.get("reason") or "").strip():
                raise ValidationError(self.env._("Please tell us more about the reason “%s”.", reason.name))
            if company.booking_cancel_reason_required and not (reason or (clean.get("reason") or "").strip()):
                raise ValidationError(self.env._("Please tell us why you cancel."))
            for key in ("requested_start", "requested_stop", "requested_product_id"):
                clean.pop(key, None)
            return clean
        start, stop = clean.get("requested_start"), clean.get("requested_stop")
        if request_type == "rebook" and not start:
            raise ValidationError(self.env._("Please choose the new date and time."))
        if start:
            if start <= fields.Datetime.now():
                raise ValidationError(self.env._("The new time must be in the future."))
            stop = stop or start + (self._booking_stop() - self._booking_start())
            if stop <= start:
                raise ValidationError(self.env._("The new end must come after the new start."))
            clean["requested_stop"] = stop
        elif stop:
            raise ValidationError(self.env._("Please choose the new start, not only its end."))
        if clean.get("requested_product_id"):
            self._booking_check_service(clean["requested_product_id"])
        if request_type == "change" and not (
            start or clean.get("requested_product_id") or clean.get("requested_note")
        ):
            raise ValidationError(
                self.env._("Please tell us what to change: a new time, a service or a note.")
            )
        return clean

    def _booking_check_service(self, product_id):
        product = self.env["product.product"].sudo().browse(product_id).exists()
        company = self._booking_company()
        if (
            not product
            or not product.sale_ok
            or product.type != "service"
            or product.company_id not in (company, self.env["res.company"])
        ):
            raise ValidationError(self.env._("Please pick one of the services we offer."))

    def _booking_prepare_request_vals(self, request_type, partner, values, channel, window, notice):
        vals = {
            **values,
            "request_type": request_type,
            "partner_id": partner.id,
            "channel": channel,
            "window": window,
            "notice_hours": notice,
            "company_id": self._booking_company().id,
            "currency_id": self._booking_currency().id,
            "user_id": self._booking_responsible().id,
            "previous_start": self._booking_start(),
            "previous_stop": self._booking_stop(),
            "previous_product_id": self._booking_product().id,
            self._booking_request_field(): self.id,
        }
        if request_type == "cancel":
            vals["fee_amount"] = self._booking_cancel_fee(notice)
        return vals

    def _booking_staff_cancel(self, reason_id, reason, fee_amount, notify_customer=True):
        """Staff cancellation from the backend wizard: applied at once, with the given fee."""
        self.ensure_one()
        self.check_access("write")
        self._booking_lock()
        if self._booking_is_cancelled():
            raise UserError(self.env._("This booking is already cancelled."))
        self.booking_pending_request_id._close_superseded(
            self.env._("The booking was cancelled by our staff.")
        )
        notice = self._booking_notice() if self._booking_start() else 0.0
        vals = self._booking_prepare_request_vals(
            "cancel",
            self._booking_customers()[:1],
            {"reason_id": reason_id, "reason": reason},
            "backend",
            policy.REVIEW,
            notice,
        )
        vals["fee_amount"] = fee_amount
        request = self.env["booking.change.request"].sudo().create(vals)
        request.with_context(booking_staff_cancel=True, booking_notify_customer=notify_customer)._approve()
        return request

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------

    def _booking_portal_url(self, action=None, with_token=True):
        url = f"/my/bookings/{self._booking_kind()}/{self.id}"
        params = []
        if action:
            params.append(f"action={action}")
        if with_token:
            params.append(f"access_token={self._booking_token()}")
        return url + ("?" + "&".join(params) if params else "")

    @api.model
    def _booking_format_datetime(self, value, partner=None, tz=None):
        """'Tue, Nov 24, 2026, 9:00 AM' in the reader's language and time zone (no seconds)."""
        if not value:
            return ""
        tz = tz or (partner and partner.tz) or (self and self._booking_responsible().tz) or "UTC"
        local = pytz.utc.localize(value).astimezone(
            pytz.timezone(tz if tz in pytz.all_timezones_set else "UTC")
        )
        locale = babel_locale_parse(get_lang(self.env).code)
        date = format_skeleton("yMMMEd", local, locale=locale)
        time = format_time(local, format="short", locale=locale)
        return locale.datetime_formats["medium"].replace("{1}", date).replace("{0}", time)

    def _booking_log(self, request, body, alert_workers):
        """A note on the booking; workers get it in their inbox and as a toast."""
        workers = self.booking_worker_ids if alert_workers else self.env["res.users"]
        author = request.partner_id if request.channel != "backend" else self.env.user.partner_id
        self.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=workers.partner_id.ids,
            author_id=author.id,
        )
        if workers:
            workers._bus_send(
                "simple_notification",
                {
                    "title": self.env._("Booking update: %s", self.display_name),
                    "message": body.striptags() if isinstance(body, Markup) else str(body),
                    "type": "warning",
                    "sticky": True,
                },
            )

    def _booking_email_links(self):
        """Cancel and change links for a confirmation or reminder email (empty when not offered)."""
        self.ensure_one()
        company = self._booking_company()
        if not company.booking_email_links or self._booking_window("cancel")[0] == policy.CLOSED:
            return Markup()
        return self.env["ir.qweb"]._render(
            "booking_change_request.booking_email_links",
            {
                "booking": self,
                "base_url": self.get_base_url(),
                "cancel_url": company.booking_portal_cancel and self._booking_portal_url("cancel"),
                "change_url": company.booking_portal_change and self._booking_portal_url("change"),
            },
        )

    def _booking_add_email_links(self, body):
        if not self.env.context.get("booking_email_links") or len(self) != 1:
            return body
        links = self._booking_email_links()
        return Markup(body or "") + links if links else body
