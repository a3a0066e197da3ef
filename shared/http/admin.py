"""Operators' routes every service has: its dead letters and their replay, its projections and their rebuild."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from shared.auth import Permission
from shared.bus.deadletters import list_dead_letters, replay_dead_letters
from shared.errors import ForbiddenError, NotFoundError
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/admin", tags=["operations"])


def _require_operator(principal: CurrentPrincipal) -> None:
    if not principal.can(Permission.OPERATE):
        raise ForbiddenError(
            f"the role {principal.role.value} may not operate the service",
            rule="forbidden_role",
            field="role",
            value=principal.role.value,
            accepted="admin",
        )


@router.get("/dead-letters", summary="Messages this service's consumers could not process")
async def dead_letters(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    _require_operator(principal)
    runtime = request.app.state.runtime
    names = {c.name for c in runtime.consumers}
    letters = await list_dead_letters(runtime.js)
    return [letter.summary() for letter in letters if letter.consumer in names]


@router.post("/dead-letters/replay", summary="Apply dead letters again; those that succeed leave the stream")
async def replay(
    request: Request,
    principal: CurrentPrincipal,
    consumer: str = Query(description="the consumer whose dead letters to replay"),
    sequence: list[int] | None = Query(default=None, description="only these dead-letter sequences"),
) -> list[dict[str, Any]]:
    _require_operator(principal)
    runtime = request.app.state.runtime
    target = runtime.consumer(consumer)
    if target is None:
        raise NotFoundError(
            f"consumer {consumer!r} does not run in this service",
            rule="unknown_consumer",
            field="consumer",
            value=consumer,
            accepted=", ".join(c.name for c in runtime.consumers) or "none here",
        )
    outcomes = await replay_dead_letters(runtime.js, target, set(sequence) if sequence else None)
    return [{"sequence": o.sequence, "replayed": o.replayed, "error": o.error} for o in outcomes]


@router.get("/projections", summary="This service's projections: checkpoint and lag per stream, any rebuild")
async def projections(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    _require_operator(principal)
    report: list[dict[str, Any]] = await request.app.state.runtime.projections_report()
    return report


@router.post(
    "/projections/{name}/rebuild",
    summary="Rebuild a projection beside the live one from its streams; swap it in when caught up",
)
async def rebuild(request: Request, principal: CurrentPrincipal, name: str) -> dict[str, Any]:
    """Answers when the rebuilt projection is live: events applied, seconds, rows per table, checkpoints."""
    _require_operator(principal)
    report = await request.app.state.runtime.rebuild(name)
    summary: dict[str, Any] = report.summary()
    return summary
