"""A recorded history an auditor checks: membership's and planning's databases in a data directory, their
JetStream copies in the data directory's NATS store, and a checkpoint signed by each service."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from chudong.cli import app
from chudong.nats.server import EmbeddedNats
from shared.store.event_store import chain_hash
from tests.evaluation.test_audit_cli import _record

runner = CliRunner()


@dataclass
class Recorded:
    """A data directory with a history; ``online`` reads it through its NATS, else offline."""

    data_dir: Path
    server: EmbeddedNats
    monkeypatch: pytest.MonkeyPatch

    def chudong(self, *args: str) -> Result:
        return runner.invoke(app, list(args))

    def go_offline(self) -> None:
        """The system stops: its NATS with it; the CLI then reads the data directory alone."""
        self.server.stop()
        self.monkeypatch.delenv("NATS_URL", raising=False)

    def sql(self, *statements: str, service: str = "membership") -> None:
        with sqlite3.connect(self.data_dir / f"{service}.db") as conn:
            for statement in statements:
                conn.execute(statement)

    def rehash_from(self, position: int, old: bytes, new: bytes) -> None:
        """An insider's rewrite: the bytes of the event at ``position`` changed and every hash after it made
        anew, the chain head included, so the chain alone still holds."""
        with sqlite3.connect(self.data_dir / "membership.db") as conn:
            rows = conn.execute("SELECT position, body, prev_hash FROM events ORDER BY position").fetchall()
            prev = next(r[2] for r in rows if r[0] == position)
            for at, body, _ in rows:
                if at < position:
                    continue
                body = bytes(body).replace(old, new) if at == position else bytes(body)
                digest = chain_hash(prev, body)
                conn.execute(
                    "UPDATE events SET body = ?, prev_hash = ?, hash = ? WHERE position = ?",
                    (body, prev, digest, at),
                )
                prev = digest
            conn.execute("UPDATE chain_head SET hash = ?", (prev,))

    def alter_block(self, stream: str, old: bytes, new: bytes) -> None:
        """Bytes of a stream's message changed in its block file, with the server stopped."""
        running = self.server.process is not None and self.server.process.poll() is None
        self.server.stop()
        [block] = [p for p in (self.data_dir / "nats").rglob("*.blk") if p.parent.parent.name == stream]
        data = block.read_bytes()
        assert old in data and len(old) == len(new)
        block.write_bytes(data.replace(old, new, 1))
        if running:
            self.server.restart()


@pytest.fixture
def recorded(
    tmp_path: Path, nats_server: EmbeddedNats, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Recorded]:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NATS_URL", nats_server.url)
    for service in ("membership", "planning", "evaluation", "notifications"):
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
        monkeypatch.delenv(f"{service.upper()}_CHECKPOINT_KEY", raising=False)
    asyncio.run(_record(tmp_path, nats_server.url, relay=True))
    recorded = Recorded(tmp_path, nats_server, monkeypatch)
    signed = recorded.chudong("checkpoints", "sign")
    assert signed.exit_code == 0, signed.output
    yield recorded
