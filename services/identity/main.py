"""The identity process: ``python -m services.identity.main`` (port 8106).

Officers' accounts and the grants of a role at a unit, recorded as events; sign-in by password (with a
second factor) or through a province's OpenID provider; short-lived tokens minted from a live grant.
"""

from __future__ import annotations

from fastapi import FastAPI

from services.identity.adapters.tables import IdentityReadModels
from services.identity.api import router
from services.identity.api.scopes import SCOPES
from services.identity.app.accounts import AccountHandlers
from services.identity.app.base import Identity
from services.identity.app.commands import command_table
from services.identity.app.grants import GrantHandlers
from services.identity.app.holder import Holder
from services.identity.app.oidc import OpenIdSignIn
from services.identity.app.sessions import Sessions
from services.identity.domain.providers import load_providers
from services.identity.migrations import SCHEMA
from services.identity.settings import IdentitySettings
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "identity"


def create_app(
    common: CommonSettings | None = None,
    *,
    settings: IdentitySettings | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    common = common or CommonSettings()
    settings = settings or IdentitySettings()
    runtime = ServiceRuntime(
        common,
        service_settings(NAME),
        schema=SCHEMA,
        org_tree_sources=[Source(stream_name("membership"))],
    )
    runtime.store.add_inline_projection(IdentityReadModels())
    identity = Identity(runtime.store, runtime.directory, settings, clock)
    app = create_service_app(
        runtime,
        [router],
        title="chudong identity",
        description=(
            "Officers' accounts, the roles granted them at units by the unit above (phân quyền), "
            "sign-in and tokens."
        ),
    )
    app.state.identity = identity
    app.state.settings = settings
    app.state.holder = Holder(identity)
    app.state.sessions = sessions = Sessions(identity, runtime.jwt_secret, common.token_issuer)
    providers = (
        load_providers(settings.oidc_config.read_text(encoding="utf-8")) if settings.oidc_config else {}
    )
    app.state.oidc = OpenIdSignIn(identity, sessions, providers)
    app.state.commands = command_table(AccountHandlers(identity), GrantHandlers(identity))
    app.state.scopes = SCOPES
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
