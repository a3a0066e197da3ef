"""When a delivery is tried: back-off with jitter inside a budget, quiet hours, the daily digest."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from shared.clock import VIETNAM
from shared.contracts.notifications import QuietHours

_RNG = random.Random()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter, for at most ``max_attempts`` tries within ``budget``
    of the first (default: 8 tries over 30 minutes)."""

    max_attempts: int = 8
    budget: timedelta = timedelta(minutes=30)
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=10)

    def next_attempt(
        self, attempts: int, first_tried_at: datetime, now: datetime, rng: random.Random | None = None
    ) -> datetime | None:
        """When to try again after ``attempts`` failed tries, or None: give up, "undelivered"."""
        deadline = first_tried_at + self.budget
        if attempts >= self.max_attempts or now >= deadline:
            return None
        delay = min(self.cap, self.base * (1 << max(0, attempts - 1)))
        # "Equal jitter": at least half the delay, so retries of many deliveries spread out
        # without collapsing to zero.
        fraction: float = (rng or _RNG).random()
        jittered = delay / 2 + delay / 2 * fraction
        # The last try happens at the end of the budget rather than not at all.
        return min(now + jittered, deadline)


def in_quiet_hours(instant: datetime, quiet: QuietHours) -> bool:
    local = instant.astimezone(VIETNAM).time()
    if quiet.start <= quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def _next_local(instant: datetime, at: time) -> datetime:
    local = instant.astimezone(VIETNAM)
    candidate = datetime.combine(local.date(), at, VIETNAM)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, VIETNAM)
    return candidate.astimezone(instant.tzinfo)


def quiet_hours_end(instant: datetime, quiet: QuietHours) -> datetime:
    """When the quiet hours that ``instant`` falls in are over."""
    return _next_local(instant, quiet.end)


def next_digest_at(instant: datetime, hour: int) -> datetime:
    """The next daily digest after ``instant``: ``hour`` o'clock, Vietnam time."""
    return _next_local(instant, time(hour))
