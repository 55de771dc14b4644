"""The booking policy as pure functions: windows, fees, and what a change needs to be free.

No Odoo import here, so the rules are unit-tested without a database. All times
are naive UTC datetimes, as Odoo stores them: time zones never move a window.
"""

from dataclasses import dataclass

CLOSED = "closed"
REVIEW = "review"
FREE = "free"

MIN_DURATION_HOURS = 0.25
MAX_DURATION_HOURS = 24 * 14

# Why a change (or book again) goes to review although its window is free.
NOT_ONLY_TIME = "not_only_time"  # no new time, or a new service or duration
OFF_HOURS = "off_hours"  # the workers do not work then
WORKERS_BUSY = "workers_busy"
FEE_NOW = "fee_now"  # a cancellation made now would carry a fee
TIME_BLOCK = "time_block"  # the reviewer picks the exact time


@dataclass
class Decision:
    """What happens to a request made now: read by the portal, the emails and the engine.

    ``request_type`` is ``cancel``, ``change``, ``rebook`` or ``undo``. A closed decision's
    message says why and whom to contact; an open one's says what will happen.
    """

    request_type: str
    outcome: str  # closed, review or free
    window: str  # the window of the notice alone
    message: str  # the outcome and its reason, in words a customer reads
    fee: float = 0.0  # untaxed, as on the request
    fee_total: float = 0.0  # as invoiced, taxes included
    refund: float = 0.0  # what a paid order's customer gets back
    notice: float = 0.0  # hours from now to the booking's start (or the new start)
    reasons: tuple = ()  # why an open window still goes to review
    deadline: object = None  # until when it stays offered (an undo)

    @property
    def closed(self):
        return self.outcome == CLOSED

    @property
    def offered(self):
        return self.outcome != CLOSED

    def as_json(self, format_amount):
        """The dialog's view of the decision; ``format_amount(amount)`` formats money."""
        return {
            "type": self.request_type,
            "outcome": self.outcome,
            "message": self.message,
            "fee": self.fee_total,
            "fee_text": format_amount(self.fee_total) if self.fee_total else "",
            "refund": self.refund,
            "refund_text": format_amount(self.refund) if self.refund else "",
            "reasons": list(self.reasons),
        }


@dataclass
class Offer:
    """What a booking offers one customer now: each action with its decision (and why not)."""

    cancel: Decision
    change: Decision
    rebook: Decision
    undo: Decision | None = None  # None: no cancellation of theirs to undo

    def __getitem__(self, request_type):
        return getattr(self, request_type)

    @property
    def anything(self):
        """Whether any action is offered (the list's pencil)."""
        return anything_offered((self.cancel, self.change, self.rebook))


def anything_offered(decisions):
    """Whether any of ``decisions`` (cancel, change, rebook) is offered: the pencil. An iterable,
    so that a caller deciding lazily stops at the first one offered."""
    return any(d.offered for d in decisions)


def notice_hours(now, start):
    """Hours from ``now`` to ``start`` (negative once the booking started)."""
    return (start - now).total_seconds() / 3600.0


def window(notice, cutoff_hours, auto_mode, auto_hours):
    """The window of a request made ``notice`` hours before the booking starts.

    ``auto_mode`` is ``never``, ``always`` or ``notice`` (free when notice >= ``auto_hours``).
    """
    if notice <= 0 or notice < (cutoff_hours or 0.0):
        return CLOSED
    auto = auto_mode == "always" or (auto_mode == "notice" and notice >= (auto_hours or 0.0))
    return FREE if auto else REVIEW


def outcome(notice_window, review_reasons=()):
    """The outcome: the window, but a free window with any reason to review is review."""
    if notice_window == FREE and review_reasons:
        return REVIEW
    return notice_window


def change_review_reasons(*, time_only, workers_free, fee_now, time_block=False, working=True):
    """Why a change that is otherwise in the free window still needs a person."""
    reasons = []
    if time_block:
        reasons.append(TIME_BLOCK)
    elif not time_only:
        reasons.append(NOT_ONLY_TIME)
    if not working:
        reasons.append(OFF_HOURS)
    if not workers_free:
        reasons.append(WORKERS_BUSY)
    if fee_now:
        reasons.append(FEE_NOW)
    return tuple(reasons)


def duration_ok(hours):
    """Durations from 15 minutes to 14 days (also refuses nan and inf)."""
    return MIN_DURATION_HOURS <= hours <= MAX_DURATION_HOURS


def duration_bounds():
    """(minutes, days) of the shortest and longest booking, for the one message that says them."""
    return round(MIN_DURATION_HOURS * 60), round(MAX_DURATION_HOURS / 24)


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


def refund_amount(paid, fee):
    """What a customer who paid ``paid`` gets back when cancelling with ``fee`` (never negative)."""
    return max(paid - fee, 0.0)
