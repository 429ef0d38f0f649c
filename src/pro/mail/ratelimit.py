"""How often one address or one client may ask for a confirmation mail.

The limits live in the memory of each instance: with two instances behind a
load balancer a client gets at most twice its allowance, which still stops a
script from flooding an inbox, and a restart forgets them. That trade keeps
every subscription request free of a database write beyond its outbox record.
A maintained package (``limits``) would bring a storage layer that an
in-memory fixed window of a few lines does not need.
"""

from collections import deque
import threading
import time


class RateLimiter:
    """At most ``limit`` events per key within ``window`` seconds."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> int:
        """Count one event; 0 when allowed, else seconds until the next one is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._forget_idle(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(1, int(events[0] + self.window - now) + 1)
            events.append(now)
            return 0

    def reset(self) -> None:
        with self._lock:
            self._events.clear()

    def _forget_idle(self, now: float) -> None:
        for key in [
            k for k, e in self._events.items() if not e or e[-1] <= now - self.window
        ]:
            del self._events[key]
        if len(self._events) >= self.max_keys:
            self._events.clear()


# Three confirmation mails an hour to one address; thirty requests an hour
# from one client address (an office behind one NAT subscribes several people).
PER_ADDRESS = RateLimiter(limit=3, window=3600)
PER_CLIENT = RateLimiter(limit=30, window=3600)
