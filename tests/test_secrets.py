"""Secrets stay with their owner: the probe's findings, each reproduced as it was found."""

from datetime import timedelta

from odoo import Command
from odoo.addons.booking_change_request.controllers.portal_visitor import LINK_POSTS
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_portal import BookingHttpCase

PRIVATE_WORDS = "PRIVATE: my hearing appointment"


@tagged("post_install", "-at_install")
class TestSecrets(BookingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, "plain_employee", name="Paul Plain")
        cls.customer_c = new_test_user(
            cls.env, "customer_c", groups="base.group_portal", name="Cora Co", email="cora@example.com"
        )
        cls.partner_c = cls.customer_c.partner_id
        cls.partner_c.tz = "Europe/Paris"

    def tokens_of(self, *bookings):
        """Every token a customer's link carries: the bookings' own and Odoo's order tokens."""
        tokens = {booking.sudo().booking_access_token for booking in bookings}
        tokens |= {booking.sudo().access_token for booking in bookings if booking._name == "sale.order"}
        return {token for token in tokens if token}

    # ------------------------------------------------------------------
    # Links only in the recipient's email
    # ------------------------------------------------------------------

    def test_no_token_in_any_message_a_worker_or_employee_reads(self):
        """The worker and a plain employee search every message they can read: no customer token."""
        bookings = [self.make_visit(self.far), self.make_order(self.far), self.make_visit(self.near)]
        self.cancel(bookings[0], reason=PRIVATE_WORDS)  # approved at once: approval email, Undo link
        self.change(bookings[1], self.at(24 * 9), requested_note="later please")  # received email
        pending = self.change(bookings[2], self.at(24 * 9), requested_note="x")
        pending.with_user(self.reviewer).action_propose([(self.at(24 * 10), self.at(24 * 10 + 1))])
        tokens = self.tokens_of(*bookings)
        self.assertTrue(tokens, "the emails made the tokens they carry")
        emails = self.emails_to(self.partner_a)
        self.assertTrue(any(token in (mail.body_html or "") for mail in emails for token in tokens))
        for user in (self.worker, self.employee):
            messages = self.env["mail.message"].with_user(user).search([])
            self.assertTrue(messages or user == self.employee)
            bodies = " ".join(messages.mapped(lambda m: str(m.body)))
            for token in tokens:
                self.assertNotIn(token, bodies, user.name)
            self.assertNotIn("hash=", bodies, user.name)

    def test_reviewer_of_another_company_gets_no_link(self):
        """The method that handed out signed links is gone; no field of a request holds one."""
        _company, other_reviewer = self.make_other_company()
        request = self.cancel(self.make_visit(self.near))
        self.assertFalse(hasattr(request, "customer_portal_url"))
        self.assertNotIn("booking_portal_url", request._fields)
        with self.assertRaises(AccessError):
            request.with_user(other_reviewer).read(["name"])
        values = request.with_user(self.reviewer).read()[0]
        token = request.event_id.sudo().booking_access_token
        self.assertTrue(token)
        self.assertNotIn(token, str(values))

    # ------------------------------------------------------------------
    # Acting needs a signature
    # ------------------------------------------------------------------

    def test_odoo_order_token_shows_but_never_acts(self):
        """Odoo's own order token (quotation email, Preview) opens the page; it cancels nothing."""
        order = self.make_order(self.far)
        odoo_token = order.sudo()._portal_ensure_token()
        self.logout()
        page = self.url_open(self.url(order, f"?access_token={odoo_token}"))
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_booking_view_only", page.text)
        for pid_hash in ({}, {"pid": self.partner_a.id, "hash": order._sign_token(self.partner_a.id)}):
            response = self.post(self.url(order, "/cancel"), {"access_token": odoo_token, **pid_hash})
            self.assertEqual(response.status_code, 403, pid_hash)
        self.assertUnchanged(order)
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.partner_a.id)]))

    def test_odoo_order_token_never_rotated(self):
        """A new customer changes the booking's token, never Odoo's (its quotation and payment links)."""
        order = self.make_order(self.far)
        odoo_token = order.sudo()._portal_ensure_token()
        ours = self.link_params(order, self.partner_a)["access_token"]
        order.partner_id = self.partner_b
        self.assertEqual(order.sudo().access_token, odoo_token)
        self.assertNotEqual(order.sudo().booking_access_token, ours)

    # ------------------------------------------------------------------
    # The engine's fields belong to the engine
    # ------------------------------------------------------------------

    def test_plain_employee_cannot_write_engine_fields(self):
        """Cancelled flag, pending request, workers, token: the engine's or a reviewer's to write."""
        visit = self.make_visit(self.near)
        order = self.make_order(self.far)
        pending = self.change(visit, self.at(24 * 9), requested_note="x")
        self.assertEqual(pending.state, "pending")
        for booking, values in (
            (visit, {"booking_cancelled": True}),
            (visit, {"booking_pending_request_id": False}),
            (visit, {"booking_worker_ids": [Command.link(self.employee.id)]}),
            (order, {"booking_worker_ids": [Command.link(self.employee.id)]}),
            (visit, {"booking_access_token": "mine"}),
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                booking.with_user(self.employee).write(values)
        with self.assertRaises(AccessError):
            self.env["calendar.event"].with_user(self.employee).create(
                {
                    "name": "Mine",
                    "start": self.far,
                    "stop": self.far + timedelta(hours=1),
                    "booking_worker_ids": [Command.set(self.employee.ids)],
                }
            )
        visit.invalidate_recordset()
        self.assertEqual(visit.booking_pending_request_id, pending)
        self.assertFalse(visit.booking_cancelled)
        self.assertNotIn(self.employee, visit.booking_worker_ids | order.booking_worker_ids)
        visit.with_user(self.reviewer).booking_worker_ids = [Command.link(self.worker_2.id)]
        self.assertIn(self.worker_2, visit.booking_worker_ids)

    def test_only_responsible_or_reviewer_moves_or_archives(self):
        """A plain employee moving or archiving a booked visit is refused: no request, no email."""
        visit = self.make_visit(self.far)
        emails = len(self.emails_to(self.partner_a))
        for values in ({"start": self.at(24 * 8), "stop": self.at(24 * 8 + 1)}, {"active": False}):
            with self.subTest(values=values), self.assertRaises(UserError):
                visit.with_user(self.employee).write(values)
        with self.assertRaises(UserError):
            visit.with_user(self.employee).unlink()
        visit.invalidate_recordset()
        self.assertTrue(visit.active)
        self.assertFalse(visit.booking_request_ids)
        self.assertEqual(len(self.emails_to(self.partner_a)), emails)
        # its responsible (the organizer) may: Odoo's own way, through the engine
        visit.with_user(self.organizer).write({"start": self.at(24 * 8), "stop": self.at(24 * 8 + 1)})
        self.assertEqual(visit.booking_request_ids.state, "approved")

    # ------------------------------------------------------------------
    # Co-customers
    # ------------------------------------------------------------------

    def test_co_customer_sees_no_words_fee_or_buttons_of_another(self):
        """On a shared visit, another attendee's pending request shows as such, and nothing more."""
        visit = self.make_visit(self.near)
        visit.partner_ids = [Command.link(self.partner_c.id)]
        request = self.cancel(visit, reason=PRIVATE_WORDS)
        self.assertEqual(request.state, "pending")
        self.login(self.customer_c)
        page = self.url_open(self.url(visit))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Another attendee's request is pending", page.text)
        self.assertNotIn(PRIVATE_WORDS, page.text)
        self.assertNotIn(request.name, page.text)
        self.assertNotIn("o_booking_withdraw_form", page.text)
        self.assertNotIn("o_booking_history", page.text)
        withdraw = self.post(f"/my/booking-requests/{request.id}/withdraw")
        self.assertEqual(withdraw.status_code, 404)
        refused = self.post(self.url(visit, "/cancel"), {"reason": "me too"})
        self.assertEqual(refused.status_code, 409)
        self.assertIn("Another attendee", refused.text)
        self.assertEqual(request.state, "pending")
        self.login(self.customer_a)  # the request's own customer still sees it all
        page = self.url_open(self.url(visit)).text
        self.assertIn(PRIVATE_WORDS, page)
        self.assertIn("o_booking_withdraw_form", page)

    # ------------------------------------------------------------------
    # Calendar's own routes and messages
    # ------------------------------------------------------------------

    def test_calendar_accept_decline_links_change_nothing_on_a_booked_visit(self):
        """Calendar's Accept and Decline, followed by a mail scanner, lead to the booking's page."""
        visit = self.make_visit(self.far)
        self.link_params(visit, self.partner_a)  # its email was sent: the booking has its token
        attendee = visit.attendee_ids.filtered(lambda a: a.partner_id == self.partner_a)
        state = attendee.state
        self.logout()
        for route in ("meeting/decline", "meeting/accept", "recurrence/decline", "recurrence/accept"):
            with self.subTest(route=route):
                url = f"/calendar/{route}?token={attendee.access_token}&id={visit.id}"
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                location = response.headers["Location"]
                self.assertIn(f"/my/bookings/visit/{visit.id}?", location)
                self.assertIn(f"pid={self.partner_a.id}", location)
                self.assertEqual("action=cancel" in location, "decline" in route)
                attendee.invalidate_recordset()
                self.assertEqual(attendee.state, state)
        self.assertFalse(visit.booking_request_ids)

    def test_plain_meeting_keeps_calendars_decline(self):
        """A meeting that is no booking keeps calendar's own behaviour."""
        meeting = self.env["calendar.event"].create(
            {
                "name": "Coffee",
                "start": self.far,
                "stop": self.far + timedelta(hours=1),
                "partner_ids": [Command.set(self.partner_a.ids)],
            }
        )
        attendee = meeting.attendee_ids
        self.logout()
        self.url_open(f"/calendar/meeting/decline?token={attendee.access_token}&id={meeting.id}")
        attendee.invalidate_recordset()
        self.assertEqual(attendee.state, "declined")

    def test_text_passed_to_message_notify_stays_text(self):
        """Text given to a booked visit's message_notify is escaped, never made live HTML."""
        visit = self.make_visit(self.far)
        message = visit.message_notify(
            body='<a href="https://evil.example">click</a><img src=x>', partner_ids=self.partner_a.ids
        )
        self.assertNotIn("<a href", str(message.body))
        self.assertIn("&lt;a href", str(message.body))

    # ------------------------------------------------------------------
    # Public methods and arguments
    # ------------------------------------------------------------------

    def test_bad_arguments_get_a_clear_error(self):
        """Strings where times are expected: a UserError that says what is wanted."""
        request = self.change(self.make_visit(self.near), self.at(24 * 9), requested_note="x")
        reviewer_request = request.with_user(self.reviewer)
        for times in ("soon", [("tomorrow", "later")], [(1, 2)], None, [[]]):
            with self.subTest(times=times), self.assertRaises(UserError):
                reviewer_request.action_propose(times)
        reviewer_request.action_propose([(str(self.at(24 * 10)), str(self.at(24 * 10 + 1)))])
        self.assertEqual(len(request.proposal_ids), 1, "times as text, as JSON-RPC sends them, are fine")
        for note, notify in ((5, True), (None, "body"), (None, {request.id: "x"})):
            with self.subTest(note=note, notify=notify), self.assertRaises(UserError):
                reviewer_request.action_deny(note=note, notify=notify)
        self.assertEqual(request.state, "pending")
        self.assertEqual(request._format_customer_datetime("not a date"), "")

    def test_proposals_and_fee_tiers_not_for_any_employee(self):
        """A plain employee reads neither other bookings' proposed times nor the fee tiers."""
        request = self.change(self.make_visit(self.near), self.at(24 * 9), requested_note="x")
        request.with_user(self.reviewer).action_propose([(self.at(24 * 10), self.at(24 * 10 + 1))])
        self.company.booking_fee_rule_ids = [Command.create({"hours_before": 24, "amount": 5})]
        self.assertFalse(self.env["booking.change.proposal"].with_user(self.employee).search([]))
        with self.assertRaises(AccessError):
            self.env["booking.cancellation.fee.rule"].with_user(self.employee).search([])
        self.assertEqual(
            self.env["booking.change.proposal"].with_user(self.worker).search([]),
            request.proposal_ids,
            "the booking's own worker reads its proposed times",
        )

    # ------------------------------------------------------------------
    # Limits and headers
    # ------------------------------------------------------------------

    def test_requests_per_booking_and_day_are_capped(self):
        """Change, withdraw, change...: the 11th request of the day is refused with 429; 10 emails."""
        self.company.booking_daily_request_limit = 10
        visit = self.make_visit(self.near)
        self.login(self.customer_a)
        start = self.local_input(self.at(24 * 9))
        for _round in range(10):
            self.assertEqual(
                self.post(self.url(visit, "/change"), {"requested_start": start}).status_code, 303
            )
            visit.invalidate_recordset()
            pending = visit.booking_pending_request_id
            self.assertEqual(self.post(f"/my/booking-requests/{pending.id}/withdraw").status_code, 303)
        refused = self.post(self.url(visit, "/change"), {"requested_start": start})
        self.assertEqual(refused.status_code, 429)
        self.assertIn("in the last 24 hours", refused.text)
        self.assertEqual(len(visit.booking_request_ids), 10)
        self.assertEqual(len(visit.booking_request_ids.activity_ids), 0, "each review ended with its request")

    def test_link_posts_throttled_per_address(self):
        """Past 30 POSTs carrying a link's token from one address, the next gets 429 and a log line."""
        visit = self.make_visit(self.far)
        params = self.link_params(visit, self.partner_a)
        self.logout()
        LINK_POSTS.clear()
        for _attempt in range(30):
            self.post(self.url(visit, "/change"), {**params, "requested_note": "x", "requested_start": "bad"})
        with self.assertLogs(
            "odoo.addons.booking_change_request.controllers.portal_visitor", "WARNING"
        ) as logs:
            response = self.post(self.url(visit, "/cancel"), params)
        self.assertEqual(response.status_code, 429)
        self.assertIn("throttled for 127.0.0.1", logs.output[0])
        self.assertFalse(visit.booking_request_ids)
        # a customer logged in, without a token, is not counted
        self.login(self.customer_a)
        self.assertEqual(self.post(self.url(visit, "/cancel"), {}).status_code, 303)

    def test_wrong_tokens_logged_with_the_address(self):
        """A wrong token or signature is logged at WARNING with where it came from."""
        visit = self.make_visit(self.far)
        params = self.link_params(visit, self.partner_a)
        self.logout()
        with self.assertLogs(
            "odoo.addons.booking_change_request.controllers.portal_visitor", "WARNING"
        ) as logs:
            self.assertEqual(self.url_open(self.url(visit, "?access_token=wrong")).status_code, 404)
            forged = {**params, "hash": "0" * 64}
            self.assertEqual(self.post(self.url(visit, "/cancel"), forged).status_code, 403)
        self.assertIn("wrong token", logs.output[0])
        self.assertIn("127.0.0.1", logs.output[0])
        self.assertIn("wrong signature", logs.output[1])

    def test_portal_pages_cannot_be_framed(self):
        """Every page of the portal says it may be framed by its own site only."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        for url in (
            "/my/bookings",
            "/my/bookings/calendar",
            self.url(visit),
            self.url(visit, "/dialog"),
            "/my/bookings/visit/999999999",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.headers.get("X-Frame-Options"), "SAMEORIGIN")
                self.assertEqual(response.headers.get("Content-Security-Policy"), "frame-ancestors 'self'")
