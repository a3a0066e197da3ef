"""Membership's command table: every command, its handler, the permission it needs, what it acts on."""

from __future__ import annotations

from services.membership.app.handlers import MembershipHandlers
from services.membership.app.lifecycle import LifecycleHandlers
from services.membership.domain import commands as cmds
from shared.auth import Permission
from shared.commands import CommandTable, Target, row

MANAGE = Permission.MANAGE_MEMBERS


def of_member(cmd: cmds.MemberCommand) -> Target:
    """The member's branch: the member is found in the token's scope, or is unknown."""
    return Target("member", cmd.member_id, "member_id")


def command_table(handlers: MembershipHandlers) -> CommandTable:
    lifecycle = LifecycleHandlers(handlers)
    return CommandTable(
        {
            cmds.MatureMember: row(lifecycle.mature, MANAGE, of_member),
            cmds.ExtendMembership: row(lifecycle.extend, MANAGE, of_member),
            cmds.DisciplineMember: row(lifecycle.discipline, MANAGE, of_member),
            cmds.StrikeOffMember: row(lifecycle.strike_off, MANAGE, of_member),
            cmds.IssueCard: row(lifecycle.issue_card, MANAGE, of_member),
        }
    )
