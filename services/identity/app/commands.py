"""Identity's command table: every command, its handler, the permission it needs, what it acts on.

Every command is an admin's act on a unit below theirs; that it is strictly below (never the admin's
own level) is checked by the API, which knows the token (``api/guard.py``).
"""

from __future__ import annotations

from services.identity.app.accounts import AccountHandlers
from services.identity.app.grants import GrantHandlers
from services.identity.domain import commands as cmds
from shared.auth import Permission
from shared.commands import CommandTable, Target, on_unit, row


def of_account(cmd: cmds.ResetAccount | cmds.EraseAccount) -> Target:
    return Target("account", cmd.account_id, "account_id")


def of_new_account(cmd: cmds.OpenAccount) -> Target:
    return on_unit(cmd.unit_id)


def of_grant_unit(cmd: cmds.IssueGrant) -> Target:
    """The unit granted at; the account must be one the admin sees, too."""
    return Target("unit", cmd.unit_id, "unit_id", names=(Target("account", cmd.account_id, "account_id"),))


def of_grant(cmd: cmds.RevokeGrant) -> Target:
    return Target("grant", cmd.grant_id, "grant_id")


def command_table(accounts: AccountHandlers, grants: GrantHandlers) -> CommandTable:
    manage = Permission.MANAGE_ACCOUNTS
    return CommandTable(
        {
            cmds.OpenAccount: row(accounts.open, manage, of_new_account),
            cmds.ResetAccount: row(accounts.reset, manage, of_account),
            cmds.EraseAccount: row(accounts.erase, manage, of_account),
            cmds.IssueGrant: row(grants.issue, manage, of_grant_unit),
            cmds.RevokeGrant: row(grants.revoke, manage, of_grant),
        }
    )
