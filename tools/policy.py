"""The booking policy as pure functions: the window a request falls in and its fee.

No Odoo import here, so the rules are unit-tested without a database. All times
are naive UTC datetimes, as Odoo stores them: time zones never move a window.
"""

CLOSED = "closed"
REVIEW = "review"
FREE = "free"


def notice_hours(now, start):
    """Hours from ``now`` to ``start`` (negative once the booking started)."""
    return (start - now).total_seconds() / 3600.0


def window(notice, cutoff_hours, auto_mode, auto_hours, auto_conditions_met=True):
    """The window of a request made ``notice`` hours before the booking starts.

    ``auto_mode`` is ``never``, ``always`` or ``notice`` (free when notice >=
    ``auto_hours``); ``auto_conditions_met`` carries what else auto-approval
    needs (for a change: the workers are free at the new time).
    """
    if notice <= 0 or notice < (cutoff_hours or 0.0):
        return CLOSED
    auto = auto_mode == "always" or (auto_mode == "notice" and notice >= (auto_hours or 0.0))
    return FREE if auto and auto_conditions_met else REVIEW


def matching_fee_rule(notice, rules):
    """The first rule, tightest threshold first, whose threshold the notice is below.

    ``rules`` are objects with ``hours_before`` (Odoo records or plain objects).
    """
    for rule in sorted(rules, key=lambda r: r.hours_before):
        if notice < rule.hours_before:
            return rule
    return None


def fee_amount(rule, price):
    """Unrounded fee of ``rule`` for a booking of ``price``; 0 without a rule."""
    if not rule:
        return 0.0
    if rule.fee_type == "percent":
        return price * rule.amount / 100.0
    return rule.amount
