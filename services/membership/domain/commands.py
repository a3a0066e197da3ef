"""Membership's commands (lệnh): what an officer asks of the org tree, a member, a case or a person.

Each is handled by the one row of :func:`services.membership.app.commands.command_table`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.commands import Command
from shared.contracts.membership import DisciplineLevel


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberCommand(Command):
    """A command on one member, authorised on their branch."""

    member_id: str


# A member's lifecycle


@dataclass(frozen=True, slots=True, kw_only=True)
class MatureMember(MemberCommand):
    """Age a member out (trưởng thành đoàn)."""

    matured_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtendMembership(MemberCommand):
    """Keep a member on past 30, never past 35 (gia hạn sinh hoạt)."""

    until: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DisciplineMember(MemberCommand):
    """Record a disciplinary decision (kỷ luật)."""

    level: DisciplineLevel
    decision_ref: str
    decided_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class StrikeOffMember(MemberCommand):
    """Strike a member off the list (xóa tên)."""

    struck_on: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueCard(MemberCommand):
    """Issue a member card (thẻ đoàn viên)."""

    card_number: str
    issued_on: date
