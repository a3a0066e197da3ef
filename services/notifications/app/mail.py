"""The mail server alerts leave by: an operator's (PUT /mail-settings, recorded and kept in the database,
read again by the dispatcher on each pass, so no restart is needed) over the environment's
(``NOTIFICATIONS_SMTP_*``). The password is kept, never shown, never in the history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.tables import deliveries, mail_settings
from services.notifications.domain import commands as cmds
from services.notifications.domain.mail import MailServer, mail_settings_changed
from services.notifications.settings import NotificationSettings
from shared.clock import Clock
from shared.commands import Context
from shared.events import Envelope, NewEvent
from shared.store import EventStore, StreamAppend
from shared.store.upsert import upsert

MAIL_STREAM = "mail-settings"
ROW = "smtp"
KEPT = ("host", "port", "username", "password", "starttls", "tls", "sender")


def environment_server(settings: NotificationSettings) -> MailServer:
    return MailServer(
        host=settings.smtp_host or None,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        tls=settings.smtp_tls,
        sender=settings.sender,
    )


class MailSettings:
    def __init__(
        self,
        store: EventStore,
        settings: NotificationSettings,
        clock: Clock,
        *,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.environment = environment_server(settings)
        self.clock = clock
        self.changed = changed

    async def current(self) -> MailServer:
        """The mail server now: the operator's if one set it, else the environment's."""
        async with self.store.db.read() as conn:
            return await self.current_in(conn)

    async def current_in(self, conn: AsyncConnection) -> MailServer:
        row = (await conn.execute(select(mail_settings).where(mail_settings.c.name == ROW))).first()
        if row is None:
            return self.environment
        return MailServer(
            host=row.host,
            port=row.port,
            username=row.username,
            password=row.password,
            starttls=row.starttls,
            tls=row.tls,
            sender=row.sender,
            source="operator",
        )

    async def change(self, cmd: cmds.ChangeMailSettings, ctx: Context) -> Sequence[Envelope]:
        """Record the operator's mail server and keep it (its password beside the history, never in it)."""
        current = await self.current()
        event = mail_settings_changed(cmd, current)
        password = current.password if cmd.keep_password else cmd.password
        now = self.clock.now().astimezone(UTC)

        async def keep(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            await upsert(
                conn,
                mail_settings,
                {
                    "name": ROW,
                    "host": event.host,
                    "port": event.port,
                    "username": event.username,
                    "password": password,
                    "starttls": event.starttls,
                    "tls": event.tls,
                    "sender": event.sender,
                    "updated_by": ctx.actor,
                    "updated_at": now,
                },
                keys=["name"],
                replace=[*KEPT, "updated_by", "updated_at"],
            )

        new = NewEvent(MAIL_STREAM, event, ctx.the_unit().path, now)
        envelopes = await self.store.append(
            StreamAppend(MAIL_STREAM, [new]), actor=ctx.actor, idempotency=ctx.idempotency, effects=keep
        )
        self.changed()
        server = MailServer(
            event.host,
            event.port,
            event.username,
            password,
            event.starttls,
            event.tls,
            event.sender,
            "operator",
        )
        ctx.reply = lambda envs: {
            **view(server),
            "events": [{"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envs],
        }
        return envelopes

    async def held(self) -> int:
        """E-mails waiting for a mail server."""
        async with self.store.db.read() as conn:
            count = select(func.count()).select_from(deliveries).where(deliveries.c.status == "held")
            return int((await conn.execute(count)).scalar_one())


def view(server: MailServer) -> dict[str, Any]:
    """The mail server as an operator reads it: whether a password is set, never the password."""
    return {
        "configured": server.configured,
        "source": server.source,
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "password_set": server.password is not None,
        "starttls": server.starttls,
        "tls": server.tls,
        "sender": server.sender,
    }
