"""The move-up list's rules on times, without Odoo."""

import importlib.util
import unittest
from datetime import datetime, timedelta
from pathlib import Path

_path = Path(__file__).parent.parent / "tools" / "waitlist.py"
_spec = importlib.util.spec_from_file_location("waitlist", _path)
waitlist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(waitlist)

DAY = datetime(2026, 6, 10)


def at(hour, minute=0):
    return DAY + timedelta(hours=hour, minutes=minute)


class TestFreedTimes(unittest.TestCase):
    def test_cancellation_frees_the_whole_time(self):
        """A cancelled booking frees all its previous time."""
        self.assertEqual(waitlist.freed_times((at(9), at(11)), None, at(0)), [(at(9), at(11))])

    def test_move_frees_what_the_new_time_does_not_cover(self):
        """A move frees the previous time less the new one: one side, both sides or nothing."""
        self.assertEqual(waitlist.freed_times((at(9), at(11)), (at(10), at(12)), at(0)), [(at(9), at(10))])
        self.assertEqual(
            waitlist.freed_times((at(9), at(12)), (at(10), at(11)), at(0)),
            [(at(9), at(10)), (at(11), at(12))],
        )
        self.assertEqual(waitlist.freed_times((at(9), at(10)), (at(9), at(10)), at(0)), [])
        self.assertEqual(waitlist.freed_times((at(9), at(10)), (at(14), at(15)), at(0)), [(at(9), at(10))])

    def test_nothing_before_the_earliest(self):
        """Times closer than the cutoff are cut off, or dropped."""
        self.assertEqual(waitlist.freed_times((at(9), at(11)), None, at(10)), [(at(10), at(11))])
        self.assertEqual(waitlist.freed_times((at(9), at(11)), None, at(11)), [])

    def test_no_time_no_freed_time(self):
        """A booking without a time frees nothing."""
        self.assertEqual(waitlist.freed_times((None, None), None, at(0)), [])
        self.assertEqual(waitlist.freed_times((at(9), at(9)), None, at(0)), [])


class TestFit(unittest.TestCase):
    def test_earliest_fit_within_bounds(self):
        """The first free interval long enough, from its start or the lower bound."""
        free = [(at(8), at(8, 30)), (at(9), at(12))]
        hour = timedelta(hours=1)
        self.assertEqual(waitlist.first_fit(free, at(0), at(23), hour), at(9))
        self.assertEqual(waitlist.first_fit(free, at(10), at(23), hour), at(10))
        self.assertEqual(waitlist.first_fit(free, at(0), at(9, 30), hour), None)
        self.assertEqual(waitlist.first_fit(free, at(11, 30), at(23), hour), None)
        self.assertEqual(waitlist.first_fit([], at(0), at(23), hour), None)

    def test_deadline(self):
        """An offer stands the company's minutes, never past the cutoff before its time."""
        now = at(8)
        self.assertEqual(waitlist.offer_deadline(now, 120, at(20), 2), at(10))
        self.assertEqual(waitlist.offer_deadline(now, 120, at(11), 2), at(9))

    def test_overlaps(self):
        self.assertTrue(waitlist.overlaps((at(9), at(10)), (at(9, 30), at(11))))
        self.assertFalse(waitlist.overlaps((at(9), at(10)), (at(10), at(11))))


if __name__ == "__main__":
    unittest.main()
