"""shared.retry: the waits of every retrying loop (relay, consumers, catch-up, dead letters, leadership)."""

from __future__ import annotations

import asyncio

import pytest

from shared import retry
from shared.retry import Backoff, delay_after


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays waited, without waiting them."""
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(retry, "sleep", sleep)
    return delays


async def test_the_delay_doubles_up_to_its_cap_and_starts_again_after_a_success(slept: list[float]) -> None:
    backoff = Backoff()
    for _ in range(7):
        await backoff.wait()
    backoff.reset()
    await backoff.wait()
    assert slept == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 0.2]


async def test_a_loop_failing_for_ever_keeps_waiting_the_cap(slept: list[float]) -> None:
    backoff = Backoff(0.05, 1.0)
    for _ in range(5000):
        await backoff.wait()
    assert slept[-1] == 1.0 and max(slept) == 1.0


async def test_a_wait_that_does_not_lengthen_leaves_the_next_one_as_it_was(slept: list[float]) -> None:
    backoff = Backoff(0.05, 1.0)
    await backoff.wait(lengthen=False)
    await backoff.wait()
    await backoff.wait()
    assert slept == [0.05, 0.05, 0.1]


async def test_a_schedule_repeats_its_last_step(slept: list[float]) -> None:
    backoff = Backoff(steps=(0.2, 0.5, 1.0))
    for _ in range(5):
        await backoff.wait()
    assert slept == [0.2, 0.5, 1.0, 1.0, 1.0]
    assert [delay_after(n, (0.2, 0.5)) for n in (1, 2, 9)] == [0.2, 0.5, 0.5]
    assert delay_after(3, ()) == 0.0


async def test_it_gives_up_when_the_next_wait_would_end_past_the_deadline() -> None:
    assert not Backoff().expired()
    assert not Backoff(retry_for=60.0).expired()
    assert Backoff(first=1.0, retry_for=0.5).expired()


async def test_a_cancelled_wait_ends_at_once() -> None:
    waiting = asyncio.create_task(Backoff(first=3600.0, cap=3600.0).wait())
    await asyncio.sleep(0)  # let the task start its wait before it is cancelled
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
