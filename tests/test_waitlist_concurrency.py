import threading
import uuid
from datetime import timedelta

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_concurrency import RACE_ERRORS, RaceCase
from .test_waitlist import every_day_calendar


@tagged("post_install", "-at_install")
class TestWaitlistRace(RaceCase):
    """Two customers accept the same freed time at once, in real transactions: exactly one wins."""

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            tag = uuid.uuid4().hex[:10]
            worker = env["res.users"].create({"name": f"Race worker {tag}", "login": f"wl_race_{tag}"})
            env["resource.resource"].create(
                {"name": worker.name, "user_id": worker.id, "calendar_id": every_day_calendar(env).id}
            )
            partners = env["res.partner"].create(
                [{"name": f"Racer {n} {tag}", "email": f"wl{n}{tag}@example.com"} for n in range(3)]
            )
            waiting = [self.visit(env, partners[n], worker, days) for n, days in ((0, 8), (1, 9))]
            now = fields.Datetime.now()
            wishes = [
                visit._booking_waitlist_join(visit._booking_customers(), now, visit.start, "portal")
                for visit in waiting
            ]
            self.freed = self.visit(env, partners[2], worker, 4)
            self.freed._booking_staff_cancel(notify=False)
            self.offers = [wish.offer_ids.id for wish in wishes]
            self.assertTrue(all(self.offers), "both are offered the freed time")
            self.visits = [visit.id for visit in (*waiting, self.freed)]
            self.partners = partners.ids
        self.addCleanup(self.cleanup)

    @staticmethod
    def visit(env, partner, worker, days):
        start = fields.Datetime.now().replace(second=0, microsecond=0) + timedelta(days=days)
        return (
            env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Race",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [Command.set(partner.ids)],
                    "booking_worker_ids": [Command.set(worker.ids)],
                }
            )
        )

    def cleanup(self):
        with self.committed_env() as env:
            visits = tuple(self.visits)
            env.cr.execute("DELETE FROM booking_waitlist WHERE event_id IN %s", [visits])
            env.cr.execute("DELETE FROM booking_change_request WHERE event_id IN %s", [visits])
            env.cr.execute("DELETE FROM calendar_event WHERE id IN %s", [visits])

    @mute_logger("odoo.sql_db")
    def race(self, *actions):
        barrier = threading.Barrier(len(actions))
        outcomes = [None] * len(actions)

        def run(index, action):
            with self.db.cursor() as cr:
                if self.isolation_level is not None:
                    cr.connection.set_isolation_level(self.isolation_level)
                env = self.env_for(cr, context={"tracking_disable": True})
                env["booking.waitlist.offer"].browse(self.offers).read(["state"])
                barrier.wait()
                try:
                    action(env)
                    env.flush_all()
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes[index] = "done"
                except RACE_ERRORS as error:
                    cr.rollback()
                    outcomes[index] = type(error).__name__

        threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcomes

    def accept(self, index):
        def action(env):
            offer = env["booking.waitlist.offer"].browse(self.offers[index])
            offer._accept(env["res.partner"].browse(self.partners[index]), "portal")

        return action

    def test_two_customers_accept_at_once(self):
        """Both press Accept together: one moves to the freed time, the other is refused; never both."""
        outcomes = self.race(self.accept(0), self.accept(1))
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        with self.committed_env() as env:
            offers = env["booking.waitlist.offer"].browse(self.offers)
            visits = env["calendar.event"].browse(self.visits)
            freed_start = visits[2].start
            moved = [visit.start == freed_start for visit in visits[:2]]
            self.assertEqual(sorted(offers.mapped("state")), ["accepted", "lost"])
            self.assertEqual(moved.count(True), 1, "one booking holds the freed time")
            winner = offers.filtered(lambda o: o.state == "accepted")
            self.assertEqual(moved.index(True), self.offers.index(winner.id))


@tagged("post_install", "-at_install")
class TestWaitlistRaceReadCommitted(TestWaitlistRace):
    """The same race where PostgreSQL would not refuse the second writer: our row locks decide."""

    allow_inherited_tests_method = True
    isolation_level = ISOLATION_LEVEL_READ_COMMITTED
