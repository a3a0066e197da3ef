"""Membership's own read models, kept inline: in the same transaction as each append."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.membership import MemberJoined
from shared.events import Envelope
from shared.orgtree import OrgTreeProjection

metadata = MetaData()

members = Table(
    "members",
    metadata,
    Column("member_id", String(64), primary_key=True),
    Column("branch_id", String(63), nullable=False, index=True),
    Column("unit_path", String(1000), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class MembershipReadModels:
    """The org tree and the member list, updated with every append."""

    def __init__(self) -> None:
        self.org_tree = OrgTreeProjection()

    async def __call__(self, conn: AsyncConnection, events: Sequence[Envelope]) -> None:
        for event in events:
            await self.org_tree.apply(conn, event)
            payload = event.payload
            if isinstance(payload, MemberJoined):
                await conn.execute(
                    members.insert().values(
                        member_id=payload.member_id,
                        branch_id=payload.branch_id,
                        unit_path=event.unit_path,
                        status="active",
                        joined_on=payload.joined_on,
                        updated_at=event.recorded_at,
                    )
                )
