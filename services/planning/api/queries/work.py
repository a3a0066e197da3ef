"""Queries of the unit's work: activities and youth projects in a period, and the timeline of everything."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import Select, select

from services.planning.adapters.read_models import activities, timeline, under
from shared.auth import Permission
from shared.contracts.values import Day
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import Limit, Offset, UnitIdPath

router = APIRouter(tags=["queries"])

From = Annotated[Day | None, Query(alias="from")]
To = Annotated[Day | None, Query(alias="to")]


def in_period(query: Select[Any], column: Any, start: date | None, end: date | None) -> Select[Any]:
    """``query`` kept to the rows whose ``column`` lies from ``start`` to ``end`` (either may stay open)."""
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


@router.get(
    "/units/{unit_id}/activities", summary="Activities and youth projects of the unit and below, in a period"
)
async def unit_activities(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    start: From = None,
    end: To = None,
    kind: Annotated[str | None, Query(pattern="^(activity|project)$")] = None,
) -> dict[str, Any]:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    query = select(activities).where(under(activities.c.unit_path, unit.path))
    query = in_period(query, activities.c.planned_on, start, end)
    if kind is not None:
        query = query.where(activities.c.record_kind == kind)
    async with request.app.state.runtime.db.read() as conn:
        rows = (await conn.execute(query.order_by(activities.c.planned_on, activities.c.record_id))).all()
    items = [
        {
            "kind": r.record_kind,
            "id": r.record_id,
            "unit_id": r.unit_id,
            "title": r.title,
            "planned_on": r.planned_on,
            "status": r.status,
            "closed_on": r.closed_on,
            "criterion" if r.record_kind == "activity" else "project_kind": r.subkind,
            "reason": r.reason,
            "participants": r.participants,
            "value_vnd": r.value_vnd,
        }
        for r in rows
    ]
    summary: dict[str, int] = defaultdict(int)
    for item in items:
        summary[f"{item['kind']}:{item['status']}"] += 1
    return {"unit_id": unit_id, "from": start, "to": end, "summary": dict(summary), "items": items}


@router.get(
    "/units/{unit_id}/timeline", summary="Everything planning recorded for the unit and below, by date"
)
async def unit_timeline(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    start: From = None,
    end: To = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=100)] = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    query = select(timeline).where(under(timeline.c.unit_path, unit.path))
    query = in_period(query, timeline.c.on_date, start, end)
    if event_type is not None:
        query = query.where(timeline.c.type == event_type)
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(
                query.order_by(timeline.c.on_date, timeline.c.position).limit(limit).offset(offset)
            )
        ).all()
    return {
        "unit_id": unit_id,
        "items": [
            {
                "event_id": r.event_id,
                "type": r.type,
                "on": r.on_date,
                "unit_path": r.unit_path,
                **json.loads(r.summary),
            }
            for r in rows
        ],
    }
