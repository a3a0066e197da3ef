"""Notifications' command table: every command, its handler, the permission it needs, what it acts on."""

from __future__ import annotations

from services.notifications.app.mail import MailSettings
from services.notifications.app.subscriptions import SubscriptionHandlers
from services.notifications.domain import commands as cmds
from shared.auth import Permission
from shared.commands import CommandTable, Target, on_unit, row


def of_unit(cmd: cmds.SubscribeOfficer) -> Target:
    """The unit whose alerts are asked for: within the token's scope, or unknown."""
    return on_unit(cmd.unit_id)


def of_subscription(cmd: cmds.CancelSubscription) -> Target:
    """The caller's own subscription: another's answers as unknown."""
    return Target("subscription", cmd.subscription_id, "subscription_id")


def of_mail_server(cmd: cmds.ChangeMailSettings) -> Target:
    """The service's one mail server: the central admin's to set."""
    return Target("mail_server", "smtp", "host")


def command_table(subscriptions: SubscriptionHandlers, mail: MailSettings) -> CommandTable:
    return CommandTable(
        {
            cmds.SubscribeOfficer: row(subscriptions.subscribe, Permission.SUBSCRIBE, of_unit),
            # Any role may stop its alerts, even one that may no longer subscribe.
            cmds.CancelSubscription: row(subscriptions.cancel, Permission.READ, of_subscription),
            cmds.ChangeMailSettings: row(mail.change, Permission.OPERATE, of_mail_server),
        }
    )
