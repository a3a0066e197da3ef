"""The waits between tries of every loop that retries: capped exponential back-off, or a fixed schedule.

A loop keeps its own ``try``/``except`` (what it catches, what it logs and what it undoes before the
next try differ); it asks a :class:`Backoff` how long to wait and whether to give up. Waiting is a
plain ``asyncio.sleep``, so a cancellation ends it at once.

- A loop that runs for ever calls :meth:`Backoff.reset` after a success, so the next failure waits
  the shortest delay again.
- A loop with ``retry_for`` gives up (re-raises) when :meth:`Backoff.expired` says the next wait would
  end past its deadline.
- ``steps`` replaces doubling with a schedule (the n-th wait is the n-th step, the last one repeated).
"""

from __future__ import annotations

import asyncio
from asyncio import sleep
from collections.abc import Sequence


class Backoff:
    def __init__(
        self,
        first: float = 0.2,
        cap: float = 5.0,
        *,
        factor: float = 2.0,
        steps: Sequence[float] | None = None,
        retry_for: float | None = None,
    ) -> None:
        self.first = first
        self.cap = cap
        self.factor = factor
        self.steps = tuple(steps) if steps is not None else None
        self.waits = 0
        self._next = first
        self._deadline = None if retry_for is None else asyncio.get_running_loop().time() + retry_for

    @property
    def delay(self) -> float:
        """How long the next :meth:`wait` sleeps."""
        if self.steps is not None:
            return delay_after(self.waits + 1, self.steps)
        return self._next

    def reset(self) -> None:
        """After a success: the next failure waits the first delay again."""
        self.waits = 0
        self._next = self.first

    def expired(self) -> bool:
        """Whether the next wait would end past the deadline (never without ``retry_for``)."""
        if self._deadline is None:
            return False
        return asyncio.get_running_loop().time() + self.delay > self._deadline

    async def wait(self, *, lengthen: bool = True) -> None:
        """Sleep the current delay; the next one is longer unless ``lengthen`` is False."""
        delay = self.delay
        if lengthen:
            self.waits += 1
            self._next = min(self._next * self.factor, self.cap)
        await sleep(delay)


def delay_after(attempt: int, steps: Sequence[float]) -> float:
    """The wait after the ``attempt``-th failed try (from 1) on a schedule; its last step repeats."""
    return steps[min(attempt, len(steps)) - 1] if steps else 0.0
