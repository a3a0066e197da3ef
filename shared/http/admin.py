"""Operators' routes every service has: its dead letters and their replay, its projections and their rebuild.

What acts on the whole service (a replay, the projections' report, a rebuild) is the central admin's:
an admin whose unit is the root of the tree. An admin of a lower unit lists only the dead letters about
its own units, told by the unit path their subject carries (ADR 0004).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from shared.auth import Permission, Principal
from shared.bus.deadletters import DeadLetter, list_dead_letters, replay_dead_letters
from shared.errors import ForbiddenError, NotFoundError
from shared.http.auth import CurrentPrincipal, Reach, reach_of, require_permission
from shared.orgtree import UnitDirectory

router = APIRouter(prefix="/admin", tags=["operations"])


async def _is_central(request: Request, principal: Principal) -> bool:
    unit = await _directory(request).get(principal.unit_id)
    return unit is not None and unit.parent_id is None


async def require_central_admin(request: Request, principal: Principal) -> None:
    """An operator whose token stands for the root of the tree: what acts on the whole service is theirs."""
    require_permission(principal, Permission.OPERATE)
    if not await _is_central(request, principal):
        raise ForbiddenError(
            f"only the central admin acts on the whole service; your token's unit is {principal.unit_id!r}",
            rule="central_admin_only",
            field="unit",
            value=principal.unit_id,
            accepted="an admin token of the root of the tree (the central unit, e.g. 'vn')",
        )


def _directory(request: Request) -> UnitDirectory:
    directory: UnitDirectory = request.app.state.runtime.directory
    return directory


async def _about(letter: DeadLetter, reach: Reach, directory: UnitDirectory, paths: dict[str, str]) -> bool:
    """Whether the dead letter's event is about a unit in ``reach``.

    Its subject is ``<service>.<EventType>.<unit path>``; the unit is judged where it stands now (a
    moved unit's letters follow it), or where the subject put it when the tree no longer knows it.
    """
    path = ".".join(letter.original_subject.split(".")[2:])
    if not path:
        return False
    unit_id = path.rsplit(".", 1)[-1]
    if unit_id not in paths:
        unit = await directory.get(unit_id)
        paths[unit_id] = unit.path if unit is not None else path
    return reach.covers(paths[unit_id])


@router.get(
    "/dead-letters",
    summary="Messages this service's consumers could not process (a lower unit's admin: about its units)",
)
async def dead_letters(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    require_permission(principal, Permission.OPERATE)
    runtime = request.app.state.runtime
    names = {c.name for c in runtime.consumers}
    letters = [letter for letter in await list_dead_letters(runtime.js) if letter.consumer in names]
    if not await _is_central(request, principal):
        reach = await reach_of(request, principal)
        paths: dict[str, str] = {}
        letters = [letter for letter in letters if await _about(letter, reach, runtime.directory, paths)]
    return [letter.summary() for letter in letters]


@router.post(
    "/dead-letters/replay",
    summary="Apply dead letters again; those that succeed leave the stream (the central admin)",
)
async def replay(
    request: Request,
    principal: CurrentPrincipal,
    consumer: str = Query(description="the consumer whose dead letters to replay"),
    sequence: list[int] | None = Query(default=None, description="only these dead-letter sequences"),
) -> list[dict[str, Any]]:
    await require_central_admin(request, principal)
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


@router.get(
    "/projections",
    summary="This service's projections: checkpoint and lag per stream, any rebuild (the central admin)",
)
async def projections(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    await require_central_admin(request, principal)
    report: list[dict[str, Any]] = await request.app.state.runtime.projections_report()
    return report


@router.post(
    "/projections/{name}/rebuild",
    summary="Rebuild a projection beside the live one from its streams; swap it in when caught up "
    "(the central admin)",
)
async def rebuild(request: Request, principal: CurrentPrincipal, name: str) -> dict[str, Any]:
    """Answers when the rebuilt projection is live: events applied, seconds, rows per table, checkpoints."""
    await require_central_admin(request, principal)
    report = await request.app.state.runtime.rebuild(name)
    summary: dict[str, Any] = report.summary()
    return summary
