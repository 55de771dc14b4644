import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors as pg_errors
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from ..tools.compat import GROUP_IDS, Transaction

RACE_ERRORS = (
    UserError,
    pg_errors.SerializationFailure,
    pg_errors.LockNotAvailable,
    pg_errors.DeadlockDetected,
)


class RaceCase(BaseCase):
    """Real, separately committed transactions racing each other (this file's and the move-up
    list's races): each thread's cursor gets its own transaction, as Odoo's runner would not."""

    isolation_level = None  # Odoo's own: REPEATABLE READ

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = sql_db.db_connect(get_db_name())
        cls.registry = Registry(get_db_name())

    def env_for(self, cr, uid=SUPERUSER_ID, context=None):
        # The test runner holds the registry lock: give each cursor its transaction
        # directly rather than letting Environment look the registry up.
        cr.transaction = Transaction(self.registry)
        return api.Environment(cr, uid, context or {})

    def registry_cursor(self, *args, **kwargs):
        """The registry's new cursors, with their transaction as env_for gives them: in 19.0 a
        commit hook (account's partner ranks) opens one from a racing thread."""
        cr = type(self.registry).cursor(self.registry, *args, **kwargs)
        cr.transaction = Transaction(self.registry)
        return cr

    @contextmanager
    def committed_env(self, uid=SUPERUSER_ID):
        with self.db.cursor() as cr:
            yield self.env_for(cr, uid, {"tracking_disable": True})
            # a real transaction of its own, seen by the racing ones
            cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestConcurrency(RaceCase):
    """Racing decisions through real, separately committed transactions: one outcome."""

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            uid = uuid.uuid4().hex[:10]
            partner = env["res.partner"].create({"name": f"Racer {uid}", "email": f"racer{uid}@example.com"})
            self.reviewer_id = (
                env["res.users"]
                .create(
                    {
                        "name": f"Race reviewer {uid}",
                        "login": f"race_reviewer_{uid}",
                        GROUP_IDS: [
                            Command.set([env.ref("booking_change_request.group_booking_reviewer").id])
                        ],
                    }
                )
                .id
            )
            self.fee_rule_id = (
                env["booking.cancellation.fee.rule"]
                .create(
                    {
                        "company_id": env.company.id,
                        "hours_before": 1000.0,
                        "fee_type": "fixed",
                        "amount": 12.0,
                    }
                )
                .id
            )
            visit = self.create_visit(env, partner.id, timedelta(hours=30))
            self.partner_id, self.visit_id = partner.id, visit.id
            self.request_id = visit._booking_request_cancel(partner, {}, "portal").id
            self.assertEqual(env["booking.change.request"].browse(self.request_id).state, "pending")
        self.addCleanup(self.cleanup)

    @staticmethod
    def create_visit(env, partner_id, notice):
        start = fields.Datetime.now() + notice
        return (
            env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Race",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [Command.set([partner_id])],
                    # a booked visit: one with a service (a plain meeting is no booking)
                    "booking_product_id": TestConcurrency.race_service(env).id,
                }
            )
        )

    @staticmethod
    def race_service(env):
        """The races' service, made once and kept (committed: every race's visits use it)."""
        products = env["product.product"]
        return products.search([("default_code", "=", "BCR-RACE")], limit=1) or products.create(
            {"name": "Race service", "default_code": "BCR-RACE", "type": "service", "list_price": 20.0}
        )

    @staticmethod
    def purge(env, requests, visits):
        """Remove what a race committed (requests refuse unlink: they are history, so SQL here)."""
        invoices = requests.fee_invoice_id
        messages = requests.message_ids | visits.message_ids
        messages.attachment_ids.unlink()
        messages.unlink()
        requests.activity_ids.unlink()
        if requests:
            env.cr.execute("DELETE FROM booking_change_request WHERE id IN %s", [tuple(requests.ids)])
        env.invalidate_all()
        invoices.filtered(lambda m: m.state == "posted").button_draft()
        invoices.with_context(force_delete=True).unlink()
        visits.with_context(active_test=False).exists().unlink()

    def cleanup(self):
        with self.committed_env() as env:
            request = env["booking.change.request"].browse(self.request_id)
            self.purge(env, request, env["calendar.event"].browse(self.visit_id))
            env["booking.cancellation.fee.rule"].browse(self.fee_rule_id).unlink()

    @mute_logger("odoo.sql_db")  # the loser's serialization failure is expected
    def race(self, *actions):
        """Run each (uid, callable(env)) in its own transaction, released together."""
        barrier = threading.Barrier(len(actions))
        outcomes = [None] * len(actions)

        def run(index, uid, action):
            with self.db.cursor() as cr:
                if self.isolation_level is not None:
                    cr.connection.set_isolation_level(self.isolation_level)
                env = self.env_for(cr, uid)
                # both transactions take their snapshot before the race
                env["booking.change.request"].browse(self.request_id).read(["state"])
                barrier.wait()
                try:
                    action(env)
                    env.flush_all()
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes[index] = "done"
                except RACE_ERRORS as error:
                    cr.rollback()
                    outcomes[index] = type(error).__name__

        threads = [threading.Thread(target=run, args=(i, *a)) for i, a in enumerate(actions)]
        with patch.object(self.registry, "cursor", self.registry_cursor):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        return outcomes

    def on_request(self, method, *args):
        return lambda env: getattr(env["booking.change.request"].browse(self.request_id), method)(*args)

    def final(self):
        with self.committed_env() as env:
            request = env["booking.change.request"].browse(self.request_id)
            invoices = env["account.move"].search([("invoice_origin", "like", request.name)])
            return request.state, len(invoices), env["calendar.event"].browse(self.visit_id).booking_cancelled

    def test_racing_approve_and_deny(self):
        """Approve and deny at once: one wins, the other fails; at most one fee invoice."""
        outcomes = self.race(
            (self.reviewer_id, self.on_request("action_approve")),
            (self.reviewer_id, self.on_request("action_deny", "race")),
        )
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        state, invoices, cancelled = self.final()
        if state == "approved":
            self.assertEqual((invoices, cancelled), (1, True))
        else:
            self.assertEqual((state, invoices, cancelled), ("denied", 0, False))

    def test_racing_double_approval(self):
        """Two reviewers approving together make one fee invoice, not two."""
        outcomes = self.race(
            (self.reviewer_id, self.on_request("action_approve")),
            (self.reviewer_id, self.on_request("action_approve")),
        )
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        self.assertEqual(self.final(), ("approved", 1, True))

    def test_racing_withdrawal_and_approval(self):
        """The customer withdraws while staff approve: one of the two happens."""
        outcomes = self.race(
            (SUPERUSER_ID, self.on_request("action_withdraw")),
            (self.reviewer_id, self.on_request("action_approve")),
        )
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        state, invoices, cancelled = self.final()
        self.assertIn(state, ("withdrawn", "approved"))
        self.assertEqual((invoices, cancelled), (1, True) if state == "approved" else (0, False))

    def test_racing_double_submit(self):
        """The same cancellation submitted twice at once (double click): one request, one outcome."""
        with self.committed_env() as env:
            visit_id = self.create_visit(env, self.partner_id, timedelta(days=5)).id

        def submit(env):
            booking = env["calendar.event"].browse(visit_id)
            booking._booking_request_cancel(env["res.partner"].browse(self.partner_id), {}, "portal")

        outcomes = self.race((SUPERUSER_ID, submit), (SUPERUSER_ID, submit))
        with self.committed_env() as env:
            visit = env["calendar.event"].browse(visit_id)
            requests = visit.booking_request_ids
            self.assertEqual(
                (outcomes.count("done"), len(requests), visit.booking_cancelled), (1, 1, True), outcomes
            )
            self.purge(env, requests, visit)

    def test_racing_undo_and_approval_of_the_freed_time(self):
        """The customer undoes a cancellation while a reviewer gives that time to another visit of the
        same worker: one of the two wins, never both."""
        with self.committed_env() as env:
            worker = env["res.users"].create(
                {"name": "Race worker", "login": f"race_worker_{self.request_id}"}
            )
            other = env["res.partner"].create({"name": "Other racer"})
            cancelled = self.create_visit(env, self.partner_id, timedelta(days=5))
            moving = self.create_visit(env, other.id, timedelta(days=6))
            (cancelled | moving).write({"booking_worker_ids": [Command.set(worker.ids)]})
            undo_id = cancelled._booking_request_cancel(
                env["res.partner"].browse(self.partner_id), {}, "portal"
            ).id
            values = {"requested_start": cancelled.start, "requested_stop": cancelled.stop}
            change_id = moving._booking_request_change(other, values, "portal").id
            requests = env["booking.change.request"].browse([undo_id, change_id])
            self.assertEqual(requests.mapped("state"), ["approved", "pending"])
        outcomes = self.race(
            (SUPERUSER_ID, lambda env: env["booking.change.request"].browse(undo_id)._undo()),
            (self.reviewer_id, lambda env: env["booking.change.request"].browse(change_id).action_approve()),
        )
        with self.committed_env() as env:
            requests = env["booking.change.request"].browse([undo_id, change_id])
            states = requests.mapped("state")
            visits = env["calendar.event"].browse([cancelled.id, moving.id])
            back_on = not visits[0].booking_cancelled
            moved = visits[1].start == visits[0].start
            self.purge(env, requests, visits)
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        self.assertIn(states, (["undone", "pending"], ["approved", "approved"]))
        self.assertEqual((back_on, moved), (True, False) if states[0] == "undone" else (False, True))


@tagged("post_install", "-at_install")
class TestConcurrencyReadCommitted(TestConcurrency):
    """The same races where PostgreSQL would not refuse the second writer: the engine's own
    row locks, not the isolation level alone, must give the one outcome."""

    allow_inherited_tests_method = True
    isolation_level = ISOLATION_LEVEL_READ_COMMITTED
