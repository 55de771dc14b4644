from odoo.addons.booking_change_request.controllers.portal_visitor import LINK_POSTS
from odoo.tests import tagged

from .test_portal import BookingHttpCase


@tagged("post_install", "-at_install")
class TestIsolation(BookingHttpCase):
    """Customer A tries each booking and request of customer B on every route: 404 (as unknown), no change."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = [cls.make_visit(cls.far), cls.make_order(cls.far)]
        cls.theirs = [
            cls.make_visit(cls.far, partner=cls.partner_b),
            cls.make_order(cls.far, partner=cls.partner_b),
            cls.make_visit(cls.near, partner=cls.partner_b),
            cls.make_order(cls.near, partner=cls.partner_b),
        ]
        cancelled = cls.make_order(cls.far, partner=cls.partner_b)
        cancelled._booking_request_cancel(cls.partner_b, {}, "portal")
        cls.theirs.append(cancelled)
        cls.their_requests = cls.theirs[2]._booking_request_cancel(cls.partner_b, {}, "portal")
        cls.their_requests |= cls.theirs[3]._booking_request_change(
            cls.partner_b, {"requested_note": "x"}, "portal"
        )
        cls.my_links = [cls.link_params(booking, cls.partner_a) for booking in cls.mine]

    def post(self, url, data=None, csrf=True):
        LINK_POSTS.clear()  # the sweep tests isolation: the throttle of link POSTs has its own test
        return super().post(url, data, csrf)

    def state_of_b(self):
        self.env.invalidate_all()
        bookings = [
            (b._name, b.id, b._booking_is_cancelled(), b._booking_start(), len(b.booking_request_ids))
            for b in self.theirs
        ]
        return bookings, self.their_requests.mapped("state")

    def sweep(self):
        """Every route on every booking and request of B; returns the statuses seen."""
        statuses = set()
        links = [{}, *self.my_links]
        start = self.local_input(self.at(24 * 12))
        for booking in self.theirs:
            for link in links:
                query = "?" + "&".join(f"{k}={v}" for k, v in link.items())
                statuses.add(self.url_open(self.url(booking, query)).status_code)
                statuses.add(
                    self.url_open(self.url(booking, "/decision" + query + "&type=cancel")).status_code
                )
                for suffix, data in (
                    ("/cancel", {"reason": "A was here"}),
                    ("/change", {"requested_start": start, "requested_note": "A"}),
                    ("/rebook", {"requested_start": start}),
                ):
                    statuses.add(self.post(self.url(booking, suffix), {**data, **link}).status_code)
        for request in self.their_requests:
            for link in links:
                statuses.add(self.post(f"/my/booking-requests/{request.id}/withdraw", link).status_code)
        return statuses

    def test_logged_in_sweep(self):
        """Logged in as A, with and without A's tokens."""
        before = self.state_of_b()
        self.login(self.customer_a)
        self.assertEqual(self.sweep(), {404})
        keys = [("booking", f"{b._booking_kind}-{b.id}") for b in self.theirs]
        response = self.url_open(
            "/my/bookings/cancel", data=[("csrf_token", self.csrf()), *keys], allow_redirects=False
        )
        page = self.url_open(response.headers["Location"]).text
        self.assertEqual(page.count("This booking is not one of yours."), len(self.theirs))
        for booking in self.theirs:
            self.assertNotIn(f'data-booking="{booking._booking_kind}-{booking.id}"', page)
        self.assertEqual(self.state_of_b(), before)

    def test_logged_out_sweep(self):
        """As a visitor holding A's tokens."""
        before = self.state_of_b()
        self.logout()
        self.assertEqual(self.sweep(), {404})
        self.assertEqual(self.state_of_b(), before)

    def test_own_tokens_still_work(self):
        """The sweep is not passing because everything is refused: A's tokens open A's bookings."""
        self.logout()
        for booking, link in zip(self.mine, self.my_links, strict=True):
            query = "?" + "&".join(f"{k}={v}" for k, v in link.items())
            self.assertEqual(self.url_open(self.url(booking, query)).status_code, 200)
