"""``Idempotency-Key``: a retried command gets the same answer, and its events are stored once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import fields, is_dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.commands import Command
from shared.events import Envelope
from shared.store import ConcurrencyError, EventStore, IdempotencyConflictError, IdempotentResult
from shared.store.event_store import Idempotency

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique string; retrying with the same key returns the first answer and writes nothing",
    ),
]

Execute = Callable[[Idempotency | None], Awaitable[Sequence[Envelope]]]
Answer = Callable[[Sequence[Envelope]], Any]


def caller_key(request: Request, key: str) -> str:
    """``key`` as stored: one caller's keys never meet another's.

    Keys are chosen by clients, so two callers may pick the same one: scoped by the caller (the
    token's subject), a reused key neither answers with another caller's result nor tells one union
    that another used it.
    """
    principal = getattr(request.state, "principal", None)
    subject = principal.subject if principal is not None else ""
    return hashlib.sha256(f"{subject}\n{key}".encode()).hexdigest()


def request_hash(request: Request, payload: BaseModel | Command | None) -> str:
    """What a retry must repeat to be the same request: method, path and the body or command."""
    canonical = json.dumps([request.method, request.url.path, _plain(payload)], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()  # a file the command carries, by its digest
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


async def run_command(
    request: Request,
    store: EventStore,
    key: str | None,
    payload: BaseModel | Command | None,
    execute: Execute,
    answer: Answer,
    *,
    status_code: int = 201,
) -> JSONResponse:
    """Run a command once per ``key``: a retry returns the stored answer instead of running again."""
    if key is None:
        envelopes = await execute(None)
        return JSONResponse(_jsonable(answer(envelopes)), status_code=status_code)
    try:
        return await _run_once(request, store, key, payload, execute, answer, status_code)
    except IdempotencyConflictError as exc:
        raise IdempotencyConflictError(key) from exc  # the caller's key, not the one stored


async def _run_once(
    request: Request,
    store: EventStore,
    key: str,
    payload: BaseModel | Command | None,
    execute: Execute,
    answer: Answer,
    status_code: int,
) -> JSONResponse:
    stored_key, digest = caller_key(request, key), request_hash(request, payload)
    stored = await store.find_idempotent(stored_key, digest)
    if stored is not None:
        return _replayed(stored)
    idem = Idempotency(
        stored_key, digest, answer=lambda envs: IdempotentResult(status_code, _jsonable(answer(envs)))
    )
    try:
        envelopes = await execute(idem)
    except ConcurrencyError:
        # A concurrent retry of the same request may have won the race.
        stored = await store.find_idempotent(stored_key, digest)
        if stored is None:
            raise
        return _replayed(stored)
    if idem.replay is not None:
        return _replayed(idem.replay)
    return JSONResponse(_jsonable(answer(envelopes)), status_code=status_code)


def _replayed(result: IdempotentResult) -> JSONResponse:
    return JSONResponse(result.body, status_code=result.status_code, headers={"Idempotent-Replayed": "true"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=str))
