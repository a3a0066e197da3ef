"""Reminders of deadlines (nhắc hạn) and operators' alerts of dead letters, raised on a schedule.

Each reminder's source id names the deadline, the unit, the year and the
reminder ("before-7", "overdue-2026-12-16"), so however often the schedule runs,
and after a restart, each reminder is raised once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, timedelta

import structlog
from nats.js import JetStreamContext
from sqlalchemy import select

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.tables import at_risk, deadlines_met, watermarks
from services.notifications.domain.alerts import Alert
from services.notifications.domain.deadlines import DeadlineRule, reminder_due, years_in_view
from shared.bus.deadletters import list_dead_letters
from shared.clock import Clock, start_of_day
from shared.contracts.notifications import AlertKind
from shared.contracts.org import UnitLevel, UnitStatus
from shared.orgtree import org_units
from shared.store import Database
from shared.store.upsert import upsert

log = structlog.get_logger("notifications.scheduler")

DEAD_LETTER_MARK = "deadletter"
ROOT_UNIT = "vn"


class Scheduler:
    def __init__(
        self,
        db: Database,
        book: AlertBook,
        deadlines: Sequence[DeadlineRule],
        clock: Clock,
        *,
        js: JetStreamContext | None = None,
        interval: float = 60.0,
    ) -> None:
        self.db = db
        self.book = book
        self.deadlines = tuple(deadlines)
        self.clock = clock
        self.js = js
        self.interval = interval

    async def run(self) -> None:
        """Every ``interval``, starting one interval after the start (the org tree is caught up by then)."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.remind()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("scheduler.reminders_failed", error=str(exc) or exc.__class__.__name__)
            if self.js is not None:
                try:
                    await self.watch_dead_letters(self.js)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("scheduler.dead_letters_failed", error=str(exc) or exc.__class__.__name__)

    async def remind(self) -> int:
        """Raise today's reminders of configured deadlines and of indicators at risk; returns how many."""
        today = self.clock.today()
        raised = 0
        async with self.db.read() as conn:
            unions = (
                await conn.execute(
                    select(org_units.c.unit_id, org_units.c.path).where(
                        org_units.c.level == UnitLevel.GRASSROOTS.value,
                        org_units.c.status == UnitStatus.ACTIVE.value,
                    )
                )
            ).all()
            met = {
                (str(r.unit_id), str(r.deadline_id), int(r.year))
                for r in await conn.execute(
                    select(deadlines_met.c.unit_id, deadlines_met.c.deadline_id, deadlines_met.c.year)
                )
            }
            risks = (
                await conn.execute(
                    select(at_risk).where(
                        at_risk.c.resolved.is_(False),
                        at_risk.c.closes_on >= today,
                        at_risk.c.closes_on <= today + timedelta(days=1),
                    )
                )
            ).all()
        alerts: list[Alert] = []
        for rule in self.deadlines:
            for year in years_in_view(rule, today):
                due = rule.due_on(year)
                marker = reminder_due(due, today, rule.reminders_days, rule.overdue_days)
                if marker is None:
                    continue
                for unit_id, path in unions:
                    if (unit_id, rule.deadline_id, year) not in met:
                        alerts.append(self._deadline_alert(rule, year, due, today, marker, unit_id, path))
        for risk in risks:
            alerts.append(
                Alert(
                    source_id=f"atrisk:{risk.unit_id}:{risk.indicator_id}:{risk.period}:before-1",
                    kind=AlertKind.DEADLINE_APPROACHING,
                    unit_id=risk.unit_id,
                    unit_path=risk.unit_path,
                    occurred_at=self.clock.now().astimezone(UTC),
                    facts={
                        "year": risk.year,
                        "criterion": risk.criterion,
                        "indicator_id": risk.indicator_id,
                        "period": risk.period,
                        "due_on": risk.closes_on.isoformat(),
                        "days_left": (risk.closes_on - today).days,
                        "open_until": risk.closes_on.isoformat(),
                    },
                )
            )
        for chunk in range(0, len(alerts), 200):
            async with self.db.transaction() as conn:
                for alert in alerts[chunk : chunk + 200]:
                    raised += await self.book.raise_alert(conn, alert, self.clock.now().astimezone(UTC))
        return raised

    def _deadline_alert(
        self, rule: DeadlineRule, year: int, due: date, today: date, marker: str, unit_id: str, path: str
    ) -> Alert:
        overdue = marker.startswith("overdue")
        return Alert(
            source_id=f"deadline:{rule.deadline_id}:{year}:{unit_id}:{marker}",
            kind=AlertKind.DEADLINE_PASSED if overdue else AlertKind.DEADLINE_APPROACHING,
            unit_id=unit_id,
            unit_path=path,
            occurred_at=start_of_day(today),
            facts={
                "year": year,
                "deadline_id": rule.deadline_id,
                "deadline_title": rule.title,
                "indicator_id": rule.indicator_id or "",
                "due_on": due.isoformat(),
                "days_left": (due - today).days,
                "days_late": (today - due).days,
                # Reminders stop then: a newly subscribed officer is told of it until that day.
                "open_until": (due + timedelta(days=rule.overdue_days)).isoformat(),
            },
        )

    async def watch_dead_letters(self, js: JetStreamContext, limit: int = 500) -> int:
        """Raise an operators' alert for each dead letter not seen yet; returns how many."""
        async with self.db.read() as conn:
            seen = (
                await conn.execute(select(watermarks.c.value).where(watermarks.c.name == DEAD_LETTER_MARK))
            ).scalar()
        letters = await list_dead_letters(js, after=int(seen or 0), limit=limit)
        if not letters:
            return 0
        async with self.db.transaction() as conn:
            for letter in letters:
                # A refused message's subject was chosen by whoever published it, not by us: its
                # alert goes to the operators of the whole tree.
                tokens = letter.original_subject.split(".")
                path = (".".join(tokens[2:]) if not letter.refused else "") or ROOT_UNIT
                await self.book.raise_alert(
                    conn,
                    Alert(
                        source_id=f"deadletter:{letter.sequence}",
                        kind=AlertKind.DEAD_LETTER,
                        unit_id=path.rsplit(".", 1)[-1],
                        unit_path=path,
                        occurred_at=self.clock.now().astimezone(UTC),
                        critical=True,
                        facts={
                            "consumer": letter.consumer,
                            "original_subject": letter.original_subject,
                            "original_sequence": letter.original_sequence,
                            "deliveries": letter.deliveries,
                            "error": letter.error,
                            "refused": letter.refused,
                        },
                    ),
                    self.clock.now().astimezone(UTC),
                )
            await upsert(
                conn,
                watermarks,
                {"name": DEAD_LETTER_MARK, "value": letters[-1].sequence},
                keys=["name"],
                replace=["value"],
            )
        return len(letters)
