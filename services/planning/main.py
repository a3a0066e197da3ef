"""The planning process: ``python -m services.planning.main``."""

from __future__ import annotations

from fastapi import FastAPI

from services.planning.adapters.evidence_files import EvidenceFiles
from services.planning.adapters.members import MemberRosterProjection
from services.planning.adapters.read_models import PlanningReadModels
from services.planning.api import routers
from services.planning.api.scopes import SCOPES
from services.planning.app.commands import command_table
from services.planning.app.handlers import PlanningHandlers
from services.planning.migrations import SCHEMA
from services.planning.settings import PlanningSettings
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "planning"


def create_app(common: CommonSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    common = common or CommonSettings()
    own = PlanningSettings()
    membership = Source(stream_name("membership"))
    runtime = ServiceRuntime(
        common,
        service_settings(NAME),
        schema=SCHEMA,
        org_tree_sources=[membership],
    )
    runtime.add_projection(MemberRosterProjection(), [membership])
    runtime.store.add_inline_projection(PlanningReadModels())
    handlers = PlanningHandlers(
        runtime.store,
        runtime.directory,
        EvidenceFiles(own.evidence_dir or common.data_dir / "evidence"),
        clock=clock,
        max_evidence_bytes=own.evidence_max_bytes,
    )
    app = create_service_app(
        runtime,
        routers,
        title="chudong planning",
        description="Work plans, branch meetings, activities, advice to the Party committee and coordination.",
    )
    app.state.handlers = handlers
    app.state.commands = command_table(handlers)
    app.state.scopes = SCOPES
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
