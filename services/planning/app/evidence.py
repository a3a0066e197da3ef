"""Handlers of evidence files: store the bytes, record their hash, and check them later."""

from __future__ import annotations

from sqlalchemy import select

from services.planning.adapters.evidence_files import ReceivedFile
from services.planning.adapters.read_models import attachments
from services.planning.app.base import PlanningContext
from services.planning.domain import evidence as rules
from services.planning.domain.checks import require_unit
from shared.errors import NotFoundError
from shared.events import Envelope
from shared.ids import new_id
from shared.store.event_store import Idempotency


def unknown_attachment(attachment_id: str) -> NotFoundError:
    """The answer for a file not attached (over HTTP: or attached for a unit out of the token's scope)."""
    return NotFoundError(
        f"attachment {attachment_id!r} is not recorded",
        rule="unknown_attachment",
        field="attachment_id",
        value=attachment_id,
        accepted="the id returned when the file was attached",
    )


class EvidenceHandlers(PlanningContext):
    async def attach(
        self,
        unit_id: str,
        file_name: str,
        media_type: str,
        received: ReceivedFile,
        subject_event_id: str | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        """Record a received file and keep it under its attachment id; the caller discards it otherwise."""
        unit = require_unit(await self.directory.get(unit_id), unit_id)
        attachment_id = new_id("ev")
        event = rules.attach(
            attachment_id=attachment_id,
            unit_id=unit_id,
            file_name=file_name,
            media_type=media_type,
            size_bytes=received.size_bytes,
            sha256=received.sha256,
            max_bytes=self.max_evidence_bytes,
            subject_event_id=subject_event_id,
        )
        # The file first: an event must never name bytes that were not kept.
        self.files.keep(attachment_id, received)
        try:
            envelopes = await self.append(
                f"attachment-{attachment_id}",
                [event],
                unit.path,
                self.today(),
                expected=0,
                actor=actor,
                idempotency=idempotency,
            )
        except BaseException:
            self.files.discard(attachment_id)
            raise
        if not envelopes:  # a retry under an answered Idempotency-Key: the first file stands
            self.files.discard(attachment_id)
        return envelopes

    async def attachment(self, attachment_id: str) -> dict[str, object]:
        async with self.store.db.read() as conn:
            row = (
                await conn.execute(select(attachments).where(attachments.c.attachment_id == attachment_id))
            ).first()
        if row is None:
            raise unknown_attachment(attachment_id)
        return dict(row._mapping)

    def verify(self, attachment_id: str, recorded_sha256: str) -> rules.Verification:
        found = self.files.digest(attachment_id)
        return rules.Verification(
            attachment_id, recorded_sha256, found[0] if found else None, found[1] if found else None
        )
