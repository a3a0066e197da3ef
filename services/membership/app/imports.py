"""Importing a unit's member list from a spreadsheet: every row checked, all written or none."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import anyio
from pydantic import ValidationError
from sqlalchemy import select

from services.membership.adapters.keys import Sealer, open_with
from services.membership.adapters.read_models import members
from services.membership.adapters.spreadsheet import (
    HEADERS,
    REQUIRED,
    XLSX,
    SheetError,
    SheetFormatError,
    SheetRow,
    SheetTooLongError,
    read_rows,
)
from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain.members import admit_member, profile_updated
from services.membership.domain.profile import Profile
from services.membership.domain.streams import member_of, member_stream
from shared.clock import start_of_day, utcnow
from shared.commands import Context
from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.personal import Sealed
from shared.errors import DomainError
from shared.events import Envelope, NewEvent
from shared.ids import new_id
from shared.orgtree.guard import require_active_unit
from shared.store import NO_STREAM, StreamAppend
from shared.store.appending import current_versions

_PROFILE_FIELDS = tuple(Profile.model_fields)
_GENDERS = {
    "nam": "male",
    "nữ": "female",
    "nu": "female",
    "male": "male",
    "female": "female",
    "khác": "other",
    "other": "other",
}


class ImportRejectedError(Exception):
    """One or more rows are wrong: nothing was written."""

    def __init__(self, errors: list[SheetError]) -> None:
        super().__init__(f"{len({e.row for e in errors})} rows have errors; nothing was imported")
        self.errors = errors


@dataclass(slots=True)
class Existing:
    member_id: str
    branch_id: str
    unit_path: str
    version: int
    profile: dict[str, Any] | None
    erased: bool


@dataclass(slots=True)
class ImportPlan:
    appends: list[StreamAppend] = field(default_factory=list)
    unchanged: int = 0


def identity(full_name: str, birth: date) -> str:
    """How a row finds an existing member without an id: the name (case and spacing aside) and birth date."""
    name = " ".join(unicodedata.normalize("NFC", full_name).casefold().split())
    return f"{name}|{birth.isoformat()}"


def parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (date.fromisoformat, _dmy):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD or DD/MM/YYYY")


def _dmy(text: str) -> date:
    day, month, year = (int(p) for p in text.replace("-", "/").replace(".", "/").split("/"))
    return date(year, month, day)


class MemberImport:
    """Checks every row of a sheet against the rules, then admits or updates members in one append."""

    def __init__(self, membership: Membership, max_rows: int) -> None:
        self.membership = membership
        self.max_rows = max_rows

    async def run(self, cmd: cmds.ImportMemberList, ctx: Context) -> Sequence[Envelope]:
        """At most ``max_rows`` rows (``MEMBERSHIP_IMPORT_MAX_ROWS``); answers with what became of them."""
        unit = require_active_unit(await self.membership.directory.get(cmd.unit_id), cmd.unit_id)
        rows = await read_sheet(cmd.sheet, self.max_rows)
        ctx.reply = partial(summary, unit.unit_id, len(rows))
        branches = {
            b.unit_id: b
            for b in await self.membership.directory.below(
                unit.unit_id, level=UnitLevel.BRANCH, active_only=True
            )
        }
        existing = await self._existing(unit)
        sealer = await self.membership.keys.sealer(existing)
        # Checking and sealing thousands of rows is CPU work: off the event loop, so the service answers.
        plan, errors = await anyio.to_thread.run_sync(self._plan, rows, branches, existing, sealer)
        if errors:
            raise ImportRejectedError(errors)
        if not plan.appends:
            return []
        return await self.membership.store.append(
            plan.appends, actor=ctx.actor, idempotency=ctx.idempotency, effects=sealer.store_created
        )

    def _plan(
        self,
        rows: Sequence[SheetRow],
        branches: dict[str, OrgUnit],
        existing: dict[str, Existing],
        sealer: Sealer,
    ) -> tuple[ImportPlan, list[SheetError]]:
        by_identity = {
            identity(e.profile["full_name"], date.fromisoformat(e.profile["birth_date"])): e
            for e in existing.values()
            if e.profile and "full_name" in e.profile and "birth_date" in e.profile
        }
        plan, errors, seen = ImportPlan(), list[SheetError](), dict[str, int]()
        for row in rows:
            errors.extend(self._plan_row(row, branches, existing, by_identity, sealer, plan, seen))
        return plan, errors

    def _plan_row(
        self,
        row: SheetRow,
        branches: dict[str, OrgUnit],
        existing: dict[str, Existing],
        by_identity: dict[str, Existing],
        sealer: Sealer,
        plan: ImportPlan,
        seen: dict[str, int],
    ) -> list[SheetError]:
        values = row.values

        def error(key: str, message: str, value: Any = None) -> SheetError:
            shown = values.get(key) if value is None else value
            return SheetError(row.number, row.columns.get(key, "?"), HEADERS.get(key, key), shown, message)

        errors = [error(k, "required") for k in REQUIRED if values.get(k) in (None, "")]
        if errors:
            return errors
        raw = {k: values.get(k) for k in _PROFILE_FIELDS if values.get(k) is not None}
        for key in ("birth_date",):
            try:
                raw[key] = parse_date(raw[key])
            except ValueError as exc:
                return [error(key, str(exc))]
        if "gender" in raw:
            gender = _GENDERS.get(str(raw["gender"]).strip().casefold())
            if gender is None:
                return [error("gender", "accepted: Nam, Nữ, Khác (or male, female, other)")]
            raw["gender"] = gender
        raw = {k: v if isinstance(v, date) else str(v) for k, v in raw.items()}
        try:
            profile = Profile.model_validate(raw)
        except ValidationError as exc:
            return [error(str(e["loc"][0]), str(e["msg"])) for e in exc.errors()]
        try:
            joined_on = parse_date(values["joined_on"])
        except ValueError as exc:
            return [error("joined_on", str(exc))]
        branch_id = str(values["branch_id"])
        if branch_id not in branches:
            return [error("branch_id", "not an active branch of this unit")]
        member_id = str(values["member_id"]) if values.get("member_id") is not None else None
        key = member_id or identity(profile.full_name, profile.birth_date)
        if key in seen:
            return [error("member_id" if member_id else "full_name", f"the same member as row {seen[key]}")]
        seen[key] = row.number
        current = existing.get(member_id) if member_id else by_identity.get(key)
        if current is not None:
            return self._update(row, current, profile, branch_id, sealer, plan, error)
        if member_id is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", member_id):
            return [error("member_id", "letters, digits, '-' and '_' only (at most 64)")]
        member_id = member_id or new_id("m")
        cmd = cmds.AdmitMember(
            member_id=member_id,
            branch_id=branch_id,
            joined_on=joined_on,
            admission_decision_ref=str(values["admission_decision_ref"]),
            profile=profile,
        )
        try:
            event = admit_member(
                cmd,
                member_id=member_id,
                branch=branches[branch_id],
                member_exists=False,
                union_id=None,
                referrer=None,
                referrer_union_id=None,
                today=self.membership.today(),
                sealed=sealer.seal(member_id, profile.sealed_fields()),
            )
        except DomainError as exc:
            column = {"profile.birth_date": "birth_date"}.get(exc.field or "", exc.field or "")
            return [error(column, exc.message)]
        new = NewEvent(member_stream(member_id), event, branches[branch_id].path, start_of_day(joined_on))
        plan.appends.append(StreamAppend(new.stream_id, [new], NO_STREAM))
        return []

    def _update(
        self,
        row: SheetRow,
        current: Existing,
        profile: Profile,
        branch_id: str,
        sealer: Sealer,
        plan: ImportPlan,
        error: Any,
    ) -> list[SheetError]:
        if current.erased:
            return [
                error(
                    "member_id", f"member {current.member_id} was erased at their request", current.member_id
                )
            ]
        if current.branch_id != branch_id:
            return [
                error("branch_id", f"the member is in branch {current.branch_id}: record a transfer instead")
            ]
        if current.profile == profile.sealed_fields():
            plan.unchanged += 1
            return []
        sealed = sealer.seal(current.member_id, profile.sealed_fields())
        event = profile_updated(current.member_id, profile, sealed)
        new = NewEvent(member_stream(current.member_id), event, current.unit_path, utcnow())
        plan.appends.append(StreamAppend(new.stream_id, [new], current.version))
        return []

    async def _existing(self, unit: OrgUnit) -> dict[str, Existing]:
        """The unit's members with their profiles opened, to match rows against."""
        under = (members.c.unit_path == unit.path) | members.c.unit_path.startswith(
            f"{unit.path}.", autoescape=True
        )
        async with self.membership.store.db.read() as conn:
            rows = (await conn.execute(select(members).where(under))).all()
        versions = await self._versions([r.member_id for r in rows])
        keys = await self.membership.keys.keys(r.member_id for r in rows)
        return {
            r.member_id: Existing(
                r.member_id,
                r.branch_id,
                r.unit_path,
                versions.get(r.member_id, 0),
                open_with(Sealed.model_validate_json(r.profile), keys.get(r.member_id))
                if r.profile
                else None,
                bool(r.erased),
            )
            for r in rows
        }

    async def _versions(self, member_ids: list[str]) -> dict[str, int]:
        async with self.membership.store.db.read() as conn:
            found = await current_versions(conn, [member_stream(m) for m in member_ids])
        return {member_of(stream): version for stream, version in found.items()}


def summary(unit_id: str, rows: int, envelopes: Sequence[Envelope]) -> dict[str, Any]:
    """An import's answer: the rows read, and how many members were admitted, updated or left as they were."""
    kinds = Counter(e.type for e in envelopes)
    return {
        "unit_id": unit_id,
        "rows": rows,
        "admitted": kinds["MemberJoined"],
        "updated": kinds["MemberProfileUpdated"],
        "unchanged": rows - kinds["MemberJoined"] - kinds["MemberProfileUpdated"],
    }


async def read_sheet(content: bytes, max_rows: int) -> list[SheetRow]:
    """The sheet's rows, read in a worker thread: parsing a large sheet must not stall the service."""
    try:
        return await anyio.to_thread.run_sync(read_rows, content, max_rows)
    except SheetFormatError as exc:
        raise DomainError(
            str(exc),
            rule="not_a_member_list",
            field="body",
            value=list(exc.missing) or None,
            accepted=f"an xlsx workbook ({XLSX})",
        ) from exc
    except SheetTooLongError as exc:
        raise DomainError(
            str(exc),
            rule="too_many_rows",
            field="body",
            value=f"sheet {exc.sheet!r}: more than {exc.max_rows} rows",
            accepted=f"at most {exc.max_rows} rows below the header (MEMBERSHIP_IMPORT_MAX_ROWS): "
            "split the list into several imports",
        ) from exc
