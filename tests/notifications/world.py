"""A small world for the notification tests: an org tree and evaluation's events, relayed as the
owning services would (each from its own store, through the relay), and tokens of officers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from nats.js import JetStreamContext

from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.subjects import stream_name
from shared.contracts.evaluation import ComplianceChanged, IndicatorAtRisk, Missing, Status
from shared.contracts.org import UnitLevel
from shared.events import Envelope, Event, NewEvent
from shared.store import Database, EventStore, StreamAppend
from tests.support import token_for, unit_event

SECRET = "s" * 32

# vn → bg (province) → bg-pl, bg-vy (districts) → pl-x, pl-z / vy-y (grassroots) → branches
TREE: list[tuple[str, str | None, str, UnitLevel]] = [
    ("vn", None, "vn", UnitLevel.CENTRAL),
    ("bg", "vn", "vn.bg", UnitLevel.PROVINCE),
    ("bg-pl", "bg", "vn.bg.bg-pl", UnitLevel.DISTRICT),
    ("bg-vy", "bg", "vn.bg.bg-vy", UnitLevel.DISTRICT),
    ("pl-x", "bg-pl", "vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS),
    ("pl-z", "bg-pl", "vn.bg.bg-pl.pl-z", UnitLevel.GRASSROOTS),
    ("vy-y", "bg-vy", "vn.bg.bg-vy.vy-y", UnitLevel.GRASSROOTS),
    ("pl-x-1", "pl-x", "vn.bg.bg-pl.pl-x.pl-x-1", UnitLevel.BRANCH),
]
PATHS = {unit: path for unit, _, path, _ in TREE}


@dataclass
class Service:
    """An owning service's store and relay (membership's or evaluation's), as that service runs them."""

    store: EventStore
    relay: Relay

    async def emit(self, payload: Event, unit_path: str, stream_id: str | None = None) -> Envelope:
        new = NewEvent(
            stream_id or f"{payload.event_type}-{unit_path}", payload, unit_path, datetime.now(UTC)
        )
        [envelope] = await self.store.append(StreamAppend(new.stream_id, [new]), actor="tests")
        while await self.relay.publish_pending():
            pass
        return envelope

    async def emit_together(self, payloads: list[Event], unit_path: str, stream_id: str) -> list[Envelope]:
        """Events appended together, as one evaluation of a union appends what changed."""
        now = datetime.now(UTC)
        news = [NewEvent(stream_id, payload, unit_path, now) for payload in payloads]
        envelopes = await self.store.append(StreamAppend(stream_id, news), actor="tests")
        while await self.relay.publish_pending():
            pass
        return envelopes

    async def close(self) -> None:
        await self.store.db.dispose()


async def owning_service(name: str, js: JetStreamContext, tmp: Path) -> Service:
    db = Database(f"sqlite+aiosqlite:///{tmp / f'{name}-source.db'}")
    store = EventStore(db, name)
    await store.initialise()
    relay = Relay(db, js, name, keys=fixed_keys(name))
    await relay.reconcile()
    return Service(store, relay)


async def publish_tree(membership: Service) -> None:
    for unit, parent, path, level in TREE:
        await membership.emit(unit_event(unit, parent, path, level).payload, path, f"unit-{unit}")


async def last_sequence(js: JetStreamContext, service: str) -> int:
    return int((await js.stream_info(stream_name(service))).state.last_seq)


def officer(role: str, unit: str, subject: str) -> dict[str, str]:
    return token_for(SECRET, role, unit, subject=subject)


def compliance_changed(
    unit: str = "pl-x", new: Status = Status.AT_RISK, criterion: int = 2, old: Status = Status.PASS
) -> ComplianceChanged:
    return ComplianceChanged(
        unit_id=unit,
        year=2026,
        criterion=criterion,
        old_status=old,
        new_status=new,
        missing=(
            Missing(
                indicator_id="C2.2",
                unit_id="pl-x-1",
                period="2026-10",
                description="Chi đoàn thôn Phước Lộc chưa sinh hoạt định kỳ tháng 10/2026",
            ),
        ),
    )


def indicator_at_risk(unit: str = "pl-x", closes_on: date = date(2026, 10, 31)) -> IndicatorAtRisk:
    return IndicatorAtRisk(
        unit_id=unit,
        year=2026,
        indicator_id="C2.2",
        criterion=2,
        period="2026-10",
        closes_on=closes_on,
        missing=(Missing(indicator_id="C2.2", description="Chi đoàn số 1 chưa họp tháng 10"),),
    )
