"""Checks every planning command shares: the unit it names, its dates, the evidence it cites."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.planning import EvidenceRef
from shared.errors import DomainError, NotFoundError
from shared.orgtree import guard
from shared.orgtree.guard import Dated


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """What planning knows of a stored file (biên bản, quyết định)."""

    attachment_id: str
    unit_id: str
    sha256: str


def require_unit(
    unit: OrgUnit | None,
    unit_id: str,
    *,
    field: str = "unit_id",
    levels: Collection[UnitLevel] = (),
) -> OrgUnit:
    """The unit, known to planning's copy of the tree, active, and of one of ``levels`` (any if empty):
    for an undated command (a file attached)."""
    return guard.require_active_unit(unit, unit_id, field=field, levels=levels, known_to="planning")


def require_unit_on(
    unit: OrgUnit | None,
    unit_id: str,
    when: Dated,
    *,
    field: str = "unit_id",
    levels: Collection[UnitLevel] = (),
) -> OrgUnit:
    """The unit, known to planning's copy of the tree, existing when the record is dated (closed since,
    or not), and of one of ``levels`` (any if empty)."""
    return guard.require_unit_on(unit, unit_id, when, field=field, levels=levels, known_to="planning")


def require_below(unit: OrgUnit, parent: OrgUnit, *, field: str) -> None:
    if not unit.path.startswith(parent.path + "."):
        raise DomainError(
            f"unit {unit.unit_id!r} is not below {parent.unit_id!r}",
            rule="unit_not_below",
            field=field,
            value=unit.unit_id,
            accepted=f"a unit below {parent.unit_id!r}",
        )


def not_in_future(day: date, today: date, *, field: str) -> None:
    """Something that happened cannot be dated after today (in Vietnam)."""
    if day > today:
        raise DomainError(
            f"{field} {day.isoformat()} is in the future",
            rule="date_in_future",
            field=field,
            value=day.isoformat(),
            accepted=f"a date on or before {today.isoformat()}",
        )


def not_before(day: date, earliest: date, *, field: str, what: str) -> None:
    if day < earliest:
        raise DomainError(
            f"{field} {day.isoformat()} is before {what} ({earliest.isoformat()})",
            rule="date_before",
            field=field,
            value=day.isoformat(),
            accepted=f"a date on or after {earliest.isoformat()}",
        )


def not_blank(value: str, *, field: str) -> None:
    if not value.strip():
        raise DomainError(
            f"{field} is empty", rule="blank", field=field, value=value, accepted="a non-empty text"
        )


def check_evidence(
    ref: EvidenceRef | None,
    attachments: Mapping[str, AttachmentInfo],
    unit_id: str,
    *,
    field: str,
) -> None:
    """Evidence cited by an event must be a file this unit attached, named with the hash it was stored with."""
    if ref is None:
        return
    found = attachments.get(ref.attachment_id)
    if found is None or found.unit_id != unit_id:
        raise NotFoundError(
            f"attachment {ref.attachment_id!r} was not attached for unit {unit_id!r}",
            rule="unknown_attachment",
            field=f"{field}.attachment_id",
            value=ref.attachment_id,
            accepted=f"the id of a file attached with POST /units/{unit_id}/evidence",
        )
    if found.sha256 != ref.sha256:
        raise DomainError(
            f"attachment {ref.attachment_id!r} was stored with another hash",
            rule="evidence_hash_mismatch",
            field=f"{field}.sha256",
            value=ref.sha256,
            accepted=found.sha256,
        )
