"""Each service signs its chain head as its own NATS user, at an interval and when it has moved; nobody
signs for another, a checkpoint cannot be deleted, and the key file is for its owner only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.client import Client
from nats.js.errors import ServerError

from chudong.nats.credentials import NatsUsers, secured_node
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.permissions import ADMIN_USER, nats_user
from shared.bus.streams import ensure_streams
from shared.checkpoints import SignedCheckpoint, sign_head
from shared.checkpoints.keys import CheckpointKeyError, key_file, load_checkpoint_key
from shared.checkpoints.stream import CHECKPOINT_STREAM, checkpoint_subject, last_checkpoint, read_checkpoints
from shared.runtime import ServiceRuntime
from shared.settings import CommonSettings, ServiceSettings
from shared.store import StreamAppend
from tests.support import member_event, unit_event, wait_until


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[EmbeddedNats, dict[str, str]]]:
    users = NatsUsers.load(tmp_path / "secrets" / "nats-users.json")
    server = secured_node(tmp_path / "nats", users).start()
    yield server, dict(users.passwords)
    server.stop()


async def _as(secured: tuple[EmbeddedNats, dict[str, str]], user: str) -> Client:
    server, passwords = secured
    return await connect(server.url, name=user, user=user, password=passwords[user], connect_timeout=5)


def test_a_checkpoint_signature_covers_service_position_hash_and_time() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_head(key, "membership", 12, "a" * 64, datetime(2026, 11, 1, 7, tzinfo=UTC))
    assert signed.signature_valid()
    again = SignedCheckpoint.model_validate_json(signed.model_dump_json())
    assert again.signature_valid(), "the signature survives the JSON round trip"
    for change in (
        {"position": 13},
        {"hash": "b" * 64},
        {"service": "planning"},
        {"signed_at": datetime.now(UTC)},
    ):
        assert not signed.model_copy(update=change).signature_valid(), change


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    common = CommonSettings(data_dir=tmp_path)
    settings = ServiceSettings(name="membership")
    key = load_checkpoint_key(settings, common)
    path = key_file(tmp_path, "membership")
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert load_checkpoint_key(settings, common).private_bytes_raw() == key.private_bytes_raw(), "made once"
    os.chmod(path, 0o644)
    with pytest.raises(CheckpointKeyError, match="chmod 600"):
        load_checkpoint_key(settings, common)
    supplied = ServiceSettings(name="membership", checkpoint_key="11" * 32)
    assert load_checkpoint_key(supplied, common).private_bytes_raw() == bytes.fromhex("11" * 32)
    with pytest.raises(CheckpointKeyError, match="64 hexadecimal digits"):
        load_checkpoint_key(ServiceSettings(name="membership", checkpoint_key="11"), common)


async def test_a_service_signs_its_head_when_it_moves_and_no_one_else_signs_for_it(
    secured: tuple[EmbeddedNats, dict[str, str]], tmp_path: Path
) -> None:
    server, passwords = secured
    admin = await _as(secured, ADMIN_USER)
    await ensure_streams(admin.jetstream(), duplicate_window=120)
    common = CommonSettings(
        nats_url=server.url, manage_streams=False, data_dir=tmp_path, checkpoint_interval_seconds=0.2
    )
    settings = ServiceSettings(
        name="membership",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'membership.db'}",
        nats_user=nats_user("membership"),
        nats_password=passwords[nats_user("membership")],
    )
    membership = ServiceRuntime(common, settings)
    await membership.start()
    try:
        await membership.store.append([StreamAppend("unit-bg", [unit_event("bg", "vn", "vn.bg")])], actor="t")

        async def signed_at(position: int) -> bool:
            last = await last_checkpoint(admin.jetstream(), "membership")
            return last is not None and last.position == position

        await wait_until(lambda: signed_at(1), timeout=10)
        await membership.store.append([StreamAppend("member-1", [member_event("1", "vn.bg")])], actor="t")
        await wait_until(lambda: signed_at(2), timeout=10)
        _, hash = await membership.store.head()
        stored = [item async for item in read_checkpoints(admin.jetstream())]
        assert [s.checkpoint.position for s in stored if s.checkpoint] == [1, 2], "signed only when it moved"
        last = stored[-1].checkpoint
        assert last is not None and last.hash == hash and last.signature_valid()
    finally:
        await membership.stop()
    planning = await _as(secured, nats_user("planning"))
    try:
        with pytest.raises(TimeoutError):
            await planning.jetstream().publish(checkpoint_subject("membership"), b"{}", timeout=1)
    finally:
        await planning.close()
    with pytest.raises(ServerError, match="delete not permitted"):
        await admin.jetstream().delete_msg(CHECKPOINT_STREAM, 1)
    await admin.close()
