"""``chudong verify``, ``chudong replay`` and ``chudong explain`` as an auditor runs them."""

from __future__ import annotations

import asyncio
import json
import sqlite3
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
from shared.bus.subjects import stream_name
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


def _tamper(data_dir: Path, *statements: str) -> None:
    with sqlite3.connect(data_dir / "membership.db") as conn:
        for statement in statements:
            conn.execute(statement)


def test_verify_passes_on_an_untouched_history(recorded: Path) -> None:
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "membership" in result.output and "JetStream copy matches: 6 events" in result.output


@pytest.mark.parametrize(
    ("statements", "reported"),
    [
        (
            ["UPDATE events SET body = CAST(replace(body, 'Đơn vị', 'Don vi') AS BLOB) WHERE position = 3"],
            "position 3 (event",
        ),
        (["DELETE FROM events WHERE position = 3"], "position 3: missing"),
        (
            [
                "UPDATE events SET position = -1 WHERE position = 3",
                "UPDATE events SET position = 3 WHERE position = 4",
                "UPDATE events SET position = 4 WHERE position = -1",
            ],
            "out of place",
        ),
    ],
    ids=["altered", "deleted", "reordered"],
)
def test_verify_names_the_first_altered_deleted_or_reordered_event(
    recorded: Path, statements: list[str], reported: str
) -> None:
    _tamper(recorded, *statements)
    result = runner.invoke(app, ["verify", "--no-jetstream"])
    assert result.exit_code == 1, (result.output, result.exception)
    line = next(line for line in result.output.splitlines() if line.startswith("membership"))
    assert "BROKEN" in line and reported in line, result.output


def test_verify_names_an_event_missing_from_the_jetstream_copy(
    recorded: Path, nats_server: EmbeddedNats
) -> None:
    async def drop_third() -> None:
        nc = await connect(nats_server.url, name="tests")
        await nc.jetstream().delete_msg(stream_name("membership"), 3)
        await nc.close()

    asyncio.run(drop_third())
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "JetStream copy: position 3 (event" in result.output and "is missing" in result.output


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
