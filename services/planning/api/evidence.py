"""Routes of evidence files: attach minutes and decisions, read them back, check them against their hash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from services.planning.api.common import planning_of
from services.planning.app.evidence import EvidenceHandlers, unknown_attachment
from services.planning.domain import commands as cmds
from services.planning.domain.evidence import sha256_of
from shared.auth import Permission, Principal
from shared.commands import Context
from shared.contracts.planning import EvidenceAttached
from shared.contracts.text import Line
from shared.errors import ConflictError, DomainError
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, authorize, require_permission
from shared.http.commands import event_answer
from shared.http.idempotency import IdempotencyKey, run_command
from shared.http.limits import body_chunks
from shared.http.params import UnitIdPath
from shared.store.event_store import Idempotency

router = APIRouter(tags=["evidence"])


def evidence_of(request: Request) -> EvidenceHandlers:
    return EvidenceHandlers(planning_of(request))


def _writer(principal: Principal) -> Permission:
    # Branch secretaries attach their minutes; officers who manage plans attach decisions.
    return (
        Permission.MANAGE_PLANS if principal.can(Permission.MANAGE_PLANS) else Permission.RECORD_BRANCH_LIFE
    )


@router.post(
    "/units/{unit_id}/evidence",
    status_code=201,
    summary="Attach a file (biên bản, quyết định): the request body is the file's bytes",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def attach(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    file_name: Annotated[Line, Query(min_length=1, max_length=255)],
    content_type: Annotated[str, Header(alias="Content-Type", max_length=255)] = "application/octet-stream",
    subject_event_id: Annotated[str | None, Query(max_length=36)] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The bytes go to disk as they arrive, hashed on the way; past ``PLANNING_EVIDENCE_MAX_BYTES``, 413.

    Not in the command table: the permission depends on the role, the bytes are received only once the
    token may write them, and the handler keeps the received file, which no command can carry.
    """
    unit = await authorize(request, principal, _writer(principal), unit_id)
    evidence = evidence_of(request)
    planning = evidence.planning
    received = await planning.files.receive(body_chunks(request, planning.max_evidence_bytes))
    command = cmds.AttachEvidence(
        unit_id=unit_id,
        file_name=file_name,
        media_type=content_type,
        sha256=received.sha256,
        size_bytes=received.size_bytes,
        subject_event_id=subject_event_id,
    )

    async def execute(idempotency: Idempotency | None) -> Sequence[Envelope]:
        context = Context(
            actor=principal.subject, idempotency=idempotency, unit=unit, acting_unit_id=principal.unit_id
        )
        return await evidence.attach(command, received, context)

    def answer(envelopes: Sequence[Envelope]) -> dict[str, Any]:
        attached = envelopes[0].payload
        assert isinstance(attached, EvidenceAttached)
        ref = {"attachment_id": attached.attachment_id, "sha256": attached.sha256}
        return event_answer(envelopes, **ref, size_bytes=attached.size_bytes, evidence=ref)

    try:
        store = request.app.state.runtime.store
        return await run_command(request, store, idempotency_key, command, execute, answer)
    finally:
        received.discard()  # a kept file was moved under its id: what is left here was not recorded


async def _attachment(request: Request, principal: Principal, attachment_id: str) -> dict[str, Any]:
    """The attachment, if its unit is in the caller's scope; one out of scope answers as unknown."""
    require_permission(principal, Permission.READ)
    row = await evidence_of(request).attachment(attachment_id)
    unknown = unknown_attachment(attachment_id)
    await authorize(request, principal, Permission.READ, str(row["unit_id"]), unknown=unknown)
    return row


@router.get(
    "/evidence/{attachment_id}", summary="What was recorded of a file, and whether it still matches its hash"
)
async def describe(request: Request, attachment_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    row = await _attachment(request, principal, attachment_id)
    check = evidence_of(request).verify(attachment_id, str(row["sha256"]))
    return {
        "attachment_id": attachment_id,
        "unit_id": row["unit_id"],
        "file_name": row["file_name"],
        "media_type": row["media_type"],
        "size_bytes": row["size_bytes"],
        "subject_event_id": row["subject_event_id"],
        "event_id": row["event_id"],
        "recorded_at": row["recorded_at"].isoformat(),
        "recorded_sha256": check.recorded_sha256,
        "actual_sha256": check.actual_sha256,
        "matches": check.matches,
        "state": check.state,
    }


@router.get(
    "/evidence/{attachment_id}/content", summary="The file, only while it still matches its recorded hash"
)
async def content(request: Request, attachment_id: str, principal: CurrentPrincipal) -> Response:
    row = await _attachment(request, principal, attachment_id)
    recorded = str(row["sha256"])
    stored = planning_of(request).files.get(attachment_id)
    if stored is None:
        raise DomainError(
            f"the file of attachment {attachment_id!r} is missing from the evidence store",
            rule="evidence_missing",
            field="attachment_id",
            value=attachment_id,
            accepted="an attachment whose file is kept",
        )
    actual = sha256_of(stored)
    if actual != recorded:
        raise ConflictError(
            f"the file of attachment {attachment_id!r} was changed after it was recorded: "
            f"its SHA-256 is {actual}, the event recorded {recorded}",
            rule="evidence_changed",
            field="attachment_id",
            value=attachment_id,
            accepted=f"a file whose SHA-256 is {recorded}",
        )
    return Response(
        stored,
        media_type=str(row["media_type"]),
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(str(row['file_name']))}",
            "Digest": f"sha-256={recorded}",
        },
    )
