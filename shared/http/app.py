"""The FastAPI application of a service: lifespan, health, errors, body limits, correlation ids, OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

from shared.http import admin
from shared.http.correlation import CorrelationMiddleware
from shared.http.errors import install_error_handlers
from shared.http.limits import install_body_limits
from shared.runtime import ServiceRuntime
from shared.runtime.metrics import CONTENT_TYPE, render_metrics


def create_service_app(
    runtime: ServiceRuntime,
    routers: Sequence[APIRouter],
    *,
    title: str,
    description: str,
    version: str = "0.1.0",
) -> FastAPI:
    """A service's HTTP API, starting and stopping ``runtime`` with the application."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)
    install_body_limits(app, runtime.common.max_body_bytes)

    @app.get("/healthz", tags=["operations"], summary="Whether the service, its database and NATS are up")
    async def healthz() -> JSONResponse:
        report: dict[str, Any] = await runtime.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    @app.get("/livez", tags=["operations"], summary="Whether the process answers at all (a liveness probe)")
    async def livez() -> dict[str, str]:
        # Restarting cannot mend what /healthz reports (a halted relay, a database down): a liveness
        # probe asks only whether the event loop still answers.
        return {"service": runtime.name, "status": "alive"}

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics of this process")
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(await render_metrics(runtime), media_type=CONTENT_TYPE)

    for router in routers:
        app.include_router(router)
    app.include_router(admin.router)
    return app
