"""The policy rules, without Odoo: windows at their edges and fee tiers."""

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

_spec = importlib.util.spec_from_file_location("policy", Path(__file__).parent.parent / "tools" / "policy.py")
policy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(policy)

NOW = datetime(2026, 3, 28, 12, 0)


def rule(hours, fee_type, amount):
    return SimpleNamespace(hours_before=hours, fee_type=fee_type, amount=amount)


def test_notice_hours_is_plain_utc_difference():
    assert policy.notice_hours(NOW, NOW + timedelta(hours=25, minutes=30)) == 25.5
    assert policy.notice_hours(NOW, NOW - timedelta(hours=1)) == -1


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(24 * 60 - 1, policy.CLOSED), (24 * 60, policy.REVIEW), (24 * 60 + 1, policy.REVIEW)],
)
def test_cutoff_edge(minutes, expected):
    notice = policy.notice_hours(NOW, NOW + timedelta(minutes=minutes))
    assert policy.window(notice, 24, "never", 0) == expected


def test_started_booking_is_closed_even_without_cutoff():
    assert policy.window(0, 0, "always", 0) == policy.CLOSED
    assert policy.window(-3, 0, "always", 0) == policy.CLOSED


@pytest.mark.parametrize(
    ("mode", "notice", "expected"),
    [
        ("never", 500, policy.REVIEW),
        ("always", 1, policy.FREE),
        ("notice", 47.99, policy.REVIEW),
        ("notice", 48, policy.FREE),
    ],
)
def test_auto_approval_modes(mode, notice, expected):
    assert policy.window(notice, 0, mode, 48) == expected


def test_auto_approval_needs_its_conditions():
    assert policy.window(100, 0, "always", 0, auto_conditions_met=False) == policy.REVIEW


def test_fee_rule_is_the_tightest_threshold_above_notice():
    rules = [rule(48, "fixed", 10), rule(12, "percent", 100), rule(24, "percent", 50)]
    assert policy.matching_fee_rule(5, rules).amount == 100
    assert policy.matching_fee_rule(12, rules).amount == 50
    assert policy.matching_fee_rule(30, rules).amount == 10
    assert policy.matching_fee_rule(48, rules) is None


def test_fee_amounts():
    assert policy.fee_amount(rule(24, "percent", 25), 90.0) == 22.5
    assert policy.fee_amount(rule(24, "fixed", 15), 90.0) == 15
    assert policy.fee_amount(None, 90.0) == 0.0
