"""The order a union's history is sent in over HTTP: each command after those it depends on, the rest at once."""

from __future__ import annotations

import asyncio
import random
from datetime import date

from chudong.demo import SCALES, Generator
from chudong.demo.generator import DemoEvent
from chudong.demo.ordering import Ordering, keys_of
from shared.contracts import membership as ms
from shared.contracts import planning as pl


def _history(seed: int = 3) -> list[DemoEvent]:
    generator = Generator(SCALES["unit"], 2, seed, date(2026, 11, 27))
    union = max(generator.unions(), key=lambda u: len(u.branches))
    return generator.union_history(union)


async def _recorded_in_some_allowed_order(history: list[DemoEvent], seed: int) -> tuple[list[int], int]:
    """Record the history as a server answering in any order would: at each step one command among
    those whose waits are over, at random. Returns the order recorded and the most ever sendable at once."""
    loop = asyncio.get_running_loop()
    ordering = Ordering()
    dones: list[asyncio.Future[None]] = []
    waits: list[list[asyncio.Future[None]]] = []
    for event in history:
        done: asyncio.Future[None] = loop.create_future()
        waits.append(ordering.place(keys_of(event), done))
        dones.append(done)
    rng = random.Random(seed)
    pending, recorded, widest = set(range(len(history))), [], 0
    while pending:
        sendable = [i for i in pending if all(w.done() for w in waits[i])]
        assert sendable, "the commands left wait for one another"
        widest = max(widest, len(sendable))
        chosen = rng.choice(sendable)
        dones[chosen].set_result(None)
        pending.discard(chosen)
        recorded.append(chosen)
    return recorded, widest


async def test_whatever_order_the_answers_come_in_each_command_follows_what_it_depends_on() -> None:
    history = _history()
    for seed in range(3):
        recorded, widest = await _recorded_in_some_allowed_order(history, seed)
        position = {index: at for at, index in enumerate(recorded)}
        last_on_stream: dict[str, int] = {}
        admitted = {
            e.payload.member_id: i for i, e in enumerate(history) if isinstance(e.payload, ms.MemberJoined)
        }
        for i, event in enumerate(history):
            p = event.payload
            # The stream's commands in the order they happened (a member's, a plan's, an activity's …).
            stream = f"{event.service}:{event.stream_id}"
            if stream in last_on_stream:
                assert position[last_on_stream[stream]] < position[i], event
            last_on_stream[stream] = i
            if isinstance(p, ms.MemberJoined) and p.referred_by:
                assert position[admitted[p.referred_by]] < position[i]
            if isinstance(p, pl.JointActivityHeld):
                signed = next(
                    j for j, e in enumerate(history) if isinstance(e.payload, pl.CoordinationAgreementSigned)
                )
                assert position[signed] < position[i]
            if isinstance(p, ms.UnitRegistered | ms.BranchRosterReviewed):
                # Everything before it is recorded first, everything after it waits for it.
                assert all(position[j] < position[i] for j in range(i))
                assert all(position[j] > position[i] for j in range(i + 1, len(history)))
        assert widest > 50, "most of a union's commands do not wait for one another"
