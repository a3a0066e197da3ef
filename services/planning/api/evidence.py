"""Routes of evidence files: attach minutes and decisions, read them back, check them against their hash."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from services.planning.api.common import Body, handlers
from services.planning.app.evidence import unknown_attachment
from services.planning.domain.evidence import sha256_of
from shared.auth import Permission, Principal
from shared.contracts.text import Line
from shared.errors import ConflictError, DomainError
from shared.http.auth import CurrentPrincipal, authorize, require_permission
from shared.http.idempotency import IdempotencyKey, run_command
from shared.http.limits import body_chunks
from shared.http.params import UnitIdPath

router = APIRouter(tags=["evidence"])


class Upload(Body):
    """What identifies an upload for ``Idempotency-Key``: its name, type and bytes' hash."""

    file_name: str
    media_type: str
    sha256: str
    subject_event_id: str | None


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
    """The bytes go to disk as they arrive, hashed on the way; past ``PLANNING_EVIDENCE_MAX_BYTES``, 413."""
    await authorize(request, principal, _writer(principal), unit_id)
    planning = handlers(request)
    received = await planning.files.receive(body_chunks(request, planning.max_evidence_bytes))
    upload = Upload(
        file_name=file_name,
        media_type=content_type,
        sha256=received.sha256,
        subject_event_id=subject_event_id,
    )

    def answer(envelopes: Any) -> dict[str, Any]:
        attached = envelopes[0].payload
        return {
            "attachment_id": attached.attachment_id,
            "sha256": attached.sha256,
            "size_bytes": attached.size_bytes,
            "evidence": {"attachment_id": attached.attachment_id, "sha256": attached.sha256},
            "events": [
                {"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envelopes
            ],
        }

    try:
        return await run_command(
            request,
            request.app.state.runtime.store,
            idempotency_key,
            upload,
            lambda idem: planning.attach(
                unit_id,
                file_name,
                content_type,
                received,
                subject_event_id,
                actor=principal.subject,
                idempotency=idem,
            ),
            answer,
        )
    finally:
        received.discard()  # a kept file was moved under its id: what is left here was not recorded


async def _attachment(request: Request, principal: Principal, attachment_id: str) -> dict[str, Any]:
    """The attachment, if its unit is in the caller's scope; one out of scope answers as unknown."""
    require_permission(principal, Permission.READ)
    row = await handlers(request).attachment(attachment_id)
    unknown = unknown_attachment(attachment_id)
    await authorize(request, principal, Permission.READ, str(row["unit_id"]), unknown=unknown)
    return row


@router.get(
    "/evidence/{attachment_id}", summary="What was recorded of a file, and whether it still matches its hash"
)
async def describe(request: Request, attachment_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    row = await _attachment(request, principal, attachment_id)
    check = handlers(request).verify(attachment_id, str(row["sha256"]))
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
    stored = handlers(request).files.get(attachment_id)
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
