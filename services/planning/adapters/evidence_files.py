"""Where evidence files are kept: a local directory by default (``PLANNING_EVIDENCE_DIR``)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path

import anyio

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    """An upload written beside the store, not yet kept under an attachment id."""

    path: Path
    size_bytes: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class EvidenceFiles:
    """Files stored by attachment id; the recorded hash, not the file system, says what they should hold."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, attachment_id: str) -> Path:
        return self.root / attachment_id[-2:] / attachment_id

    async def receive(self, chunks: AsyncIterable[bytes]) -> ReceivedFile:
        """Write an upload to disk as it arrives, hashing it on the way; a failed upload leaves nothing.

        The bytes are never held whole: a stream cut at its limit stops here, and its part is removed.
        """
        incoming = anyio.Path(self.root / ".incoming")
        await incoming.mkdir(parents=True, exist_ok=True)
        fd, name = await anyio.to_thread.run_sync(lambda: tempfile.mkstemp(dir=incoming, prefix=".upload-"))
        digest, size = hashlib.sha256(), 0
        try:
            async with await anyio.open_file(fd, "wb") as out:
                async for chunk in chunks:
                    await out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                await out.flush()
                await anyio.to_thread.run_sync(os.fsync, fd)
        except BaseException:
            # Not awaited: a cancelled request must still leave nothing behind.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            raise
        return ReceivedFile(Path(name), size, digest.hexdigest())

    def keep(self, attachment_id: str, received: ReceivedFile) -> None:
        """Keep a received file under its attachment id: atomic, so a crash leaves it whole or absent."""
        path = self.path(attachment_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.path, path)

    def discard(self, attachment_id: str) -> None:
        self.path(attachment_id).unlink(missing_ok=True)

    def get(self, attachment_id: str) -> bytes | None:
        path = self.path(attachment_id)
        return path.read_bytes() if path.exists() else None

    def digest(self, attachment_id: str) -> tuple[str, int] | None:
        """The SHA-256 and size of a kept file, read in chunks."""
        path = self.path(attachment_id)
        if not path.exists():
            return None
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as stored:
            while chunk := stored.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
