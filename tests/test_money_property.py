"""A booking's account under random sequences of steps (hypothesis' stateful testing).

One paid order (115.00) and one unpaid visit, with fee tiers, go through customer
cancellations (inside and outside the fee window), undo, book again, changes, a reviewer's
cancellation with an edited fee, Odoo's own Cancel button (archiving, for the visit),
payments registered on the newest open document, and time passing. After every step the
account holds: never more credited than invoiced; the documents say exactly what is due;
each cancellation's fee invoiced at most once and reversed at most once; what the customer
paid beyond what is due is asked of accounting, to the cent, and nothing more.

Reproducible: a fixed seed (``derandomize``) and 200 examples; ``BOOKING_MONEY_EXAMPLES=2000``
runs more, ``BOOKING_MONEY_RANDOM=1`` new ones at each run.
"""

import os
import re
from datetime import timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import NOW, BookingCase
from .test_money_account import TaxedMoney

MONEY = settings(
    max_examples=int(os.environ.get("BOOKING_MONEY_EXAMPLES", "200")),
    stateful_step_count=int(os.environ.get("BOOKING_MONEY_STEPS", "4")),
    deadline=None,
    derandomize=not os.environ.get("BOOKING_MONEY_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)
PICK = st.integers(0, 1)  # which of the bookings a step may act on
RETURN = re.compile(r"^Return ([\d,]+\.\d\d) to ")


def is_open(booking):
    return booking._booking_is_open()


def cancelled_by_customer(booking):
    last = booking._booking_last_cancellation()
    return booking._booking_is_cancelled() and last.channel not in (False, "backend")


def open_documents(booking):
    return booking._booking_money_documents().filtered(lambda m: m.state == "posted" and m.amount_residual)


class MoneyMachine(RuleBasedStateMachine):
    """One example: the case's two bookings, in a savepoint rolled back at its end."""

    def __init__(self, case):
        super().__init__()
        self.case = case
        self.env = case.env
        self.savepoint = self.env.cr.savepoint()
        self.clock = freeze_time(NOW)
        self.frozen = self.clock.start()
        # what the customer paid net, as the payments registered say (not as the engine reads it)
        self.paid = {case.order: case.order_paid, case.visit: 0.0}

    def teardown(self):
        self.clock.stop()
        self.savepoint.close(rollback=True)
        self.env.invalidate_all(flush=False)

    def able(self, test):
        return [booking for booking in self.paid if test(booking)]

    def choose(self, pick, test):
        bookings = self.able(test)
        return bookings[pick % len(bookings)]

    def step(self, act):
        """Run ``act``; a refusal (the policy, a closed window) changes nothing."""
        try:
            with self.env.cr.savepoint():
                act()
        except (UserError, ValidationError):
            self.env.invalidate_all(flush=False)

    def approve(self, request):
        if request.state == "pending":
            request.with_user(self.case.reviewer).with_context(booking_conflicts_ok=True).action_approve()

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    @precondition(lambda self: self.able(is_open))
    @rule(pick=PICK)
    def customer_cancel(self, pick):
        booking = self.choose(pick, is_open)
        self.step(lambda: self.approve(self.case.cancel(booking)))

    @precondition(lambda self: self.able(cancelled_by_customer))
    @rule(pick=PICK)
    def undo(self, pick):
        last = self.choose(pick, cancelled_by_customer)._booking_last_cancellation()
        self.step(lambda: last.with_user(self.case.customer_a).action_undo())

    @precondition(lambda self: self.able(cancelled_by_customer))
    @rule(pick=PICK, hours=st.sampled_from([30, 50, 100]))
    def book_again(self, pick, hours):
        booking = self.choose(pick, cancelled_by_customer)
        start = self.case.now() + timedelta(hours=hours)
        values = {"requested_start": start, "requested_stop": start + timedelta(hours=1)}
        self.step(
            lambda: self.approve(booking._booking_request_rebook(self.case.partner_a, values, "portal"))
        )

    @precondition(lambda self: self.able(is_open))
    @rule(pick=PICK, hours=st.sampled_from([30, 50, 100]), other_service=st.booleans())
    def change(self, pick, hours, other_service):
        booking = self.choose(pick, is_open)
        extra = {"requested_product_id": self.case.grooming.id} if other_service else {}
        start = self.case.now() + timedelta(hours=hours)
        self.step(lambda: self.approve(self.case.change(booking, start, **extra)))

    @precondition(lambda self: self.able(is_open))
    @rule(pick=PICK, fee=st.sampled_from([0.0, 5.0, 20.0]))
    def staff_cancel(self, pick, fee):
        booking = self.choose(pick, is_open).with_user(self.case.reviewer)
        self.step(lambda: booking._booking_staff_cancel(fee_amount=fee, notify=False))

    @precondition(lambda self: self.able(is_open))
    @rule(pick=PICK)
    def odoo_cancel(self, pick):
        """The order's Cancel button; for the visit, archiving it."""
        booking = self.choose(pick, is_open)
        if booking._name == "sale.order":
            self.step(lambda: booking.with_context(disable_cancel_warning=True).action_cancel())
        else:
            self.step(booking.action_archive)

    @precondition(lambda self: self.able(open_documents))
    @rule(pick=PICK)
    def pay(self, pick):
        """The customer pays the newest open invoice, or accounting pays out the newest open credit note."""
        booking = self.choose(pick, open_documents)
        move = open_documents(booking).sorted("id")[-1]
        amount = move.amount_residual
        self.case.pay(move)
        self.paid[booking] += amount if move.move_type == "out_invoice" else -amount
        move.activity_ids.action_feedback(feedback="Done")

    @rule(minutes=st.sampled_from([5, 20, 60 * 24]))
    def time_passes(self, minutes):
        self.frozen.tick(timedelta(minutes=minutes))

    # ------------------------------------------------------------------
    # The account's invariants
    # ------------------------------------------------------------------

    @invariant()
    def documents_say_what_is_due(self):
        for booking in self.paid:
            self.case.assertAccountRight(booking)

    @invariant()
    def each_fee_invoiced_once_reversed_once(self):
        Move = self.env["account.move"]
        for booking in self.paid:
            for request in booking.booking_request_ids.filtered(lambda r: r.request_type == "cancel"):
                fee_invoices = Move.search(
                    [
                        ("booking_request_id", "=", request.id),
                        ("move_type", "=", "out_invoice"),
                        ("reversed_entry_id", "=", False),
                    ]
                )
                self.case.assertLessEqual(len(fee_invoices), 1)
                self.case.assertEqual(fee_invoices, request.fee_invoice_id)
                reversals = request.fee_invoice_id.reversal_move_ids.filtered(lambda m: m.state != "cancel")
                self.case.assertLessEqual(len(reversals), 1)

    @invariant()
    def money_to_return_is_asked_of_accounting(self):
        for booking, paid in self.paid.items():
            due = booking._booking_money_due()
            asked = 0.0
            for move, summary in self.case.money_activities(booking).items():
                found = RETURN.match(summary)
                if found:
                    self.case.assertEqual(move.move_type, "out_refund")
                    self.case.assertEqual(float(found[1].replace(",", "")), move.amount_residual)
                    asked += move.amount_residual
                else:
                    self.case.assertRegex(summary, r"^Collect [\d,]+\.\d\d from Alice Customer$")
            self.case.assertEqual(round(asked, 2), round(max(paid - due, 0.0), 2))


@tagged("post_install", "-at_install")
class TestMoneyProperty(TaxedMoney, BookingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "booking_cancel_auto_approve": "always",
                "booking_change_auto_approve": "always",
                "booking_fee_rule_ids": [
                    Command.clear(),
                    Command.create({"hours_before": 72.0, "fee_type": "fixed", "amount": 10.0}),
                    Command.create({"hours_before": 36.0, "fee_type": "percent", "amount": 50.0}),
                ],
            }
        )
        with freeze_time(NOW):
            cls.order, invoice = cls.paid_order(NOW + timedelta(hours=80))
            cls.order.booking_worker_ids = cls.worker_2
            cls.visit = cls.make_visit(NOW + timedelta(hours=60))
        cls.order_paid = invoice.amount_total

    def test_money_always_balances(self):
        """Random sequences of cancel, undo, book again, change, staff and Odoo cancels, payments, time."""
        run_state_machine_as_test(lambda: MoneyMachine(self), settings=MONEY)
