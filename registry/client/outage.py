"""A registry that could not be reached: one failure, then fail fast until a back-off passes.

When a request to the registry fails for want of an answer (it timed out, the connection was
refused, the server answered 5xx), every request after it would most likely wait and fail the
same way. For `backoff` seconds after such a failure the client therefore makes no request: it
answers from its caches, or fails at once with the first failure's reason. A registry that hangs
then costs its callers one timeout per back-off period, not one per schema, and the warning
that the cache stands in is logged once per period, not once per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Outage:
    """Whether the registry is in back-off after a failure, and that failure's reason."""

    def __init__(self, backoff: float, clock: Callable[[], float] = time.monotonic) -> None:
        if backoff < 0:
            raise ValueError("the back-off period must not be negative")
        self.backoff = backoff
        self._clock = clock
        self._lock = threading.Lock()
        self._until = -1.0
        self._reason = ""
        self.slow = False
        """Whether the failure was a timeout (the registry may be slow, not down)."""

    def reason(self) -> str | None:
        """The failure's reason while in back-off, with when it ends; None when not."""
        left = self._until - self._clock()
        if left <= 0:
            return None
        return (
            f"{self._reason} (a request failed so {self.backoff - left:.0f} s ago; the "
            f"registry is not asked again for {left:.0f} s)"
        )

    def declare(self, reason: str, *, slow: bool = False) -> bool:
        """Start a back-off for `reason`; False when one is already running (it stands)."""
        with self._lock:
            now = self._clock()
            if now < self._until:
                return False
            self._until = now + self.backoff
            self._reason = reason
            self.slow = slow
            return True
