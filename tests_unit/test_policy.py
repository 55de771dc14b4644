"""The policy rules, without Odoo: windows at their edges and fee tiers."""

import importlib.util
import unittest
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

# Loaded by path: importing the addon package would import Odoo.
_spec = importlib.util.spec_from_file_location("policy", Path(__file__).parent.parent / "tools" / "policy.py")
policy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(policy)

NOW = datetime(2026, 3, 28, 12, 0)


def rule(hours, fee_type, amount):
    return SimpleNamespace(hours_before=hours, fee_type=fee_type, amount=amount)


class TestWindows(unittest.TestCase):
    def test_notice_hours_is_plain_utc_difference(self):
        self.assertEqual(policy.notice_hours(NOW, NOW + timedelta(hours=25, minutes=30)), 25.5)
        self.assertEqual(policy.notice_hours(NOW, NOW - timedelta(hours=1)), -1)

    def test_cutoff_edge(self):
        """One minute inside the cutoff is closed; exactly at it and beyond is open."""
        for minutes, expected in (
            (24 * 60 - 1, policy.CLOSED),
            (24 * 60, policy.REVIEW),
            (24 * 60 + 1, policy.REVIEW),
        ):
            with self.subTest(minutes=minutes):
                notice = policy.notice_hours(NOW, NOW + timedelta(minutes=minutes))
                self.assertEqual(policy.window(notice, 24, "never", 0), expected)

    def test_started_booking_is_closed_even_without_cutoff(self):
        self.assertEqual(policy.window(0, 0, "always", 0), policy.CLOSED)
        self.assertEqual(policy.window(-3, 0, "always", 0), policy.CLOSED)

    def test_auto_approval_modes(self):
        cases = (
            ("never", 500, policy.REVIEW),
            ("always", 1, policy.FREE),
            ("notice", 47.99, policy.REVIEW),
            ("notice", 48, policy.FREE),
        )
        for mode, notice, expected in cases:
            with self.subTest(mode=mode, notice=notice):
                self.assertEqual(policy.window(notice, 0, mode, 48), expected)

    def test_a_free_window_with_a_reason_to_review_is_review(self):
        self.assertEqual(policy.outcome(policy.FREE, (policy.WORKERS_BUSY,)), policy.REVIEW)
        self.assertEqual(policy.outcome(policy.FREE, ()), policy.FREE)
        self.assertEqual(policy.outcome(policy.CLOSED, ()), policy.CLOSED)


class TestChanges(unittest.TestCase):
    def test_only_a_pure_time_move_with_free_workers_and_no_fee_is_free(self):
        self.assertEqual(policy.change_review_reasons(time_only=True, workers_free=True, fee_now=False), ())
        self.assertEqual(
            policy.change_review_reasons(time_only=False, workers_free=False, fee_now=True),
            (policy.NOT_ONLY_TIME, policy.WORKERS_BUSY, policy.FEE_NOW),
        )

    def test_a_time_block_always_goes_to_review(self):
        reasons = policy.change_review_reasons(
            time_only=True, workers_free=True, fee_now=False, time_block=True
        )
        self.assertEqual(reasons, (policy.TIME_BLOCK,))

    def test_durations_from_15_minutes_to_14_days(self):
        for hours, expected in (
            (0.24, False),
            (0.25, True),
            (336, True),
            (336.01, False),
            (float("nan"), False),
        ):
            with self.subTest(hours=hours):
                self.assertEqual(policy.duration_ok(hours), expected)


class TestFees(unittest.TestCase):
    def test_fee_rule_is_the_tightest_threshold_above_notice(self):
        rules = [rule(48, "fixed", 10), rule(12, "percent", 100), rule(24, "percent", 50)]
        self.assertEqual(policy.matching_fee_rule(5, rules).amount, 100)
        self.assertEqual(policy.matching_fee_rule(12, rules).amount, 50)
        self.assertEqual(policy.matching_fee_rule(30, rules).amount, 10)
        self.assertIsNone(policy.matching_fee_rule(48, rules))

    def test_refund_is_what_was_paid_minus_the_fee(self):
        self.assertEqual(policy.refund_amount(100.0, 20.0), 80.0)
        self.assertEqual(policy.refund_amount(10.0, 20.0), 0.0)

    def test_fee_amounts(self):
        self.assertEqual(policy.fee_amount(rule(24, "percent", 25), 90.0), 22.5)
        self.assertEqual(policy.fee_amount(rule(24, "fixed", 15), 90.0), 15)
        self.assertEqual(policy.fee_amount(None, 90.0), 0.0)


if __name__ == "__main__":
    unittest.main()
