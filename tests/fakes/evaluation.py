"""Evaluation's recognition handlers over the in-memory store.

:class:`RecognitionHandlers` reads a union's registration from planning's facts and keeps the
recognition table's rows with SQL through ``store.db``; here both are dicts, with the same types.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.app.recognition import RecognitionHandlers
from services.evaluation.domain.recognition import Recognition, Registration
from services.evaluation.domain.rulebook import RuleBook
from shared.clock import Clock
from shared.contracts.org import OrgUnit
from shared.events import Event
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
        self.rows: dict[tuple[str, int], tuple[list[Event], int]] = {}

    async def registration(self, union: OrgUnit, year: int) -> Registration | None:
        return self.registrations.get((union.unit_id, year))

    async def stored(self, union: OrgUnit, year: int) -> list[Event]:
        return list(self.rows.get((union.unit_id, year), ([], 0))[0])

    async def save(
        self, conn: AsyncConnection, union: OrgUnit, year: int, state: Recognition, version: int
    ) -> None:
        if self.rows.get((union.unit_id, year), ([], 0))[1] <= version:
            self.rows[union.unit_id, year] = (state.steps, version)
