"""Commands of the recognition workflow: load a union's state, decide, append with optimistic concurrency."""

from __future__ import annotations

from sqlalchemy import select

from services.evaluation.adapters.tables import facts
from services.evaluation.domain.recognition import Recognition, Registration
from services.evaluation.domain.rulebook import RuleBook
from shared.clock import Clock
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event, NewEvent
from shared.store import Database, EventStore, StreamAppend
from shared.store.event_store import Idempotency


def stream_of(unit_id: str, year: int) -> str:
    return f"recognition-{unit_id}-{year}"


def recognising_unit(book: RuleBook, union: OrgUnit, named: str = "") -> str:
    """Who recognises the union: as registered, else as the tree says, else by the rules' level."""
    if named:
        return named
    if union.recognising_unit_id:
        return union.recognising_unit_id
    level = book.for_path(union.path).recognising_level
    ancestors = union.path.split(".")[:-1]
    if level == "parent" or not ancestors:
        return union.parent_id or ancestors[-1]
    # "province" is the second element of a path under the central level, "district" the third.
    index = {"province": 1, "district": 2}[level]
    return ancestors[min(index, len(ancestors) - 1)]


async def load(
    db: Database, store: EventStore, book: RuleBook, union: OrgUnit, year: int
) -> tuple[Recognition, int]:
    """The workflow's state and its stream version."""
    return await replay(store, union, year, await registration(db, book, union, year))


async def registration(db: Database, book: RuleBook, union: OrgUnit, year: int) -> Registration | None:
    """The union's registration as a model for ``year`` (from planning's facts), or None."""
    query = (
        select(facts.c.occurred_on, facts.c.tag)
        .where(facts.c.kind == "model_registered", facts.c.unit_id == union.unit_id, facts.c.number == year)
        .order_by(facts.c.occurred_on)
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    return Registration(row[0], recognising_unit(book, union, row[1])) if row is not None else None


async def replay(
    store: EventStore, union: OrgUnit, year: int, registration: Registration | None
) -> tuple[Recognition, int]:
    """The workflow's state from its stream, and the stream's version."""
    history = await store.read_stream(stream_of(union.unit_id, year))
    return Recognition.from_history(union.unit_id, year, registration, [e.payload for e in history]), len(
        history
    )


async def record(
    store: EventStore,
    union: OrgUnit,
    year: int,
    version: int,
    payload: Event,
    clock: Clock,
    actor: str,
    idempotency: Idempotency | None = None,
) -> list[Envelope]:
    """Append the step's event at the workflow's ``version``; ``[]`` when ``idempotency`` names a
    request already answered (its answer is then in ``idempotency.replay``)."""
    new = NewEvent(stream_of(union.unit_id, year), payload, union.path, clock.now())
    return await store.append(
        StreamAppend(new.stream_id, [new], version), actor=actor, idempotency=idempotency
    )
