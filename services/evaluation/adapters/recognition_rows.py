"""The recognition table: one row per union and year, the stage its workflow has reached (for lists and roll-ups)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import recognition
from shared.contracts.evaluation import (
    CriterionAppraised,
    RecognitionDenied,
    SelfAssessmentSubmitted,
    UnitRecognised,
)
from shared.contracts.planning import ModelRegistered
from shared.events import Envelope
from shared.store.upsert import upsert

WORKFLOW_EVENTS = frozenset(
    {
        "ModelRegistered",
        "SelfAssessmentSubmitted",
        "CriterionAppraised",
        "UnitRecognised",
        "RecognitionDenied",
    }
)


def _row(unit_id: str, year: int, path: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "unit_id": unit_id,
        "year": year,
        "path": path,
        "stage": "registered",
        "registered_on": None,
        "recognising_unit_id": None,
        "self_assessed_on": None,
        "appraised": "",
        "decision_number": None,
        "decided_on": None,
        "reasons": None,
    }
    return {**base, **values}


async def apply_recognition(conn: AsyncConnection, event: Envelope) -> None:
    """Move the row along with the workflow's events; a registration never moves a stage back."""
    p = event.payload
    if isinstance(p, ModelRegistered):
        row = _row(
            p.unit_id,
            p.year,
            event.unit_path,
            registered_on=p.registered_on,
            recognising_unit_id=p.recognising_unit_id,
        )
        await upsert(
            conn, recognition, row, keys=["unit_id", "year"], replace=["registered_on", "recognising_unit_id"]
        )
        return
    if not isinstance(p, SelfAssessmentSubmitted | CriterionAppraised | UnitRecognised | RecognitionDenied):
        return
    key = (recognition.c.unit_id == p.unit_id) & (recognition.c.year == p.year)
    current = (await conn.execute(select(recognition.c.appraised).where(key))).first()
    changes: dict[str, Any]
    if isinstance(p, SelfAssessmentSubmitted):
        changes = {"stage": "self_assessed", "self_assessed_on": p.submitted_on}
    elif isinstance(p, CriterionAppraised):
        done = "".join(sorted(set((current[0] if current else "") + str(p.criterion))))
        changes = {"appraised": done, "stage": "appraised" if len(done) == 3 else "self_assessed"}
    elif isinstance(p, UnitRecognised):
        changes = {"stage": "recognised", "decision_number": p.decision_number, "decided_on": p.decided_on}
    else:
        changes = {"stage": "denied", "decided_on": p.decided_on, "reasons": json.dumps(list(p.reasons))}
    await upsert(
        conn,
        recognition,
        _row(p.unit_id, p.year, event.unit_path, **changes),
        keys=["unit_id", "year"],
        replace=list(changes),
    )
