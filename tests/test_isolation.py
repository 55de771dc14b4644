from odoo.tests import tagged

from .test_portal import BookingHttpCase


@tagged("post_install", "-at_install")
class TestIsolation(BookingHttpCase):
    """Customer A tries each booking and request of customer B on every route: 403 or 404, no change."""

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
        cls.my_tokens = [booking._booking_token() for booking in cls.mine]

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
        tokens = [None, *self.my_tokens]
        start = self.local_input(self.at(24 * 12))
        for booking in self.theirs:
            for token in tokens:
                query = f"?access_token={token}" if token else ""
                statuses.add(self.url_open(self.url(booking, query)).status_code)
                for suffix, data in (
                    ("/cancel", {"reason": "A was here"}),
                    ("/change", {"requested_start": start, "requested_note": "A"}),
                    ("/rebook", {"requested_start": start}),
                ):
                    with_token = {**data, "access_token": token} if token else data
                    statuses.add(self.post(self.url(booking, suffix), with_token).status_code)
        for request in self.their_requests:
            for token in tokens:
                data = {"access_token": token} if token else {}
                statuses.add(self.post(f"/my/booking-requests/{request.id}/withdraw", data).status_code)
        return statuses

    def test_logged_in_sweep(self):
        """Logged in as A, with and without A's tokens."""
        before = self.state_of_b()
        self.login(self.customer_a)
        self.assertLessEqual(self.sweep(), {403, 404})
        keys = [("booking", f"{b._booking_kind()}-{b.id}") for b in self.theirs]
        self.url_open("/my/bookings/cancel", data=[("csrf_token", self.csrf()), *keys], allow_redirects=False)
        page = self.url_open("/my/bookings").text
        self.assertEqual(page.count("This booking is not one of yours."), len(self.theirs))
        for booking in self.theirs:
            self.assertNotIn(f'data-booking="{booking._booking_kind()}-{booking.id}"', page)
        self.assertEqual(self.state_of_b(), before)

    def test_logged_out_sweep(self):
        """As a visitor holding A's tokens."""
        before = self.state_of_b()
        self.logout()
        self.assertLessEqual(self.sweep(), {403, 404})
        self.assertEqual(self.state_of_b(), before)

    def test_own_tokens_still_work(self):
        """The sweep is not passing because everything is refused: A's tokens open A's bookings."""
        self.logout()
        for booking, token in zip(self.mine, self.my_tokens, strict=True):
            self.assertEqual(self.url_open(self.url(booking, f"?access_token={token}")).status_code, 200)
