"""Which emails carry booking.ics, and which do not: every path a customer hears of a booking by."""

from datetime import timedelta

import vobject
from freezegun import freeze_time

from odoo.tests import Form, tagged

from ..tools.compat import ODOO_19
from .common import NOW
from .test_calendar_files import ICS, CalendarFilesCase


def sequence_of(raw):
    return int(vobject.readOne(raw.decode()).vevent.sequence.value)


@tagged("post_install", "-at_install")
class TestCalendarFilesPaths(CalendarFilesCase):
    def calendar_messages(self, visit, partner):
        return self.env["mail.message"].search(
            [("model", "=", "calendar.event"), ("res_id", "=", visit.id), ("partner_ids", "in", partner.ids)]
        )

    def test_invitation_ours_for_customers_calendars_for_staff(self):
        """Customers' invitations carry booking.ics only; workers and the organizer keep calendar's file."""
        with freeze_time(NOW):
            visit = self.invited_visit(NOW + timedelta(days=5))
        customer = self.calendar_messages(visit, self.partner_a)
        self.assertEqual(customer.attachment_ids.mapped("name"), [ICS])
        for staff in (self.worker.partner_id, self.organizer.partner_id):
            names = self.calendar_messages(visit, staff).attachment_ids.mapped("name")
            self.assertIn("invitation.ics", names)
            self.assertNotIn(ICS, names)
        (_mail, _stored, sent), *_rest = self.new_files(visit)
        event = self.assertFile(visit, sent, "REQUEST", 0, NOW + timedelta(days=5))
        self.assertEqual(event.location.value, "12 Garden Lane")
        self.assertEqual(event.summary.value, "Dog walk")

    def test_two_customers_each_their_own_file(self):
        """On a visit with two customers, each file names its recipient only, signed for them."""
        with freeze_time(NOW):
            visit = self.invited_visit(NOW + timedelta(days=5), self.partner_a | self.partner_b)
        for partner in (self.partner_a, self.partner_b):
            files = self.new_files(visit, partner)
            self.assertEqual(len(files), 1)
            _mail, stored, sent = files[0]
            self.assertFile(visit, sent, "REQUEST", 0, NOW + timedelta(days=5), partner)
            self.assertSignedForTheCustomer(visit, stored, sent, partner)
        alices = self.mails(visit, self.partner_a).attachment_ids
        self.assertNotIn("bob@example.com", alices.raw.decode(), "another customer's address stays theirs")

    def test_visit_moved_by_hand_counts_the_move(self):
        """Moved in the backend: calendar's "moved" email (ours for customers) has the next SEQUENCE."""
        with freeze_time(NOW):
            visit = self.invited_visit(NOW + timedelta(days=5))
            self.new_files(visit)
            new = NOW + timedelta(days=6)
            visit.with_user(self.organizer).write({"start": new, "stop": new + timedelta(hours=1)})
        self.assertEqual(visit.booking_request_ids.mapped("state"), ["approved"], "recorded as staff's")
        files = self.new_files(visit)
        self.assertEqual(len(files), 1)
        mail, _stored, sent = files[0]
        self.assertTrue(mail.subject.startswith("Moved"))
        self.assertFile(visit, sent, "REQUEST", 1, new)

    def test_reminders_carry_the_event(self):
        """The visit's reminder and the order's reminder carry the event as it stands."""
        self.company.booking_reminder_hours = 48
        reminder = self.env.ref("calendar.calendar_template_meeting_reminder")
        with freeze_time(NOW):
            visit, order = self.make_visit(NOW + timedelta(days=3)), self.make_order(NOW + timedelta(days=3))
            attendees = visit.with_context(no_mail_to_attendees=False).attendee_ids
            attendee = attendees.filtered(lambda a: a.partner_id == self.partner_a)
            getattr(attendee, "_notify_attendees" if ODOO_19 else "_send_mail_to_attendees")(reminder)
        with freeze_time(NOW + timedelta(days=1, hours=1)):
            self.assertEqual(self.env["sale.order"]._cron_booking_reminders(), order)
        for booking in (visit, order):
            files = self.new_files(booking)
            self.assertEqual(len(files), 1, booking._name)
            mail, stored, sent = files[0]
            self.assertTrue(mail.subject.startswith("Reminder"))
            self.assertFile(booking, sent, "REQUEST", 0, NOW + timedelta(days=3))
            self.assertSignedForTheCustomer(booking, stored, sent)

    def test_staff_cancellation_sends_cancel(self):
        """A staff cancellation's email: METHOD:CANCEL, next SEQUENCE; none when staff untick it."""
        with freeze_time(NOW):
            visit, order = self.bookings(NOW + timedelta(days=2))
            for booking in (visit, order):
                booking.with_user(self.reviewer)._booking_staff_cancel(self.reason.id, "Storm", 0.0)
        for booking in (visit, order):
            files = self.new_files(booking)
            self.assertEqual(len(files), 1)
            self.assertFile(booking, files[0][2], "CANCEL", 1, NOW + timedelta(days=2))

    def test_pending_denied_and_proposed_carry_nothing(self):
        """Received, denied and proposed-times emails change nothing in a calendar: no file."""
        with freeze_time(NOW):
            for booking in self.bookings(NOW + timedelta(hours=30)):
                request = self.change(booking, NOW + timedelta(hours=40))
                request.with_user(self.reviewer).action_deny(note="Nobody is free then")
                asked = self.change(booking, NOW + timedelta(hours=50))
                asked.with_user(self.reviewer).action_propose(
                    [(NOW + timedelta(hours=60), NOW + timedelta(hours=61))]
                )
                self.assertEqual(len(self.mails(booking)), 4, "received, denied, received, proposed")
                self.assertEqual(self.new_files(booking), [])

    def test_accepted_proposal_moves_the_event(self):
        """The customer takes a time staff proposed: REQUEST at that time, next SEQUENCE."""
        with freeze_time(NOW):
            for hours, booking in zip((60, 70), self.bookings(NOW + timedelta(hours=30)), strict=True):
                request = self.change(booking, NOW + timedelta(hours=40))
                start = NOW + timedelta(hours=hours)
                request.with_user(self.reviewer).action_propose([(start, start + timedelta(hours=1))])
                request._accept_proposal(request.proposal_ids)
                files = self.new_files(booking)
                self.assertEqual(len(files), 1)
                self.assertFile(booking, files[0][2], "REQUEST", 1, start)

    def test_odoos_cancel_button_sends_cancel(self):
        """An order cancelled with Odoo's button: the customer's one file is a CANCEL, next SEQUENCE
        (18.0: in Odoo's wizard email, sent just before; 19.0: in our email)."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=3))
            action = order.with_user(self.organizer).action_cancel()
            if not ODOO_19:
                wizard = Form(
                    self.env[action["res_model"]].with_user(self.organizer).with_context(**action["context"])
                ).save()
                wizard.action_send_mail_and_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order._booking_ics_sequence(), 1)
        files = self.new_files(order)
        self.assertEqual(len(files), 1)
        self.assertFile(order, files[0][2], "CANCEL", 1, NOW + timedelta(days=3))
        history = order.message_ids.filtered(lambda m: not m.partner_ids)
        self.assertIn("Cancelled", "".join(history.mapped("body")))
        self.assertFalse(history.attachment_ids, "the order's own notes carry no file")

    def test_no_time_no_file(self):
        """An order without a delivery date is not an event: its confirmation carries no file."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=3), confirm=False)
            order.commitment_date = False
            order.with_context(send_email=True, mail_notify_force_send=False).action_confirm()
        self.assertTrue(self.mails(order))
        self.assertEqual(self.new_files(order), [])

    def test_workers_read_no_signed_link(self):
        """Files stay with their messages, which the booking's worker may read: never a token in them."""
        known = self.env["ir.attachment"].sudo().search([("name", "=", ICS)])
        with freeze_time(NOW):
            visit = self.invited_visit(NOW + timedelta(days=5))
            self.change(visit, NOW + timedelta(days=6))
            self.cancel(visit)
        token = visit.sudo().booking_access_token
        self.assertTrue(token)
        files = self.env["ir.attachment"].sudo().search([("name", "=", ICS)]) - known
        self.assertEqual(len(files), 3)
        for attachment in files:
            self.assertNotIn(token, attachment.raw.decode().replace("\r\n ", ""))
        self.assertEqual(
            sorted(sequence_of(a.raw) for a in files), [0, 1, 2], "invitation, change, cancellation"
        )
        readable = self.env["ir.attachment"].with_user(self.worker).search([("name", "=", ICS)])
        for attachment in readable:
            self.assertNotIn(token, attachment.raw.decode().replace("\r\n ", ""))

    def test_another_file_of_that_name_goes_as_it_is(self):
        """A file named booking.ics that is not ours (or not a calendar) is sent unchanged, never failing."""
        with freeze_time(NOW):
            order = self.make_order(NOW + timedelta(days=3))
            order.message_post(
                body="Your plan",
                partner_ids=self.partner_a.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[(ICS, b"not a calendar \xff")],
            )
        mail = self.emails_to(self.partner_a, order)
        self.assertEqual(len(mail), 1)
        (sent,) = [
            raw
            for values in mail._prepare_outgoing_list()
            for name, raw, *_r in values["attachments"]
            if name == ICS
        ]
        self.assertEqual(sent, b"not a calendar \xff")
