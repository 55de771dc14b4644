"""What people saw on real paths (issues 'Only the right person' and 'One decision'), each reproduced."""

import json
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..controllers.portal import BookingPortal
from .test_portal import BookingHttpCase


@tagged("post_install", "-at_install")
class TestPortalFindings(BookingHttpCase):
    def test_options_runs_nothing(self):
        """OPTIONS (and GET) on a POST route: 405, nothing changes, even with values in the query string."""
        visit = self.make_visit(self.far)
        request = self.cancel(self.make_visit(self.near))
        self.login(self.customer_a)
        query = self.link_query(visit, self.partner_a) + "&reason=x"
        for method in ("OPTIONS", "GET", "PUT", "DELETE"):
            with self.subTest(method=method):
                response = self.opener.request(
                    method,
                    self.base_url() + self.url(visit, "/cancel" + query),
                    allow_redirects=False,
                    timeout=12,
                )
                self.assertEqual(response.status_code, 405)
                response = self.opener.request(
                    method,
                    self.base_url() + f"/my/booking-requests/{request.id}/withdraw",
                    allow_redirects=False,
                    timeout=12,
                )
                self.assertEqual(response.status_code, 405)
        self.assertUnchanged(visit)
        self.assertEqual(request.state, "pending")

    def test_values_come_from_the_form_only(self):
        """A value in the query string of a POST is ignored: only the form body counts."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        response = self.post(self.url(visit, "/cancel?reason=from+the+query"), {"reason": "from the form"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(visit.booking_request_ids.reason, "from the form")

    def test_customer_without_time_zone(self):
        """A customer who never set a time zone uses the list, the page and the redirect after a POST."""
        nobody = new_test_user(
            self.env, "no_tz", groups="base.group_portal", name="No Zone", email="nz@example.com"
        )
        nobody.partner_id.tz = False
        self.env.company.partner_id.tz = False
        visit = self.make_visit(self.far, partner=nobody.partner_id)
        self.login(nobody)
        self.assertEqual(self.url_open("/my/bookings").status_code, 200)
        self.assertEqual(self.url_open("/my").status_code, 200)
        self.assertEqual(self.url_open(self.url(visit)).status_code, 200)
        response = self.post(self.url(visit, "/cancel"))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)

    def test_each_attendee_acts_for_themself(self):
        """On a visit A and B attend, B's link files B's request, and B is invoiced the fee, not A."""
        self.company.booking_fee_rule_ids = [
            Command.create({"hours_before": 48.0, "fee_type": "fixed", "amount": 9.0})
        ]
        self.company.booking_cancel_auto_approve = "always"
        visit = self.make_visit(self.near)
        visit.partner_ids = [Command.link(self.partner_b.id)]
        params = self.link_params(visit, self.partner_b)
        self.logout()
        response = self.post(self.url(visit, "/cancel"), params)
        self.assertEqual(response.status_code, 303)
        request = visit.booking_request_ids
        self.assertRecordValues(request, [{"partner_id": self.partner_b.id, "channel": "email"}])
        self.assertEqual(request.fee_invoice_id.partner_id, self.partner_b)

    def test_a_link_without_signature_does_not_act(self):
        """A bare token (shared, forwarded, or one customer's) opens the page but files nothing."""
        shared = self.make_visit(self.far)
        shared.partner_ids = [Command.link(self.partner_b.id)]
        for booking in (shared, self.make_visit(self.far), self.make_order(self.far)):
            token = self.link_params(booking, self.partner_a)["access_token"]
            self.logout()
            page = self.url_open(self.url(booking, f"?access_token={token}"))
            self.assertEqual(page.status_code, 200)
            self.assertIn("o_booking_view_only", page.text)
            self.assertNotIn("o_booking_make_changes", page.text)
            response = self.post(self.url(booking, "/cancel"), {"access_token": token})
            self.assertEqual(response.status_code, 403)
            self.assertIn("lets you see the booking, not change it", response.text)
            self.assertUnchanged(booking)

    def test_new_customers_new_token(self):
        """Staff replace the visit's customer: the old customer's link stops working."""
        for booking in (self.make_visit(self.far), self.make_order(self.far)):
            params = self.link_params(booking, self.partner_a)
            if booking._name == "calendar.event":
                booking.partner_ids = [Command.unlink(self.partner_a.id), Command.link(self.partner_b.id)]
            else:
                booking.partner_id = self.partner_b
            self.logout()
            query = "?" + "&".join(f"{k}={v}" for k, v in params.items())
            self.assertEqual(self.url_open(self.url(booking, query)).status_code, 404)
            self.assertEqual(self.post(self.url(booking, "/cancel"), params).status_code, 404)
            self.assertUnchanged(booking)
            self.assertEqual(
                self.url_open(self.url(booking, self.link_query(booking, self.partner_b))).status_code, 200
            )

    def test_book_again_refused_for_a_declined_quotation_and_a_staff_cancellation(self):
        """'Book again' never confirms an unconfirmed quotation, nor a booking staff cancelled."""
        quotation = self.make_order(self.far, confirm=False)
        quotation.require_signature = True
        quotation.action_quotation_sent()
        quotation.with_context(disable_cancel_warning=True).action_cancel()
        staff_cancelled = self.make_visit(self.far)
        staff_cancelled.with_user(self.reviewer)._booking_staff_cancel(fee_amount=0.0)
        start = self.local_input(self.at(24 * 10))
        for booking in (quotation, staff_cancelled):
            params = self.link_params(booking, self.partner_a)
            self.logout()
            response = self.post(self.url(booking, "/rebook"), {**params, "requested_start": start})
            self.assertEqual(response.status_code, 409)
            self.assertTrue(booking._booking_is_cancelled())
        self.assertEqual(quotation.state, "cancel")

    def test_page_numbers_never_crash(self):
        """Any ?page= value: 200."""
        self.make_visit(self.far)
        self.login(self.customer_a)
        for query in ("?page=2", "?page=abc", "?page=-1", "?page=99999999999999999", "/page/3"):
            with self.subTest(query=query):
                self.assertEqual(self.url_open(f"/my/bookings{query}").status_code, 200)

    def test_rebook_an_order_without_date_or_duration(self):
        """Booking again an order with no duration and no delivery date: a clear answer, never 500."""
        order = self.make_order(self.far)
        self.cancel(order)
        order.with_context(booking_applying=order).write({"booking_duration": 0.0})
        self.login(self.customer_a)
        response = self.post(
            self.url(order, "/rebook"), {"requested_start": self.local_input(self.at(24 * 10))}
        )
        self.assertEqual(response.status_code, 303)
        self.env.cr.execute("UPDATE sale_order SET commitment_date = NULL WHERE id = %s", [order.id])
        order.invalidate_recordset()
        # no delivery date, no booking (the one rule): its page is not found, as an unknown one
        self.assertEqual(self.url_open(self.url(order)).status_code, 404)
        self.assertNotIn(
            f'data-booking="order-{order.id}"', self.url_open("/my/bookings").text, "not on the list"
        )

    def test_the_list_shows_only_bookings_one_may_act_on(self):
        """A customer following another customer's order does not see it on their list."""
        theirs = self.make_order(self.far, partner=self.partner_b)
        theirs.message_subscribe(partner_ids=self.partner_a.ids)
        self.login(self.customer_a)
        html = self.url_open("/my/bookings").text
        self.assertNotIn(f'data-booking="order-{theirs.id}"', html)
        self.assertEqual(self.url_open(self.url(theirs)).status_code, 404)

    def test_pending_summary_covers_every_page(self):
        """The pending summary lists the pending bookings of every page, not only this one."""
        later = self.make_visit(self.at(24 * 20))
        request = self.cancel(later)
        self.company.booking_cancel_auto_approve = "never"
        pending = self.cancel(self.make_visit(self.at(24 * 21)))
        self.make_visit(self.far)
        self.make_visit(self.far)
        self.login(self.customer_a)
        with patch.object(BookingPortal, "_items_per_page", 2):
            html = self.url_open("/my/bookings").text
        self.assertIn(pending.name, html)
        self.assertNotIn(f'data-booking="visit-{pending.event_id.id}"', html, "on page 2")
        self.assertNotIn(request.name, html, "approved, not pending")

    def test_bulk_panel(self):
        """Pending bookings cannot be ticked; select-all exists; a picked reason needs no words."""
        self.company.booking_cancel_reason_required = True
        free = self.make_visit(self.far)
        self.company.booking_cancel_auto_approve = "never"
        pending = self.cancel(self.make_visit(self.far), reason_id=self.reason.id).event_id
        self.login(self.customer_a)
        page = etree.HTML(self.url_open("/my/bookings").text)
        boxes = page.xpath("//input[@name='booking']/@value")
        self.assertIn(f"visit-{free.id}", boxes)
        self.assertNotIn(f"visit-{pending.id}", boxes)
        self.assertTrue(page.xpath("//input[contains(@class, 'o_booking_select_all')]"))
        words = page.xpath("//input[@name='reason']")[0]
        self.assertIsNone(words.get("required"), "required only when no reason is picked (the page's script)")
        self.assertEqual(words.get("data-reason-required"), "1")
        response = self.url_open(
            "/my/bookings/cancel",
            data=[
                ("csrf_token", self.csrf()),
                ("reason_id", self.reason.id),
                ("booking", f"visit-{free.id}"),
            ],
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(free.booking_request_ids)

    def test_home_tile_has_its_icon(self):
        """The Bookings tile on /my shows its pictogram, which is served."""
        self.make_visit(self.far)
        self.login(self.customer_a)
        html = self.url_open("/my").text
        self.assertIn("/booking_change_request/static/src/img/bookings.svg", html)
        self.assertEqual(
            self.url_open("/booking_change_request/static/src/img/bookings.svg").status_code, 200
        )

    def test_dialog_dates_start_today(self):
        """The date fields refuse past dates in the browser too (min)."""
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        page = etree.HTML(self.url_open(self.url(visit)).text)
        start = page.xpath(
            "//form[contains(@class, 'o_booking_change_form')]//input[@name='requested_start']"
        )[0]
        self.assertTrue(start.get("min"))

    def test_decision_route_is_read_only_and_honest(self):
        """The dialog's question: no time yet, review; a free time, confirmed at once; no write."""
        self.company.booking_change_auto_approve = "always"
        visit = self.make_visit(self.far)
        self.login(self.customer_a)
        page = self.url_open(self.url(visit)).text
        self.assertNotIn("sent to our team for review", page[page.index("o_booking_change_form") :])
        url = self.url(visit, "/decision?type=change&requested_duration=1&requested_start=")
        free = json.loads(self.url_open(url + self.local_input(self.at(24 * 8))).text)
        self.assertEqual(free["outcome"], "free")
        self.assertIn("confirmed at once", free["message"])
        longer = json.loads(
            self.url_open(url.replace("duration=1", "duration=3") + self.local_input(self.at(24 * 8))).text
        )
        self.assertEqual(longer["outcome"], "review")
        self.assertEqual(self.url_open(self.url(visit, "/decision?type=oops")).status_code, 400)
        self.assertUnchanged(visit)

    def test_settings_show_the_fee_product_used(self):
        """Settings show the fee product fees really use, not an empty field."""
        self.assertEqual(
            self.env.company.booking_fee_product_id,
            self.env.ref("booking_change_request.product_booking_fee"),
        )
        company = self.env["res.company"].create({"name": "New Co"})
        self.assertEqual(
            company.booking_fee_product_id, self.env.ref("booking_change_request.product_booking_fee")
        )

    def test_approving_despite_conflicts_asks_first(self):
        """The Approve shown when workers are busy asks for confirmation."""
        arch = etree.fromstring(self.env["booking.change.request"].get_view(view_type="form")["arch"])
        approve = arch.xpath("//button[@name='action_approve'][contains(@invisible, 'not has_conflict')]")
        self.assertTrue(approve and approve[0].get("confirm"))

    def test_email_link_opens_the_dialog_with_the_booked_time(self):
        """From the email's Request a change link, the form starts at the booked time, in their zone."""
        visit = self.make_visit(self.far)
        self.logout()
        page = self.url_open(self.url(visit, self.link_query(visit, self.partner_a) + "&action=change")).text
        self.assertIn(f'value="{self.local_input(visit.start)}"', page)
