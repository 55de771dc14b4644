import uuid

from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

LINK_SCOPE = "booking_change_request.link"


class BookingLinks(models.AbstractModel):
    """A booking's email links: a token of the addon's own, signed for each recipient.

    A token alone opens the page (to read); acting needs the recipient's signature
    (``pid`` and ``hash``), which only their own email carries.
    """

    _inherit = "booking.request.mixin"

    booking_access_token = fields.Char(copy=False, groups="base.group_system")

    def _booking_ensure_token(self):
        """The token of email links, made when an email needs it (never when a page renders)."""
        booking = self.sudo()
        if not booking.booking_access_token:
            booking.booking_access_token = str(uuid.uuid4())
        return booking.booking_access_token

    def _booking_rotate_token(self):
        """New customers, new token: links sent to the previous ones stop working."""
        for booking in self.sudo().filtered("booking_access_token"):
            booking.booking_access_token = str(uuid.uuid4())

    def _booking_check_token(self, token):
        """Whether ``token`` opens this booking's page (to read; acting needs a signature too)."""
        return self._booking_token_matches(self.sudo().booking_access_token, token)

    @staticmethod
    def _booking_token_matches(stored, token):
        # consteq raises on non-ASCII text: such a token is simply wrong
        if not stored or not isinstance(token, str) or not token.isascii():
            return False
        return consteq(stored, token)

    def _booking_sign(self, pid):
        """The signature of ``pid`` on this booking's current token (Odoo's keyed HMAC)."""
        booking = self.sudo()
        message = (booking._name, booking.id, booking.booking_access_token, int(pid))
        return hmac(self.env(su=True), LINK_SCOPE, message)

    def _booking_link_partner(self, pid, hash_):
        """The recipient a link with ``pid`` and ``hash`` was signed for, if still a customer."""
        nobody = self.env["res.partner"]
        if not isinstance(pid, str | int) or not isinstance(hash_, str) or not hash_.isascii():
            return nobody
        try:
            pid = int(pid)
        except ValueError:
            return nobody
        if not 0 < pid < 2**31 or not self.sudo().booking_access_token:
            return nobody
        if not consteq(self._booking_sign(pid), hash_):
            return nobody
        partner = nobody.sudo().browse(pid).exists()
        return partner if partner and self._booking_may_ask(partner) else nobody

    def _booking_link_params(self, partner):
        """The query parameters of ``partner``'s own links: the token and their signature."""
        return {
            "access_token": self._booking_ensure_token(),
            "pid": partner.id,
            "hash": self._booking_sign(partner.id),
        }

    def _booking_page_path(self):
        return f"/my/bookings/{self._booking_kind}/{self.id}"

    def _booking_portal_url(self, action=None, partner=None, query=None):
        """The booking's page; signed for ``partner`` when given (for their email only)."""
        params = dict(query or {})
        if action:
            params["action"] = action
        if partner:
            params.update(self._booking_link_params(partner))
        url = self._booking_page_path()
        return f"{url}?{url_encode(params)}" if params else url

    # ------------------------------------------------------------------
    # Emails: plain links in the message, signed in each customer's email
    # ------------------------------------------------------------------

    def _booking_link_recipients(self):
        return self._booking_customers().filtered(self._booking_may_ask)

    def _booking_signed_paths(self, partner):
        if not self._booking_may_ask(partner):
            return {}
        return {self._booking_page_path(): self._booking_link_params(partner)}

    def _booking_email_links(self, partner):
        """Cancel and change links for ``partner`` in a confirmation or reminder email (or nothing)."""
        self.ensure_one()
        booking = self.sudo()  # rendered in emails, whoever sends them
        if not booking._booking_engaged() or not booking._booking_may_ask(partner):
            return Markup()
        if not booking._booking_company().booking_email_links:
            return Markup()
        # open when not refused: no fee or refund to work out for a link
        cancel, change = (not booking._booking_refusal(kind, {}) for kind in ("cancel", "change"))
        if not (cancel or change):
            return Markup()
        page = booking.get_base_url() + booking._booking_page_path()
        return self.env["ir.qweb"]._render(
            "booking_change_request.booking_email_links",
            {
                "booking": booking,
                "cancel_url": cancel and f"{page}?action=cancel",
                "change_url": change and f"{page}?action=change",
            },
        )
