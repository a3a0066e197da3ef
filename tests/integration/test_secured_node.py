"""The nats-server ``chudong run`` starts: passwords and configuration for the owner only, and a data
directory from the days of anonymous clients keeps its streams once the server has users."""

from __future__ import annotations

import stat
from pathlib import Path

from nats.js.api import AckPolicy, ConsumerConfig

from chudong.nats.credentials import NatsUsers, secured_node, users_file
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name

MEMBERSHIP = stream_name("membership")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_passwords_are_generated_once_and_kept_for_the_owner_only(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir(mode=0o755)  # as the signing key's directory may have been made
    path = users_file(tmp_path)
    first = NatsUsers.load(path)
    again = NatsUsers.load(path)
    assert again == first and first.admin[1] != first.of("membership")[1]
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    config = first.server_config(tmp_path / "nats" / "nats.conf")
    assert mode(config) == 0o600 and first.of("planning")[1] in config.read_text()


async def test_streams_kept_without_users_are_still_there_once_the_server_has_users(tmp_path: Path) -> None:
    plain = EmbeddedNats(tmp_path / "nats").start()
    try:
        nc = await connect(plain.url, name="before", connect_timeout=5)
        js = nc.jetstream()
        await ensure_streams(js, duplicate_window=120)
        for _ in range(3):
            await js.publish("membership.MemberJoined.vn.bg", b"{}")
        await js.add_consumer(
            MEMBERSHIP, ConsumerConfig(durable_name="evaluation_counts", ack_policy=AckPolicy.EXPLICIT)
        )
        await nc.close()
    finally:
        plain.stop()

    users = NatsUsers.load(users_file(tmp_path))
    secured = secured_node(tmp_path / "nats", users).start()
    try:
        admin = await connect(secured.url, name="after", user=users.admin[0], password=users.admin[1])
        info = await admin.jetstream().stream_info(MEMBERSHIP)
        consumers = [c.name for c in await admin.jetstream().consumers_info(MEMBERSHIP)]
        await admin.close()
    finally:
        secured.stop()
    assert info.state.messages == 3
    assert consumers == ["evaluation_counts"]
