"""Evaluation's recognition handlers over the in-memory store.

:class:`RecognitionHandlers` reads a union's registration from planning's facts with SQL through
``store.db``; here the registrations are a dict, answered with the same type.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.evaluation.app.recognition import RecognitionHandlers
from services.evaluation.domain.recognition import Registration
from services.evaluation.domain.rulebook import RuleBook
from shared.clock import Clock
from shared.contracts.org import OrgUnit
from tests.fakes.store import InMemoryEventStore


class InMemoryRecognitionHandlers(RecognitionHandlers):
    def __init__(
        self,
        store: InMemoryEventStore,
        *,
        clock: Clock,
        registrations: Mapping[tuple[str, int], Registration] | None = None,
    ) -> None:
        super().__init__(store, RuleBook.load(), clock)
        self.registrations = dict(registrations or {})

    async def registration(self, union: OrgUnit, year: int) -> Registration | None:
        return self.registrations.get((union.unit_id, year))
