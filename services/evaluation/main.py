"""The evaluation process: ``python -m services.evaluation.main``."""

from __future__ import annotations

from fastapi import FastAPI

from services.evaluation.adapters.member_counts import MemberCountProjection
from services.evaluation.adapters.member_counts import metadata as counts_metadata
from services.evaluation.api import router
from shared.bus.subjects import stream_name
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "evaluation"


def create_app(common: CommonSettings | None = None) -> FastAPI:
    common = common or CommonSettings()
    membership = Source(stream_name("membership"))
    runtime = ServiceRuntime(
        common, service_settings(NAME), metadatas=[counts_metadata], org_tree_sources=[membership]
    )
    runtime.add_projection(MemberCountProjection(), [membership])
    return create_service_app(
        runtime,
        [router],
        title="chudong evaluation",
        description="Live compliance of each grassroots union with the '3 chủ động' model, with its evidence.",
    )


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
