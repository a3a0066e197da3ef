"""What evaluation's routes share: the rule book, the clock, and the day a request evaluates on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.rulebook import RuleBook
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
