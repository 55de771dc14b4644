"""The move-up list's three routes walked by everyone who may come: who succeeds, who gets 403, 404, 405."""

import re
from datetime import datetime, timedelta
from unittest.mock import patch

import pytz

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_portal import BookingHttpCase
from .test_waitlist import every_day_calendar

KINDS = ("visit", "order")
REFUSED = ("another customer", "plain employee", "its field worker", "other company's staff")


@tagged("post_install", "-at_install")
class TestWaitlistPortal(BookingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id = every_day_calendar(cls.env)
        cls.company.write({"booking_waitlist": True, "booking_waitlist_offers": 3})
        family = cls.env["res.partner"].create({"name": "Customer family", "is_company": True})
        cls.partner_a.parent_id = family
        cls.customer_second = new_test_user(
            cls.env, "wl_second", groups="base.group_portal", name="Sam Second", email="sam@example.com"
        )
        cls.customer_second.partner_id.write({"parent_id": family.id, "tz": "Europe/Brussels"})
        _company, cls.other_staff = cls.make_other_company()
        cls.carol = new_test_user(
            cls.env, "wl_carol", groups="base.group_portal", name="Carol Later", email="carol@example.com"
        )
        cls.carol.partner_id.tz = "Europe/Brussels"

    def booking(self, kind, days=8, partner=None, worker=None):
        """A booking of Alice and Sam (both attendees; the family's order) with one worker of its own."""
        worker = worker or self.new_worker()
        if kind == "visit":
            visit = self.make_visit(self.at(24 * days), partner=partner, workers=worker)
            if not partner:
                visit.partner_ids = [Command.link(self.customer_second.partner_id.id)]
            return visit
        order = self.make_order(self.at(24 * days), partner=partner, workers=worker)
        if not partner:
            order.partner_id = self.partner_a.parent_id
        return order

    def new_worker(self):
        self.workers_made = getattr(self, "workers_made", 0) + 1
        return new_test_user(self.env, f"wl_worker_{self.workers_made}", name="Waitlist worker")

    def days(self, booking, tz="Europe/Brussels"):
        """Today and the day before the booking, as the form sends them."""
        zone = pytz.timezone(tz)
        last = pytz.utc.localize(booking._booking_start()).astimezone(zone).date() - timedelta(days=1)
        return {"date_from": datetime.now(zone).date().isoformat(), "date_to": last.isoformat()}

    def visit_as(self, who, booking):
        """Log in (or out) as ``who``; returns (link params to send, partner who acts)."""
        if who == "customer":
            self.login(self.customer_a)
            return {}, self.partner_a
        if who == "co-customer":
            self.login(self.customer_second)
            return {}, self.customer_second.partner_id
        if who == "link holder":
            self.logout()
            return self.link_params(booking, self.partner_a), self.partner_a
        self.login(
            {
                "another customer": self.customer_b,
                "plain employee": self.worker,
                "its field worker": booking.booking_worker_ids,
                "other company's staff": self.other_staff,
            }[who]
        )
        return {}, None

    def offer_for(self, kind, who="customer"):
        """A booking of Alice's family waiting (as ``who``) and an earlier one of its worker cancelled."""
        booking = self.booking(kind)
        _link, partner = self.visit_as(who, booking) if who != "link holder" else ({}, self.partner_a)
        days = self.days(booking)
        zone = pytz.timezone("Europe/Brussels")
        bounds = [
            zone.localize(datetime.fromisoformat(days["date_from"]))
            .astimezone(pytz.utc)
            .replace(tzinfo=None),
            booking._booking_start(),
        ]
        wish = booking._booking_waitlist_join(partner, *bounds, "portal")
        freed = self.make_visit(self.at(24 * 4), partner=self.partner_b, workers=booking.booking_worker_ids)
        self.cancel(freed, partner=self.partner_b)
        self.assertEqual(len(wish.offer_ids), 1)
        return booking, wish, wish.offer_ids

    # ------------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------------

    def test_ask(self):
        """POST waitlist: 303; the wish is the visitor's own, for whole days of their time zone."""
        for kind in KINDS:
            for who in ("customer", "co-customer", "link holder"):
                with self.subTest(kind=kind, who=who):
                    booking = self.booking(kind)
                    link, partner = self.visit_as(who, booking)
                    response = self.post(self.url(booking, "/waitlist"), {**link, **self.days(booking)})
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    wish = booking.sudo().booking_waitlist_ids
                    self.assertRecordValues(wish, [{"partner_id": partner.id, "state": "waiting"}])
                    brussels = pytz.utc.localize(wish.date_from).astimezone(pytz.timezone("Europe/Brussels"))
                    self.assertEqual((brussels.hour, brussels.minute), (0, 0), "from midnight, their time")
                    page = self.url_open(response.headers["Location"])
                    self.assertIn("You are on the move-up list", page.text)
                    self.assertIn("o_booking_waitlist_withdraw", page.text)

    def test_ask_refused(self):
        """Others get 404, a bare token 403, a GET 405, bad days 400; nothing is recorded."""
        for kind in KINDS:
            booking = self.booking(kind)
            for who in REFUSED:
                with self.subTest(kind=kind, who=who):
                    self.visit_as(who, booking)
                    response = self.post(self.url(booking, "/waitlist"), self.days(booking))
                    self.assertEqual(response.status_code, 404)
            self.logout()
            token = self.link_params(booking, self.partner_a)["access_token"]
            bare = self.post(self.url(booking, "/waitlist"), {"access_token": token, **self.days(booking)})
            self.assertEqual(bare.status_code, 403)
            self.login(self.customer_a)
            self.assertEqual(self.url_open(self.url(booking, "/waitlist")).status_code, 405)
            for days in ({"date_from": "nope", "date_to": "2030-01-01"}, {"date_from": "2030-01-02"}, {}):
                self.assertEqual(self.post(self.url(booking, "/waitlist"), days).status_code, 400, days)
            after = {"date_from": "2099-01-01", "date_to": "2099-01-02"}
            self.assertEqual(self.post(self.url(booking, "/waitlist"), after).status_code, 400)
            self.assertFalse(booking.sudo().booking_waitlist_ids)

    def test_offered_in_the_dialog_and_after_review(self):
        """The dialog has the form; a change sent for review shows the prompt on the page."""
        self.company.booking_change_auto_approve = "never"
        booking = self.booking("visit")
        self.login(self.customer_a)
        dialog = self.url_open(self.url(booking, "/dialog")).text
        self.assertIn("booking_tab_waitlist", dialog)
        self.change(booking, self.at(24 * 10))
        page = self.url_open(self.url(booking, "?message=change_pending")).text
        self.assertIn("o_booking_waitlist_prompt", page)

    # ------------------------------------------------------------------
    # Leaving the list
    # ------------------------------------------------------------------

    def test_withdraw(self):
        """POST withdraw: one's own wish, 303; a co-customer's or another's wish 404; a bare token 403."""
        for kind in KINDS:
            booking = self.booking(kind)
            wish = booking._booking_waitlist_join(
                self.partner_a, self.at(0), booking._booking_start(), "portal"
            )
            url = f"/my/booking-waitlist/{wish.id}/withdraw"
            for who in (*REFUSED, "co-customer") if kind == "visit" else REFUSED:
                with self.subTest(kind=kind, who=who):
                    self.visit_as(who, booking)
                    self.assertEqual(self.post(url).status_code, 404)
            self.logout()
            token = self.link_params(booking, self.partner_a)["access_token"]
            self.assertEqual(self.post(url, {"access_token": token}).status_code, 403)
            self.assertEqual(wish.state, "waiting")
            self.assertEqual(self.post(url, self.link_params(booking, self.partner_a)).status_code, 303)
            self.assertEqual(wish.state, "withdrawn")
            self.assertEqual(self.post(url, self.link_params(booking, self.partner_a)).status_code, 409)
        self.assertEqual(self.post("/my/booking-waitlist/999999999/withdraw").status_code, 404)

    # ------------------------------------------------------------------
    # Taking an offered time
    # ------------------------------------------------------------------

    def test_accept(self):
        """POST accept of one's own offer: 303, moved to the freed time; the page says so."""
        for kind in KINDS:
            for who in ("customer", "co-customer", "link holder"):
                with self.subTest(kind=kind, who=who):
                    booking, wish, offer = self.offer_for(kind, who)
                    link, partner = self.visit_as(who, booking)
                    response = self.post(f"/my/booking-offers/{offer.id}/accept", link)
                    self.assertEqual(response.status_code, 303, response.text[:300])
                    self.assertEqual((offer.state, wish.state), ("accepted", "moved"))
                    self.assertEqual(booking._booking_start(), offer.start)
                    change = booking.booking_request_ids
                    self.assertRecordValues(change, [{"partner_id": partner.id, "state": "approved"}])
                    page = self.url_open(response.headers["Location"])
                    self.assertIn("your booking is moved to the time you accepted", page.text)

    def test_accept_refused(self):
        """Others 404 (a co-customer too: not theirs), a bare token 403, GET 405, a second accept 409."""
        for kind in KINDS:
            booking, _wish, offer = self.offer_for(kind)
            url = f"/my/booking-offers/{offer.id}/accept"
            for who in (*REFUSED, "co-customer") if kind == "visit" else REFUSED:
                with self.subTest(kind=kind, who=who):
                    self.visit_as(who, booking)
                    self.assertEqual(self.post(url).status_code, 404)
            self.logout()
            token = self.link_params(booking, self.partner_a)["access_token"]
            self.assertEqual(self.post(url, {"access_token": token}).status_code, 403)
            self.login(self.customer_a)
            self.assertEqual(self.url_open(url).status_code, 405)
            self.assertEqual(
                (offer.state, booking.booking_request_ids), ("open", booking.booking_request_ids.browse())
            )
            self.assertEqual(self.post(url).status_code, 303)
            again = self.post(url)
            self.assertEqual(again.status_code, 409)
            self.assertIn("You took this time already", again.text)
        self.assertEqual(self.post("/my/booking-offers/999999999/accept").status_code, 404)

    def test_second_customer_loses(self):
        """Two customers offered the same time: the first takes it, the second is refused (409)."""
        worker = self.new_worker()
        first = self.booking("visit", days=8, worker=worker)
        second = self.booking("order", days=9, partner=self.carol.partner_id, worker=worker)
        booked = second._booking_start()  # (self.at() read again later may be a minute on)
        for booking, partner in ((first, self.partner_a), (second, self.carol.partner_id)):
            booking._booking_waitlist_join(partner, self.at(0), booking._booking_start(), "portal")
        freed = self.make_visit(self.at(24 * 4), partner=self.partner_b, workers=worker)
        self.cancel(freed, partner=self.partner_b)
        offers = [b.sudo().booking_waitlist_ids.offer_ids for b in (first, second)]
        self.login(self.customer_a)
        self.assertEqual(self.post(f"/my/booking-offers/{offers[0].id}/accept").status_code, 303)
        self.login(self.carol)
        late = self.post(f"/my/booking-offers/{offers[1].id}/accept")
        self.assertEqual(late.status_code, 409)
        self.assertIn("Someone else took this time first", late.text)
        self.assertEqual(second._booking_start(), booked)

    def test_offer_page_from_the_email(self):
        """The email's link opens the page logged out with the offer, its deadline and its button;
        once taken by another, the same link says so."""
        _booking, wish, offer = self.offer_for("order")
        email = self.emails_to(self.partner_a, wish).filtered(lambda m: "An earlier time" in m.subject)
        hrefs = re.findall(r'href="([^"]*offer=[^"]*)"', email.body_html)
        href = hrefs[0].replace("&amp;", "&")
        self.assertIn(f"?offer={offer.id}", href)
        self.logout()
        page = self.url_open(href[href.index("/my/bookings/") :]).text
        self.assertIn("o_booking_offer_accept", page)
        self.assertIn("offered until", page)
        offer.write({"state": "lost"})
        page = self.url_open(href[href.index("/my/bookings/") :]).text
        self.assertNotIn("o_booking_offer_accept", page)
        self.assertIn("another customer took it first", page)

    # ------------------------------------------------------------------
    # Marks and what co-customers see
    # ------------------------------------------------------------------

    def test_marks_on_list_and_calendar(self):
        """The list and the calendar mark a waiting booking, and one with an earlier time offered."""
        booking, _wish, _offer = self.offer_for("visit")
        other = self.booking("visit", days=9)
        other._booking_waitlist_join(self.partner_a, self.at(0), other._booking_start(), "portal")
        self.login(self.customer_a)
        listed = self.url_open("/my/bookings").text
        self.assertIn('data-mark="offer"', listed)
        self.assertIn('data-mark="waiting"', listed)
        day = booking._booking_start().date().isoformat()
        calendar = self.url_open(f"/my/bookings/calendar?date={day}").text
        self.assertIn('data-mark="offer"', calendar)
        self.login(self.customer_second)
        self.assertNotIn("o_booking_waitlist_mark", self.url_open("/my/bookings").text, "Alice's, not Sam's")
        page = self.url_open(self.url(booking)).text
        self.assertNotIn("o_booking_offer_accept", page)
        self.assertIn("o_booking_waitlist_form", page, "Sam may ask for himself")

    def test_list_queries_do_not_grow(self):
        """/my/bookings with every booking waiting: the same query count for 3 and 9 bookings."""
        self.login(self.customer_a)

        def add(count):
            for _n in range(count):
                self.booked = getattr(self, "booked", 0) + 1
                booking = self.booking("visit" if self.booked % 2 else "order", days=5 + self.booked)
                booking._booking_waitlist_join(self.partner_a, self.at(0), booking._booking_start(), "portal")

        def queries():
            self.url_open("/my/bookings")
            with patch("random.random", lambda: 1):
                before = self.cr.sql_log_count
                self.url_open("/my/bookings")
                return self.cr.sql_log_count - before

        add(3)
        small = queries()
        add(6)
        self.assertEqual(queries(), small)
