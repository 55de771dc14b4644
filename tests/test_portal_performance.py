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
    ]

    booked = 0

    def add_bookings(self, count):
        """Visits and orders, cancelled ones, pending requests, one or two workers."""
        for index in range(count):
            kind, request = self.VARIANTS[index % len(self.VARIANTS)]
            self.booked += 1
            hours = 24 * (3 + self.booked)
            workers = self.worker if index % 2 else self.worker | self.worker_2
            booking = (self.make_visit if kind == "visit" else self.make_order)(
                self.at(hours), workers=workers
            )
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
        """/my/bookings: the same query count for 5 and for 50 bookings."""
        self.company.booking_change_auto_approve = "never"
        self.login(self.customer_a)
        self.add_bookings(5)
        small = self.queries("/my/bookings")
        self.add_bookings(45)
        large = self.queries("/my/bookings")
        self.assertEqual(large, small, f"5 bookings: {small} queries, 50 bookings: {large}")
        self.assertEqual(self.url_open("/my/bookings").text.count("o_booking_row"), 50)
