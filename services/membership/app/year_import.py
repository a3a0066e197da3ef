"""Bringing a year in: the workbook read and checked whole off the event loop, then its steps sent to each
service's commands with the importer's own token, with progress that can be polled (ADR 0019).

Reading, mapping and checking are CPU work and run in a worker thread; only the reads of the tree, the
members and the unit histories they need run on the event loop, before. Sending is I/O: one step after
the other, in a task of its own, so the request that started it answers at once (202) with the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
import httpx
import structlog
from sqlalchemy import select

from services.membership.adapters.read_models import members
from services.membership.adapters.service_calls import Sent, ServiceCalls, StepRefusedError
from services.membership.adapters.spreadsheet import XLSX, SheetFormatError, SheetTooLongError
from services.membership.adapters.year_workbook import read_workbook
from services.membership.app.base import Membership
from services.membership.domain.streams import member_stream, unit_stream
from services.membership.domain.year_import.cells import CellError
from services.membership.domain.year_import.draft import Known
from services.membership.domain.year_import.mapping import (
    OWN,
    ColumnMapping,
    MappingError,
    parse_mapping,
    readings,
)
from services.membership.domain.year_import.planner import Plan, plan_import
from services.membership.domain.year_import.workbook import Row, read_rows
from services.membership.settings import MembershipSettings
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.org import OrgUnit
from shared.errors import DomainError
from shared.events import Event
from shared.ids import new_id

log = structlog.get_logger("year_import")

KEEP_JOBS = 200
"""Finished jobs kept for their progress to be read; the oldest go first."""


class YearImportRejectedError(Exception):
    """The workbook has errors: nothing was sent."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        rows = {(e.sheet, e.row) for e in errors}
        super().__init__(f"{len(errors)} errors in {len(rows)} rows; nothing was imported")
        self.errors = list(errors)


@dataclass
class ImportJob:
    """One import being sent: how far it is, and how it ended."""

    job_id: str
    unit_id: str
    actor: str
    summary: dict[str, Any]
    total: int
    status: str = "sending"  # sending → done | failed | stopped
    done: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Sent})
    current: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None

    def view(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "unit_id": self.unit_id,
            "status": self.status,
            "total": self.total,
            "done": self.done,
            **self.outcomes,
            "current": self.current,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "plan": self.summary,
        }


class YearImports:
    """The year imports of one membership process: checks, and the jobs sending what passed."""

    def __init__(self, membership: Membership, settings: MembershipSettings) -> None:
        self.membership = membership
        self.settings = settings
        self.urls = {
            "membership": settings.self_url,
            "planning": settings.planning_url,
            "evaluation": settings.evaluation_url,
        }
        self.transport: httpx.AsyncBaseTransport | None = None
        """How the steps reach the services (tests put the apps in process)."""
        self.jobs: dict[str, ImportJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # checking

    async def check(self, unit: OrgUnit, principal: Principal, workbook: bytes, mapping: str | None) -> Plan:
        """The workbook's steps, or :class:`YearImportRejectedError` with every error in it."""
        chosen = _mapping(mapping)
        rows, errors = await anyio.to_thread.run_sync(
            read_year, workbook, chosen, self.settings.year_import_max_rows
        )
        if errors:
            raise YearImportRejectedError(errors)
        known = await self._known(unit, principal, rows)
        plan = await anyio.to_thread.run_sync(plan_import, known, rows)
        if plan.errors:
            raise YearImportRejectedError(plan.errors)
        return plan

    async def _known(self, scope: OrgUnit, principal: Principal, rows: Mapping[str, list[Row]]) -> Known:
        """What the checks need of the system: the tree below the scope, the members the workbook names
        or holds in the branches it names, and the units' own histories the sheet Báo cáo needs."""
        directory, store = self.membership.directory, self.membership.store
        units = {u.unit_id: u for u in await directory.below(scope.unit_id)}
        named = _named(rows, "member_id", "referred_by", "attendees")
        branches = _named(rows, "branch_id", "joint_branch_ids") | _closing(rows)
        async with store.db.read() as conn:
            taken = {
                r.member_id
                for ids in _chunks(sorted(named))
                for r in await conn.execute(select(members.c.member_id).where(members.c.member_id.in_(ids)))
            }
            under = (members.c.unit_path == scope.path) | members.c.unit_path.startswith(
                f"{scope.path}.", autoescape=True
            )
            placed = (await conn.execute(select(members.c.member_id, members.c.unit_path).where(under))).all()
        in_scope = {
            r.member_id
            for r in placed
            if r.member_id in named or any(b in r.unit_path.split(".") for b in branches)
        }
        histories: dict[str, tuple[Event, ...]] = {
            m: tuple(e.payload for e in await store.read_stream(member_stream(m))) for m in sorted(in_scope)
        }
        reported = {r.get("unit_id") for r in rows.get("reports", ())} & set(units)
        unit_events = {
            u: tuple(e.payload for e in await store.read_stream(unit_stream(u))) for u in sorted(reported)
        }
        return Known(
            scope=scope,
            units=units,
            histories=histories,
            taken_member_ids=frozenset(taken),
            unit_events=unit_events,
            today=self.membership.today(),
            role=principal.role,
            acting_unit=await directory.get(principal.unit_id),
        )

    # sending

    def start(self, unit: OrgUnit, principal: Principal, token: str, plan: Plan) -> ImportJob:
        """Send ``plan``'s steps in a task of their own; the job tells how far it is."""
        job = ImportJob(new_id("imp"), unit.unit_id, principal.subject, plan.summary(), len(plan.steps))
        self.jobs[job.job_id] = job
        self._forget_old()
        calls = ServiceCalls(
            self.urls, token, transport=self.transport, wait_for=self.settings.year_import_wait_seconds
        )
        task = asyncio.create_task(self._send(job, plan, calls), name=f"year-import-{job.job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _send(self, job: ImportJob, plan: Plan, calls: ServiceCalls) -> None:
        try:
            for step in plan.steps:
                job.current = {"sheet": step.row.source, "row": step.row.number, "command": step.command}
                outcome = await calls.send(step)
                job.outcomes[outcome.value] += 1
                job.done += 1
            job.status, job.current = "done", None
        except StepRefusedError as exc:
            detail = exc.detail
            error = exc.step.refused(
                str(detail.get("message") or exc), detail.get("field"), detail.get("value"), str(detail.get("accepted") or "")
            )  # fmt: skip
            job.status = "failed"
            job.error = {**error.to_dict(), "status": exc.status, "rule": detail.get("rule"),
                         "command": exc.step.command}  # fmt: skip
        except asyncio.CancelledError:
            job.status = "stopped"  # the service stopped: importing the workbook again sends the rest
            raise
        except Exception as exc:  # an import must end in a state the officer can read
            log.exception("year_import_failed", job_id=job.job_id)
            job.status, job.error = "failed", {"message": f"{type(exc).__name__}: {exc}"}
        finally:
            job.finished_at = utcnow()
            await calls.aclose()

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.finished_at is not None]
        for job in sorted(finished, key=lambda j: j.started_at)[: max(0, len(self.jobs) - KEEP_JOBS)]:
            del self.jobs[job.job_id]

    async def run(self) -> None:
        """Held open while the service runs; when it stops, the imports still sending stop with it (what
        they sent is recorded, and importing the workbook again sends the rest)."""
        try:
            await asyncio.Event().wait()
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


def read_year(
    content: bytes, mapping: ColumnMapping, max_rows: int
) -> tuple[dict[str, list[Row]], list[CellError]]:
    """The workbook's rows by sheet key, read as typed values under ``mapping``; every cell that does not
    read as an error. Slow on a large workbook: call it off the event loop."""
    try:
        cells = read_workbook(content, max_rows)
    except SheetFormatError as exc:
        raise DomainError(
            str(exc), rule="not_a_workbook", field="workbook", value=None,
            accepted=f"an xlsx workbook ({XLSX}) made from the template (chudong import --template)",
        ) from exc  # fmt: skip
    except SheetTooLongError as exc:
        raise DomainError(
            str(exc), rule="too_many_rows", field="workbook", value=f"sheet {exc.sheet!r}",
            accepted=f"at most {exc.max_rows} rows in all (MEMBERSHIP_YEAR_IMPORT_MAX_ROWS): split the year",
        ) from exc  # fmt: skip
    return read_sheets(cells, mapping)


def read_sheets(
    cells: Mapping[str, Sequence[Sequence[Any]]], mapping: ColumnMapping
) -> tuple[dict[str, list[Row]], list[CellError]]:
    """Each sheet's cells (by title, the header row included) read under ``mapping``."""
    found, errors = readings(mapping, list(cells))
    rows: dict[str, list[Row]] = {}
    for reading in found:
        sheet_rows, sheet_errors = read_rows(reading, cells[reading.source])
        rows[reading.sheet.key] = sheet_rows
        errors.extend(sheet_errors)
    return rows, errors


def _mapping(text: str | None) -> ColumnMapping:
    if text is None:
        return OWN
    try:
        return parse_mapping(text)
    except MappingError as exc:
        raise DomainError(
            f"the mapping file cannot be used: {exc}", rule="invalid_mapping", field="mapping",
            value=exc.problems[:20], accepted="a mapping file as docs/import.md describes",
        ) from exc  # fmt: skip


def _named(rows: Mapping[str, list[Row]], *keys: str) -> set[str]:
    """Every value of the columns ``keys`` in every sheet (lists of ids spread)."""
    found: set[str] = set()
    for row in (r for sheet_rows in rows.values() for r in sheet_rows):
        for key in keys:
            value = row.get(key)
            found.update(value if isinstance(value, tuple) else () if value is None else (value,))
    return found


def _closing(rows: Mapping[str, list[Row]]) -> set[str]:
    return {r.get("unit_id") for r in rows.get("units", ()) if r.get("closed_on") is not None}


def _chunks(ids: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    return (ids[start : start + size] for start in range(0, len(ids), size))
