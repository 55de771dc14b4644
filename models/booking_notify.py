import pytz
from babel.dates import format_skeleton, format_time
from markupsafe import Markup

from odoo import api, models
from odoo.tools import format_amount
from odoo.tools.misc import babel_locale_parse, get_lang


class BookingNotify(models.AbstractModel):
    """What the booking says: dates and money in the reader's terms, and news for its workers."""

    _inherit = "booking.request.mixin"

    @api.model
    def _booking_format_datetime(self, value, partner=None, tz=None, locale=None):
        """'Tue, Nov 24, 2026, 9:00 AM' in the reader's language and time zone (no seconds).

        ``locale``: the babel locale, when the caller formats many dates (looked up once).
        """
        if not value:
            return ""
        tz = tz if tz in pytz.all_timezones_set else self._booking_tz(partner)
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        locale = locale or babel_locale_parse(get_lang(self.env).code)
        date = format_skeleton("yMMMEd", local, locale=locale)
        time = format_time(local, format="short", locale=locale)
        return locale.datetime_formats["medium"].replace("{1}", date).replace("{0}", time)

    def _booking_tz(self, partner=None):
        """The one time zone every page, dialog and email reads times in: ``partner``'s (the
        reader's), else the booking's responsible's, else its company's (without a booking,
        the current company's), else UTC."""
        company = (self._booking_company() if self else self.env.company).sudo()
        responsible = self._booking_responsible().sudo() if self else self.env["res.users"]
        zones = (
            partner and partner.sudo().tz,
            responsible.tz,
            company.partner_id.tz,
            company.resource_calendar_id.tz,
        )
        return next((tz for tz in zones if tz in pytz.all_timezones_set), "UTC")

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
