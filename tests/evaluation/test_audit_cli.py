"""``chudong replay`` and ``chudong explain`` as an auditor runs them (``chudong verify``: tests/audit)."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chudong.cli import app
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.store import Database, EventStore, StreamAppend
from tests.evaluation.history import Tree

runner = CliRunner()


async def _record(data_dir: Path, url: str, relay: bool) -> None:
    tree = Tree()
    meetings = tree.monthly_meetings(tree.branches[0], range(1, 4))
    stores = {
        s: EventStore(Database(f"sqlite+aiosqlite:///{data_dir / f'{s}.db'}"), s)
        for s in ("membership", "planning")
    }
    for store in stores.values():
        await store.initialise()
    for new in [*tree.registrations(), *meetings, tree.dialogue(date(2026, 3, 1))]:
        service = type(new.payload).__module__.rsplit(".", 1)[-1]
        await stores[service].append(StreamAppend(new.stream_id, [new]), actor="tests")
    if relay:
        nc = await connect(url, name="tests")
        js = nc.jetstream()
        await ensure_streams(js, duplicate_window=120)
        for name, store in stores.items():
            await Relay(store.db, js, name, keys=fixed_keys(name)).publish_pending()
        await nc.close()
    for store in stores.values():
        await store.db.dispose()


@pytest.fixture
def recorded(tmp_path: Path, nats_server: EmbeddedNats, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NATS_URL", nats_server.url)
    for service in ("membership", "planning", "evaluation", "notifications"):
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    asyncio.run(_record(tmp_path, nats_server.url, relay=True))
    return tmp_path


def test_replay_and_explain_rebuild_compliance_from_the_history(recorded: Path) -> None:
    result = runner.invoke(app, ["replay", "--as-of", "2026-03-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    [union] = json.loads(result.stdout[result.stdout.index("[") :])  # after any log line of this process
    c22 = next(i for c in union["criteria"] for i in c["indicators"] if i["indicator_id"] == "C2.2")
    assert union["unit_id"] == "dcs-1" and c22["evidence"]["numbers"]["branch meeting: met"] == 3
    table = runner.invoke(app, ["replay", "--as-of", "2026-03-31", "--unit", "bg"])
    assert table.exit_code == 0 and "dcs-1" in table.stdout
    explained = runner.invoke(app, ["explain", "dcs-1", "--as-of", "2026-03-31"])
    assert explained.exit_code == 0 and "C3.6 [không bắt buộc] ĐẠT" in explained.stdout
    assert "tính đến ngày 31/03/2026" in explained.stdout and "Tiêu chí 2" in explained.stdout
    english = runner.invoke(app, ["explain", "dcs-1", "--as-of", "2026-03-31", "--lang", "en"])
    assert english.exit_code == 0 and "C3.6 [optional] PASS" in english.stdout
    assert runner.invoke(app, ["explain", "dcs-1", "--lang", "fr"]).exit_code != 0
    xlsx = recorded / "replay.xlsx"
    assert (
        runner.invoke(
            app, ["replay", "--as-of", "2026-03-31", "--format", "xlsx", "--out", str(xlsx)]
        ).exit_code
        == 0
    )
    assert xlsx.stat().st_size > 0
    bad = runner.invoke(app, ["replay", "--as-of", "31/03/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
