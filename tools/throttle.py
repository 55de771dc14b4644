"""A per-address cap on attempts in a sliding window (pure Python, no Odoo import)."""

import threading
import time
from collections import defaultdict, deque


class AddressThrottle:
    """At most ``limit`` attempts per address within ``window`` seconds.

    Kept in the memory of one server process: with several workers, each keeps its own
    count, so an address gets at most ``limit`` times the number of workers.
    """

    def __init__(self, limit, window, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._attempts = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, address):
        """Count an attempt from ``address``; True when it is over the limit (refuse it)."""
        now = self.clock()
        with self._lock:
            attempts = self._attempts[address]
            while attempts and attempts[0] <= now - self.window:
                attempts.popleft()
            if len(attempts) >= self.limit:
                return True
            attempts.append(now)
            if len(self._attempts) > 10000:  # forget the quiet addresses, not the busy ones
                for quiet in [a for a, times in self._attempts.items() if not times]:
                    del self._attempts[quiet]
            return False

    def clear(self):
        with self._lock:
            self._attempts.clear()
