from markupsafe import Markup

from odoo import Command, api, fields, models


def base_name(name):
    """A service's name without its details in brackets: 'Dog walk (1 h)' → 'Dog walk'."""
    return (name or "").split(" (")[0].strip()


class CalendarEvent(models.Model):
    """A visit: one appointment on the calendar (possibly one occurrence of a recurrence)."""

    _name = "calendar.event"
    _inherit = ["booking.request.mixin", "calendar.event"]
    _booking_kind = "visit"
    _booking_request_field = "event_id"
    _booking_start_field = "start"
    _booking_stop_field = "stop"
    _booking_watched_fields = (
        "start",
        "stop",
        "start_date",
        "stop_date",
        "allday",
        "active",
        "booking_product_id",
    )
    _booking_list_fields = ["name", "start", "stop", "active", "booking_cancelled", "user_id"]

    booking_request_ids = fields.One2many("booking.change.request", "event_id", string="Change requests")
    booking_product_id = fields.Many2one(
        "product.product",
        string="Service",
        domain=[("sale_ok", "=", True), ("type", "=", "service")],
    )
    booking_cancelled = fields.Boolean(string="Cancelled", readonly=True, copy=False, index=True)
    booking_cancelled_alarm_ids = fields.Many2many(
        "calendar.alarm",
        "calendar_event_booking_cancelled_alarm_rel",
        string="Reminders before cancellation",
        copy=False,
        readonly=True,
    )

    # ------------------------------------------------------------------
    # The adapter's hooks (see booking.request.mixin)
    # ------------------------------------------------------------------

    def _booking_domain(self):
        # a visit with a service or people assigned to do it (a plain meeting is not a booking)
        return ["|", ("booking_product_id", "!=", False), ("booking_worker_ids", "!=", False)]

    def _booking_customer_domain(self, partner):
        if not self._booking_customers(partner):
            return [(0, "=", 1)]  # staff attend visits (workers, organizers) without being customers
        return [("partner_ids", "in", partner.ids)]

    def _booking_prefetch_list(self):
        result = super()._booking_prefetch_list()
        self.user_id.fetch(["company_id", "tz"])  # a visit's policy is its organizer's company's
        return result

    def _booking_cancelled_domain(self):
        return ["|", ("booking_cancelled", "=", True), ("active", "=", False)]

    def _booking_busy_domain(self, workers, start, stop):
        # a worker's own meetings count too: they attend them
        return [
            "|",
            ("booking_worker_ids", "in", workers.ids),
            ("partner_ids", "in", workers.partner_id.ids),
            ("start", "<", stop),
            ("stop", ">", start),
            ("show_as", "=", "busy"),
            ("booking_cancelled", "=", False),
        ]

    def _booking_company(self):
        return self.user_id.company_id or self.env.company

    def _booking_customers(self, partners=None):
        """The attendees who are customers (not staff); ``partners``: attendees to judge instead."""
        partners = self.partner_ids if partners is None else partners
        return partners.filtered(lambda p: not p.user_ids or all(p.user_ids.mapped("share")))

    def _booking_may_ask(self, partner):
        return partner in self._booking_customers()

    def _booking_engine_fields(self):
        return super()._booking_engine_fields() | {"booking_cancelled", "booking_cancelled_alarm_ids"}

    def _booking_customer_key(self, partner):
        return partner  # each attendee of a visit acts for themself

    def _booking_responsible(self):
        return self.user_id

    def _booking_is_cancelled(self):
        return self.booking_cancelled or not self.active

    def _booking_is_open(self):
        return self.active and not self.booking_cancelled

    def _booking_engaged(self):
        return bool(self.booking_product_id or self.booking_worker_ids)

    def _booking_price(self):
        return self.booking_product_id.lst_price

    def _booking_currency(self):
        return self._booking_company().currency_id

    def _booking_apply_cancel(self, request):
        # Kept, not deleted: attendees and history stay; it no longer blocks anyone's calendar
        # and sends no more reminders (they come back if the cancellation is undone).
        self._booking_quiet().write(
            {
                "booking_cancelled": True,
                "show_as": "free",
                "booking_cancelled_alarm_ids": [Command.set(self.alarm_ids.ids)],
                "alarm_ids": [Command.clear()],
            }
        )
        # the workers' calendars show it as Odoo shows a visit they do not attend: declined
        self._booking_worker_attendees().write({"state": "declined"})

    def _booking_apply_change(self, request):
        values = {}
        if request.requested_start:
            values.update(start=request.requested_start, stop=request.requested_stop)
        if request.requested_product_id:
            values["booking_product_id"] = request.requested_product_id.id
        if values:
            self._booking_quiet().write(values)

    def _booking_apply_rebook(self, request):
        self._booking_reopen({"start": request.requested_start, "stop": request.requested_stop})

    def _booking_apply_undo(self, cancellation):
        self._booking_reopen({})

    def _booking_reopen(self, values):
        self._booking_quiet().write(
            {
                "active": True,
                "booking_cancelled": False,
                "show_as": "busy",
                "alarm_ids": [Command.set(self.booking_cancelled_alarm_ids.ids)],
                "booking_cancelled_alarm_ids": [Command.clear()],
                **values,
            }
        )
        self._booking_worker_attendees().write({"state": "accepted"})

    def _booking_worker_attendees(self):
        """The workers' attendances of these visits (as superuser: workers' rows are not the user's)."""
        return self.sudo().attendee_ids.filtered(
            lambda a: a.partner_id in a.event_id.booking_worker_ids.partner_id
        )

    def _booking_title_for_service(self, old, new):
        """The visit's title once its service is ``new``: the old service's name in it, replaced."""
        title = self.name or ""
        for old_name, new_name in ((old.name, new.name), (base_name(old.name), base_name(new.name))):
            if old_name and new_name and old_name.lower() in title.lower():
                start = title.lower().index(old_name.lower())
                return title[:start] + new_name + title[start + len(old_name) :]
        return title

    def _booking_quiet(self):
        """Our own emails tell the customer; calendar's would say it twice."""
        return self.with_context(no_mail_to_attendees=True)

    def _booking_outside_cancel_message(self):
        return None  # archiving or deleting tells nobody: our email does

    def _booking_outside_change_message(self):
        return False  # calendar emails the attendees of a moved visit itself

    # ------------------------------------------------------------------
    # Odoo's own paths
    # ------------------------------------------------------------------

    def write(self, vals):
        if vals.get("booking_product_id") and "name" not in vals and len(self) > 1:
            # a title per visit (see below)
            for event in self:
                event.write(vals)
            return True
        if vals.get("booking_product_id") and "name" not in vals and self.booking_product_id:
            # a visit named after its service is renamed with it (by the engine and by hand)
            new = self.env["product.product"].browse(vals["booking_product_id"]).sudo()
            title = self._booking_title_for_service(self.booking_product_id.sudo(), new)
            if title != self.name:
                vals = {**vals, "name": title}
        if "partner_ids" in vals:
            # before calendar invites the new attendees, inside write: their links carry the new token
            self._booking_customers_changed_by(vals["partner_ids"])._booking_rotate_token()
        result = super().write(vals)
        if "booking_worker_ids" in vals:
            self._booking_invite_workers()
        return result

    def _booking_customers_changed_by(self, commands):
        """The visits whose customers these ``partner_ids`` commands would change."""
        if isinstance(commands, list | tuple):
            # an UPDATE would write its values into the partners' cache: only its link counts here
            commands = [
                Command.link(command[1])
                if isinstance(command, list | tuple) and command[0] == Command.UPDATE
                else command
                for command in commands
            ]
        field = self._fields["partner_ids"]
        return self.filtered(
            lambda event: (
                event._booking_customers()
                != event._booking_customers(event.partner_ids.browse(field.convert_to_cache(commands, event)))
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.filtered("booking_worker_ids")._booking_invite_workers()
        return events

    def unlink(self):
        # A booking is cancelled and archived, not deleted: its requests are its history.
        # a booking, or a visit that was one: its requests are its history
        bookings = self.filtered(lambda e: e._booking_engaged() or e.booking_request_ids)
        bookings.filtered("active").action_archive()
        return super(CalendarEvent, self - bookings).unlink()

    def _booking_invite_workers(self):
        """Workers attend their visits, so each sees them in their own calendar."""
        for event in self:
            missing = event.booking_worker_ids.partner_id - event.partner_ids
            if missing:
                event.with_context(booking_applying=event).write(
                    {"partner_ids": [Command.link(partner.id) for partner in missing]}
                )

    def _booking_on_decline(self, partner):
        """A customer declined in calendar's own invitation: a cancellation request, for review."""
        if not self._booking_engaged() or not self._booking_is_open():
            return
        values = {"reason": self.env._("Declined from the calendar invitation.")}
        try:
            with self.env.cr.savepoint():
                self._booking_request("cancel", partner, values, "email", review=True)
        except Exception:
            self._booking_log(
                Markup("<p>%s</p>")
                % self.env._("%s declined the calendar invitation of this visit.", partner.name)
            )
