"""Queries of plans: one plan, its status and history; a unit's plans and model registrations."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select

from services.planning.adapters.read_models import model_registrations, plans
from shared.auth import Permission
from shared.commands import Target
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import in_scope
from shared.http.params import UnitIdPath, YearQuery

router = APIRouter(tags=["queries"])


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
    await in_scope(request, principal, Permission.READ, Target("plan", plan_id, "plan_id"))
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(plans).where(plans.c.plan_id == plan_id))).one()
    return _plan_view(row)


@router.get("/units/{unit_id}/plans", summary="The unit's plans and model registration, by year")
async def unit_plans(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, year: YearQuery = None
) -> dict[str, Any]:
    await authorize(request, principal, Permission.READ, unit_id)
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
