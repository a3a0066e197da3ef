"""Compliance of a union now or as of a date, computed from its facts (the query side of evaluation)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.unions import LoadedUnion, load_union
from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook


def judge(book: RuleBook, union: LoadedUnion, as_of: AsOf, year: int | None = None) -> UnitCompliance:
    """The union's compliance for ``year`` (default: the year ``as_of`` falls in), by its province's rules."""
    rules = book.for_path(union.unit.path)
    chosen = year if year is not None else rules.year_of(as_of.day, union.view.unit_type)
    return evaluate(rules, union.view, union.facts, chosen, as_of)


async def compliance_of(
    conn: AsyncConnection, book: RuleBook, unit_id: str, as_of: AsOf, year: int | None = None
) -> UnitCompliance | None:
    """The union's compliance for ``year`` (default: the year ``as_of`` falls in); None if not a union."""
    loaded = await load_union(conn, unit_id)
    return judge(book, loaded, as_of, year) if loaded is not None else None
