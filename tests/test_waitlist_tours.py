import re

from odoo.tests import tagged

from .test_portal import BookingHttpCase
from .test_waitlist import every_day_calendar


class WaitlistTours:
    """Bob asks to come earlier; Alice cancels; Bob takes her time from his email, logged out."""

    def test_move_up_from_the_email(self):
        self.company.resource_calendar_id = every_day_calendar(self.env)
        alice = self.make_visit(self.at(24 * 4))
        bob = self.make_order(self.at(24 * 9), partner=self.partner_b)
        self.start_tour(self.url(bob), "booking_waitlist_ask", login=self.customer_b.login)
        wish = bob.sudo().booking_waitlist_ids
        self.assertEqual(wish.state, "waiting")
        self.cancel(alice)
        email = self.emails_to(self.partner_b, wish).filtered(lambda m: "An earlier time" in m.subject)
        # the link as Bob receives it: signed for him in his email
        href = re.findall(r'href="([^"]*offer=[^"]*)"', email.body_html)[0].replace("&amp;", "&")
        self.assertIn("hash=", href)
        self.start_tour(href[href.index("/my/bookings/") :], "booking_waitlist_take", login=None)
        self.assertEqual((bob.commitment_date, wish.state), (alice.start, "moved"))
        self.assertRecordValues(bob.booking_request_ids, [{"state": "approved", "channel": "email"}])


@tagged("post_install", "-at_install")
class TestWaitlistToursDesktop(WaitlistTours, BookingHttpCase):
    allow_inherited_tests_method = True
    browser_size = "1366x768"


@tagged("post_install", "-at_install")
class TestWaitlistToursPhone(WaitlistTours, BookingHttpCase):
    allow_inherited_tests_method = True
    browser_size = "375x667"
    touch_enabled = True
