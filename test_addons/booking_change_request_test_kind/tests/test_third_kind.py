"""The README's recipe for a third kind, proven: an appointment goes through the real doors."""

from datetime import timedelta

from odoo import Command
from odoo.addons.booking_change_request.tests.test_portal import BookingHttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestThirdKind(BookingHttpCase):
    """An appointment is listed, opened, cancelled, changed and notified like a visit or an order."""

    @classmethod
    def make_appointment(cls, start, partner=None, hours=1.0):
        return cls.env["booking.test.appointment"].create(
            {
                "name": "Piano lesson",
                "partner_id": (partner or cls.partner_a).id,
                "user_id": cls.organizer.id,
                "start": start,
                "stop": start + timedelta(hours=hours),
                "booking_product_id": cls.walk.id,
                "booking_worker_ids": [Command.set(cls.worker.ids)],
            }
        )

    def test_engine_knows_the_kind(self):
        """The mixin finds the kind, the request names it by its field and labels it in the portal."""
        Request = self.env["booking.change.request"]
        self.assertIn("booking.test.appointment", self.env["booking.request.mixin"]._booking_models())
        self.assertIn("appointment_id", Request._booking_field_names())
        self.assertIn("appointment", dict(Request._selection_booking_kind()))
        self.assertIn("appointment_id", self.env["booking.waitlist"]._booking_field_names())
        self.assertEqual(self.make_appointment(self.far)._booking_kind_label(), "Appointment")

    def test_list_shows_it(self):
        """The customer's list shows their appointment beside a visit, with its label; never another's."""
        mine, visit = self.make_appointment(self.far), self.make_visit(self.near)
        others = self.make_appointment(self.far, partner=self.partner_b)
        self.login(self.customer_a)
        page = self.url_open("/my/bookings")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'data-booking="appointment-{mine.id}"', page.text)
        self.assertIn(f'data-booking="visit-{visit.id}"', page.text)
        self.assertNotIn(f'data-booking="appointment-{others.id}"', page.text)
        self.assertIn(">Appointment<", page.text)
        self.assertNotIn(">Order<", page.text, "no kind is called an order but orders")

    def test_page_for_its_customer_only(self):
        """Its page opens for its customer (with the forms), 404 for another customer and unknown ids."""
        appointment = self.make_appointment(self.far)
        self.login(self.customer_a)
        page = self.url_open(self.url(appointment))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Wendy Worker", page.text)
        self.assertIn("o_booking_cancel_form", page.text)
        self.assertIn("o_booking_change_form", page.text)
        self.login(self.customer_b)
        self.assertEqual(self.url_open(self.url(appointment)).status_code, 404)
        self.assertEqual(self.url_open(f"/my/bookings/appointment/{appointment.id + 10**6}").status_code, 404)

    def test_link_opens_it(self):
        """An email link (token, pid, hash) opens its page without login; a wrong token gets 404."""
        appointment = self.make_appointment(self.far)
        query = self.link_query(appointment, self.partner_a)
        self.logout()
        self.assertEqual(self.url_open(self.url(appointment, query)).status_code, 200)
        self.assertEqual(self.url_open(self.url(appointment, "?access_token=wrong")).status_code, 404)

    def test_cancel_free_window_approved_at_once(self):
        """A POST with CSRF in the free window: approved and applied at once; customer and worker told."""
        appointment = self.make_appointment(self.far)
        self.login(self.customer_a)
        response = self.post(
            self.url(appointment, "/cancel"), {"reason_id": self.reason.id, "reason": "Away"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(self.url(appointment, "?message=cancel_approved"))
        )
        request = appointment.booking_request_ids
        self.assertRecordValues(
            request,
            [
                {
                    "channel": "portal",
                    "state": "approved",
                    "auto_approved": True,
                    "booking_kind": "appointment",
                }
            ],
        )
        self.assertEqual(appointment.state, "cancelled")
        emailed = request.message_ids.notification_ids.filtered(lambda n: n.res_partner_id == self.partner_a)
        self.assertEqual(emailed.notification_type, "email", "the customer's email goes out")
        told = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.worker.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("mail_message_id.model", "=", appointment._name),
                ("mail_message_id.res_id", "=", appointment.id),
            ]
        )
        self.assertEqual(len(told), 1, "the worker hears of it in their inbox, once")

    def test_cancel_without_csrf_refused(self):
        """Without the CSRF token: 400 and nothing changes."""
        appointment = self.make_appointment(self.far)
        self.login(self.customer_a)
        self.assertEqual(
            self.post(self.url(appointment, "/cancel"), {"reason": "x"}, csrf=False).status_code, 400
        )
        self.assertUnchanged(appointment)

    def test_cancel_review_window_then_reviewer_approves(self):
        """In the review window the cancellation waits; the reviewer's approval applies it and emails."""
        appointment = self.make_appointment(self.near)
        self.login(self.customer_a)
        response = self.post(self.url(appointment, "/cancel"), {"reason": "Ill"})
        self.assertEqual(response.status_code, 303)
        request = appointment.booking_request_ids
        self.assertRecordValues(request, [{"state": "pending", "user_id": self.organizer.id}])
        self.assertEqual(appointment.booking_pending_request_id, request)
        self.assertEqual(appointment.state, "confirmed")
        request.with_user(self.reviewer).action_approve()
        self.assertRecordValues(request, [{"state": "approved", "decided_by_id": self.reviewer.id}])
        self.assertEqual(appointment.state, "cancelled")
        self.assertFalse(appointment.booking_pending_request_id)

    def test_reviewer_approves_a_change(self):
        """A change POST goes to review (the reviewer's rule); approved, the appointment moves and the
        customer gets the approval email."""
        self.company.booking_change_auto_approve = "never"
        appointment = self.make_appointment(self.far)
        new_start = self.at(24 * 9)
        self.login(self.customer_a)
        response = self.post(
            self.url(appointment, "/change"),
            {
                "requested_start": self.local_input(new_start),
                "requested_duration": "1",
                "requested_note": "Later",
            },
        )
        self.assertEqual(response.status_code, 303)
        request = appointment.booking_request_ids
        self.assertRecordValues(
            request, [{"request_type": "change", "state": "pending", "requested_start": new_start}]
        )
        request.with_user(self.reviewer).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertRecordValues(
            appointment, [{"start": new_start, "stop": new_start + timedelta(hours=1), "state": "confirmed"}]
        )
        approved = self.env.ref("booking_change_request.mail_template_request_approved")
        subject = approved._render_field("subject", request.ids)[request.id]
        mails = self.emails_to(self.partner_a, request)
        self.assertIn(subject, mails.mapped("subject"), "the customer's approval email goes out")

    def test_worker_reads_its_requests(self):
        """A worker reads the requests of the appointments they work on (the kind's record rule)."""
        appointment = self.make_appointment(self.near)
        request = self.cancel(appointment)
        self.assertEqual(self.env["booking.change.request"].with_user(self.worker).search([]), request)

    def test_freed_time_offered_on_the_move_up_list(self):
        """Its cancellation offers the freed time to a customer waiting with the same worker."""
        self.company.write({"booking_waitlist": True, "booking_waitlist_offers": 3})
        alice = self.make_appointment(self.far)
        bob = self.make_appointment(self.at(24 * 9), partner=self.partner_b)
        wish = bob._booking_waitlist_join(self.partner_b, self.at(1), bob.start, "portal")
        self.assertEqual(wish._booking(), bob)
        self.cancel(alice)
        self.assertRecordValues(wish.offer_ids, [{"start": alice.start, "stop": alice.stop, "state": "open"}])

    def test_reviewer_views_name_it(self):
        """A reviewer's request form and search name the appointment; its form has the requests' button."""
        Request = self.env["booking.change.request"].with_user(self.reviewer)
        self.assertIn('name="appointment_id"', Request.get_view(view_type="form")["arch"])
        self.assertIn('name="appointment_id"', Request.get_view(view_type="search")["arch"])
        Appointment = self.env["booking.test.appointment"].with_user(self.reviewer)
        form = Appointment.get_view(view_type="form")["arch"]
        self.assertIn("booking_request_count", form)
        self.assertIn("action_booking_cancel", form)
