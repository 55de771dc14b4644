from datetime import datetime, time, timedelta

from odoo import Command
from odoo.tests import tagged

from .test_portal import BookingHttpCase

CUSTOMER_EMAIL = "booking_change_request.mt_customer_email"


@tagged("post_install", "-at_install")
class TestBackendTours(BookingHttpCase):
    """The reviewer's and the responsible's actions, walked in the web client in Chromium at 1280 px."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.booking_change_auto_approve = "never"
        cls.day = (datetime.now() + timedelta(days=8)).date()

    def at_day(self, hour, minute=0, day=None):
        """Naive UTC on the test day (the test browser shows times in UTC, as this machine runs)."""
        return datetime.combine(day or self.day, time(hour, minute))

    def form(self, record, action):
        return f"/odoo/action-{action}/{record.id}"

    def request_form(self, request):
        return self.form(request, "booking_change_request.booking_change_request_action")

    def reviewer_tour(self, url, tour):
        self.start_tour(url, tour, login=self.reviewer.login)

    def customer_email(self, request):
        """The last email the customer got about the request."""
        subtype = self.env.ref(CUSTOMER_EMAIL)
        messages = request.message_ids.filtered(
            lambda m: m.subtype_id == subtype and request.partner_id in m.partner_ids
        )
        self.assertTrue(messages, "the customer is emailed")
        return messages.sorted("id")[-1]

    def customer_emails_saying(self, request, text):
        subtype = self.env.ref(CUSTOMER_EMAIL)
        return len(request.message_ids.filtered(lambda m: m.subtype_id == subtype and text in m.body))

    def pending_change(self, name, start=None, **values):
        visit = self.make_visit(self.at_day(10), workers=self.worker_2, name=name)
        return self.change(visit, start or self.at_day(12), **values)

    # ------------------------------------------------------------------
    # A request's form
    # ------------------------------------------------------------------

    def test_approve(self):
        """Approve from the form: the visit moves and the customer is told."""
        request = self.pending_change("Walk for Ann")
        self.reviewer_tour(self.request_form(request), "booking_backend_approve")
        self.assertRecordValues(request, [{"state": "approved", "decided_by_id": self.reviewer.id}])
        self.assertEqual(request.event_id.start, self.at_day(12))
        self.assertIn("your change is approved", self.customer_email(request).subject)

    def test_approve_with_busy_workers(self):
        """The form shows the worker's other visit; Approve asks to confirm, then approves."""
        request = self.pending_change("Walk for Ann")
        self.make_visit(self.at_day(12), partner=self.partner_b, workers=self.worker_2, name="Walk for Zoe")
        self.reviewer_tour(self.request_form(request), "booking_backend_approve_busy")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.event_id.start, self.at_day(12))
        self.assertIn("your change is approved", self.customer_email(request).subject)

    def test_deny_with_an_edited_email(self):
        """Deny opens its dialog (it once failed on screen); the customer gets the email as edited."""
        request = self.pending_change("Walk for Ann")
        self.reviewer_tour(self.request_form(request), "booking_backend_deny_edited")
        self.assertRecordValues(
            request, [{"state": "denied", "decision_note": "Nobody is free that day, sorry."}]
        )
        self.assertEqual(request.event_id.start, self.at_day(10), "the visit stays as it is")
        email = self.customer_email(request)
        self.assertEqual(email.subject, "Your change: not this time")
        self.assertIn("Dear Alice, we are so sorry.", email.body)
        self.assertIn("Nobody is free that day, sorry.", email.body)
        self.assertEqual(self.customer_emails_saying(request, "Nobody is free"), 1, "one email")

    def test_approve_a_time_block_at_a_time(self):
        """A morning asked for; the reviewer approves it at 9:30."""
        block = self.env["booking.time.block"].create({"name": "Morning", "hour_from": 8, "hour_to": 12})
        self.organizer.tz = "UTC"
        visit = self.make_visit(self.at_day(14), workers=self.worker_2, name="Walk for Ann")
        request = visit._booking_request_change(
            self.partner_a,
            {
                "requested_start": self.at_day(8),
                "requested_stop": self.at_day(12),
                "requested_time_block_id": block.id,
            },
            "portal",
        )
        self.reviewer_tour(self.request_form(request), "booking_backend_time_block")
        self.assertEqual(request.state, "approved")
        self.assertEqual(visit.start, self.at_day(9, 30))
        self.assertIn("your change is approved", self.customer_email(request).subject)

    def test_propose_times_for_a_service_change(self):
        """A service-only request: the dialog says what was asked; the customer gets the proposal."""
        visit = self.make_visit(self.at_day(10), workers=self.worker_2, name="Walk for Ann")
        request = visit._booking_request_change(
            self.partner_a,
            {"requested_product_id": self.grooming.id, "requested_note": "with his brother"},
            "portal",
        )
        self.reviewer_tour(self.request_form(request), "booking_backend_propose")
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.proposal_ids.mapped("start"), [self.at_day(15)])
        email = self.customer_email(request)
        self.assertIn("Other times for", email.subject)

    # ------------------------------------------------------------------
    # The list: bulk approve, bulk deny
    # ------------------------------------------------------------------

    def three_pending(self):
        names = ("Walk for Ann", "Walk for Ben", "Walk for Cy")
        return [self.pending_change(name, self.at_day(12 + i)) for i, name in enumerate(names)]

    def list_url(self):
        return "/odoo/action-booking_change_request.booking_change_request_action_booking"

    def test_bulk_approve(self):
        """Two selected, Actions → Approve: both approved and emailed, the third untouched."""
        ann, ben, cy = self.three_pending()
        self.reviewer_tour(self.list_url(), "booking_backend_bulk_approve")
        self.assertEqual([r.state for r in (ann, ben, cy)], ["approved", "approved", "pending"])
        for request in (ann, ben):
            self.assertIn("your change is approved", self.customer_email(request).subject)

    def test_bulk_deny(self):
        """Two selected, Actions → Deny: one note, each customer emailed about their own request."""
        ann, ben, cy = self.three_pending()
        self.reviewer_tour(self.list_url(), "booking_backend_bulk_deny")
        self.assertEqual([r.state for r in (ann, ben, cy)], ["denied", "denied", "pending"])
        for request in (ann, ben):
            email = self.customer_email(request)
            self.assertIn(request.name, email.subject)
            self.assertIn("The park is closed that week.", email.body)

    # ------------------------------------------------------------------
    # Cancel booking, with an edited fee
    # ------------------------------------------------------------------

    def test_cancel_a_visit_with_an_edited_fee(self):
        """Cancel this visit: the fee edited to 12.50, invoiced, and the customer's email says it."""
        visit = self.make_visit(self.at_day(10), name="Walk for Ann")
        self.reviewer_tour(self.form(visit, "calendar.action_calendar_event"), "booking_backend_cancel_visit")
        request = visit.booking_request_ids
        self.assertTrue(visit.booking_cancelled)
        self.assertRecordValues(request, [{"state": "approved", "channel": "backend", "fee_amount": 12.5}])
        self.assertEqual(request.fee_invoice_id.amount_untaxed, 12.5)
        email = self.customer_email(request)
        self.assertIn("is cancelled", email.subject)
        self.assertIn("12.50", email.body)

    def test_cancel_an_order_with_an_edited_fee_and_email(self):
        """Cancel booking on an order: the edited fee and the edited email, as edited."""
        order = self.make_order(self.at_day(10))
        self.reviewer_tour(self.form(order, "sale.action_orders"), "booking_backend_cancel_order")
        request = order.booking_request_ids
        self.assertEqual(order.state, "cancel")
        self.assertRecordValues(request, [{"state": "approved", "fee_amount": 12.5}])
        email = self.customer_email(request)
        self.assertIn("Dear Alice, the groomer is ill.", email.body)
        self.assertIn("12.50", email.body)
        self.assertEqual(self.customer_emails_saying(request, "12.50"), 1, "one email")

    # ------------------------------------------------------------------
    # A staff move onto a busy worker
    # ------------------------------------------------------------------

    def busy_worker(self):
        """Walk for Zoe at 16:00: the worker's other visit."""
        return self.make_visit(
            self.at_day(16), partner=self.partner_b, workers=self.worker, name="Walk for Zoe"
        )

    def test_move_a_visit_onto_a_busy_worker(self):
        """The responsible moves a visit onto the worker's other visit: asked, confirmed, moved once."""
        self.busy_worker()
        visit = self.make_visit(self.at_day(10), name="Walk for Ann")
        self.start_tour(
            self.form(visit, "calendar.action_calendar_event"),
            "booking_backend_move_visit_onto_busy_worker",
            login=self.organizer.login,
        )
        self.assertEqual(visit.start, self.at_day(16))
        self.assertRecordValues(
            visit.booking_request_ids, [{"request_type": "change", "state": "approved", "channel": "backend"}]
        )

    def test_move_an_order_onto_a_busy_worker(self):
        """The salesperson moves an order's delivery onto the worker's other visit: asked, confirmed."""
        self.busy_worker()
        order = self.make_order(self.at_day(10))
        self.start_tour(
            self.form(order, "sale.action_orders"),
            "booking_backend_move_order_onto_busy_worker",
            login=self.organizer.login,
        )
        self.assertEqual(order.commitment_date, self.at_day(16))
        self.assertRecordValues(order.booking_request_ids, [{"request_type": "change", "state": "approved"}])

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    def test_settings_toggles_hide_what_they_govern(self):
        """Self-service off: what it governs is hidden, and customers are told whom to contact."""
        self.env["res.users"].browse(2).write({"company_ids": [Command.link(self.company.id)]})
        self.start_tour(
            "/odoo/action-booking_change_request.booking_settings_action",
            "booking_backend_settings",
            login="admin",
        )
        self.assertFalse(self.company.booking_portal_cancel)
        self.assertFalse(self.company.booking_portal_change)
        visit = self.make_visit(self.far)
        decision = visit._booking_decision("cancel")
        self.assertTrue(decision.closed)
        self.assertIn("Online cancellation is not offered", decision.message)
