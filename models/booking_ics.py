"""A booking's one event in the customer's own calendar (booking.ics): its UID never changes,
its SEQUENCE grows with every step of its history, so calendar programs update or remove it."""

from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytz
import vobject
from werkzeug.urls import url_encode

from odoo import fields, models
from odoo.tools.misc import clean_context

ICS_NAME = "booking.ics"
ICS_MIMETYPE = "text/calendar"
PRODID = "-//Odoo//booking_change_request//EN"


def sign_ics(raw, paths):
    """``raw`` (a booking.ics) with its link to the booking's page signed: ``paths`` is
    {path: query parameters}, as ``_booking_signed_paths`` gives them for one recipient."""
    try:
        calendar = vobject.readOne(raw.decode())
        url = getattr(calendar.vevent, "url", None)
    except (vobject.base.VObjectError, UnicodeDecodeError, AttributeError):
        return raw  # a file of another's under that name: sent as it is, never blocking the email
    if url is None:
        return raw
    event = calendar.vevent
    parts = urlsplit(url.value)
    params = paths.get(parts.path)
    if params is None:
        return raw
    signed = urlunsplit(parts._replace(query=url_encode({**dict(parse_qsl(parts.query)), **params})))
    description = getattr(event, "description", None)
    if description is not None:
        description.value = description.value.replace(url.value, signed)
    url.value = signed
    return calendar.serialize().encode()


def utc(value):
    return pytz.utc.localize(value) if value else None


class BookingIcs(models.AbstractModel):
    _inherit = "booking.request.mixin"

    def _booking_ics_uid(self):
        """The event's UID: one per booking, for ever (``<kind>-<id>@<database uuid>``)."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return f"{self._booking_kind}-{self.id}@{uuid}"

    def _booking_ics_sequence(self):
        """One per step of the booking's history: every approved request (Odoo's own changes are
        recorded as staff requests too), and an undone cancellation twice (cancelled, back on)."""
        steps = self.sudo().booking_request_ids.filtered(lambda r: r.state in ("approved", "undone"))
        return len(steps) + len(steps.filtered(lambda r: r.state == "undone"))

    def _booking_ics_method(self):
        return "CANCEL" if self._booking_is_cancelled() else "REQUEST"

    def _booking_ics_summary(self):
        return self.display_name

    def _booking_ics_location(self):
        """Where it happens (a visit's location, an order's delivery address), or ''."""
        return ""

    def _booking_ics_url(self):
        """The booking's page, plain: a file stored with a message never holds a signed link."""
        return self.get_base_url() + self._booking_page_path()

    def _booking_ics(self, method=None, partner=None, url=None, ahead=0):
        """The booking as one VEVENT (bytes), or None when it has no time.

        ``method``: REQUEST, CANCEL or PUBLISH (default: CANCEL when cancelled, else REQUEST);
        ``partner``: the attendee (the customer the file is for); ``url``: the page's address
        (default: plain); ``ahead``: steps about to be recorded (an email sent just before).
        """
        self.ensure_one()
        booking = self.sudo().with_context(lang=partner.lang) if partner and partner.lang else self.sudo()
        start = booking._booking_start()
        if not start:
            return None
        method = method or booking._booking_ics_method()
        stop = booking._booking_stop() or start + booking._booking_duration()
        url = url or booking._booking_ics_url()
        cancelled = method == "CANCEL" or booking._booking_is_cancelled()
        calendar = vobject.iCalendar()
        calendar.add("prodid").value = PRODID
        calendar.add("method").value = method
        event = calendar.add("vevent")
        event.add("uid").value = booking._booking_ics_uid()
        event.add("sequence").value = str(booking._booking_ics_sequence() + ahead)
        event.add("dtstamp").value = utc(fields.Datetime.now())
        event.add("dtstart").value = utc(start)
        event.add("dtend").value = utc(stop)
        event.add("status").value = "CANCELLED" if cancelled else "CONFIRMED"
        event.add("summary").value = booking._booking_ics_summary() or ""
        if location := booking._booking_ics_location():
            event.add("location").value = location
        event.add("description").value = booking._booking_ics_description(url)
        event.add("url").value = url
        booking._booking_ics_people(event, partner if method != "PUBLISH" else None)
        return calendar.serialize().encode()

    def _booking_ics_description(self, url):
        lines = []
        if product := self._booking_product():
            lines.append(self.env._("Service: %s", product.name))
        if self.booking_worker_ids:
            lines.append(self.env._("With: %s", ", ".join(self.booking_worker_ids.mapped("name"))))
        lines.append(self.env._("See, change or cancel your booking: %s", url))
        return "\n".join(lines)

    def _booking_ics_people(self, event, partner):
        """ORGANIZER: the booking's responsible (else its company); ATTENDEE: the customer."""
        company = self._booking_company()
        organizer = self._booking_responsible().partner_id
        if not organizer.email:
            organizer = company.partner_id
        if organizer.email:
            node = event.add("organizer")
            node.value = f"mailto:{organizer.email}"
            node.params["CN"] = [quote_free(organizer.name or organizer.email)]
        if partner and partner.email:
            node = event.add("attendee")
            node.value = f"mailto:{partner.email}"
            node.params["CN"] = [quote_free(partner.name or partner.email)]
            node.params["ROLE"] = ["REQ-PARTICIPANT"]
            node.params["PARTSTAT"] = ["ACCEPTED"]
            node.params["RSVP"] = ["FALSE"]

    def _booking_ics_attachment_ids(self, method=None, partner=None, ahead=0):
        """[id] of a new booking.ics, ready for message_post/message_notify (or [] without a time)."""
        raw = self._booking_ics(method, partner, ahead=ahead)
        if not raw:
            return []
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .with_context(clean_context(self.env.context), no_document=True)
            .create(
                {
                    "name": ICS_NAME,
                    "raw": raw,
                    "mimetype": ICS_MIMETYPE,
                    # linked to the message's record when posted, as calendar's own invitation.ics
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )
        return attachment.ids


def quote_free(text):
    # a parameter value may not hold a double quote (RFC 5545)
    return text.replace('"', "'")


class BookingChangeRequestIcs(models.Model):
    _inherit = "booking.change.request"

    def _booking_ics_attachment_ids(self):
        """The customer's booking.ics for this request's email: an approved step or an undo
        (METHOD:CANCEL for a cancellation), nothing while pending, denied or proposed."""
        self.ensure_one()
        request = self.sudo()
        if request.state not in ("approved", "undone"):
            return []
        cancel = request.state == "approved" and request.request_type == "cancel"
        return request._booking()._booking_ics_attachment_ids(
            "CANCEL" if cancel else "REQUEST", request.partner_id
        )
