"""``chudong verify`` catches every kind of tampering, on a running system and on a stopped one's data
directory alike, with the right words and exit code: ok 0, BROKEN 1, NOT CHECKED 3."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.bus.connection import connect
from shared.bus.subjects import stream_name
from shared.checkpoints import sign_head
from shared.checkpoints.stream import publish_checkpoint
from tests.audit.conftest import Recorded

MODES = ["online", "offline"]


def lines_of(output: str, service: str, check: str) -> list[str]:
    return [line for line in output.splitlines() if line.split()[:2] == [service, check]]


def verify(recorded: Recorded, mode: str, *args: str) -> tuple[int, str]:
    if mode == "offline":
        recorded.go_offline()
    result = recorded.chudong("verify", "--lang", "en", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


@pytest.mark.parametrize("mode", MODES)
def test_an_untouched_history_is_ok_with_full_head_hashes(recorded: Recorded, mode: str) -> None:
    code, out = verify(recorded, mode)
    assert code == 0, out
    [database] = lines_of(out, "membership", "database")
    assert "ok" in database.split() and "6 events, head at position 6" in database
    assert len(database.rsplit("hash ", 1)[1]) == 64, "the whole head hash, not 16 digits of it"
    assert "copy matches: 6 events" in lines_of(out, "membership", "jetstream")[0]
    assert "1 checkpoints (on CHECKPOINTS) held by the history" in lines_of(out, "planning", "checkpoints")[0]
    assert out.rstrip().endswith("verification: ok")


def _forge(recorded: Recorded) -> None:
    """A checkpoint of membership's head signed by a key that is not membership's."""

    async def publish() -> None:
        nc = await connect(recorded.server.url, name="tests")
        head = await nc.jetstream().stream_info(stream_name("membership"))
        assert head.state.messages == 6
        with __import__("sqlite3").connect(recorded.data_dir / "membership.db") as conn:
            position, hash = conn.execute("SELECT position, hash FROM chain_head").fetchone()
        forged = sign_head(Ed25519PrivateKey.generate(), "membership", position, hash, datetime.now(UTC))
        await publish_checkpoint(nc.jetstream(), forged)
        await nc.close()

    asyncio.run(publish())


TAMPERING: dict[str, tuple[Callable[[Recorded], None], str, str, str]] = {
    # name: (what is done, which check breaks, what it says, args)
    "altered": (
        lambda r: r.sql(
            "UPDATE events SET body = CAST(replace(body, 'Đơn vị', 'Don vi') AS BLOB) WHERE position = 3"
        ),
        "database",
        "hash chain broken at position 3: altered",
        "",
    ),
    "deleted": (
        lambda r: r.sql("DELETE FROM events WHERE position = 3"),
        "database",
        "hash chain broken at position 3: missing",
        "",
    ),
    "reordered": (
        lambda r: r.sql(
            "UPDATE events SET position = -1 WHERE position = 3",
            "UPDATE events SET position = 3 WHERE position = 4",
            "UPDATE events SET position = 4 WHERE position = -1",
        ),
        "database",
        "hash chain broken at position 3: out of place",
        "",
    ),
    "re-hashed": (
        lambda r: r.rehash_from(3, "Đơn vị".encode(), b"Don vi  "),
        "checkpoints",
        "the database hash at position 6 is not the one signed on",
        "--no-jetstream",
    ),
    "block altered": (
        lambda r: r.alter_block("MEMBERSHIP", b'"position":3,', b'"position":7,'),
        "jetstream",
        "position 3",
        "",
    ),
    "checkpoint forged": (_forge, "checkpoints", "is forged: signed with key", ""),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_tampering_is_broken_naming_the_place(recorded: Recorded, mode: str, tampering: str) -> None:
    tamper, check, says, args = TAMPERING[tampering]
    tamper(recorded)
    code, out = verify(recorded, mode, *args.split())
    assert code == 1, out
    [line] = lines_of(out, "membership", check)
    assert "BROKEN" in line and says in line, out
    assert out.rstrip().endswith("verification: BROKEN")


@pytest.mark.parametrize("mode", MODES)
def test_a_broken_event_is_named_with_its_type_unit_day_and_the_copies_that_agree(
    recorded: Recorded, mode: str
) -> None:
    recorded.sql(
        "UPDATE events SET body = CAST(replace(body, 'Đơn vị', 'Don vi') AS BLOB) WHERE position = 3"
    )
    code, out = verify(recorded, mode)
    assert code == 1
    lines = out.splitlines()
    at = lines.index(lines_of(out, "membership", "database")[0])
    assert "UnitRegistered, unit bg-pl, happened on 05/01/2025" in lines[at + 1]
    assert lines[at + 2].split()[0] == "database:" and lines[at + 3].split()[0] == "JetStream:"
    assert lines[at + 2].split()[1] == lines[at + 3].split()[1], "the stored hash is kept; its bytes changed"


@pytest.mark.parametrize("mode", MODES)
def test_a_rehashed_history_is_caught_by_the_jetstream_copy_and_every_checkpoint(
    recorded: Recorded, mode: str
) -> None:
    recorded.rehash_from(3, "Đơn vị".encode(), b"Don vi  ")
    code, out = verify(recorded, mode)
    assert code == 1
    assert "database" in out and "ok" in lines_of(out, "membership", "database")[0], "the chain alone holds"
    assert "position 3 differs from the database" in lines_of(out, "membership", "jetstream")[0]
    [checkpoints] = lines_of(out, "membership", "checkpoints")
    assert "position 3 was altered and the chain re-hashed after it" in checkpoints
    assert "JetStream and checkpoint" in out and "agree; database differ" in out, out


def test_a_filed_checkpoint_proves_the_history_unchanged_or_not(recorded: Recorded, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    exported = recorded.chudong("checkpoints", "export", "--out", str(kept), "--latest")
    assert exported.exit_code == 0, exported.output
    filed = json.loads(kept.read_text())
    assert {c["service"] for c in filed["checkpoints"]} == {"membership", "planning"}
    recorded.go_offline()
    same = recorded.chudong("verify", "--lang", "en", "--against", str(kept))
    assert same.exit_code == 0, same.stdout
    assert "held by the history" in lines_of(same.stdout, "membership", "filed")[0]
    recorded.rehash_from(3, "Đơn vị".encode(), b"Don vi  ")
    changed = recorded.chudong("verify", "--lang", "en", "--against", str(kept), "--no-jetstream")
    assert changed.exit_code == 1
    assert "BROKEN" in lines_of(changed.stdout, "membership", "filed")[0]


def test_a_filed_checkpoint_altered_is_broken(recorded: Recorded, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    assert recorded.chudong("checkpoints", "export", "--out", str(kept)).exit_code == 0
    data = json.loads(kept.read_text())
    data["checkpoints"][0]["position"] -= 1
    kept.write_text(json.dumps(data))
    result = recorded.chudong("verify", "--lang", "en", "--against", str(kept))
    assert result.exit_code == 1 and "the file was altered" in result.stdout


def test_what_cannot_be_checked_is_not_checked_with_why_within_seconds(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")
    started = time.monotonic()
    result = recorded.chudong("verify", "--lang", "en")
    assert time.monotonic() - started < 15
    assert result.exit_code == 3, result.stdout
    [line] = lines_of(result.stdout, "membership", "jetstream")
    assert "NOT CHECKED" in line and "NATS did not answer" in line
    assert result.stdout.rstrip().endswith("verification: NOT CHECKED")


def test_a_data_directory_without_a_store_says_so(recorded: Recorded) -> None:
    recorded.go_offline()
    for store in (recorded.data_dir / "nats").iterdir():
        if store.is_dir():
            __import__("shutil").rmtree(store)
    result = recorded.chudong("verify", "--lang", "en")
    assert result.exit_code == 3
    assert "no JetStream store in" in lines_of(result.stdout, "membership", "jetstream")[0]


def test_verify_as_json_for_machines(recorded: Recorded) -> None:
    recorded.sql("DELETE FROM events WHERE position = 3")
    result = recorded.chudong("verify", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    broken = next(f for f in report["findings"] if f["verdict"] == "BROKEN")
    assert report["verdict"] == "BROKEN" and broken["event"]["position"] == 3
    assert broken["event"]["type"] == "UnitRegistered" and broken["event"]["occurred_on"] == "2025-01-05"
    assert len(report["heads"]["membership"]["head_hash"]) == 64


def test_a_copy_of_the_data_directory_given_by_path_is_read_by_itself(
    recorded: Recorded, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    __import__("shutil").copytree(
        recorded.data_dir, copy, ignore=lambda d, names: ["copy"] if "copy" in names else []
    )
    before = sorted((p.relative_to(copy), p.stat().st_mtime_ns) for p in copy.rglob("*"))
    result = recorded.chudong("verify", "--lang", "en", "--data-dir", str(copy))
    assert result.exit_code == 0, result.stdout
    assert "copy matches: 6 events" in lines_of(result.stdout, "membership", "jetstream")[0]
    after = sorted((p.relative_to(copy), p.stat().st_mtime_ns) for p in copy.rglob("*"))
    assert after == before, "nothing in the audited directory changes"
