from datetime import datetime, timedelta

import pytz
from babel.dates import format_date
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools.refusal import BookingRefusal
from .booking_request_mixin import REVIEWER_GROUP, booking_field_names

CUSTOMER_EMAIL = "booking_change_request.mt_waitlist_customer_email"


class BookingWaitlist(models.Model):
    """A customer's wish to come earlier: a freed time of their booking's workers is offered to them."""

    _name = "booking.waitlist"
    _description = "Booking move-up list: a wish to come earlier"
    _inherit = ["booking.signed.mail", "mail.thread"]
    _order = "create_date, id"
    _mail_post_access = "read"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    event_id = fields.Many2one(
        "calendar.event", string="Visit", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null", ondelete="cascade")
    booking_name = fields.Char(string="Booking", compute="_compute_booking")
    booking_start = fields.Datetime(string="Booked for", compute="_compute_booking")
    date_from = fields.Datetime(string="From", required=True, readonly=True)
    date_to = fields.Datetime(string="Until", required=True, readonly=True)
    state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("moved", "Moved earlier"),
            ("withdrawn", "Withdrawn"),
            ("expired", "Expired"),
        ],
        required=True,
        default="waiting",
        readonly=True,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        required=True,
        readonly=True,
        index=True,
    )
    offer_ids = fields.One2many("booking.waitlist.offer", "waitlist_id", string="Offers", readonly=True)
    offer_count = fields.Integer(string="Offers made", compute="_compute_offer_count")

    @api.model
    def _booking_field_names(self):
        """The wish's fields naming a kind of booking: event_id, order_id, and any adapter's."""
        return booking_field_names(self)

    @api.constrains(lambda self: self._booking_field_names())
    def _check_one_booking(self):
        names = self._booking_field_names()
        for wish in self:
            if len([name for name in names if wish[name]]) != 1:
                raise ValidationError(self.env._("A wish is about exactly one booking: a visit or an order."))

    @api.constrains("date_from", "date_to")
    def _check_window(self):
        for wish in self:
            if wish.date_to <= wish.date_from:
                raise ValidationError(self.env._("The last day must come after the first."))

    @api.depends(lambda self: self._booking_field_names())
    def _compute_company_id(self):
        for wish in self:
            booking = wish.sudo()._booking()
            wish.company_id = booking._booking_company() if booking else wish.company_id or self.env.company

    @api.depends(lambda self: self._booking_field_names())
    def _compute_booking(self):
        for wish in self:
            booking = wish.sudo()._booking()
            wish.booking_name = booking.display_name
            wish.booking_start = booking._booking_start() if booking else False

    @api.depends("offer_ids")
    def _compute_offer_count(self):
        for wish in self:
            wish.offer_count = len(wish.offer_ids)

    @api.depends("partner_id", "booking_name")
    def _compute_display_name(self):
        for wish in self:
            wish.display_name = f"{wish.partner_id.name or ''} – {wish.booking_name or ''}"

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        # the customer's emails are theirs alone; staff read the list
        return []

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_withdraw(self):
        """The customer leaves the list (or a reviewer, on their behalf)."""
        user = self.env.user
        if not self.env.su and not user.has_group(REVIEWER_GROUP):
            if not user.share or any(not w._booking()._booking_is_own(w, user.partner_id) for w in self):
                raise AccessError(self.env._("You can only withdraw your own wishes."))
        elif not self.env.su:
            self._booking_check_company()
        for wish in self.sudo():
            wish._withdraw()
        return True

    def action_open_booking(self):
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(REVIEWER_GROUP):
            raise AccessError(self.env._("Only booking reviewers open bookings from the move-up list."))
        return self._booking().get_formview_action()

    # ------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------

    def _booking(self):
        """The booking the wish is about (whatever its kind)."""
        self.ensure_one()
        for name in self._booking_field_names():
            if self[name]:
                return self[name]
        return self.env["calendar.event"]

    def _booking_check_company(self):
        if set(self.company_id) - set(self.env.user.company_ids):
            raise AccessError(self.env._("Only booking reviewers of this booking's company can do this."))

    def _withdraw(self):
        self.ensure_one()
        self._lock_rows()
        if self.state != "waiting":
            raise BookingRefusal(self.env._("You are no longer on the move-up list of this booking."))
        self._end("withdrawn", self.env._("Withdrawn from the move-up list."))

    def _end(self, state, note):
        """Leave the list; its open offers end with it."""
        self.write({"state": state})
        self.offer_ids.filtered(lambda o: o.state == "open").write(
            {"state": "lost" if state == "moved" else "expired"}
        )
        self.message_post(body=note, message_type="notification", subtype_xmlid="mail.mt_note")

    def _lock_rows(self):
        self.env.cr.execute("SELECT id FROM booking_waitlist WHERE id IN %s FOR UPDATE", [tuple(self.ids)])
        self.invalidate_recordset(["state"])
        self.offer_ids.invalidate_recordset(["state"])

    @api.model
    def _cron_expire(self, batch_size=500):
        """End the wishes whose days are over or whose booking started, was cancelled or closed."""
        now = fields.Datetime.now()
        waiting = self.search([("state", "=", "waiting")], order="id")
        over = waiting.filtered(lambda w: w.date_to <= now or not w._booking_still_waiting(now))
        for wish in over[:batch_size]:
            wish._end("expired", self.env._("Expired: its days are over, or the booking started or ended."))
        return over[:batch_size]

    def _booking_still_waiting(self, now):
        booking = self._booking()
        start = booking._booking_start()
        return bool(booking._booking_is_open() and start and start > now)

    # ------------------------------------------------------------------
    # Emails: plain links here, signed in the customer's email
    # ------------------------------------------------------------------

    def _booking_link_recipients(self):
        booking = self.sudo()._booking()
        return self.partner_id.filtered(booking._booking_may_ask) if booking else self.partner_id.browse()

    def _booking_signed_paths(self, partner):
        return self.sudo()._booking()._booking_signed_paths(partner)

    def _booking_access_button(self, partner):
        return {
            "url": self._booking_page_url() + "#booking_waitlist",
            "title": self.env._("View your booking"),
        }

    def _booking_page_url(self):
        booking = self.sudo()._booking()
        return booking.get_base_url() + booking._booking_page_path()

    def _format_customer_datetime(self, value):
        """A date and time as the customer reads it (for the email templates)."""
        if not isinstance(value, datetime):
            return ""
        return self.sudo()._booking()._booking_format_datetime(value, partner=self.partner_id)

    def _customer_days(self, tz=None, locale=None):
        """The customer's days as they read them (a day, or the first and last days), in ``tz`` or theirs."""
        self.ensure_one()
        zone = pytz.timezone(tz or self.sudo()._booking()._booking_tz(self.partner_id))
        locale = locale or babel_locale_parse(get_lang(self.env).code)
        first = pytz.utc.localize(self.date_from).astimezone(zone).date()
        last = pytz.utc.localize(self.date_to - timedelta(seconds=1)).astimezone(zone).date()
        days = [format_date(day, "medium", locale=locale) for day in (first, last)]
        return days[0] if first == last else f"{days[0]} – {days[1]}"

    def _notify_customer(self, template_xmlid, record=None):
        """Email the customer from an editable template rendered on ``record`` (the wish or an offer)."""
        self.ensure_one()
        self.env["booking.waitlist"]._notify_customers(template_xmlid, (record or self).sudo())

    @api.model
    def _notify_customers(self, template_xmlid, records):
        """Email the customer of each of ``records`` (wishes, or offers) from one template, rendered
        for all of them at once; each email is posted on its wish, where the customer's links are
        signed for them when it is sent."""
        template = self.env.ref(template_xmlid).sudo()
        records = records.sudo().filtered(lambda r: r.partner_id.email)
        if not records:
            return
        subjects = template._render_field("subject", records.ids, compute_lang=True)
        bodies = template._render_field(
            "body_html", records.ids, compute_lang=True, options={"post_process": True}
        )
        senders = template._render_field("email_from", records.ids)
        for record in records:
            wish = record if record._name == self._name else record.waitlist_id
            partner = wish.partner_id
            author = wish._booking()._booking_responsible().partner_id or wish.company_id.partner_id
            # Odoo never notifies the current user: a customer asking from the portal is one
            wish.with_context(mail_notify_author=partner == self.env.user.partner_id).message_post(
                body=Markup(bodies[record.id] or ""),
                subject=subjects[record.id],
                email_from=senders[record.id] or None,
                partner_ids=partner.ids,
                message_type="comment",
                subtype_xmlid=CUSTOMER_EMAIL,
                author_id=author.id,
                email_layout_xmlid="mail.mail_notification_light",
                force_send=False,
            )
        self.env["mail.mail"]._booking_send_soon()
