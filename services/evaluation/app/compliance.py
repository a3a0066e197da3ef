"""Compliance of a union now or as of a date, computed from its facts (the query side of evaluation)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.unions import load_union
from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook


async def compliance_of(
    conn: AsyncConnection, book: RuleBook, unit_id: str, as_of: AsOf, year: int | None = None
) -> UnitCompliance | None:
    """The union's compliance for ``year`` (default: the year ``as_of`` falls in); None if not a union."""
    loaded = await load_union(conn, unit_id)
    if loaded is None:
        return None
    rules = book.for_path(loaded.unit.path)
    chosen = year if year is not None else rules.year_of(as_of.day, loaded.view.unit_type)
    return evaluate(rules, loaded.view, loaded.facts, chosen, as_of)
