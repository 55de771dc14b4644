from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools.refusal import BookingForbidden, BookingRefusal
from .common import NOW, BookingCase

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def every_day_calendar(env, hour_from=0, hour_to=24):
    """Working hours on every day of the week (UTC): the workers' hours never hide a freed time."""
    return env["resource.calendar"].create(
        {
            "name": f"Every day {hour_from}-{hour_to} UTC",
            "tz": "UTC",
            "attendance_ids": [(5, 0, 0)]
            + [
                (0, 0, {"name": f"D{day}", "dayofweek": str(day), "hour_from": hour_from, "hour_to": hour_to})
                for day in range(7)
            ],
        }
    )


class WaitlistCase(BookingCase):
    """Customers waiting to come earlier: bookings of the same worker a few days apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"booking_waitlist": True, "booking_waitlist_offers": 3, "booking_waitlist_offer_minutes": 120}
        )
        cls.company.resource_calendar_id = every_day_calendar(cls.env, 6, 22)
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Waiting {n}", "email": f"waiting{n}@example.com"} for n in range(5)]
        )

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def travel(self, delta):
        self.frozen.stop()
        self.frozen = freeze_time(NOW + delta)
        self.frozen.start()

    def wait(self, booking, partner=None, first=NOW, last=None):
        """``partner`` asks to come earlier, any day from ``first`` to the booking by default."""
        partner = partner or booking._booking_customers()[:1]
        last = last or booking._booking_start()
        return booking._booking_waitlist_join(partner, first, last, "portal")

    def offers(self, *bookings):
        return self.env["booking.waitlist.offer"].search(
            [("waitlist_id", "in", [w.id for b in bookings for w in b.sudo().booking_waitlist_ids])]
        )


@tagged("post_install", "-at_install")
class TestWaitlistMatching(WaitlistCase):
    """Which waiting customers a freed time is offered to, and how."""

    def test_cancellation_offers_the_time_by_email(self):
        """Alice cancels; Bob, waiting with the same worker later, is offered her time, with a deadline."""
        alice = self.make_visit(NOW + 5 * DAY)
        bob = self.make_order(NOW + 8 * DAY, partner=self.partner_b)
        wish = self.wait(bob)
        self.cancel(alice)
        self.assertRecordValues(
            wish.offer_ids,
            [{"start": alice.start, "stop": alice.stop, "state": "open", "expires_on": NOW + 2 * HOUR}],
        )
        offer = wish.offer_ids
        self.assertEqual(offer.request_id, alice.booking_request_ids)
        email = self.emails_to(self.partner_b, wish).filtered(lambda m: "An earlier time" in m.subject)
        self.assertEqual(len(email), 1)
        self.assertIn(f"offer={offer.id}", email.body_html)
        self.assertIn("hash=", email.body_html, "the link is signed for Bob in his email")
        self.assertNotIn("hash=", email.mail_message_id.body, "the chatter keeps the plain link")

    def test_same_workers_only(self):
        """A booking with another worker, or with a worker the freed booking did not have, is not offered."""
        alice = self.make_visit(NOW + 5 * DAY)
        other = self.wait(self.make_visit(NOW + 8 * DAY, partner=self.partner_b, workers=self.worker_2))
        more = self.wait(
            self.make_visit(NOW + 9 * DAY, partner=self.customers[0], workers=self.worker | self.worker_2)
        )
        fewer_alice = self.make_visit(NOW + 6 * DAY, workers=self.worker | self.worker_2)
        self.cancel(alice)
        self.assertFalse(other.offer_ids | more.offer_ids)
        self.cancel(fewer_alice)
        self.assertEqual(len(other.offer_ids), 1, "its worker is among those freed")
        self.assertEqual(len(more.offer_ids), 1)

    def test_fits_length_days_and_is_earlier(self):
        """Longer bookings, days that miss the time and bookings already earlier get nothing."""
        alice = self.make_visit(NOW + 5 * DAY)
        longer = self.wait(self.make_visit(NOW + 8 * DAY, partner=self.partner_b, hours=2))
        missed = self.wait(self.make_visit(NOW + 9 * DAY, partner=self.customers[0]), first=NOW + 6 * DAY)
        earlier = self.wait(self.make_visit(NOW + 3 * DAY, partner=self.customers[1]))
        fits = self.wait(self.make_visit(NOW + 7 * DAY, partner=self.customers[2], hours=0.5))
        self.cancel(alice)
        self.assertFalse(longer.offer_ids | missed.offer_ids | earlier.offer_ids)
        self.assertRecordValues(fits.offer_ids, [{"start": alice.start, "stop": alice.start + HOUR / 2}])

    def test_cutoff_and_working_hours(self):
        """A time closer than the cutoff, or outside the worker's hours, is not offered."""
        waiting = self.wait(self.make_visit(NOW + 8 * DAY, partner=self.partner_b))
        soon = self.make_visit(NOW + 20 * HOUR)
        soon.with_user(self.reviewer)._booking_staff_cancel(notify=False)
        self.assertFalse(waiting.offer_ids, "inside the 24 hours of the cutoff")
        night = self.make_visit(NOW.replace(hour=23) + 5 * DAY)
        self.cancel(night)
        self.assertFalse(waiting.offer_ids, "outside the worker's hours")

    def test_oldest_first_up_to_the_company_number(self):
        """Five waiting: the three oldest wishes get the offer; the next ones when those expire."""
        alice = self.make_visit(NOW + 3 * DAY)
        wishes = self.env["booking.waitlist"]
        for index, partner in enumerate(self.customers):
            wishes |= self.wait(self.make_visit(NOW + (9 - index) * DAY, partner=partner))
        self.cancel(alice)
        self.assertEqual([bool(w.offer_ids) for w in wishes], [True, True, True, False, False])
        self.travel(2 * HOUR + timedelta(minutes=1))
        self.env["booking.waitlist.offer"]._cron_expire()
        self.assertEqual(wishes[:3].offer_ids.mapped("state"), ["expired"] * 3)
        self.assertEqual([len(w.offer_ids) for w in wishes[3:]], [1, 1], "the next in line")
        self.assertEqual(wishes.mapped("state"), ["waiting"] * 5)

    def test_deadline_at_the_cutoff(self):
        """A time soon after the cutoff is offered until the cutoff, not the company's full minutes."""
        waiting = self.wait(self.make_visit(NOW + 8 * DAY, partner=self.partner_b))
        soon = self.make_visit(NOW + 25 * HOUR)
        soon.with_user(self.reviewer)._booking_staff_cancel(notify=False)
        self.assertEqual(waiting.offer_ids.expires_on, NOW + HOUR)

    def test_matching_queries_do_not_grow(self):
        """Matching a freed time makes the same queries whether 4 or 30 customers wait for it."""
        freed = self.make_visit(NOW + 2 * DAY)
        self.company.booking_waitlist = False
        request = self.cancel(freed)
        self.company.booking_waitlist = True

        def add_wishes(count):
            for index in range(count):
                self.wait(self.make_visit(NOW + 3 * DAY + index * HOUR, partner=self.customers[index % 5]))

        def match():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            offers = freed._booking_time_freed(request.previous_start, request.previous_stop, request)
            self.env.flush_all()
            count = self.cr.sql_log_count - before
            self.assertEqual(len(offers), 3)
            offers.unlink()
            return count

        add_wishes(4)
        match()  # warm: templates compiled
        small = match()
        add_wishes(26)
        self.assertEqual(match(), small)

    def test_company_switch(self):
        """Without the move-up list, nothing is offered and nobody can ask."""
        self.company.booking_waitlist = False
        bob = self.make_visit(NOW + 8 * DAY, partner=self.partner_b)
        with self.assertRaises(BookingRefusal):
            self.wait(bob)


@tagged("post_install", "-at_install")
class TestWaitlistTaking(WaitlistCase):
    """The first accept wins; the chain goes on; late ones change nothing."""

    def setUp(self):
        super().setUp()
        self.alice = self.make_visit(NOW + 5 * DAY)
        self.bob = self.make_order(NOW + 8 * DAY, partner=self.partner_b)
        self.carol = self.make_visit(NOW + 9 * DAY, partner=self.customers[0])
        self.bob_wish, self.carol_wish = self.wait(self.bob), self.wait(self.carol)
        self.cancel(self.alice)
        self.bob_offer, self.carol_offer = self.bob_wish.offer_ids, self.carol_wish.offer_ids

    def test_first_accept_wins(self):
        """Bob takes it: an approved change with no fee, workers told; Carol's offer is lost, she is told."""
        request = self.bob_offer._accept(self.partner_b, "email")
        self.assertEqual(
            (self.bob.commitment_date, self.bob.booking_stop), (self.alice.start, self.alice.stop)
        )
        self.assertRecordValues(
            request,
            [{"request_type": "change", "state": "approved", "auto_approved": True, "channel": "email"}],
        )
        self.assertEqual(request.sudo().fee_amount, 0.0)
        self.assertEqual((self.bob_offer.state, self.bob_wish.state), ("accepted", "moved"))
        self.assertEqual((self.carol_offer.state, self.carol_wish.state), ("lost", "waiting"))
        lost = self.emails_to(self.customers[0], self.carol_wish).filtered(lambda m: "was taken" in m.subject)
        self.assertEqual(len(lost), 1)
        told = (
            self.env["mail.message"]
            .search([("model", "=", "sale.order"), ("res_id", "=", self.bob.id)])
            .filtered(lambda m: self.worker.partner_id in m.partner_ids)
        )
        self.assertTrue(told, "the workers hear of the move")
        with self.assertRaisesRegex(BookingRefusal, "Someone else took this time first"):
            self.carol_offer._accept(self.customers[0], "portal")
        with self.assertRaisesRegex(BookingRefusal, "You took this time already"):
            self.bob_offer._accept(self.partner_b, "portal")
        self.assertEqual(self.carol.start, NOW + 9 * DAY, "a refused accept changes nothing")

    def test_chain(self):
        """Bob's earlier time frees his later one, offered in turn to Carol."""
        self.bob_offer._accept(self.partner_b, "email")
        second = self.carol_wish.offer_ids.filtered(lambda o: o.state == "open")
        self.assertRecordValues(second, [{"start": NOW + 8 * DAY, "stop": NOW + 8 * DAY + HOUR}])
        second._accept(self.customers[0], "portal")
        self.assertEqual(self.carol.start, NOW + 8 * DAY)

    def test_figures_for_the_pivot(self):
        """Alice's freed time counts once, offered twice, taken once: one hour of work saved."""
        self.bob_offer._accept(self.partner_b, "email")
        freed_by_alice = self.offers(self.bob, self.carol).filtered(
            lambda o: o.request_id == self.alice.booking_request_ids
        )
        figures = [sum(freed_by_alice.mapped(f)) for f in ("freed_count", "offered_count", "taken_count")]
        self.assertEqual(figures, [1, 2, 1])
        self.assertEqual(sum(freed_by_alice.mapped("hours_saved")), 1.0)

    def test_late_accept(self):
        """After its deadline (the cron has not run yet), an offer is refused and nothing changes."""
        self.travel(2 * HOUR + timedelta(seconds=1))
        with self.assertRaisesRegex(BookingRefusal, "expired"):
            self.bob_offer._accept(self.partner_b, "portal")
        self.assertEqual(self.bob.commitment_date, NOW + 8 * DAY)
        self.assertEqual(self.bob_offer.state, "open")

    def test_not_ones_own_offer(self):
        """Carol cannot take Bob's offer."""
        with self.assertRaisesRegex(BookingRefusal, "not yours"):
            self.bob_offer._accept(self.customers[0], "portal")
        self.assertEqual(self.bob.commitment_date, NOW + 8 * DAY)

    def test_time_taken_meanwhile(self):
        """A time the worker was booked at meanwhile is refused."""
        self.make_visit(self.alice.start, partner=self.customers[1])
        with self.assertRaisesRegex(BookingRefusal, "Someone else took"):
            self.bob_offer._accept(self.partner_b, "portal")

    def test_withdraw_and_cancelled_booking(self):
        """Leaving the list ends the open offers; a cancelled waiting booking leaves the list."""
        self.bob_wish.with_user(self.customer_b).action_withdraw()
        self.assertEqual((self.bob_wish.state, self.bob_offer.state), ("withdrawn", "expired"))
        self.cancel(self.carol, partner=self.customers[0])
        self.assertEqual((self.carol_wish.state, self.carol_offer.state), ("expired", "expired"))


@tagged("post_install", "-at_install")
class TestWaitlistEveryPath(WaitlistCase):
    """Every way a time is freed reaches the list: customers, staff, Odoo's own buttons, a move."""

    def setUp(self):
        super().setUp()
        self.waiting = self.wait(self.make_visit(NOW + 9 * DAY, partner=self.partner_b))

    def test_staff_cancel(self):
        order = self.make_order(NOW + 4 * DAY)
        order.with_user(self.reviewer)._booking_staff_cancel(notify=False)
        self.assertEqual(self.waiting.offer_ids.start, order.commitment_date)

    def test_odoos_cancel_button(self):
        order = self.make_order(NOW + 4 * DAY)
        order.with_user(self.organizer).with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.waiting.offer_ids.start, order.commitment_date)

    def test_archiving_a_visit(self):
        visit = self.make_visit(NOW + 4 * DAY)
        visit.with_user(self.organizer).action_archive()
        self.assertEqual(self.waiting.offer_ids.start, visit.start)

    def test_moving_by_hand_frees_what_the_new_time_leaves(self):
        """Moved by an hour later: its first hour is freed."""
        visit = self.make_visit(NOW + 4 * DAY, hours=2)
        start = visit.start
        visit.with_user(self.organizer).write({"start": start + HOUR, "stop": start + 3 * HOUR})
        self.assertRecordValues(self.waiting.offer_ids, [{"start": start, "stop": start + HOUR}])

    def test_customer_change(self):
        """A change approved at once frees the previous time."""
        self.company.booking_change_auto_approve = "always"
        visit = self.make_visit(NOW + 4 * DAY)
        start = visit.start
        self.change(visit, NOW + 12 * DAY)
        self.assertEqual(self.waiting.offer_ids.start, start)

    def test_offer_to_the_list_button(self):
        """Nobody fitted then; staff offer the time again once someone waits; others may not."""
        self.waiting.with_user(self.customer_b).action_withdraw()
        visit = self.make_visit(NOW + 4 * DAY)
        self.cancel(visit)
        self.assertTrue(visit.with_user(self.reviewer).booking_waitlist_freed)
        late = self.wait(self.make_visit(NOW + 10 * DAY, partner=self.customers[0]))
        with self.assertRaises(AccessError):
            visit.with_user(self.organizer).action_booking_offer_to_list()
        visit.with_user(self.reviewer).action_booking_offer_to_list()
        self.assertEqual(late.offer_ids.start, visit.start)


@tagged("post_install", "-at_install")
class TestWaitlistAsking(WaitlistCase):
    """Who may ask, for which days."""

    def test_ask_again_changes_the_days(self):
        visit = self.make_visit(NOW + 8 * DAY)
        first = self.wait(visit, first=NOW + 2 * DAY)
        again = self.wait(visit, first=NOW + 3 * DAY)
        self.assertEqual(first, again)
        self.assertEqual(first.date_from, NOW + 3 * DAY)
        self.assertEqual(first.date_to, visit.start, "never past the booking itself")
        self.assertEqual(len(self.emails_to(self.partner_a, first)), 2, "a confirmation each time")

    def test_records_made_directly(self):
        """A wish made by hand takes its booking's company; an offer, the company's deadline."""
        visit = self.make_visit(NOW + 8 * DAY)
        wish = self.env["booking.waitlist"].create(
            {"partner_id": self.partner_a.id, "event_id": visit.id, "date_from": NOW, "date_to": visit.start}
        )
        self.assertEqual(wish.company_id, self.company)
        start = NOW + 3 * DAY
        offer = self.env["booking.waitlist.offer"].create(
            {"waitlist_id": wish.id, "start": start, "stop": start + HOUR}
        )
        self.assertEqual(offer.expires_on, NOW + 2 * HOUR)

    def test_refusals(self):
        """Another customer, a cancelled booking, inside the cutoff, days after it: refused."""
        visit = self.make_visit(NOW + 8 * DAY)
        with self.assertRaises(BookingForbidden):
            visit._booking_waitlist_join(self.partner_b, NOW, visit.start, "portal")
        with self.assertRaises(AccessError):
            visit.with_user(self.organizer)._booking_waitlist_join(
                self.partner_a, NOW, visit.start, "backend"
            )
        with self.assertRaisesRegex(ValidationError, "before your booking"):
            self.wait(visit, first=visit.start + DAY, last=visit.start + 2 * DAY)
        soon = self.make_visit(NOW + 10 * HOUR)
        with self.assertRaises(BookingRefusal):
            self.wait(soon)
        self.cancel(visit)
        with self.assertRaisesRegex(BookingRefusal, "cancelled"):
            self.wait(visit)
