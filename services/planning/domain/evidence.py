"""Evidence files (biên bản, quyết định): what is recorded of a stored file, and checking it later."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from services.planning.domain.commands import AttachEvidence
from shared.contracts.planning import EvidenceAttached
from shared.errors import DomainError

MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attach(cmd: AttachEvidence, *, attachment_id: str, max_bytes: int) -> EvidenceAttached:
    name = cmd.file_name.strip()
    if not name or "/" in name or "\\" in name or len(name) > 255:
        raise DomainError(
            f"file name {cmd.file_name!r} is not accepted",
            rule="file_name",
            field="file_name",
            value=cmd.file_name,
            accepted="a file name of 1 to 255 characters without '/' or '\\'",
        )
    kind = cmd.media_type.split(";", 1)[0].strip().lower()
    if not MEDIA_TYPE.match(kind):
        raise DomainError(
            f"media type {cmd.media_type!r} is not accepted",
            rule="media_type",
            field="Content-Type",
            value=cmd.media_type,
            accepted="a media type such as application/pdf or image/jpeg",
        )
    if not 0 < cmd.size_bytes <= max_bytes:
        raise DomainError(
            f"the file has {cmd.size_bytes} bytes",
            rule="file_size",
            field="body",
            value=cmd.size_bytes,
            accepted=f"between 1 and {max_bytes} bytes",
        )
    return EvidenceAttached(
        attachment_id=attachment_id,
        unit_id=cmd.unit_id,
        file_name=name,
        media_type=kind,
        size_bytes=cmd.size_bytes,
        sha256=cmd.sha256,
        subject_event_id=cmd.subject_event_id,
    )


@dataclass(frozen=True, slots=True)
class Verification:
    """Whether a stored file still has the bytes whose hash was recorded."""

    attachment_id: str
    recorded_sha256: str
    actual_sha256: str | None
    size_bytes: int | None

    @property
    def matches(self) -> bool:
        return self.actual_sha256 == self.recorded_sha256

    @property
    def state(self) -> str:
        if self.actual_sha256 is None:
            return "missing"
        return "intact" if self.matches else "changed"
