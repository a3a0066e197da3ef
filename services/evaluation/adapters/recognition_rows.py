"""The recognition table: one row per union and year, the workflow's state as its own stream made it.

The row is the recognition workflow (``domain/recognition.py``) folded from the events of its stream,
``recognition-{union}-{year}``, with the union's registration as a model from the facts: the same
inputs and the same fold the workflow's commands decide on, so every reader (the lists, roll-ups, the
union's page and the API) reads the one stage the next step will be checked against. It is written in
the transaction that appends a step (``save_recognition`` as the append's effect), and by the facts
projection from the events it consumes (a registration from planning; steps recorded by other means,
such as the demo's loader), each event once: the row remembers the stream version it has folded.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import facts, recognition
from services.evaluation.domain.recognition import STEPS, Recognition, Registration
from services.evaluation.domain.streams import recognition_stream
from shared.contracts.evaluation import RecognitionDenied, UnitRecognised
from shared.contracts.planning import ModelRegistered
from shared.events import REGISTRY, Envelope, Event

Key = tuple[str, int]


async def registration_fact(conn: AsyncConnection, unit_id: str, year: int) -> tuple[date, str] | None:
    """The union's first registration as a model for ``year``: the day, and the recognising unit it named
    ("" when it named none)."""
    query = (
        select(facts.c.occurred_on, facts.c.tag)
        .where(facts.c.kind == "model_registered", facts.c.unit_id == unit_id, facts.c.number == year)
        .order_by(facts.c.occurred_on)
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return (row[0], str(row[1])) if row is not None else None


def _encode(steps: Sequence[Event]) -> str:
    return json.dumps([{"type": e.event_type, "payload": e.model_dump(mode="json")} for e in steps])


def _decode(text: str | None) -> list[Event]:
    return [REGISTRY.get(s["type"]).model_validate(s["payload"]) for s in json.loads(text or "[]")]


async def stored_steps(conn: AsyncConnection, unit_id: str, year: int) -> tuple[list[Event], int]:
    """The steps the row holds and the stream version they fold to (none and 0 without a row)."""
    query = select(recognition.c.steps, recognition.c.version).where(
        recognition.c.unit_id == unit_id, recognition.c.year == year
    )
    row = (await conn.execute(query)).first()
    return (_decode(row[0]), int(row[1])) if row is not None else ([], 0)


async def save_recognition(
    conn: AsyncConnection, unit_id: str, year: int, path: str, steps: Sequence[Event], version: int
) -> Recognition:
    """Write the workflow's state from ``steps`` (its stream folded to ``version``) and the registration
    the facts hold; a row already at a later version is left as it is."""
    found = await registration_fact(conn, unit_id, year)
    registration = Registration(found[0], found[1]) if found is not None else None
    state = Recognition.from_history(unit_id, year, registration, list(steps))
    decision = state.decision
    row: dict[str, Any] = {
        "unit_id": unit_id,
        "year": year,
        "path": path,
        "stage": state.stage.value,
        "registered_on": found[0] if found is not None else None,
        "recognising_unit_id": (found[1] or None) if found is not None else None,
        "self_assessed_on": state.self_assessment.submitted_on if state.self_assessment else None,
        "appraised": "".join(str(c) for c in sorted(state.appraisals)),
        "decision_number": decision.decision_number if isinstance(decision, UnitRecognised) else None,
        "decided_on": decision.decided_on if decision is not None else None,
        "reasons": json.dumps(list(decision.reasons)) if isinstance(decision, RecognitionDenied) else None,
        "steps": _encode(state.steps),
        "version": version,
    }
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(recognition)
    statement = insert.values(row).on_conflict_do_update(
        index_elements=[recognition.c.unit_id, recognition.c.year],
        set_={c: insert.excluded[c] for c in row if c not in ("unit_id", "year")},
        where=recognition.c.version <= insert.excluded.version,
    )
    await conn.execute(statement)
    return state


class RecognitionRows:
    """The facts projection's part: the workflow steps and registrations of a batch, folded into the rows
    once the batch's facts are written (a registration is read from them)."""

    def __init__(self) -> None:
        self._steps: dict[Key, list[Envelope]] = defaultdict(list)
        self._paths: dict[Key, str] = {}

    def apply(self, event: Envelope) -> None:
        p = event.payload
        if isinstance(p, ModelRegistered):
            self._paths[p.unit_id, p.year] = event.unit_path
        elif isinstance(p, STEPS) and event.stream_id == recognition_stream(p.unit_id, p.year):
            # Only the workflow's own stream: what its commands decide on.
            self._paths[p.unit_id, p.year] = event.unit_path
            self._steps[p.unit_id, p.year].append(event)

    async def flush(self, conn: AsyncConnection) -> None:
        touched, self._paths = self._paths, {}
        pending, self._steps = self._steps, defaultdict(list)
        for (unit_id, year), path in sorted(touched.items()):
            steps, version = await stored_steps(conn, unit_id, year)
            for event in sorted(pending.get((unit_id, year), []), key=lambda e: e.stream_version):
                if event.stream_version > version:
                    steps.append(event.payload)
                    version = event.stream_version
            await save_recognition(conn, unit_id, year, path, steps, version)

    def discard(self) -> None:
        self._steps.clear()
        self._paths.clear()
