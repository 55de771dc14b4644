"""A booking's account under random sequences of steps (hypothesis' stateful testing).

One paid order (115.00) and one unpaid visit, with fee tiers, go through customer
cancellations (inside and outside the fee window), undo, book again, changes, a reviewer's
cancellation with an edited fee, Odoo's own Cancel button (archiving, for the visit),
payments registered on the newest open document, and time passing. After every step the
account holds: never more credited than invoiced; the documents say exactly what is due;
each cancellation's fee invoiced at most once and reversed at most once; what the customer
paid beyond what is due is asked of accounting, to the cent, and nothing more.

Reproducible: a fixed seed (``derandomize``), 200 examples of up to 3 steps;
``BOOKING_MONEY_EXAMPLES=1000`` runs more, ``BOOKING_MONEY_STEPS=8`` longer sequences,
``BOOKING_MONEY_RANDOM=1`` new ones at each run.
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
    stateful_step_count=int(os.environ.get("BOOKING_MONEY_STEPS", "3")),
    deadline=None,
    derandomize=not os.environ.get("BOOKING_MONEY_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)
HOURS = st.sampled_from([30, 50, 100])  # inside the 50% tier, inside the fixed fee's, outside
RETURN = re.compile(r"^Return ([\d,]+\.\d\d) to ")


def is_open(booking):
    return booking._booking_is_open()


def cancelled_by_customer(booking):
    last = booking._booking_last_cancellation()
    return booking._booking_is_cancelled() and last.channel not in (False, "backend")


def open_documents(booking):
    return booking._booking_money_documents().filtered(lambda m: m.state == "posted" and m.amount_residual)


# (step, weight, the bookings it applies to), the steps after a customer's cancellation
# first: hypothesis draws the first choices of a list more often.
STEPS = (
    ("book_again", 2, cancelled_by_customer),
    ("undo", 2, cancelled_by_customer),
    ("pay", 2, open_documents),
    ("customer_cancel", 2, is_open),
    ("staff_cancel", 1, is_open),
    ("odoo_cancel", 1, is_open),
    ("change", 1, is_open),
)


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

    def steps(self):
        """The (step, booking) pairs that apply now, as often as their weight, interleaved."""
        return [
            (name, booking)
            for copy in range(2)
            for name, weight, test in STEPS
            if copy < weight
            for booking in self.able(test)
        ]

    @precondition(lambda self: self.steps())
    @rule(data=st.data())
    def step_on_a_booking(self, data):
        name, booking = data.draw(st.sampled_from(self.steps()), label="step")
        getattr(self, name)(booking, data)

    def customer_cancel(self, booking, data):
        self.step(lambda: self.approve(self.case.cancel(booking)))

    def undo(self, booking, data):
        last = booking._booking_last_cancellation()
        self.step(lambda: last.with_user(self.case.customer_a).action_undo())

    def book_again(self, booking, data):
        start = self.case.now() + timedelta(hours=data.draw(HOURS, label="hours from now"))
        values = {"requested_start": start, "requested_stop": start + timedelta(hours=1)}
        self.step(
            lambda: self.approve(booking._booking_request_rebook(self.case.partner_a, values, "portal"))
        )

    def change(self, booking, data):
        start = self.case.now() + timedelta(hours=data.draw(HOURS, label="hours from now"))
        extra = {"requested_product_id": self.case.grooming.id} if data.draw(st.booleans(), "service") else {}
        self.step(lambda: self.approve(self.case.change(booking, start, **extra)))

    def staff_cancel(self, booking, data):
        fee = data.draw(st.sampled_from([0.0, 5.0, 20.0]), label="fee")
        booking = booking.with_user(self.case.reviewer)
        self.step(lambda: booking._booking_staff_cancel(fee_amount=fee, notify=False))

    def odoo_cancel(self, booking, data):
        """The order's Cancel button; for the visit, archiving it."""
        if booking._name == "sale.order":
            self.step(lambda: booking.with_context(disable_cancel_warning=True).action_cancel())
        else:
            self.step(booking.action_archive)

    def pay(self, booking, data):
        """The customer pays the newest open invoice, or accounting pays out the newest open credit note."""
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
