"""Where evidence files are kept: a local directory by default (``PLANNING_EVIDENCE_DIR``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from services.planning.domain.evidence import sha256_of


class EvidenceFiles:
    """Files stored by attachment id; the recorded hash, not the file system, says what they should hold."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, attachment_id: str) -> Path:
        return self.root / attachment_id[-2:] / attachment_id

    def put(self, attachment_id: str, content: bytes) -> None:
        """Write atomically: a crash leaves either no file or the whole file."""
        path = self.path(attachment_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def discard(self, attachment_id: str) -> None:
        self.path(attachment_id).unlink(missing_ok=True)

    def get(self, attachment_id: str) -> bytes | None:
        path = self.path(attachment_id)
        return path.read_bytes() if path.exists() else None

    def digest(self, attachment_id: str) -> tuple[str, int] | None:
        content = self.get(attachment_id)
        return None if content is None else (sha256_of(content), len(content))
