"""Which demo commands must wait for which: the order a union's history is sent in over HTTP.

A union's history is in the order it happened, but most of it does not depend on most of the rest:
one member's rating does not wait for another's admission. So the HTTP loader sends many commands at
once and keeps only the order that matters, given by keys:

- every command waits for the one before it on the same stream (a member's, a plan's, an
  activity's …), which its rules read (a rating needs six months in the branch, an approval a
  submitted plan);
- an admission waits for its referrer's (the member named must exist); a joint activity for its
  coordination agreement;
- a unit's registration and a roster review wait for everything before them in the union, and
  everything after waits for them: the units exist before anything is recorded in them, and a roster
  review counts the members on the branch's list when it is recorded, so the admissions, moves and
  ageing out before it must all be in and none after it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

from chudong.demo.generator import DemoEvent
from services.membership.domain.streams import member_stream
from services.planning.domain.streams import record_stream
from shared.contracts import membership as ms
from shared.contracts import planning as pl

UNION = "union"  # the key every command of a union holds


@dataclass(frozen=True, slots=True)
class Keys:
    """``alone``: keys no other command may hold at the same time; ``shared``: keys that only wait for
    (and hold back) the commands that take them alone."""

    alone: tuple[str, ...]
    shared: tuple[str, ...] = ()


def _stream(service: str, stream_id: str) -> str:
    return f"{service}:{stream_id}"


def keys_of(event: DemoEvent) -> Keys:
    """What ``event``'s command must wait for within its union."""
    own = _stream(event.service, event.stream_id)
    p = event.payload
    if isinstance(p, ms.UnitRegistered | ms.BranchRosterReviewed):
        return Keys((own, UNION))
    shared = [UNION]
    if isinstance(p, ms.MemberJoined) and p.referred_by:
        shared.append(_stream("membership", member_stream(p.referred_by)))
    if isinstance(p, pl.JointActivityHeld):
        shared.append(_stream("planning", record_stream("agreement", p.agreement_id)))
    return Keys((own,), tuple(shared))


class Ordering:
    """The commands already placed, by key: what a new one waits for."""

    def __init__(self) -> None:
        self._alone: dict[str, asyncio.Future[None]] = {}
        self._shared: defaultdict[str, list[asyncio.Future[None]]] = defaultdict(list)

    def place(self, keys: Keys, done: asyncio.Future[None]) -> list[asyncio.Future[None]]:
        """Place a command that will set ``done`` when recorded; returns what it must wait for."""
        waits: list[asyncio.Future[None]] = []
        for key in keys.alone:
            if key in self._alone:
                waits.append(self._alone[key])
            waits += self._shared.pop(key, [])
            self._alone[key] = done
        for key in keys.shared:
            if key in self._alone:
                waits.append(self._alone[key])
            holders = self._shared[key]
            if len(holders) > 64:  # forget those already recorded
                holders[:] = [f for f in holders if not f.done()]
            holders.append(done)
        return waits
