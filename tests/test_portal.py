from datetime import datetime, timedelta

import pytz

from odoo.addons.booking_change_request.controllers.portal_visitor import LINK_POSTS
from odoo.http import Request
from odoo.tests import HttpCase, tagged

from .common import BookingCase


class BookingHttpCase(HttpCase, BookingCase):
    """Portal tests run on real time: bookings are placed relative to now."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.booking_fee_rule_ids = [(5, 0, 0)]
        cls.far = cls.at(hours=24 * 6)  # free window
        cls.near = cls.at(hours=30)  # review window

    def setUp(self):
        super().setUp()
        LINK_POSTS.clear()  # every request of the tests comes from one address

    @staticmethod
    def at(hours):
        return (datetime.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)

    def login(self, user):
        self.authenticate(user.login, user.login)

    def logout(self):
        self.authenticate(None, None)

    def csrf(self):
        return Request.csrf_token(self)

    def post(self, url, data=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf()
        return self.url_open(url, data=data, allow_redirects=False)

    def url(self, booking, suffix=""):
        return f"/my/bookings/{booking._booking_kind}/{booking.id}{suffix}"

    def link_query(self, booking, partner):
        """'?access_token=…&pid=…&hash=…' as in the emails ``partner`` gets."""
        return "?" + "&".join(f"{key}={value}" for key, value in self.link_params(booking, partner).items())

    def local_input(self, value, tz="Europe/Brussels"):
        return pytz.utc.localize(value).astimezone(pytz.timezone(tz)).strftime("%Y-%m-%dT%H:%M")

    def assertUnchanged(self, booking, requests_before=0):
        booking.invalidate_recordset()
        self.assertEqual(len(booking.booking_request_ids), requests_before)
        self.assertFalse(booking._booking_is_cancelled())


@tagged("post_install", "-at_install")
class TestPortalPages(BookingHttpCase):
    """The list and booking pages, for customers and token holders."""

    def test_list_shows_own_bookings_upcoming_first(self):
        """The customer sees their visits and orders, upcoming first, never another's."""
        past = self.make_visit(self.at(-48))
        soon, later = self.make_visit(self.near), self.make_order(self.far)
        cancelled = self.make_visit(self.far)
        self.cancel(cancelled)
        others = self.make_visit(self.far, partner=self.partner_b)
        self.login(self.customer_a)
        page = self.url_open("/my/bookings")
        self.assertEqual(page.status_code, 200)
        html = page.text
        positions = [
            html.index(f'data-booking="{self.url(b).split("/")[3]}-{b.id}"') for b in (soon, later, past)
        ]
        self.assertEqual(positions, sorted(positions), "upcoming first (soonest first), then past")
        self.assertNotIn(f'data-booking="visit-{others.id}"', html)
        self.assertIn("Cancelled", html)
        cancelled_page = self.url_open("/my/bookings?filterby=cancelled").text
        self.assertIn(f'data-booking="visit-{cancelled.id}"', cancelled_page)
        self.assertNotIn(f'data-booking="visit-{soon.id}"', cancelled_page)

    def test_pending_banner_and_summary(self):
        """A pending request shows as a banner on its booking and in the summary on top."""
        visit = self.make_visit(self.near)
        request = self.cancel(visit)
        self.login(self.customer_a)
        html = self.url_open("/my/bookings").text
        self.assertIn("o_booking_pending_summary", html)
        self.assertIn(request.name, html)
        self.assertIn("o_booking_pending", html)

    def test_home_counter(self):
        """/my shows a Bookings entry with the count of upcoming bookings."""
        self.make_visit(self.far)
        self.make_order(self.far)
        self.make_visit(self.far, partner=self.partner_b)
        self.login(self.customer_a)
        self.assertIn("/my/bookings", self.url_open("/my").text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["booking_count"]})
        self.assertEqual(counters["booking_count"], 2)

    def test_booking_page_for_customer(self):
        """The customer's own booking page shows details, worker and the dialog."""
        for booking in (self.make_visit(self.far), self.make_order(self.far)):
            self.login(self.customer_a)
            page = self.url_open(self.url(booking))
            self.assertEqual(page.status_code, 200)
            self.assertIn("Wendy Worker", page.text)
            self.assertIn("o_booking_cancel_form", page.text)
            self.assertIn("o_booking_change_form", page.text)

    def test_refusals_on_get(self):
        """Unknown, another's, huge ids, unknown kinds: 404 alike (ids tell nothing), never 500."""
        other = self.make_visit(self.far, partner=self.partner_b)
        self.login(self.customer_a)
        for url in (
            self.url(other),
            "/my/bookings/visit/999999",
            "/my/bookings/visit/99999999999999999999",
            "/my/bookings/order/0",
            "/my/bookings/boat/1",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)

    def test_token_holder(self):
        """A link opens that one booking without login; forged or foreign ones do not, alike."""
        visit, order = self.make_visit(self.far), self.make_order(self.far)
        other = self.make_visit(self.far, partner=self.partner_b)
        self.logout()
        for booking in (visit, order):
            query = self.link_query(booking, self.partner_a)
            page = self.url_open(self.url(booking, query))
            self.assertEqual(page.status_code, 200)
            self.assertIn("o_booking_cancel_form", page.text)
            self.assertEqual(self.url_open(self.url(booking, "?access_token=forged")).status_code, 404)
            self.assertEqual(self.url_open(self.url(other, query)).status_code, 404)
        self.assertEqual(self.url_open(self.url(visit)).status_code, 404, "no token, no login")

    def test_email_link_get_changes_nothing(self):
        """Mail scanners follow links: a GET with ?action=cancel changes nothing."""
        for booking in (self.make_visit(self.far), self.make_order(self.far)):
            query = self.link_query(booking, self.partner_a)
            booking.flush_recordset()
            write_date = booking.write_date
            self.logout()
            for action in ("cancel", "change", "rebook"):
                page = self.url_open(self.url(booking, f"{query}&action={action}"))
                self.assertEqual(page.status_code, 200)
            booking.invalidate_recordset()
            self.assertEqual(booking.write_date, write_date)
            self.assertUnchanged(booking)
            # book again is not offered for a booking that is on: the page says why, no form opens
            self.assertIn("o_booking_action_closed", page.text)
            self.assertIn("Only a cancelled booking can be booked again.", page.text)
            self.assertNotIn('data-booking-action="rebook"', page.text)

    def test_started_or_cancelled_booking_link(self):
        """A link of a started booking says so; of one the customer cancelled, offers Book again."""
        started = self.make_visit(self.at(-1))
        cancelled = self.make_order(self.far)
        self.cancel(cancelled)
        self.logout()
        page = self.url_open(self.url(started, self.link_query(started, self.partner_a) + "&action=cancel"))
        self.assertIn("has started", page.text)
        self.assertNotIn("o_booking_cancel_form", page.text)
        page = self.url_open(
            self.url(cancelled, self.link_query(cancelled, self.partner_a) + "&action=cancel")
        )
        self.assertIn("o_booking_book_again", page.text)
        self.assertIn("o_booking_rebook_form", page.text)

    def test_contact_links_on_a_closed_booking(self):
        """Whom to contact is a phone number and an address a phone can use."""
        started = self.make_visit(self.at(-1))
        self.login(self.customer_a)
        page = self.url_open(self.url(started)).text
        self.assertIn('href="tel:+15550100"', page)
        self.assertIn('href="mailto:bookings@example.com"', page)


@tagged("post_install", "-at_install")
class TestPortalPosts(BookingHttpCase):
    """Every POST: 303 on success, the page with a 4xx and no change on refusal."""

    def test_cancel_as_customer(self):
        """A logged-in customer cancels: 303 back with a message; channel portal, origin kept."""
        for booking in (self.make_visit(self.far), self.make_order(self.far)):
            self.login(self.customer_a)
            response = self.post(
                self.url(booking, "/cancel"), {"reason_id": self.reason.id, "reason": "Away"}
            )
            self.assertEqual(response.status_code, 303)
            self.assertTrue(
                response.headers["Location"].endswith(self.url(booking, "?message=cancel_approved"))
            )
            request = booking.booking_request_ids
            self.assertRecordValues(
                request,
                [{"channel": "portal", "state": "approved", "reason": "Away", "reason_id": self.reason.id}],
            )
            self.assertEqual(request.requester_ip, "127.0.0.1")
            emailed = request.message_ids.notification_ids.filtered(
                lambda n: n.res_partner_id == self.partner_a
            )
            self.assertEqual(
                emailed.notification_type, "email", "the customer hears of it, though they asked"
            )
            self.assertTrue(request.requester_user_agent)
            self.assertIn("Your booking is cancelled.", self.url_open(response.headers["Location"]).text)

    def test_cancel_with_link(self):
        """A link holder cancels without login: channel email, the link's recipient asks."""
        order = self.make_order(self.far)
        params = self.link_params(order, self.partner_a)
        self.logout()
        response = self.post(self.url(order, "/cancel"), params)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"access_token={params['access_token']}", response.headers["Location"])
        self.assertIn(f"hash={params['hash']}", response.headers["Location"])
        self.assertRecordValues(
            order.booking_request_ids, [{"channel": "email", "partner_id": self.partner_a.id}]
        )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)

    def test_missing_csrf(self):
        """Without the CSRF token: 400 and nothing changes."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        for suffix in ("/cancel", "/change"):
            response = self.post(self.url(visit, suffix), {"requested_note": "x"}, csrf=False)
            self.assertEqual(response.status_code, 400)
        self.assertUnchanged(visit)

    def test_policy_refusal(self):
        """Inside the cutoff: the page again with the reason, 409, nothing changes."""
        visit = self.make_visit(self.at(10))
        self.login(self.customer_a)
        response = self.post(self.url(visit, "/cancel"))
        self.assertEqual(response.status_code, 409)
        self.assertIn("Online changes close 24 hours before the start", response.text)
        self.assertUnchanged(visit)

    def test_another_customers_booking(self):
        """Another customer's booking: 404 whatever the route, logged in or with one's own link."""
        mine = self.make_visit(self.far)
        other = self.make_visit(self.far, partner=self.partner_b)
        for logged_in in (True, False):
            if logged_in:
                self.login(self.customer_a)
            else:
                self.logout()
            for suffix in ("/cancel", "/change", "/rebook"):
                data = {
                    **self.link_params(mine, self.partner_a),
                    "requested_start": self.local_input(self.far),
                }
                self.assertEqual(self.post(self.url(other, suffix), data).status_code, 404)
        self.assertUnchanged(other)

    def test_malformed_input(self):
        """Malformed dates, numbers and ids: 400, never 500, nothing changes."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        good_start = self.local_input(self.at(24 * 8))
        cases = [
            {"requested_start": "tomorrow"},
            {"requested_start": "2026-02-30T10:00"},
            {"requested_start": "99999-01-01T10:00"},
            {"requested_start": good_start, "requested_duration": "abc"},
            {"requested_start": good_start, "requested_duration": "-1"},
            {"requested_start": good_start, "requested_duration": "nan"},
            {"requested_start": good_start, "requested_duration": "1e999"},
            {"requested_start": good_start, "requested_duration": "336.5"},
            {"requested_start": good_start, "requested_product_id": "x"},
            {"requested_start": good_start, "requested_product_id": "99999999999999999999"},
            {"requested_start": good_start, "requested_note": "x" * 5000},
            {"requested_duration": "2"},
            {"requested_date": "2026-13-01", "time_block_id": "1"},
        ]
        for data in cases:
            with self.subTest(data=data):
                self.assertEqual(self.post(self.url(visit, "/change"), data).status_code, 400)
        for data in (
            {"reason_id": "abc"},
            {"reason_id": "-4"},
            {"reason_id": "424242"},
            {"reason": "y" * 3000},
        ):
            with self.subTest(data=data):
                self.assertEqual(self.post(self.url(visit, "/cancel"), data).status_code, 400)
        self.assertUnchanged(visit)

    def test_change_in_the_past_and_unknown_service(self):
        """A past time: 409 with the reason; a service not offered: 400."""
        order = self.make_order(self.far)
        self.login(self.customer_a)
        response = self.post(self.url(order, "/change"), {"requested_start": self.local_input(self.at(-5))})
        self.assertEqual(response.status_code, 409)
        self.assertIn("too close or already past", response.text)
        fee = self.env.ref("booking_change_request.product_booking_fee")
        response = self.post(self.url(order, "/change"), {"requested_product_id": fee.id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("services we offer", response.text)
        self.assertUnchanged(order)

    def test_error_shown_in_the_dialog_with_what_was_typed(self):
        """A refused change reopens the dialog with the error inside it and the values typed."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        typed = {
            "requested_start": self.local_input(self.at(24 * 8)),
            "requested_duration": "400",
            "requested_note": "Gate code 1234",
        }
        response = self.post(self.url(visit, "/change"), typed)
        self.assertEqual(response.status_code, 400)
        self.assertIn('data-booking-action="change"', response.text)
        self.assertIn("Gate code 1234</textarea>", response.text)
        self.assertIn(f'value="{typed["requested_start"]}"', response.text)
        dialog = response.text[response.text.index('id="booking_tab_change"') :]
        self.assertIn("o_booking_error", dialog[: dialog.index("</form>")])

    def test_change_in_customer_time_zone(self):
        """The new time is read in the customer's time zone and stored in UTC."""
        visit = self.make_visit(self.far, workers=self.worker_2)
        self.login(self.customer_a)
        start = self.at(24 * 9)  # naive UTC, posted as Brussels wall-clock time
        response = self.post(
            self.url(visit, "/change"),
            {
                "requested_start": self.local_input(start),
                "requested_duration": "1",
                "requested_note": "Later",
            },
        )
        self.assertEqual(response.status_code, 303)
        request = visit.booking_request_ids
        self.assertRecordValues(
            request,
            [{"requested_start": start, "requested_stop": start + timedelta(hours=1), "state": "approved"}],
        )
        self.assertEqual(visit.start, start)

    def test_double_submit(self):
        """The same cancel form posted twice: one request, the second refused."""
        visit = self.make_visit(self.near)
        self.login(self.customer_a)
        first = self.post(self.url(visit, "/cancel"))
        second = self.post(self.url(visit, "/cancel"))
        self.assertEqual((first.status_code, second.status_code), (303, 409))
        self.assertEqual(len(visit.booking_request_ids), 1)

    def test_replayed_link_post(self):
        """A link's POST replayed after the cancellation changes nothing more."""
        order = self.make_order(self.far)
        data = {**self.link_params(order, self.partner_a), "reason": "replay"}
        self.logout()
        self.assertEqual(self.post(self.url(order, "/cancel"), data).status_code, 303)
        self.assertEqual(self.post(self.url(order, "/cancel"), data).status_code, 409)
        self.assertEqual(len(order.booking_request_ids), 1)
        self.assertEqual(len(order.booking_request_ids.fee_invoice_id), 0)

    def test_rebook(self):
        """After a cancellation the customer books again; before one, it is refused."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        new_start = self.local_input(self.at(24 * 10))
        self.assertEqual(
            self.post(self.url(visit, "/rebook"), {"requested_start": new_start}).status_code, 409
        )
        self.post(self.url(visit, "/cancel"))
        response = self.post(
            self.url(visit, "/rebook"), {"requested_start": new_start, "requested_duration": "1"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=rebook_", response.headers["Location"])
        self.assertEqual(visit.booking_request_ids.sorted("id")[-1].request_type, "rebook")
        self.assertEqual(self.post(self.url(visit, "/rebook"), {}).status_code, 400, "no time given")

    def test_withdraw(self):
        """The customer withdraws their pending request; another's (404) or a replay is refused."""
        mine = self.cancel(self.make_visit(self.near))
        theirs = self.cancel(self.make_visit(self.near, partner=self.partner_b), partner=self.partner_b)
        self.login(self.customer_a)
        self.assertEqual(self.post(f"/my/booking-requests/{theirs.id}/withdraw").status_code, 404)
        response = self.post(f"/my/booking-requests/{mine.id}/withdraw")
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=withdrawn", response.headers["Location"])
        self.assertEqual((mine.state, theirs.state), ("withdrawn", "pending"))
        self.assertEqual(self.post(f"/my/booking-requests/{mine.id}/withdraw").status_code, 409)
        self.assertEqual(self.post("/my/booking-requests/99999999999/withdraw").status_code, 404)

    def test_bulk_cancel(self):
        """Bulk: each booking through its own decision, a result per booking (fees named), others refused."""
        self.company.booking_fee_rule_ids = [
            (0, 0, {"hours_before": 48.0, "fee_type": "fixed", "amount": 9.0})
        ]
        free, review = self.make_visit(self.far), self.make_order(self.near)
        closed = self.make_visit(self.at(3))
        other = self.make_visit(self.far, partner=self.partner_b)
        self.company.booking_cancel_auto_approve = "always"
        late = self.make_visit(self.at(30), workers=self.worker_2)
        self.login(self.customer_a)
        listing = self.url_open("/my/bookings").text
        self.assertIn("Cancelling now: a fee of", listing)
        self.assertIn("9.00", listing[listing.index("Cancelling now") :][:200])
        keys = [
            f"visit-{free.id}",
            f"order-{review.id}",
            f"visit-{closed.id}",
            f"visit-{late.id}",
            f"visit-{other.id}",
            "boat-1",
        ]
        response = self.url_open(
            "/my/bookings/cancel",
            data=[("csrf_token", self.csrf()), ("reason", "Moving")] + [("booking", key) for key in keys],
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(free.booking_cancelled)
        self.assertEqual(review.booking_request_ids.state, "approved")
        self.assertTrue(late.booking_cancelled)
        self.assertUnchanged(closed)
        self.assertUnchanged(other)
        html = self.url_open(response.headers["Location"]).text
        self.assertIn("Your booking is cancelled.", html)
        self.assertIn("A late-cancellation fee of", html)
        self.assertIn("Online changes close", html)
        self.assertEqual(html.count("This booking is not one of yours."), 2)
        self.assertNotIn(
            "o_booking_bulk_results", self.url_open(response.headers["Location"]).text, "shown once"
        )
