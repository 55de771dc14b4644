"""The customer's own calendar follows: the booking.ics files their emails carry, read back in order."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytz
import vobject
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOW, BookingCase

ICS = "booking.ics"


def utc(value):
    return pytz.utc.localize(value)


class CalendarProgram:
    """What a calendar program does with the files it is given (RFC 5546), read with ``icalendar``:
    one event per UID; a file whose SEQUENCE is not above the one held is ignored."""

    def __init__(self):
        self.held = {}  # uid: (sequence, event or None once cancelled)

    def apply(self, raw):
        calendar = icalendar.Calendar.from_ical(raw)
        method = str(calendar.get("METHOD"))
        for event in calendar.walk("VEVENT"):
            uid, sequence = str(event.get("UID")), int(event.get("SEQUENCE", 0))
            if uid in self.held and sequence <= self.held[uid][0]:
                continue
            self.held[uid] = (sequence, None if method == "CANCEL" else event)

    def events(self):
        return [event for _sequence, event in self.held.values() if event is not None]


class CalendarFilesCase(BookingCase):
    """Reading the booking.ics files of the emails customers get, as they get them."""

    def setUp(self):
        super().setUp()
        self.seen = set()
        # Odoo's test runner sends some emails at once (calendar's, forced ones) and deletes them:
        # kept, as mail's own mock_mail_gateway keeps them, to be read as sent (pytest-odoo queues them)
        self.patch(type(self.env["mail.mail"]), "unlink", lambda mails: True)

    def mails(self, booking, partner=None):
        """The emails queued for the customer about ``booking`` or its requests, oldest first."""
        partner = partner or self.partner_a
        mails = self.emails_to(partner, booking)
        for request in booking.booking_request_ids:
            mails |= self.emails_to(partner, request)
        return mails.sorted("id")

    def new_files(self, booking, partner=None):
        """[(mail, stored file, file as sent)] of the customer's emails since the last call."""
        partner = partner or self.partner_a
        found = []
        for mail in self.mails(booking, partner).filtered(lambda m: m.id not in self.seen):
            self.seen.add(mail.id)
            stored = mail.attachment_ids.filtered(lambda a: a.name == ICS)
            sent = [
                raw
                for values in mail._prepare_outgoing_list()
                if values["partner_id"] == partner
                for name, raw, *_rest in values["attachments"]
                if name == ICS
            ]
            self.assertEqual(len(stored), len(sent))
            if stored:
                self.assertEqual(stored.mimetype, "text/calendar")
                found.append((mail, stored.raw, sent[0]))
        return found

    def assertFile(self, booking, raw, method, sequence, start, partner=None):
        """``raw`` read with vobject: the booking's one event, at ``start``, as ``method`` says."""
        partner = partner or self.partner_a
        calendar = vobject.readOne(raw.decode())
        event = calendar.vevent
        self.assertEqual(calendar.method.value, method)
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        self.assertEqual(event.uid.value, f"{booking._booking_kind}-{booking.id}@{uuid}")
        self.assertEqual(int(event.sequence.value), sequence)
        self.assertEqual(event.dtstart.value, utc(start))
        self.assertEqual(event.dtstart.value.utcoffset(), timedelta(0))
        self.assertIn("Z", raw.decode().split("DTSTART:", 1)[1].split("\r\n", 1)[0], "UTC, as 'Z'")
        self.assertEqual(event.dtend.value, utc(booking._booking_stop()))
        self.assertEqual(event.status.value, "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        self.assertEqual([a.value.lower() for a in event.attendee_list], [f"mailto:{partner.email}"])
        self.assertEqual(event.organizer.value.lower(), f"mailto:{self.organizer.email}")
        return event

    def assertSignedForTheCustomer(self, booking, stored, sent, partner=None):
        """The stored file has the page's plain link; the customer's email has it signed for them."""
        partner = partner or self.partner_a
        page = booking.get_base_url() + booking._booking_page_path()
        plain = vobject.readOne(stored.decode()).vevent
        self.assertEqual(plain.url.value, page)
        self.assertNotIn("access_token", stored.decode().replace("\r\n ", ""))
        signed = vobject.readOne(sent.decode()).vevent
        parts = urlsplit(signed.url.value)
        self.assertEqual(f"{parts.scheme}://{parts.netloc}{parts.path}", page)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.assertEqual(query, self.link_params(booking, partner))
        self.assertIn(signed.url.value, signed.description.value)

    def invited_visit(self, start, customers=None):
        """A booked visit made in the backend: calendar invites its attendees."""
        customers = customers or self.partner_a
        return self.env["calendar.event"].create(
            {
                "name": "Dog walk",
                "start": start,
                "stop": start + timedelta(hours=1),
                "user_id": self.organizer.id,
                "partner_ids": [Command.set([*customers.ids, self.organizer.partner_id.id])],
                "booking_product_id": self.walk.id,
                "booking_worker_ids": [Command.set(self.worker.ids)],
                "location": "12 Garden Lane",
            }
        )


@tagged("post_install", "-at_install")
class TestCalendarFiles(CalendarFilesCase):
    """One event per booking in the customer's calendar: one UID, a growing SEQUENCE, REQUEST or CANCEL."""

    def walk_through(self, booking, first):
        """invitation → change → change → cancellation → book again → cancellation → undo."""
        program = CalendarProgram()

        def rebook(start):
            values = {"requested_start": start, "requested_stop": start + timedelta(hours=1)}
            return booking._booking_request_rebook(self.partner_a, values, "portal")

        def undo():
            last = booking._booking_last_cancellation()
            last.with_user(self.customer_a).action_undo()
            return last

        steps = [
            ("invitation", first, "REQUEST", NOW + timedelta(days=5)),
            (
                "change",
                lambda: self.change(booking, NOW + timedelta(days=6)),
                "REQUEST",
                NOW + timedelta(days=6),
            ),
            (
                "change",
                lambda: self.change(booking, NOW + timedelta(days=7)),
                "REQUEST",
                NOW + timedelta(days=7),
            ),
            ("cancellation", lambda: self.cancel(booking), "CANCEL", NOW + timedelta(days=7)),
            ("book again", lambda: rebook(NOW + timedelta(days=8)), "REQUEST", NOW + timedelta(days=8)),
            ("cancellation", lambda: self.cancel(booking), "CANCEL", NOW + timedelta(days=8)),
            ("undo", undo, "REQUEST", NOW + timedelta(days=8)),
        ]
        uids = set()
        for sequence, (step, act, method, start) in enumerate(steps):
            with self.subTest(step=step, sequence=sequence):
                request = act()
                if request:
                    self.assertIn(request.state, ("approved", "undone"))
                self.assertEqual(booking._booking_start(), start)
                files = self.new_files(booking)
                self.assertEqual(len(files), 1, "one email, one file")
                _mail, stored, sent = files[0]
                event = self.assertFile(booking, sent, method, sequence, start)
                self.assertSignedForTheCustomer(booking, stored, sent)
                uids.add(event.uid.value)
                program.apply(sent)
                held = program.events()
                if method == "CANCEL":
                    self.assertEqual(held, [], "the cancellation removes the one event")
                else:
                    self.assertEqual(len(held), 1, "one event, never a second one")
                    self.assertEqual(held[0].decoded("DTSTART"), utc(start))
        self.assertEqual(len(uids), 1)

    def test_visit_from_invitation_to_undo(self):
        """A visit: calendar's invitation carries ours; each step's email updates or removes the event."""
        with freeze_time(NOW):
            visit = self.invited_visit(NOW + timedelta(days=5))
            self.walk_through(visit, lambda: None)

    def test_order_from_confirmation_to_undo(self):
        """An order with a delivery date: its confirmation carries the event, then each step's email."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=5), confirm=False)

            def confirm():
                order.with_context(send_email=True, mail_notify_force_send=False).action_confirm()

            self.walk_through(order, confirm)
