"""The live stream of a page: server-sent events of evaluation's events within the officer's scope."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from services.dashboard.adapters.live import LiveFeed
from services.dashboard.api.session import CurrentOfficer
from shared.http.auth import scope_path

router = APIRouter()


@router.get("/live", summary="Server-sent events: compliance and recognition changes in your scope")
async def live(request: Request, officer: CurrentOfficer) -> StreamingResponse:
    scope = await scope_path(request, officer.principal)
    feed: LiveFeed = request.app.state.live
    heartbeat: float = request.app.state.settings.live_heartbeat_seconds

    async def stream() -> AsyncIterator[str]:
        listener = feed.listen(scope)
        try:
            yield "retry: 3000\n\n"
            while True:
                try:
                    update = await asyncio.wait_for(listener.queue.get(), heartbeat)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: update\ndata: {json.dumps(update, ensure_ascii=False)}\n\n"
        finally:
            feed.leave(listener)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
