"""The planning process: ``python -m services.planning.main``."""

from __future__ import annotations

from fastapi import FastAPI

from shared.bus.subjects import stream_name
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "planning"


def create_app(common: CommonSettings | None = None) -> FastAPI:
    common = common or CommonSettings()
    runtime = ServiceRuntime(
        common, service_settings(NAME), org_tree_sources=[Source(stream_name("membership"))]
    )
    return create_service_app(
        runtime,
        [],
        title="chudong planning",
        description="Work plans, branch meetings, activities, advice to the Party committee and coordination.",
    )


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
