"""Signing in through a province's OpenID provider: the account and its grants follow the claims.

On a first sign-in an account is opened for the provider's subject (at the provider's
``account_unit``; its name and e-mail sealed like any account's). On every sign-in the grants the
claims map to (``domain/providers.py``) are issued, and the grants the provider gave before that the
claims no longer map to are revoked: all recorded as events, by ``oidc:<provider>``. Then a session
opens as for a password, on a live grant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.identity.adapters.oidc import Authorization, OpenIdClient, ProviderError
from services.identity.adapters.tables import logins
from services.identity.app.base import Identity
from services.identity.app.sessions import Sessions, SignInError, Tokens
from services.identity.domain.account import Account
from services.identity.domain.providers import ProviderConfig
from services.identity.domain.streams import account_stream, grant_stream
from shared.auth import Role
from shared.commands import Context
from shared.contracts import identity as ev
from shared.errors import NotFoundError
from shared.events import Envelope, NewEvent
from shared.ids import new_id, path_contains


class OpenIdSignIn:
    def __init__(self, identity: Identity, sessions: Sessions, providers: dict[str, ProviderConfig]) -> None:
        self.identity = identity
        self.sessions = sessions
        self.clients = {name: OpenIdClient(provider) for name, provider in providers.items()}

    def providers(self) -> list[dict[str, str]]:
        return [{"name": name, "title": c.provider.title} for name, c in self.clients.items()]

    def client(self, name: str) -> OpenIdClient:
        if name not in self.clients:
            raise NotFoundError(
                f"no OpenID provider {name!r} is configured",
                rule="unknown_provider",
                field="provider",
                value=name,
                accepted=", ".join(self.clients) or "none: IDENTITY_OIDC_CONFIG names none",
            )
        return self.clients[name]

    async def authorization(self, name: str, redirect_uri: str) -> Authorization:
        try:
            return await self.client(name).authorization(redirect_uri)
        except ProviderError as exc:
            raise refused(str(exc)) from exc

    async def sign_in(
        self, name: str, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> Tokens:
        client = self.client(name)
        try:
            claims = await client.claims(code, code_verifier, redirect_uri, nonce)
        except ProviderError as exc:
            raise refused(str(exc)) from exc
        account = await self._account(client.provider, claims)
        await self._follow_claims(client.provider, account, claims)
        return await self.sessions.start(account, f"oidc:{name}")

    async def _account(self, provider: ProviderConfig, claims: dict[str, Any]) -> Account:
        key = f"oidc:{provider.name}:{claims['sub']}"
        known = await self.identity.account_of_login(key)
        if known is not None:
            account = await self.identity.account(known)
            if account is not None and not account.erased:
                return account
        unit = await self.identity.directory.get(provider.account_unit)
        if unit is None:
            raise refused(f"the provider's account_unit {provider.account_unit!r} is not in the org tree")
        account_id = new_id("a")
        sealer = await self.identity.keys.sealer([account_id])
        personal = {
            "login_name": str(claims.get("preferred_username") or claims.get("email") or claims["sub"]),
            "full_name": str(claims.get("name") or claims["sub"]),
            "email": claims.get("email"),
        }
        opened = ev.AccountOpened(
            account_id=account_id,
            unit_id=unit.unit_id,
            personal=sealer.seal(account_id, {k: v for k, v in personal.items() if v}),
            provider=provider.name,
        )

        async def effects(conn: AsyncConnection, appended: Sequence[Envelope]) -> None:
            await sealer.store_created(conn, appended)
            await conn.execute(insert(logins).values(login_key=key, account_id=account_id))

        new = NewEvent(account_stream(account_id), opened, unit.path, self.identity.clock.now())
        await self.identity.append(new, Context(actor=f"oidc:{provider.name}"), 0, effects)
        found = await self.identity.account(account_id)
        assert found is not None
        return found

    async def _follow_claims(
        self, provider: ProviderConfig, account: Account, claims: dict[str, Any]
    ) -> None:
        scope = await self.identity.directory.path_of(provider.within)
        wanted: set[tuple[Role, str]] = set()
        for role, unit_id in provider.mapped(claims):
            unit = await self.identity.directory.get(unit_id)
            if scope is not None and unit is not None and path_contains(scope, unit.path):
                wanted.add((role, unit_id))
        source = f"oidc:{provider.name}"
        ctx = Context(actor=source)
        now, today = self.identity.clock.now(), self.identity.today()
        held = [
            g
            for g in await self.identity.grants_of(account.account_id)
            if g.source == source and not g.revoked
        ]
        for grant in held:
            if (grant.role, grant.unit_id) not in wanted:
                path = await self.identity.directory.path_of(grant.unit_id) or grant.unit_id
                revoked = ev.GrantRevoked(
                    grant_id=grant.grant_id,
                    account_id=account.account_id,
                    reason="no longer in the provider's claims",
                )
                await self.identity.append(NewEvent(grant_stream(grant.grant_id), revoked, path, now), ctx, 1)
        have = {(g.role, g.unit_id) for g in held}
        for role, unit_id in sorted(wanted - have):
            path = await self.identity.directory.path_of(unit_id) or unit_id
            grant_id = new_id("g")
            issued = ev.GrantIssued(
                grant_id=grant_id,
                account_id=account.account_id,
                role=role,
                unit_id=unit_id,
                valid_from=today,
                source=source,
            )
            await self.identity.append(NewEvent(grant_stream(grant_id), issued, path, now), ctx, 0)


def refused(reason: str) -> SignInError:
    return SignInError(
        f"the sign-in through the OpenID provider failed: {reason}",
        rule="provider_refused",
        field="code",
        value=None,
        accepted="a code the provider has just given for this sign-in",
    )
