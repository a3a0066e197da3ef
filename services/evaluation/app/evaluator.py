"""Re-evaluating unions whose facts changed, and every union once a day: status rows and events out.

The status rows, the events (``ComplianceChanged``, ``IndicatorAtRisk``) and the
removal of the dirty marks are written in one transaction (``append_in``), under
the projection's lock: a crash leaves either all of it or none, and the events
are never emitted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import structlog
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import dirty_units, union_status
from services.evaluation.adapters.unions import load_union, union_of_each
from services.evaluation.app.compliance import judge
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.streams import compliance_stream
from shared.clock import Clock
from shared.contracts.evaluation import ComplianceChanged, IndicatorAtRisk, LateCounting, LateEvidence, Status
from shared.contracts.org import UnitLevel
from shared.events import NewEvent
from shared.orgtree import org_units
from shared.store import Database, EventStore, StreamAppend
from shared.store.upsert import upsert

log = structlog.get_logger("evaluation")
ACTOR = "system:evaluation"
# Dirty marks read per round for each union evaluated: a union's branches are marked one by one.
MARKS_PER_UNION = 50
# Late evidence an event out cites (its indicators' evidence says the rest).
MAX_LATE_CITED = 20


def _events(
    previous: dict[str, object] | None, now: UnitCompliance, path: str, at: datetime
) -> list[NewEvent]:
    """The events that tell what changed between the stored status and ``now``."""
    old_criteria = {
        0: Status(str(previous["status"])) if previous else Status.NOT_ASSESSED,
        **{i: Status(str(previous[f"c{i}"])) if previous else Status.NOT_ASSESSED for i in (1, 2, 3)},
    }
    old_indicators: dict[str, str] = json.loads(str(previous["indicators"])) if previous else {}
    out: list[NewEvent] = []
    stream = compliance_stream(now.unit_id, now.year)
    for criterion in (0, 1, 2, 3):
        new = now.criterion_status(criterion)
        if new is not old_criteria[criterion]:
            missing = [
                m
                for c in now.criteria
                if criterion in (0, c.criterion)
                for i in c.indicators
                for m in i.missing[:5]
            ][:20]
            cause = sorted({e for c in now.criteria for i in c.indicators for e in i.evidence.event_ids[:3]})[
                :20
            ]
            late = _late_cited(
                m
                for c in now.criteria
                if criterion in (0, c.criterion)
                for i in c.indicators
                for m in i.evidence.late
            )
            payload = ComplianceChanged(
                unit_id=now.unit_id,
                year=now.year,
                criterion=criterion,
                old_status=old_criteria[criterion],
                new_status=new,
                missing=tuple(missing),
                cause_event_ids=tuple(cause),
                late=tuple(late),
            )
            out.append(NewEvent(stream, payload, path, at))
    for result in now.criteria:
        for indicator in result.indicators:
            if indicator.status is Status.AT_RISK and old_indicators.get(indicator.indicator_id) != "at_risk":
                payload_risk = IndicatorAtRisk(
                    unit_id=now.unit_id,
                    year=now.year,
                    indicator_id=indicator.indicator_id,
                    criterion=result.criterion,
                    period=str(now.year),
                    closes_on=indicator.closes_on or now.as_of,
                    missing=tuple(indicator.missing[:20]),
                    late=tuple(_late_cited(indicator.evidence.late)),
                )
                out.append(NewEvent(stream, payload_risk, path, at))
    return out


def late_order(late: LateEvidence) -> tuple[bool, int, int, str, str]:
    """Beyond a limit first, then the latest recorded, then the latest (as each indicator lists them)."""
    return (
        late.counts_as is LateCounting.COUNTED,
        -late.recorded_on.toordinal(),
        -late.days_late,
        late.indicator_id,
        late.event_id,
    )


def _late_cited(marks: Iterable[LateEvidence]) -> list[LateEvidence]:
    """The late evidence an event cites: each event once (an event may serve several indicators)."""
    by_event: dict[str, LateEvidence] = {}
    for mark in sorted(marks, key=late_order):
        by_event.setdefault(mark.event_id, mark)
    return list(by_event.values())[:MAX_LATE_CITED]


def status_row(now: UnitCompliance, path: str, at: datetime) -> dict[str, object]:
    return {
        "unit_id": now.unit_id,
        "year": now.year,
        "path": path,
        "status": now.status.value,
        "c1": now.criterion_status(1).value,
        "c2": now.criterion_status(2).value,
        "c3": now.criterion_status(3).value,
        "indicators": json.dumps(
            {i.indicator_id: i.status.value for c in now.criteria for i in c.indicators}, sort_keys=True
        ),
        "evaluated_on": now.as_of,
        "updated_at": at,
    }


class ComplianceEvaluator:
    """Evaluates dirty unions in batches; marks every union dirty when the day changes."""

    def __init__(
        self,
        db: Database,
        store: EventStore,
        book: RuleBook,
        *,
        clock: Clock | None = None,
        lock: asyncio.Lock | None = None,
        wake: asyncio.Event | None = None,
        batch: int = 10,
        tick_seconds: float = 60.0,
    ) -> None:
        self.db = db
        self.store = store
        self.book = book
        self.clock = clock or Clock()
        self.lock = lock or asyncio.Lock()
        self.wake = wake or asyncio.Event()
        self.batch = batch
        self.tick_seconds = tick_seconds
        self.evaluated = 0
        self.emitted = 0
        self._day: date | None = None
        self._cursor = ""  # the last dirty mark taken: rounds go through the marks in turn

    async def run(self) -> None:
        while True:
            self.wake.clear()  # before the tick: a wake during it means more to do
            await self.tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.tick_seconds)

    async def tick(self) -> None:
        """Mark every union dirty if the day changed, then evaluate until nothing is dirty."""
        today = self.clock.today()
        if today != self._day:
            await self.mark_all()
            self._day = today
        while await self.run_once():
            pass

    async def mark_all(self) -> None:
        async with self.lock, self.db.transaction() as conn:
            ids = [
                r[0]
                for r in await conn.execute(
                    select(org_units.c.unit_id).where(org_units.c.level == UnitLevel.GRASSROOTS.value)
                )
            ]
            await upsert(conn, dirty_units, [{"unit_id": u} for u in ids], keys=["unit_id"])

    async def run_once(self) -> int:
        """Evaluate the unions of the oldest dirty marks, ``batch`` unions at most, and take their marks
        (those of their branches too); returns how many dirty marks were taken.

        The facts projection waits for this transaction (the lock), so a small batch keeps the lag of
        new facts low, while every mark of a chosen union goes at once.
        """
        async with self.lock:
            async with self.db.transaction() as conn:
                marks = await self._next_marks(conn)
                if not marks:
                    return 0
                union_of = await union_of_each(conn, marks)
                chosen: list[str] = []
                for mark in marks:
                    union = union_of[mark]
                    if union is not None and union not in chosen:
                        if len(chosen) == self.batch:
                            break
                        chosen.append(union)
                    self._cursor = mark  # every mark up to here is taken: the next round begins after it
                taken = [m for m in marks if union_of[m] is None or union_of[m] in chosen]
                emitted = await self._evaluate(conn, sorted(chosen))
                await conn.execute(delete(dirty_units).where(dirty_units.c.unit_id.in_(taken)))
            if emitted:
                self.store.appended.set()
        return len(taken)

    async def _next_marks(self, conn: AsyncConnection) -> list[str]:
        """The marks after the previous round's, in order, then from the first again: every union
        gets its turn however often others are marked again."""
        limit = self.batch * MARKS_PER_UNION
        for after in dict.fromkeys((self._cursor, "")):
            query = select(dirty_units.c.unit_id).where(dirty_units.c.unit_id > after)
            marks = [r[0] for r in await conn.execute(query.order_by(dirty_units.c.unit_id).limit(limit))]
            if marks:
                return marks
        return []

    async def _evaluate(self, conn: AsyncConnection, union_ids: Sequence[str]) -> int:
        today = self.clock.today()
        appends: list[StreamAppend] = []
        for union_id in union_ids:
            loaded = await load_union(conn, union_id)
            if loaded is None:
                continue
            now = judge(self.book, loaded, AsOf(today))
            key = (union_status.c.unit_id == union_id) & (union_status.c.year == now.year)
            previous = (await conn.execute(select(union_status).where(key))).first()
            at = self.clock.now()
            new_events = _events(dict(previous._mapping) if previous else None, now, loaded.unit.path, at)
            row = status_row(now, loaded.unit.path, at)
            if previous is None:
                await conn.execute(insert(union_status).values(**row))
            else:
                await conn.execute(union_status.update().where(key).values(**row))
            if new_events:
                appends.append(StreamAppend(new_events[0].stream_id, new_events))
            self.evaluated += 1
        if appends:
            await self.store.append_in(conn, appends, actor=ACTOR)
            self.emitted += sum(len(a.events) for a in appends)
        return len(appends)
