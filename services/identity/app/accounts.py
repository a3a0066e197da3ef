"""Accounts: opened, reset and erased by an admin of a unit above (the checks of who may are the API's)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.passwords import hash_password
from services.identity.adapters.tables import logins, sessions, sign_in_attempts
from services.identity.app.base import Identity
from services.identity.domain import commands as cmds
from services.identity.domain.account import require_open
from services.identity.domain.policy import check_login_name, check_password
from services.identity.domain.streams import account_stream, grant_stream
from shared.clock import utcnow
from shared.commands import Context
from shared.contracts import identity as ev
from shared.errors import ConflictError
from shared.events import Envelope, NewEvent
from shared.ids import new_id
from shared.store import StreamAppend
from shared.store.keys import destroy_key


class AccountHandlers:
    def __init__(self, identity: Identity) -> None:
        self.identity = identity

    async def open(self, cmd: cmds.OpenAccount, ctx: Context) -> Sequence[Envelope]:
        key = check_login_name(cmd.login_name)
        check_password(cmd.password, cmd.login_name, self.identity.settings.password_min_length)
        if await self.identity.account_of_login(key) is not None:
            raise ConflictError(
                f"the login name {key!r} is taken",
                rule="login_taken",
                field="login_name",
                value=cmd.login_name,
                accepted="a login name no other account has",
            )
        unit = ctx.the_unit()
        account_id = new_id("a")
        ctx.named["account_id"] = account_id
        sealer = await self.identity.keys.sealer([account_id])
        personal = {"login_name": key, "full_name": cmd.full_name, "phone": cmd.phone, "email": cmd.email}
        opened = ev.AccountOpened(
            account_id=account_id,
            unit_id=unit.unit_id,
            personal=sealer.seal(account_id, {k: v for k, v in personal.items() if v}),
        )
        password = ev.PasswordSet(
            account_id=account_id,
            credential=sealer.seal(account_id, {"password_hash": await hash_password(cmd.password)}),
            reset_by_admin=True,  # chosen by the admin: its holder chooses their own at the first sign-in
        )
        now = utcnow()
        stream = account_stream(account_id)
        events = [NewEvent(stream, opened, unit.path, now), NewEvent(stream, password, unit.path, now)]

        async def effects(conn: AsyncConnection, appended: Sequence[Envelope]) -> None:
            await sealer.store_created(conn, appended)
            await conn.execute(insert(logins).values(login_key=key, account_id=account_id))

        return await self.identity.append(events, ctx, 0, effects)

    async def reset(self, cmd: cmds.ResetAccount, ctx: Context) -> Sequence[Envelope]:
        account = require_open(await self.identity.account(cmd.account_id), cmd.account_id)
        fields = await self.identity.keys.open(account.personal) or {}
        check_password(
            cmd.password, str(fields.get("login_name", "")), self.identity.settings.password_min_length
        )
        sealer = await self.identity.keys.sealer([account.account_id])
        path = ctx.the_unit().path
        now = utcnow()
        stream = account_stream(account.account_id)
        events = [
            NewEvent(
                stream,
                ev.PasswordSet(
                    account_id=account.account_id,
                    credential=sealer.seal(
                        account.account_id, {"password_hash": await hash_password(cmd.password)}
                    ),
                    reset_by_admin=True,
                ),
                path,
                now,
            )
        ]
        if cmd.clear_totp and account.totp is not None:
            events.append(NewEvent(stream, ev.TotpDisabled(account_id=account.account_id), path, now))
        login = fields.get("login_name")

        async def lift_lock(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            if login:
                await conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.login_key == login))

        return await self.identity.append(events, ctx, account.version, lift_lock)

    async def erase(self, cmd: cmds.EraseAccount, ctx: Context) -> Sequence[Envelope]:
        account = require_open(await self.identity.account(cmd.account_id), cmd.account_id)
        now = utcnow()
        path = ctx.the_unit().path
        appends = [
            StreamAppend(
                account_stream(account.account_id),
                [
                    NewEvent(
                        account_stream(account.account_id),
                        ev.AccountErased(account_id=account.account_id, request_ref=cmd.request_ref),
                        path,
                        now,
                    )
                ],
                account.version,
            )
        ]
        for grant in await self.identity.grants_of(account.account_id):
            if grant.revoked:
                continue
            unit_path = await self.identity.directory.path_of(grant.unit_id) or path
            revoked = ev.GrantRevoked(grant_id=grant.grant_id, account_id=grant.account_id, reason="erased")
            appends.append(
                StreamAppend(
                    grant_stream(grant.grant_id),
                    [NewEvent(grant_stream(grant.grant_id), revoked, unit_path, now)],
                )
            )

        async def shred(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            await destroy_key(conn, account.account_id)
            await conn.execute(delete(logins).where(logins.c.account_id == account.account_id))
            await conn.execute(
                update(sessions)
                .where(sessions.c.account_id == account.account_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

        appended = await self.identity.store.append(
            appends, actor=ctx.actor, idempotency=ctx.idempotency, effects=shred
        )
        await self.identity.keys.purge_destroyed()
        return appended
