"""What evaluation's routes share: the rule book, the clock, the day a request evaluates on, and the
indicators that keep a union from passing, by name."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RuleSet
from shared.clock import Clock, local_date
from shared.http.params import AsOfQuery, KnownAtQuery


def rule_book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


def clock_of(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def evaluated_on(request: Request, as_of: AsOfQuery = None, known_at: KnownAtQuery = None) -> AsOf:
    """The day asked for (default: the day of ``known_at``, else today), counting what was known then."""
    day = as_of or (local_date(known_at) if known_at is not None else clock_of(request).today())
    return AsOf(day, known_at)


When = Annotated[AsOf, Depends(evaluated_on)]
"""The ``as_of`` and ``known_at`` query parameters, as the evaluation's :class:`AsOf`."""


class Reason(BaseModel):
    """An indicator that keeps a union from passing, by name: why it fails or is at risk (lý do)."""

    indicator_id: str
    name: str = Field(description="the indicator's name in the union's rules (a message id of the catalogs)")
    status: str = Field(description="fail or at_risk")


def reasons_of(rules: RuleSet, failing: list[str], at_risk: list[str]) -> list[Reason]:
    """The failing indicators, then those at risk, each with its name in ``rules``."""

    def name(indicator_id: str) -> str:
        try:
            return rules.indicator(indicator_id).name
        except KeyError:  # a status judged under rules since changed: the id is all there is
            return indicator_id

    return [Reason(indicator_id=i, name=name(i), status="fail") for i in failing] + [
        Reason(indicator_id=i, name=name(i), status="at_risk") for i in at_risk
    ]
