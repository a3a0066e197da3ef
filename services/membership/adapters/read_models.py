"""Membership's own read models, kept inline: in the same transaction as each append.

Personal fields are kept here as the sealed JSON of the events (ciphertext), so
destroying a person's key erases them here as in the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.member import MemberStatus
from shared.contracts import membership as ev
from shared.contracts.member_status import status_change
from shared.events import Envelope, Event
from shared.orgtree import OrgTreeProjection, org_units
from shared.store.columns import instant, person_id, unit_id, unit_path
from shared.store.upsert import upsert

metadata = MetaData()

members = Table(
    "members",
    metadata,
    person_id("member_id", primary_key=True),
    unit_id("branch_id", index=True),
    unit_path(index=True),
    Column("status", String(20), nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("in_branch_since", Date, nullable=False),
    Column("admission_decision_ref", String(100), nullable=False, default=""),
    person_id("referred_by", nullable=True),
    Column("birth_year", Integer, nullable=True),
    Column("profile", Text, nullable=True),  # the sealed profile (ciphertext)
    Column("missing_fields", String(300), nullable=False, default=""),
    Column("card_number", String(50), nullable=True),
    Column("transfer_id", String(64), nullable=True),
    Column("last_rating_year", Integer, nullable=True),
    Column("last_rating", String(20), nullable=True),
    Column("extended_until", Date, nullable=True),
    Column("erased", Boolean, nullable=False, default=False),
    instant("updated_at"),
)

hardship_cases = Table(
    "hardship_cases",
    metadata,
    person_id("case_id", primary_key=True),
    unit_id(index=True),
    unit_path(index=True),
    Column("listed_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("sensitive", Text, nullable=True),  # sealed (ciphertext)
    Column("care_actions", Integer, nullable=False, default=0),
    Column("last_care_on", Date, nullable=True),
)

unit_reports = Table(
    "unit_reports",
    metadata,
    unit_id(primary_key=True),
    Column("kind", String(30), primary_key=True),  # situation | remittance
    Column("period", String(10), primary_key=True),  # 2026-Q1 | 2026-03
    Column("recorded_on", Date, nullable=False),
)


ROWS_PER_STATEMENT = 1000


class MembershipReadModels:
    """The org tree, the member list, the hardship list and per-period reports, updated with every append."""

    def __init__(self) -> None:
        self.org_tree = OrgTreeProjection()

    async def __call__(self, conn: AsyncConnection, events: Sequence[Envelope]) -> None:
        # Admissions in a row (an imported sheet) are inserted with one statement per thousand: between
        # statements the event loop serves other requests.
        joined: list[dict[str, Any]] = []
        for event in events:
            if isinstance(event.payload, ev.MemberJoined):
                joined.append(_joined_row(event, event.payload))
                if len(joined) == ROWS_PER_STATEMENT:
                    await conn.execute(members.insert(), joined)
                    joined = []
                continue
            if joined:
                await conn.execute(members.insert(), joined)
                joined = []
            await self.apply(conn, event)
        if joined:
            await conn.execute(members.insert(), joined)

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, ev.UnitMoved):
            await self._move(conn, event, payload)
            return
        await self.org_tree.apply(conn, event)
        if isinstance(payload, ev.MemberJoined):
            await conn.execute(members.insert().values(**_joined_row(event, payload)))
        elif member_id := getattr(payload, "member_id", None):
            values = _member_changes(payload)
            if values:
                values["updated_at"] = event.recorded_at
                if isinstance(payload, ev.MemberTransferAccepted):
                    values["unit_path"] = event.unit_path
                await conn.execute(update(members).where(members.c.member_id == member_id).values(**values))
        else:
            await self._care(conn, event)
        if isinstance(payload, ev.PersonErased):
            await conn.execute(
                update(members)
                .where(members.c.member_id == payload.person_id)
                .values(profile=None, erased=True, updated_at=event.recorded_at)
            )
            await conn.execute(
                update(hardship_cases)
                .where(hardship_cases.c.case_id == payload.person_id)
                .values(sensitive=None)
            )

    async def _care(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, ev.HardshipCaseListed):
            await conn.execute(
                hardship_cases.insert().values(
                    case_id=payload.case_id,
                    unit_id=payload.unit_id,
                    unit_path=event.unit_path,
                    listed_on=payload.listed_on,
                    sensitive=payload.sensitive.model_dump_json(),
                    care_actions=0,
                )
            )
        elif isinstance(payload, ev.HardshipCaseClosed):
            await conn.execute(
                update(hardship_cases)
                .where(hardship_cases.c.case_id == payload.case_id)
                .values(closed_on=payload.closed_on)
            )
        elif isinstance(payload, ev.CareActionRecorded):
            await conn.execute(
                update(hardship_cases)
                .where(hardship_cases.c.case_id == payload.case_id)
                .values(care_actions=hardship_cases.c.care_actions + 1, last_care_on=payload.acted_on)
            )
        elif isinstance(payload, ev.YouthSituationReported):
            await _report(conn, payload.unit_id, "situation", payload.quarter, payload.submitted_on)
        elif isinstance(payload, ev.DuesRemitted):
            await _report(conn, payload.unit_id, "remittance", payload.month, event.occurred_at.date())

    async def _move(self, conn: AsyncConnection, event: Envelope, payload: ev.UnitMoved) -> None:
        """The members and cases of the moved unit and of every unit below it follow it."""
        old = (
            await conn.execute(select(org_units.c.path).where(org_units.c.unit_id == payload.unit_id))
        ).scalar()
        await self.org_tree.apply(conn, event)
        new = (
            await conn.execute(select(org_units.c.path).where(org_units.c.unit_id == payload.unit_id))
        ).scalar()
        if old is None or new is None:
            return
        for table in (members, hardship_cases):
            path = table.c.unit_path
            await conn.execute(
                update(table)
                .where((path == old) | path.startswith(f"{old}.", autoescape=True))
                .values(unit_path=literal(new) + func.substr(path, len(old) + 1))
            )


def _joined_row(event: Envelope, payload: ev.MemberJoined) -> dict[str, Any]:
    return {
        "member_id": payload.member_id,
        "branch_id": payload.branch_id,
        "unit_path": event.unit_path,
        "status": MemberStatus.ACTIVE.value,
        "joined_on": payload.joined_on,
        "in_branch_since": payload.joined_on,
        "admission_decision_ref": payload.admission_decision_ref,
        "referred_by": payload.referred_by,
        "birth_year": payload.birth_year,
        "profile": payload.profile.model_dump_json() if payload.profile else None,
        "missing_fields": ",".join(payload.missing_fields),
        "erased": False,
        "updated_at": event.recorded_at,
    }


def _member_changes(payload: Event) -> dict[str, Any]:
    # The status by the classification evaluation counts active members by, so the two agree.
    change = status_change(payload)
    values: dict[str, Any] = {"status": change.status.value} if change is not None else {}
    match payload:
        case ev.MemberProfileUpdated():
            values.update(
                profile=payload.profile.model_dump_json(),
                missing_fields=",".join(payload.missing_fields),
                birth_year=payload.birth_year,
            )
        case ev.MemberTransferRequested():
            values["transfer_id"] = payload.transfer_id
        case ev.MemberTransferAccepted():
            values.update(
                branch_id=payload.to_branch_id, in_branch_since=payload.accepted_on, transfer_id=None
            )
        case ev.MemberTransferReturned():
            values["transfer_id"] = None
        case ev.MemberCardIssued():
            values["card_number"] = payload.card_number
        case ev.MemberRated():
            values.update(last_rating_year=payload.year, last_rating=payload.rating.value)
        case ev.MembershipExtended():
            values["extended_until"] = payload.until
    return values


async def _report(conn: AsyncConnection, unit_id: str, kind: str, period: str, on: date) -> None:
    await upsert(
        conn,
        unit_reports,
        [{"unit_id": unit_id, "kind": kind, "period": period, "recorded_on": on}],
        keys=["unit_id", "kind", "period"],
    )
