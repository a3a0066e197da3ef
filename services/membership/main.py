"""The membership process: ``python -m services.membership.main``."""

from __future__ import annotations

from fastapi import FastAPI

from services.membership.adapters.read_models import MembershipReadModels
from services.membership.api import router
from services.membership.api.scopes import SCOPES
from services.membership.app.base import Membership
from services.membership.app.commands import command_table
from services.membership.app.units import UnitHandlers
from services.membership.migrations import SCHEMA
from services.membership.settings import MembershipSettings
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.settings import CommonSettings, service_settings

NAME = "membership"


def create_app(common: CommonSettings | None = None) -> FastAPI:
    common = common or CommonSettings()
    runtime = ServiceRuntime(common, service_settings(NAME), schema=SCHEMA)
    runtime.store.add_inline_projection(MembershipReadModels())
    membership = Membership(runtime.store, runtime.directory)
    runtime.on_start(UnitHandlers(membership).ensure_root)
    app = create_service_app(
        runtime,
        [router],
        title="chudong membership",
        description=(
            "The org tree, members' lifecycle (quản lý đoàn viên), youth care and Party referrals of the Youth Union."
        ),
    )
    settings = MembershipSettings()
    app.state.membership = membership
    app.state.commands = command_table(membership, settings)
    app.state.scopes = SCOPES
    app.state.settings = settings
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
