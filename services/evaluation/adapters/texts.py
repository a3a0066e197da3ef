"""The words of events a person reads beside their facts (a proposal's subject, an outcome's note)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import event_texts

_CHUNK = 500


async def texts_of_records(
    conn: AsyncConnection, record_ids: Iterable[str]
) -> dict[str, dict[str, dict[str, str]]]:
    """For each record (a proposal …), the words of each of its events, by event id."""
    ids = sorted(set(record_ids))
    found: dict[str, dict[str, dict[str, str]]] = {}
    for i in range(0, len(ids), _CHUNK):
        query = select(event_texts).where(event_texts.c.record_id.in_(ids[i : i + _CHUNK]))
        for row in await conn.execute(query):
            found.setdefault(row.record_id, {})[row.event_id] = json.loads(row.texts)
    return found


def details(texts: dict[str, dict[str, str]], event_id: str) -> dict[str, str]:
    """What an event of a record says in words: the record's opening words (a proposal's subject and to
    whom it went) with the event's own (an outcome's result and note)."""
    opening = next((words for words in texts.values() if "subject" in words), {})
    return {**opening, **texts.get(event_id, {})}
