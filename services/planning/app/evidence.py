"""Handlers of evidence files: store the bytes, record their hash, and check them later."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.planning.adapters.evidence_files import ReceivedFile
from services.planning.adapters.read_models import attachments
from services.planning.app.handlers import AreaHandlers, unknown_record
from services.planning.domain import commands as cmds
from services.planning.domain import evidence as rules
from services.planning.domain.streams import attachment_stream
from shared.commands import Context
from shared.errors import NotFoundError
from shared.events import Envelope
from shared.ids import new_id


def unknown_attachment(attachment_id: str) -> NotFoundError:
    return unknown_record("attachment", attachment_id, "the id returned when the file was attached")


class EvidenceHandlers(AreaHandlers):
    async def attach(
        self, cmd: cmds.AttachEvidence, received: ReceivedFile, ctx: Context
    ) -> Sequence[Envelope]:
        """Record a received file and keep it under its attachment id; the caller discards it otherwise."""
        planning = self.planning
        unit = await planning.unit(cmd.unit_id)
        attachment_id = new_id("ev")
        event = rules.attach(cmd, attachment_id=attachment_id, max_bytes=planning.max_evidence_bytes)
        # The file first: an event must never name bytes that were not kept.
        planning.files.keep(attachment_id, received)
        try:
            stream = attachment_stream(attachment_id)
            envelopes = await planning.append(stream, [event], unit.path, planning.today(), ctx, expected=0)
        except BaseException:
            planning.files.discard(attachment_id)
            raise
        if not envelopes:  # a retry under an answered Idempotency-Key: the first file stands
            planning.files.discard(attachment_id)
        return envelopes

    async def attachment(self, attachment_id: str) -> dict[str, object]:
        async with self.planning.store.db.read() as conn:
            row = (
                await conn.execute(select(attachments).where(attachments.c.attachment_id == attachment_id))
            ).first()
        if row is None:
            raise unknown_attachment(attachment_id)
        return dict(row._mapping)

    def verify(self, attachment_id: str, recorded_sha256: str) -> rules.Verification:
        found = self.planning.files.digest(attachment_id)
        return rules.Verification(
            attachment_id, recorded_sha256, found[0] if found else None, found[1] if found else None
        )
