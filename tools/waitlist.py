"""The move-up list's rules on times, as pure functions (no Odoo import: unit-tested alone).

Times are naive UTC datetimes; an interval is a ``(start, stop)`` pair, ``start < stop``.
"""

from datetime import timedelta


def subtract(interval, other):
    """The parts of ``interval`` that ``other`` (or None) does not cover: zero, one or two intervals."""
    start, stop = interval
    if not other or other[1] <= start or other[0] >= stop:
        return [(start, stop)]
    parts = []
    if other[0] > start:
        parts.append((start, other[0]))
    if other[1] < stop:
        parts.append((other[1], stop))
    return parts


def freed_times(previous, current, earliest):
    """What a booking no longer takes: its ``previous`` time less its ``current`` one (None when
    cancelled), from ``earliest`` on (times closer than the cutoff are not offered)."""
    if not previous or not previous[0] or not previous[1] or previous[1] <= previous[0]:
        return []
    parts = subtract(previous, current)
    return [(max(start, earliest), stop) for start, stop in parts if stop > max(start, earliest)]


def first_fit(free, low, high, length):
    """The earliest start ``s`` with ``[s, s + length)`` inside one of the ``free`` intervals and
    inside ``[low, high)``; None when nothing fits."""
    for start, stop in sorted(free):
        begin, end = max(start, low), min(stop, high)
        if end - begin >= length:
            return begin
    return None


def offer_deadline(now, minutes, start, cutoff_hours):
    """Until when an offer of a time starting at ``start`` stands: the company's minutes, and never
    past the cutoff before that time (after it, the time can no longer be booked online)."""
    return min(now + timedelta(minutes=minutes), start - timedelta(hours=cutoff_hours))


def overlaps(first, second):
    return first[0] < second[1] and second[0] < first[1]
