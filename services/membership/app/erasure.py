"""Erasure (quyền xóa dữ liệu): a person's key is destroyed, so their sealed fields are unreadable everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.adapters.keys import destroy_key
from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain.streams import case_stream, member_stream
from shared.clock import utcnow
from shared.commands import Context
from shared.contracts import membership as ev
from shared.errors import ConflictError, NotFoundError
from shared.events import Envelope, NewEvent


class ErasureHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership

    async def erase(self, cmd: cmds.ErasePerson, ctx: Context) -> Sequence[Envelope]:
        """Destroy the person's key and record it: their sealed fields become unreadable everywhere."""
        person_id = cmd.person_id
        stream, unit_id = await person_record(self.membership, person_id)
        path = await self.membership.directory.path_of(unit_id)
        assert path is not None
        history = await self.membership.store.read_stream(stream)
        if any(isinstance(e.payload, ev.PersonErased) for e in history):
            # A retry after an erasure whose purge did not finish (503) finishes it.
            await self.membership.keys.purge_destroyed()
            raise ConflictError(
                f"person {person_id!r} is already erased",
                rule="person_erased",
                field="person_id",
                value=person_id,
                accepted="a person not yet erased",
            )
        event = ev.PersonErased(
            person_id=person_id, erased_on=self.membership.today(), request_ref=cmd.request_ref
        )

        async def shred(conn: AsyncConnection, _events: Sequence[Envelope]) -> None:
            await destroy_key(conn, person_id)

        return await self.membership.append(NewEvent(stream, event, path, utcnow()), ctx, len(history), shred)


async def person_record(membership: Membership, person_id: str) -> tuple[str, str]:
    """The stream that holds a person's sealed fields, and their unit: a member's branch, a case's unit."""
    member = await membership.find_member(person_id)
    if member is not None:
        return member_stream(person_id), member.branch_id
    case = await membership.hardship_case(person_id)
    if case is not None:
        return case_stream(person_id), case.unit_id
    raise unknown_person(person_id)


def unknown_person(person_id: str) -> NotFoundError:
    """The answer for a person who is not known (and, over HTTP, for one outside the token's scope)."""
    return NotFoundError(
        f"person {person_id!r} is not known",
        rule="unknown_person",
        field="person_id",
        value=person_id,
        accepted="the id of a member or of a young person on a hardship list",
    )
