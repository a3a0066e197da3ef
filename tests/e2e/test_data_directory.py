"""The data directory of a running ``chudong run``: for its owner only, and no erased key left in any file
(databases and their -wal and -shm, the NATS store, evidence, secrets, logs)."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import RunningSystem, start_system
from tests.support import eventually, files_holding, unit_body

TREE = [("bg", "vn", "province"), ("bg-pl", "bg", "district"), ("pl-x", "bg-pl", "grassroots")]
BRANCH = "pl-x-1"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """chudong running on a data directory that an older release left readable by everyone."""
    data = tmp_path_factory.mktemp("private") / "data"
    old = data / "evidence" / "zz" / "old-attachment"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"Bien ban 2025")
    for folder in (data, data / "evidence", old.parent):
        folder.chmod(0o755)
    old.chmod(0o644)
    running = start_system(data)
    headers = running.token("admin", "vn")
    with httpx.Client(timeout=10) as client:
        for unit, parent, level in [*TREE, (BRANCH, "pl-x", "branch")]:
            body = unit_body(unit, parent, level)
            created = client.post(f"{running.urls['membership']}/units", headers=headers, json=body)
            assert created.status_code == 201, created.text
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(system: RunningSystem) -> dict[str, str]:
    return system.token("admin", "vn")


def admit(system: RunningSystem, admin: dict[str, str], member_id: str, name: str) -> None:
    profile = {
        "full_name": name,
        "birth_date": "2004-02-11",
        "gender": "female",
        "ethnicity": "Tày",
        "religion": "Phật giáo",
        "phone": "0987654321",
        "email": f"{member_id}@example.vn",
        "address": "Thôn Đồng Mới, xã Phương Sơn",
    }
    answer = httpx.post(
        f"{system.urls['membership']}/members",
        headers=admin,
        json={
            "member_id": member_id,
            "branch_id": BRANCH,
            "joined_on": "2026-03-26",
            "admission_decision_ref": f"QĐ {member_id}",
            "profile": profile,
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text


def key_of(system: RunningSystem, person_id: str) -> bytes:
    """The person's key, read as an attacker would: from the database file, with no service's help."""
    conn = sqlite3.connect(f"file:{system.data_dir / 'membership.db'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT key FROM person_keys WHERE person_id = ?", (person_id,)).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no key for {person_id}"
    return bytes(row[0])


def attach_evidence(system: RunningSystem, admin: dict[str, str]) -> None:
    """A file of minutes in planning's evidence, once planning's copy of the tree knows the branch."""
    url = f"{system.urls['planning']}/units/{BRANCH}/evidence"
    headers = admin | {"Content-Type": "application/pdf"}
    with httpx.Client(timeout=10) as client:

        def attached() -> bool:
            answer = client.post(
                url, params={"file_name": "bien-ban.pdf"}, content=b"%PDF-1.7", headers=headers
            )
            return answer.status_code == 201

        eventually(attached, f"planning takes evidence for {BRANCH}", timeout=30)


def test_every_file_under_the_data_directory_is_for_the_owner_only(
    system: RunningSystem, admin: dict[str, str]
) -> None:
    admit(system, admin, "own-1", "Nông Thị Hoa")
    attach_evidence(system, admin)
    data = system.data_dir
    for written in ("membership.db", "membership.db-wal", "secrets/jwt.key", "logs/membership.log", "nats"):
        assert (data / written).exists(), written
    assert any((data / "nats").rglob("*.blk")), "the NATS store holds the streams' messages"
    assert sum(1 for p in (data / "evidence").rglob("*") if p.is_file()) == 2
    loose = []
    for path in [data, *data.rglob("*")]:
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            continue  # a temporary file the running nats-server renamed while the tree was walked
        wanted = stat.S_IMODE(mode) == 0o700 if stat.S_ISDIR(mode) else not mode & 0o077
        if not wanted:
            loose.append(f"{path.relative_to(data.parent)} {stat.filemode(mode)}")
    assert loose == [], "directories 0700, files 0600 or stricter"


def test_after_an_erasure_no_file_under_the_data_directory_holds_the_key(
    system: RunningSystem, admin: dict[str, str]
) -> None:
    admit(system, admin, "er-1", "Hoàng Thị Duyên")
    admit(system, admin, "er-2", "Lý Văn Tâm")
    key, kept = key_of(system, "er-1"), key_of(system, "er-2")
    assert files_holding(system.data_dir, key), "the scan must see the key before the erasure"
    erased = httpx.post(
        f"{system.urls['membership']}/people/er-1/erasure",
        headers=admin,
        json={"request_ref": "ĐN 1/2026"},
        timeout=30,
    )
    assert erased.status_code == 201, erased.text
    assert files_holding(system.data_dir, key) == []
    assert files_holding(system.data_dir, kept), "the other member's key is kept"
