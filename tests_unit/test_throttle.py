"""The per-address throttle of link POSTs, without Odoo."""

import importlib.util
import unittest
from pathlib import Path

_path = Path(__file__).parent.parent / "tools" / "throttle.py"
_spec = importlib.util.spec_from_file_location("throttle", _path)
throttle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(throttle)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class TestAddressThrottle(unittest.TestCase):
    def test_limit_per_address_in_window(self):
        """The limit counts per address; the next attempt is refused, another address is not."""
        clock = Clock()
        cap = throttle.AddressThrottle(3, 60, clock=clock)
        self.assertEqual([cap.hit("1.1.1.1") for _ in range(4)], [False, False, False, True])
        self.assertFalse(cap.hit("2.2.2.2"))

    def test_window_slides(self):
        """Attempts older than the window no longer count."""
        clock = Clock()
        cap = throttle.AddressThrottle(2, 60, clock=clock)
        cap.hit("a")
        clock.now += 30
        cap.hit("a")
        self.assertTrue(cap.hit("a"))
        clock.now += 31  # the first attempt left the window
        self.assertFalse(cap.hit("a"))

    def test_refused_attempts_do_not_extend_the_wait(self):
        """A refused attempt is not counted: the address is free again once its window passed."""
        clock = Clock()
        cap = throttle.AddressThrottle(1, 60, clock=clock)
        cap.hit("a")
        for _ in range(5):
            clock.now += 10
            self.assertTrue(cap.hit("a"))
        clock.now += 11
        self.assertFalse(cap.hit("a"))


if __name__ == "__main__":
    unittest.main()
