from unittest.mock import patch

from odoo.tests import tagged

from .test_portal import BookingHttpCase


@tagged("post_install", "-at_install")
class TestPortalQueries(BookingHttpCase):
    """Portal pages make a number of queries that does not grow with the bookings shown."""

    # every kind of row appears among the first five: the query count may not depend on the mix
    VARIANTS = [
        ("visit", None),
        ("order", "cancel"),
        ("visit", "change"),
        ("order", "change"),
        ("visit", "cancel"),
        ("order", "fee"),  # inside the fee window: the row shows the fee as invoiced
        ("visit", "fee"),
        ("order", "paid"),  # paid: the decision reads what was paid
    ]

    booked = 0

    def add_bookings(self, count):
        """Visits and orders, cancelled ones, pending requests, one or two workers."""
        for index in range(count):
            kind, request = self.VARIANTS[index % len(self.VARIANTS)]
            self.booked += 1
            hours = 24 * (3 + self.booked) if request != "fee" else 30 + self.booked / 10
            workers = self.worker if index % 2 else self.worker | self.worker_2
            booking = (self.make_visit if kind == "visit" else self.make_order)(
                self.at(hours), workers=workers
            )
            if request == "paid":
                booking.order_line.qty_delivered = 1
                invoice = booking._create_invoices()
                invoice.action_post()
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({}).action_create_payments()
            if request == "cancel":
                self.cancel(booking)  # far enough: approved at once
            elif request == "change":
                self.change(booking, self.at(hours + 1), requested_note="pending")

    def queries(self, url):
        self.url_open(url)  # warm: templates compiled, rules and caches loaded
        with patch("random.random", lambda: 1):  # no random bus garbage collection
            before = self.cr.sql_log_count
            response = self.url_open(url)
            count = self.cr.sql_log_count - before
        self.assertEqual(response.status_code, 200)
        return count

    def test_list_queries_constant(self):
        """/my/bookings: the same query count for 8 and 56 bookings (fees, payments, every request)."""
        self.company.booking_change_auto_approve = "never"
        self.company.booking_fee_rule_ids = [
            (0, 0, {"hours_before": 48.0, "fee_type": "percent", "amount": 50.0})
        ]
        tax = self.env["account.tax"].create({"name": "VAT 15%", "amount": 15.0, "amount_type": "percent"})
        self.fee_product.taxes_id = [(6, 0, tax.ids)]
        self.login(self.customer_a)
        self.add_bookings(8)
        small = self.queries("/my/bookings")
        self.add_bookings(48)
        large = self.queries("/my/bookings")
        self.assertEqual(large, small, f"8 bookings: {small} queries, 56 bookings: {large}")
        page = self.url_open("/my/bookings").text
        self.assertEqual(page.count('data-booking="'), 56)
        self.assertIn("Cancelling now: a fee of", page)
