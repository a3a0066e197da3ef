"""Evidence files: stored with their hash; an event cites them by reference and hash; a changed file is caught."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from tests.planning.conftest import Planning, errors_of

MINUTES = "Biên bản sinh hoạt chi đoàn tháng 10/2026".encode() * 50


async def attach(
    planning: Planning, unit: str, content: bytes, *, key: str | None = None, name: str = "bien-ban.pdf"
) -> httpx.Response:
    headers = {**planning.token("union_secretary", "pl-x"), "Content-Type": "application/pdf"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await planning.client.post(
        f"/units/{unit}/evidence", params={"file_name": name}, content=content, headers=headers
    )


async def test_an_attached_file_is_stored_with_its_hash_and_cited_by_a_meeting(planning: Planning) -> None:
    answer = await attach(planning, "pl-x-1", MINUTES)
    assert answer.status_code == 201, answer.text
    evidence: dict[str, Any] = answer.json()["evidence"]
    assert evidence["sha256"] == hashlib.sha256(MINUTES).hexdigest()
    meeting = {"held_on": "2026-10-12", "kind": "periodic", "attendees": ["m-1"], "minutes": evidence}
    held = await planning.post("/branches/pl-x-1/meetings", meeting)
    assert held.status_code == 201, held.text
    described = (await planning.get(f"/evidence/{evidence['attachment_id']}")).json()
    assert (described["state"], described["matches"], described["size_bytes"]) == (
        "intact",
        True,
        len(MINUTES),
    )
    content = await planning.get(f"/evidence/{evidence['attachment_id']}/content")
    assert content.status_code == 200 and content.content == MINUTES
    assert content.headers["content-type"] == "application/pdf"


async def test_citing_evidence_with_another_hash_or_of_another_unit_is_refused(planning: Planning) -> None:
    evidence = (await attach(planning, "pl-x-1", b"%PDF-1.7 one")).json()["evidence"]
    meeting = {"held_on": "2026-10-12", "kind": "periodic", "attendees": ["m-1"]}
    forged = await planning.post(
        "/branches/pl-x-1/meetings", meeting | {"minutes": evidence | {"sha256": "0" * 64}}
    )
    assert forged.status_code == 422
    assert (errors_of(forged)["rule"], errors_of(forged)["field"]) == (
        "evidence_hash_mismatch",
        "minutes.sha256",
    )
    elsewhere = await planning.post(
        "/branches/pl-x-2/meetings", meeting | {"attendees": ["m-4"], "minutes": evidence}
    )
    assert elsewhere.status_code == 404 and errors_of(elsewhere)["rule"] == "unknown_attachment"


async def test_a_file_whose_bytes_change_no_longer_matches_its_recorded_hash(planning: Planning) -> None:
    evidence = (await attach(planning, "pl-x", b"Quyet dinh so 12")).json()["evidence"]
    path = planning.app.state.handlers.files.path(evidence["attachment_id"])
    path.write_bytes(b"Quyet dinh so 13")
    described = (await planning.get(f"/evidence/{evidence['attachment_id']}")).json()
    assert (described["state"], described["matches"]) == ("changed", False)
    assert described["recorded_sha256"] == evidence["sha256"]
    assert described["actual_sha256"] == hashlib.sha256(b"Quyet dinh so 13").hexdigest()
    served = await planning.get(f"/evidence/{evidence['attachment_id']}/content")
    assert served.status_code == 409 and errors_of(served)["rule"] == "evidence_changed"
    path.unlink()
    assert (await planning.get(f"/evidence/{evidence['attachment_id']}")).json()["state"] == "missing"


async def test_an_empty_or_badly_named_file_is_refused_and_a_retry_stores_it_once(planning: Planning) -> None:
    empty = await attach(planning, "pl-x", b"")
    assert empty.status_code == 422 and errors_of(empty)["rule"] == "file_size"
    slash = await attach(planning, "pl-x", b"x", name="../../etc/passwd")
    assert slash.status_code == 422 and errors_of(slash)["rule"] == "file_name"
    first = await attach(planning, "pl-x", b"report", key="upload-1")
    before = await planning.history_length()
    again = await attach(planning, "pl-x", b"report", key="upload-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert await planning.history_length() == before
    other = await attach(planning, "pl-x", b"another report", key="upload-1")
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


async def test_chudong_evidence_verify_reports_a_changed_file_and_fails(planning: Planning) -> None:
    from typer.testing import CliRunner

    from chudong.cli import app as cli

    evidence = (await attach(planning, "pl-x-3", b"Bien ban thang 11")).json()["evidence"]
    files = planning.app.state.handlers.files
    env = {
        "PLANNING_DATABASE_URL": planning.app.state.runtime.db.url.render_as_string(hide_password=False),
        "PLANNING_EVIDENCE_DIR": str(files.root),
    }
    args = ["evidence", "verify", "--unit", "pl-x-3"]
    intact = await asyncio.to_thread(CliRunner().invoke, cli, args, env=env)
    assert intact.exit_code == 0, intact.output
    assert "1 intact, 0 changed or missing" in intact.output
    files.path(evidence["attachment_id"]).write_bytes(b"Bien ban thang 12")
    changed = await asyncio.to_thread(CliRunner().invoke, cli, args, env=env)
    assert (
        changed.exit_code == 1 and "changed" in changed.output and evidence["attachment_id"] in changed.output
    )


class Upload:
    """A file sent in chunks as the server reads them, counting what it took."""

    def __init__(self, total: int, chunk: int = 256 * 1024) -> None:
        self.total, self.chunk = total, b"%" * chunk
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            yield self.chunk
            self.sent += len(self.chunk)


def kept_files(planning: Planning) -> set[Path]:
    root: Path = planning.app.state.handlers.files.root
    return {p for p in root.rglob("*") if p.is_file()}


async def test_an_upload_past_the_limit_is_cut_off_with_413_and_leaves_no_file(planning: Planning) -> None:
    limit = planning.app.state.handlers.max_evidence_bytes
    before, history = kept_files(planning), await planning.history_length()
    headers = {**planning.token("union_secretary", "pl-x"), "Content-Type": "application/pdf"}
    streamed = Upload(10 * limit)
    answer = await planning.client.post(
        "/units/pl-x/evidence", params={"file_name": "lon.pdf"}, content=streamed, headers=headers
    )
    assert answer.status_code == 413, answer.text
    assert errors_of(answer)["error"] == "body_too_large" and str(limit) in errors_of(answer)["accepted"]
    assert streamed.sent <= limit + 2 * len(streamed.chunk), "the upload is cut at the limit, not read whole"
    declared = Upload(limit + 1)
    answer = await planning.client.post(
        "/units/pl-x/evidence",
        params={"file_name": "lon.pdf"},
        content=declared,
        headers={**headers, "Content-Length": str(declared.total)},
    )
    assert answer.status_code == 413 and declared.sent == 0, "a declared length past the limit reads nothing"
    assert kept_files(planning) == before, "no part of a refused upload is left"
    assert await planning.history_length() == history
    whole = Upload(4 * 256 * 1024)
    stored = await planning.client.post(
        "/units/pl-x/evidence", params={"file_name": "bien-ban.pdf"}, content=whole, headers=headers
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["size_bytes"] == whole.sent
    assert stored.json()["sha256"] == hashlib.sha256(whole.chunk * 4).hexdigest()
