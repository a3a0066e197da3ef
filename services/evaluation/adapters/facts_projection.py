"""The live projection: facts from every event (and the words of a few), the org tree, and the units to re-evaluate.

Per fetched batch the facts are buffered in memory and written with one
statement per table in :meth:`flush`, in the consumer's transaction (with its
checkpoint), so a redelivered batch changes nothing. Evaluating the unions is
left to :class:`~services.evaluation.adapters.evaluator.ComplianceEvaluator`,
which takes the dirty units in its own transaction under the same lock.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.recognition_rows import RecognitionRows
from services.evaluation.adapters.tables import dirty_units, event_texts, facts, recognition
from services.evaluation.domain.facts import Fact, facts_of, texts_of
from shared.contracts.org import UnitLevel
from shared.events import Envelope
from shared.orgtree import OrgTreeProjection, org_units
from shared.store.upsert import upsert

_ORG_EVENTS = frozenset({"UnitRegistered", "UnitRenamed", "UnitMoved", "UnitClosed", "UnitDatesCorrected"})


def fact_row(fact: Fact) -> dict[str, Any]:
    return {
        "fact_id": fact.fact_id,
        "kind": fact.kind,
        "unit_id": fact.unit_id,
        "subject": fact.subject,
        "occurred_on": fact.on,
        "recorded_at": fact.recorded_at,
        "event_id": fact.event_id,
        "number": fact.number,
        "total": fact.total,
        "tag": fact.tag,
    }


class FactsProjection:
    """Keeps ``evaluation_facts`` (and the org tree, in the same order as membership wrote it)."""

    name = "evaluation_facts"
    # What a rebuild swaps in (shared.runtime.rebuild): everything ``apply`` and ``flush`` write.
    tables = (org_units, facts, event_texts, dirty_units, recognition)

    def __init__(self, wake: asyncio.Event | None = None) -> None:
        self._org = OrgTreeProjection()
        self._facts: list[Fact] = []
        self._texts: list[dict[str, str]] = []
        self._dirty: set[str] = set()
        self._recognition = RecognitionRows()
        self.wake = wake or asyncio.Event()

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        if event.type in _ORG_EVENTS and event.service == "membership":
            # In the batch's transaction with the facts: readers see both from the same commit.
            await self._org.apply(conn, event)
            self._dirty.add(event.unit_id)
            return
        for fact in facts_of(event):
            self._facts.append(fact)
            self._dirty.add(fact.unit_id)
        words = texts_of(event)
        if words is not None:
            record_id, texts = words
            self._texts.append(
                {"event_id": str(event.event_id), "record_id": record_id, "texts": json.dumps(texts)}
            )
        self._recognition.apply(event)

    async def flush(self, conn: AsyncConnection) -> None:
        rows, self._facts = [fact_row(f) for f in self._facts], []
        texts, self._texts = self._texts, []
        dirty, self._dirty = [{"unit_id": u} for u in sorted(self._dirty)], set()
        await upsert(conn, facts, rows, keys=["fact_id"])
        await upsert(conn, event_texts, texts, keys=["event_id"])
        await upsert(conn, dirty_units, dirty, keys=["unit_id"])
        await self._recognition.flush(conn)  # after the facts: a registration is read from them
        if dirty:
            self.wake.set()

    def discard(self) -> None:
        self._facts.clear()
        self._texts.clear()
        self._dirty.clear()
        self._recognition.discard()

    async def after_swap(self, conn: AsyncConnection) -> None:
        """After a rebuild is swapped in (same transaction): every union is evaluated again."""
        unions = select(org_units.c.unit_id).where(org_units.c.level == UnitLevel.GRASSROOTS.value)
        rows = [{"unit_id": r[0]} for r in await conn.execute(unions)]
        await upsert(conn, dirty_units, rows, keys=["unit_id"])
        self.wake.set()
