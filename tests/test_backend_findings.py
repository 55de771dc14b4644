import json
from datetime import timedelta

from odoo.exceptions import RedirectWarning
from odoo.tests import Form, tagged

from .test_schedule import ScheduleCase, local


@tagged("post_install", "-at_install")
class TestBackendFindings(ScheduleCase):
    """What the walk of the demo as a reviewer and as a field worker found, one test each."""

    def inbox(self, booking, user):
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("mail_message_id.model", "=", booking._name),
                ("mail_message_id.res_id", "=", booking.id),
            ]
        )

    def worker_attendance(self, visit, worker=None):
        return visit.attendee_ids.filtered(lambda a: a.partner_id == (worker or self.worker).partner_id)

    # ------------------------------------------------------------------
    # The field worker's view
    # ------------------------------------------------------------------

    def test_cancelled_visit_is_declined_in_the_workers_calendar(self):
        """Cancelled, the visit is declined for its worker (as Odoo's calendar shows it); undone, accepted."""
        self.company.booking_cancel_auto_approve = "always"
        visit = self.make_visit(self.far)
        self.assertNotEqual(self.worker_attendance(visit).state, "declined")
        request = self.cancel(visit)
        self.assertEqual(self.worker_attendance(visit).state, "declined")
        customer = self.worker_attendance(visit, self.customer_a)
        self.assertNotEqual(customer.state, "declined", "the customer's own attendance is theirs")
        request.with_user(self.customer_a).action_undo()
        self.assertEqual(self.worker_attendance(visit).state, "accepted")

    def test_move_by_hand_onto_a_busy_worker_asks_to_confirm(self):
        """Moved by hand onto the worker's other visit: a confirmation whose button moves it anyway."""
        self.make_visit(local(self.day, 16), partner=self.partner_b, name="Walk for Zoe")
        visit = self.make_visit(local(self.day, 10))
        new = {"start": local(self.day, 16), "stop": local(self.day, 17)}
        with self.assertRaises(RedirectWarning) as caught:
            visit.with_user(self.organizer).write(new)
        message, action_id, button, context = caught.exception.args
        self.assertIn("Walk for Zoe", message)
        self.assertEqual(action_id, self.env.ref("booking_change_request.action_booking_move_anyway").id)
        self.assertEqual(button, "Move anyway")
        json.dumps(context)  # the client carries it back as it is
        self.assertEqual(visit.start, local(self.day, 10), "nothing moved")
        action = self.env.ref("booking_change_request.action_booking_move_anyway")
        action.with_user(self.organizer).with_context(**context).run()
        self.assertEqual(visit.start, local(self.day, 16))
        self.assertRecordValues(visit.booking_request_ids, [{"request_type": "change", "state": "approved"}])
        # a free time needs no confirmation
        visit.with_user(self.organizer).write({"start": local(self.day, 12), "stop": local(self.day, 13)})
        self.assertEqual(visit.start, local(self.day, 12))

    def test_order_moved_onto_a_busy_worker_asks_to_confirm(self):
        """The same for an order's delivery date."""
        self.make_visit(local(self.day, 16), partner=self.partner_b)
        order = self.make_order(local(self.day, 10))
        with self.assertRaises(RedirectWarning):
            order.with_user(self.organizer).write({"commitment_date": local(self.day, 16)})
        order.with_user(self.organizer).with_context(booking_conflicts_ok=True).write(
            {"commitment_date": local(self.day, 16)}
        )
        self.assertEqual(order.commitment_date, local(self.day, 16))

    def test_one_inbox_message_per_move_by_hand(self):
        """Moved in the backend, the worker gets our message only, not also calendar's 'Date updated'."""
        # (made quiet, as a visit booked in the calendar is not)
        visit = self.make_visit(local(self.day, 10)).with_context(no_mail_to_attendees=False)
        visit.with_user(self.organizer).write({"start": local(self.day, 12), "stop": local(self.day, 13)})
        inbox = self.inbox(visit, self.worker)
        self.assertEqual(len(inbox), 1, inbox.mail_message_id.mapped("subject"))
        self.assertIn("Booking update", inbox.mail_message_id.subject)

    def test_customer_through_an_email_link_signs_the_workers_message(self):
        """Cancelled through an email link (the public user): workers read the customer's name."""
        self.company.booking_cancel_auto_approve = "always"
        visit = self.make_visit(self.far)
        public = self.env.ref("base.public_user")
        visit.with_user(public).sudo()._booking_request_cancel(self.partner_a, {}, "email")
        message = self.inbox(visit, self.worker).mail_message_id
        self.assertEqual(message.author_id, self.partner_a)
        history = visit.message_ids.filtered(lambda m: "BCR/" in (m.body or ""))
        self.assertEqual(history.author_id, self.partner_a)

    # ------------------------------------------------------------------
    # Screens that contradicted themselves
    # ------------------------------------------------------------------

    def test_propose_dialog_names_a_service_only_request(self):
        """'The customer asked for' says the service and the note when no time was asked for."""
        visit = self.make_visit(self.far)
        request = visit._booking_request_change(
            self.partner_a, {"requested_product_id": self.grooming.id, "requested_note": "a bath"}, "portal"
        )
        action = (
            request.with_user(self.reviewer)
            .with_context(booking_time_mode="propose")
            .action_open_time_wizard()
        )
        wizard = Form(
            self.env[action["res_model"]].with_user(self.reviewer).with_context(**action["context"])
        )
        self.assertIn("Grooming", wizard.asked)
        self.assertIn("a bath", wizard.asked)

    def test_page_says_waiting_for_your_choice_after_proposals(self):
        """After staff proposed times, the page no longer says it waits for our answer."""
        self.company.booking_change_auto_approve = "never"
        visit = self.make_visit(self.far)
        request = self.change(visit, self.far + timedelta(days=1))
        request.with_user(self.reviewer).action_propose(
            [(self.far + timedelta(days=2), self.far + timedelta(days=2, hours=1))]
        )
        self.login(self.customer_a)
        for url in (self.url(visit), "/my/bookings"):
            html = self.url_open(url).text
            self.assertIn("waiting for your choice", html)
            self.assertNotIn("waiting for our answer", html)

    def test_visit_renamed_with_its_service(self):
        """A visit named after its service takes the new service's name; another title is kept."""
        self.company.booking_change_auto_approve = "never"
        visit = self.make_visit(self.far, name="Dog walk for Rex")
        request = visit._booking_request_change(
            self.partner_a, {"requested_product_id": self.grooming.id}, "portal"
        )
        request.with_user(self.reviewer).action_approve()
        self.assertEqual(visit.name, "Grooming for Rex")
        other = self.make_visit(self.far + timedelta(days=1), name="Rex's Saturday")
        other.booking_product_id = self.grooming
        self.assertEqual(other.name, "Rex's Saturday")

    def test_free_times_in_the_page_time_format(self):
        """Free times come with the time as the page writes times (English: 8:00 AM, not 08:00)."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.login(self.customer_a)
        data = json.loads(self.slots(visit, duration="1").text)
        first = data["slots"][0]
        self.assertEqual(first["start"][11:], "08:00")
        self.assertEqual(first["time"].replace("\u202f", " "), "8:00 AM")

    def test_email_header_names_the_booking(self):
        """The email's header names the booking, never the request's number with a dash for its slash."""
        self.company.booking_change_auto_approve = "never"
        visit = self.make_visit(self.far, name="Walk for Ann")
        request = self.change(visit, self.far + timedelta(days=1))
        mail = self.emails_to(self.partner_a, request)
        self.assertTrue(mail)
        self.assertIn(request.name, mail[0].body_html)
        self.assertNotIn(request.name.replace("/", "-"), mail[0].body_html)
        self.assertIn("Walk for Ann", mail[0].body_html)

    def test_bulk_deny_one_note_for_all(self):
        """The list's Deny: one note, no single email to edit, each customer emailed about theirs."""
        self.company.booking_change_auto_approve = "never"
        requests = self.env["booking.change.request"].union(
            *(
                self.change(
                    self.make_visit(self.far + timedelta(hours=i)), self.far + timedelta(days=1, hours=i)
                )
                for i in range(2)
            )
        )
        action = self.env.ref("booking_change_request.action_booking_change_request_deny")
        result = (
            action.with_user(self.reviewer)
            .with_context(active_model="booking.change.request", active_ids=requests.ids)
            .run()
        )
        wizard = Form(
            self.env[result["res_model"]].with_user(self.reviewer).with_context(**result["context"])
        )
        self.assertFalse(wizard.single)
        wizard.note = "The park is closed"
        wizard.save().action_deny()
        self.assertEqual(requests.mapped("state"), ["denied", "denied"])
        for request in requests:
            denied = request.message_ids.filtered(lambda m: "The park is closed" in (m.body or ""))
            self.assertEqual(denied.partner_ids, request.partner_id)
        self.assertEqual(len(requests.mapped("partner_id")), 1)
