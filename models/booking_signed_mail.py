import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from markupsafe import Markup, escape
from werkzeug.urls import url_encode

from odoo import models
from odoo.tools.mail import URL_REGEX


class BookingSignedMail(models.AbstractModel):
    """Emails whose links are signed for their recipient when the email is rendered.

    A message's body (what the chatter keeps, and staff, workers or other customers may
    read) holds plain links to a booking's page; the email each customer receives gets
    their own token and signature added to those links, as portal's access button does.
    """

    _name = "booking.signed.mail"
    _inherit = ["mail.thread"]
    _description = "Emails with links signed for their recipient"
    # A model inherits it before its other parents (``_inherit = ["booking.signed.mail", ...]``):
    # its hooks then wrap mail.thread's, whatever else the model inherits.

    def _booking_link_recipients(self):
        """The partners whose emails about this record carry links signed for them."""
        return self.env["res.partner"]

    def _booking_signed_paths(self, partner):
        """{path: query parameters} of the pages ``partner``'s links open, with their signature."""
        return {}

    def _booking_access_button(self, partner):
        """The email's main button for ``partner`` (a dict as in recipients groups); empty: none."""
        return {}

    def _notify_get_classified_recipients_iterator(self, message, recipients_data, *args, **kwargs):
        # each customer whose links are signed gets an email of their own
        signed = set(self._booking_link_recipients().ids) if len(self) == 1 else set()
        groups = super()._notify_get_classified_recipients_iterator(message, recipients_data, *args, **kwargs)
        for lang, render_values, group in groups:
            own = [pid for pid in group["recipients"] if pid in signed]
            others = [pid for pid in group["recipients"] if pid not in signed]
            for pid in own:
                partner = self.env["res.partner"].browse(pid)
                button = self._booking_access_button(partner)
                extra = {"button_access": button, "has_button_access": True} if button else {}
                yield (
                    lang,
                    render_values,
                    {**group, **extra, "recipients": [pid], "booking_link_partner": pid},
                )
            if others or not own:
                yield lang, render_values, {**group, "recipients": others}

    def _notify_by_email_render_layout(self, message, recipients_group, *args, **kwargs):
        body = super()._notify_by_email_render_layout(message, recipients_group, *args, **kwargs)
        pid = recipients_group.get("booking_link_partner")
        if not pid or not body:
            return body
        return self._booking_sign_links(body, self.env["res.partner"].browse(pid))

    def _booking_sign_links(self, html, partner):
        """``html`` with its links to ``partner``'s pages signed for them (other links untouched)."""
        paths = self._booking_signed_paths(partner)
        if not paths:
            return html

        def sign(match):
            href = match.group(2)
            parts = urlsplit(Markup(href).unescape())
            params = next(
                (p for path, p in paths.items() if parts.path == path or parts.path.startswith(path + "/")),
                None,
            )
            if params is None:
                return match.group(0)
            query = {**dict(parse_qsl(parts.query)), **params}
            signed = urlunsplit(parts._replace(query=url_encode(query)))
            return match.group(0).replace(href, str(escape(signed)))

        return Markup(re.sub(URL_REGEX, sign, str(html)))
