"""How a relay or a consumer is getting on, recorded as it works so that ``/healthz`` can judge it cheaply.

``/healthz`` is polled often (probes, load balancers): it must not ask NATS or count rows for each
worker. The worker says when it moved (published, checkpointed), what it knows is still waiting (a
consumer reads it from each message's reply subject), when it caught up, and its errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Progress:
    """A worker's progress: stalled when work waits and nothing moves, growing when it loses ground.

    ``window`` seconds is both how long waiting work may go without a move and the span over which
    a backlog that never drained is compared with itself.
    """

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self.moved_at = clock()
        self.backlog = 0
        self.error: str | None = None
        self._window: tuple[float, int] | None = None
        self._grew: tuple[int, int] | None = None

    def caught_up(self) -> None:
        """Nothing is waiting: whatever happened before is behind it."""
        self.moved_at = self._clock()
        self.backlog = 0
        self.error = None
        self._window = self._grew = None

    def moved(self, backlog: int) -> None:
        """It published or checkpointed something, and ``backlog`` is still waiting."""
        if backlog <= 0:
            self.caught_up()
            return
        self.moved_at = self._clock()
        self.error = None
        self._sample(backlog)

    def waiting(self, backlog: int) -> None:
        """It holds ``backlog`` waiting without moving (a retry, a database that is down)."""
        self._sample(backlog)

    def failed(self, error: str) -> None:
        self.error = error

    def _sample(self, backlog: int) -> None:
        self.backlog = backlog
        now = self._clock()
        if self._window is None:
            self._window = (now, backlog)
        elif now - self._window[0] >= self.window:
            start = self._window[1]
            self._grew = (start, backlog) if backlog > start else None
            self._window = (now, backlog)

    def trouble(self, backlog: int | None = None) -> str | None:
        """Why the worker is stuck or losing ground, or None; ``backlog`` overrides what it knows."""
        waiting = self.backlog if backlog is None else backlog
        still = self._clock() - self.moved_at
        if (waiting > 0 or self.error) and still > self.window:
            what = f"{waiting} waiting" if waiting > 0 else "failing"
            last = f"; last error: {self.error}" if self.error else ""
            return f"no progress for {still:.0f} s, {what}{last}"
        if self._grew is not None:
            return f"backlog grew from {self._grew[0]} to {self._grew[1]} in {self.window:.0f} s without draining"
        return None
