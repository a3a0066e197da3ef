"""Queries of branch life: the meetings of every branch under a unit, per month."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from services.planning.adapters.read_models import meetings, under
from shared.auth import Permission
from shared.contracts.org import UnitLevel
from shared.contracts.values import MONTH_PATTERN
from shared.errors import DomainError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import UnitIdPath, YearQuery
from shared.orgtree import org_units

router = APIRouter(tags=["queries"])


@router.get("/units/{unit_id}/meetings", summary="Meetings of every branch under the unit, per month")
async def unit_meetings(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: YearQuery = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")] = None,
) -> dict[str, Any]:
    unit = await authorize(request, principal, Permission.READ, unit_id)
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
                .where(under(org_units.c.path, unit.path), org_units.c.level == UnitLevel.BRANCH.value)
                .order_by(org_units.c.path)
            )
        ).all()
        rows = (
            await conn.execute(
                select(meetings)
                .where(under(meetings.c.unit_path, unit.path), meetings.c.month.in_(months))
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
