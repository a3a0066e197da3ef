"""A union's compliance per criterion and indicator, with its evidence, as data or in words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from services.evaluation.api.common import When, rule_book
from services.evaluation.app.compliance import compliance_of
from services.evaluation.domain.explain import explain
from services.evaluation.domain.results import UnitCompliance
from shared.auth import Permission
from shared.contracts.org import UnitLevel
from shared.errors import DomainError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import LangQuery, UnitIdPath, YearQuery
from shared.i18n import _

router = APIRouter(tags=["compliance"])


class NotAUnionError(DomainError):
    status_code = 422


async def union_compliance(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, when: When, year: YearQuery = None
) -> UnitCompliance:
    """The compliance of the union the path names, as of the day asked for."""
    unit = await authorize(request, principal, Permission.READ, unit_id)
    if unit.level is not UnitLevel.GRASSROOTS:
        raise NotAUnionError(
            f"unit {unit.unit_id!r} is a {unit.level.value} unit; compliance is judged per grassroots union",
            rule="not_a_union",
            field="unit_id",
            value=unit.unit_id,
            accepted="the id of a grassroots union (Đoàn cơ sở)",
            text=_(
                "{unit} is not a grassroots union: compliance is judged per grassroots union", unit=unit.name
            ),
        )
    async with request.app.state.runtime.db.read() as conn:
        result = await compliance_of(conn, rule_book(request), unit.unit_id, when, year)
    assert result is not None
    return result


Compliance = Annotated[UnitCompliance, Depends(union_compliance)]


@router.get(
    "/units/{unit_id}/compliance",
    summary="A union's compliance per criterion and indicator, with evidence and what is missing",
)
async def unit_compliance(compliance: Compliance) -> UnitCompliance:
    return compliance


@router.get(
    "/units/{unit_id}/explanation",
    summary="The same evaluation in words (text/plain)",
    response_class=PlainTextResponse,
)
async def unit_explanation(compliance: Compliance, lang: LangQuery = "vi") -> PlainTextResponse:
    return PlainTextResponse(explain(compliance, lang=lang), headers={"Content-Language": lang})
