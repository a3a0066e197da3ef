"""Queries: a unit's plans and their status, meetings per branch per month, activities and projects per period."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, select

from services.planning.adapters.read_models import activities, meetings, model_registrations, plans, timeline
from services.planning.api.common import plan_in_scope, readable
from shared.auth import Permission
from shared.contracts.org import UnitLevel
from shared.contracts.values import MONTH_PATTERN, Day
from shared.errors import DomainError
from shared.http.auth import CurrentPrincipal
from shared.http.params import Limit, Offset, UnitIdPath, YearQuery
from shared.orgtree import org_units

router = APIRouter(tags=["queries"])


def _under(column: Any, path: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = (column == path) | column.startswith(path + ".", autoescape=True)
    return result


def _plan_view(row: Any) -> dict[str, Any]:
    return {
        "plan_id": row.plan_id,
        "unit_id": row.unit_id,
        "year": row.year,
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "targets": json.loads(row.targets),
        "submitted_on": row.submitted_on,
        "approved_on": row.approved_on,
        "approved_by_unit_id": row.approved_by_unit_id,
        "returns": json.loads(row.returns),
        "party_committee": {
            "submitted_on": row.party_submitted_on,
            "opinion_on": row.party_opinion_on,
            "opinion": row.party_opinion,
        },
    }


@router.get("/plans/{plan_id}", summary="One plan, its status and its history of decisions")
async def get_plan(request: Request, plan_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    await plan_in_scope(request, principal, Permission.READ, plan_id)
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(plans).where(plans.c.plan_id == plan_id))).one()
    return _plan_view(row)


@router.get("/units/{unit_id}/plans", summary="The unit's plans and model registration, by year")
async def unit_plans(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, year: YearQuery = None
) -> dict[str, Any]:
    await readable(request, principal, unit_id)
    plan_query = select(plans).where(plans.c.unit_id == unit_id).order_by(plans.c.year, plans.c.kind)
    model_query = select(model_registrations).where(model_registrations.c.unit_id == unit_id)
    if year is not None:
        plan_query = plan_query.where(plans.c.year == year)
        model_query = model_query.where(model_registrations.c.year == year)
    async with request.app.state.runtime.db.read() as conn:
        plan_rows = (await conn.execute(plan_query)).all()
        model_rows = (await conn.execute(model_query.order_by(model_registrations.c.year))).all()
    return {
        "unit_id": unit_id,
        "plans": [_plan_view(r) for r in plan_rows],
        "model_registrations": [
            {
                "year": r.year,
                "registered_on": r.registered_on,
                "recognising_unit_id": r.recognising_unit_id,
                "deadline": r.deadline,
                "on_time": r.deadline is None or r.registered_on <= r.deadline,
            }
            for r in model_rows
        ],
    }


@router.get("/units/{unit_id}/meetings", summary="Meetings of every branch under the unit, per month")
async def unit_meetings(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: YearQuery = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")] = None,
) -> dict[str, Any]:
    unit = await readable(request, principal, unit_id)
    if (year is None) == (month is None):
        raise DomainError(
            "give either a year or a month",
            rule="period_required",
            field="year",
            value=year,
            accepted="?year=YYYY (counts per month) or ?month=YYYY-MM (the meetings)",
        )
    months = [month] if month else [f"{year}-{m:02d}" for m in range(1, 13)]
    async with request.app.state.runtime.db.read() as conn:
        branches = (
            await conn.execute(
                select(org_units.c.unit_id, org_units.c.name, org_units.c.status)
                .where(_under(org_units.c.path, unit.path), org_units.c.level == UnitLevel.BRANCH.value)
                .order_by(org_units.c.path)
            )
        ).all()
        rows = (
            await conn.execute(
                select(meetings)
                .where(_under(meetings.c.unit_path, unit.path), meetings.c.month.in_(months))
                .order_by(meetings.c.held_on)
            )
        ).all()
    per_branch: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        for branch_id in (r.branch_id, *json.loads(r.joint_branch_ids)):
            per_branch[branch_id].append(r)
    return {
        "unit_id": unit_id,
        "months": months,
        "branches": [
            {
                "branch_id": b.unit_id,
                "name": b.name,
                "status": b.status,
                "meetings_per_month": {
                    m: sum(1 for r in per_branch[b.unit_id] if r.month == m) for m in months
                },
                "meetings": [
                    {
                        "meeting_id": r.meeting_id,
                        "held_on": r.held_on,
                        "kind": r.kind,
                        "host_branch_id": r.branch_id,
                        "present_count": r.present_count,
                        "expected_count": r.expected_count,
                        "attendance_rate": round(r.present_count / r.expected_count, 3)
                        if r.expected_count
                        else None,
                        "has_minutes": r.has_minutes,
                    }
                    for r in per_branch[b.unit_id]
                ]
                if month
                else None,
            }
            for b in branches
        ],
    }


@router.get(
    "/units/{unit_id}/activities", summary="Activities and youth projects of the unit and below, in a period"
)
async def unit_activities(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
    kind: Annotated[str | None, Query(pattern="^(activity|project)$")] = None,
) -> dict[str, Any]:
    unit = await readable(request, principal, unit_id)
    query = select(activities).where(_under(activities.c.unit_path, unit.path))
    if start is not None:
        query = query.where(activities.c.planned_on >= start)
    if end is not None:
        query = query.where(activities.c.planned_on <= end)
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
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=100)] = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    unit = await readable(request, principal, unit_id)
    query = select(timeline).where(_under(timeline.c.unit_path, unit.path))
    if start is not None:
        query = query.where(timeline.c.on_date >= start)
    if end is not None:
        query = query.where(timeline.c.on_date <= end)
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
