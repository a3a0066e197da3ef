"""Per-service NATS users: each service publishes only its own events, and reads only what it needs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client
from structlog.testing import capture_logs

from chudong.nats.credentials import NatsUsers, secured_node
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import NatsAuthorizationError, connect
from shared.bus.consumer import stream_sequence
from shared.bus.deadletters import list_dead_letters, replay_dead_letters
from shared.bus.ordered import read_in_order
from shared.bus.permissions import ADMIN_USER, nats_user
from shared.bus.streams import ensure_streams
from shared.bus.subjects import dead_letter_subject, stream_name
from shared.runtime import ServiceRuntime
from shared.runtime.service import Source
from shared.settings import CommonSettings, ServiceSettings
from shared.store import StreamAppend
from tests.projections import RecordingProjection
from tests.projections import metadata as recording_metadata
from tests.support import member_event, unit_event, wait_until


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[EmbeddedNats, dict[str, str]]]:
    """A nats-server with chudong's accounts: a user per service and an admin."""
    users = NatsUsers.load(tmp_path / "secrets" / "nats-users.json")
    server = secured_node(tmp_path / "nats", users).start()
    yield server, dict(users.passwords)
    server.stop()


async def as_user(secured: tuple[EmbeddedNats, dict[str, str]], user: str) -> Client:
    server, passwords = secured
    return await connect(server.url, name=user, user=user, password=passwords[user], connect_timeout=5)


def as_service(name: str, passwords: dict[str, str], tmp_path: Path) -> ServiceSettings:
    """Service ``name``'s settings, connecting as its own NATS user."""
    return ServiceSettings(
        name=name,
        database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db",
        nats_user=nats_user(name),
        nats_password=passwords[nats_user(name)],
    )


@pytest.fixture
async def admin(secured: tuple[EmbeddedNats, dict[str, str]]) -> AsyncIterator[Client]:
    client = await as_user(secured, ADMIN_USER)
    await ensure_streams(client.jetstream(), duplicate_window=120)
    yield client
    await client.close()


async def test_a_service_with_another_services_credentials_cannot_publish_its_events(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client
) -> None:
    planning = await as_user(secured, nats_user("planning"))
    try:
        with capture_logs() as logs, pytest.raises(TimeoutError):
            await planning.jetstream().publish("membership.MemberJoined.vn.bg", b"{}", timeout=1)
        own = await planning.jetstream().publish("planning.PlanSubmitted.vn.bg", b"{}", timeout=5)
    finally:
        await planning.close()
    assert (await admin.jetstream().stream_info(stream_name("membership"))).state.messages == 0
    assert own.stream == stream_name("planning")
    refusals = [entry for entry in logs if entry["event"] == "nats.permission_denied"]
    assert refusals and 'publish to "membership.memberjoined.vn.bg"' in refusals[0]["error"].lower()
    assert refusals[0]["user"] == nats_user("planning")


async def test_a_service_reads_only_the_streams_it_needs(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client
) -> None:
    planning = await as_user(secured, nats_user("planning"))
    try:
        with pytest.raises(TimeoutError):
            await planning.jetstream().pull_subscribe(
                "evaluation.>", durable="planning_spy", stream=stream_name("evaluation")
            )
    finally:
        await planning.close()
    assert [c.name for c in await admin.jetstream().consumers_info(stream_name("evaluation"))] == []


async def test_a_service_writes_dead_letters_under_its_own_name_only(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client
) -> None:
    evaluation = await as_user(secured, nats_user("evaluation"))
    try:
        js = evaluation.jetstream()
        mine = await js.publish(dead_letter_subject("evaluation_counts_MEMBERSHIP"), b"{}", timeout=5)
        assert mine.seq == 1
        with pytest.raises(TimeoutError):
            await js.publish(dead_letter_subject("planning_counts_MEMBERSHIP"), b"{}", timeout=1)
    finally:
        await evaluation.close()


async def test_services_run_their_relay_and_consumers_as_their_own_users(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client, tmp_path: Path
) -> None:
    server, passwords = secured
    common = CommonSettings(nats_url=server.url, manage_streams=False, data_dir=tmp_path)
    membership = ServiceRuntime(common, as_service("membership", passwords, tmp_path))
    evaluation = ServiceRuntime(
        common,
        as_service("evaluation", passwords, tmp_path),
        metadatas=[recording_metadata],
        org_tree_sources=[Source(stream_name("membership"))],
    )
    evaluation.add_projection(RecordingProjection(), [Source(stream_name("membership"))])
    await membership.start()
    await evaluation.start()
    try:
        with capture_logs() as logs:
            await membership.store.append(
                [
                    StreamAppend("unit-bg", [unit_event("bg", "vn", "vn.bg")]),
                    StreamAppend("member-1", [member_event("1", "vn.bg")]),
                ],
                actor="t",
            )

            async def consumed() -> bool:
                return all(c.checkpoint == 2 for c in evaluation.consumers)

            await wait_until(consumed, timeout=15)
        assert not [entry for entry in logs if entry["event"] == "nats.permission_denied"]
        assert (await evaluation.directory.get("bg")) is not None
    finally:
        await evaluation.stop()
        await membership.stop()


async def test_a_service_reads_a_stream_it_needs_in_bulk_with_an_ordered_consumer(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client
) -> None:
    for _ in range(3):
        await admin.jetstream().publish("membership.MemberJoined.vn.bg", b"{}", timeout=5)
    evaluation = await as_user(secured, nats_user("evaluation"))
    try:
        with capture_logs() as logs:
            batches = read_in_order(
                evaluation.jetstream(), stream_name("membership"), "membership.>", until=3
            )
            read = [stream_sequence(m) async for msgs in batches for m in msgs]
    finally:
        await evaluation.close()
    assert read == [1, 2, 3]
    assert not [entry for entry in logs if entry["event"] == "nats.permission_denied"]


async def test_a_refused_user_fails_its_first_connection_at_once_and_says_why(
    secured: tuple[EmbeddedNats, dict[str, str]],
) -> None:
    server, _ = secured
    # A guard against retrying a refusal for ever, far above its round trip; not a measurement.
    async with asyncio.timeout(10):
        with pytest.raises(
            NatsAuthorizationError, match="refused an anonymous client: Authorization Violation"
        ):
            await connect(server.url, name="anonymous", connect_timeout=30)
        with pytest.raises(NatsAuthorizationError, match="refused user 'chudong-planning'"):
            await connect(
                server.url, name="planning", user=nats_user("planning"), password="wrong", connect_timeout=30
            )


async def test_a_service_replays_its_dead_letters_as_its_own_user(
    secured: tuple[EmbeddedNats, dict[str, str]], admin: Client, tmp_path: Path
) -> None:
    server, passwords = secured
    common = CommonSettings(nats_url=server.url, manage_streams=False, data_dir=tmp_path, max_deliver=2)
    unit = unit_event("bg", "vn", "vn.bg")
    projection = RecordingProjection(poison={str(unit.event_id)})
    membership = ServiceRuntime(common, as_service("membership", passwords, tmp_path))
    evaluation = ServiceRuntime(
        common, as_service("evaluation", passwords, tmp_path), metadatas=[recording_metadata]
    )
    evaluation.add_projection(projection, [Source(stream_name("membership"))])
    await membership.start()
    await evaluation.start()
    try:
        with capture_logs() as logs:
            await membership.store.append([StreamAppend("unit-bg", [unit])], actor="t")
            (consumer,) = evaluation.consumers
            await wait_until(lambda: consumer.dead_lettered == 1, timeout=15, what="the unit dead-lettered")
            projection.poison.clear()
            assert evaluation.js is not None
            outcomes = await replay_dead_letters(evaluation.js, consumer)
        assert [o.replayed for o in outcomes] == [True], outcomes
        assert await list_dead_letters(admin.jetstream()) == []
        assert not [entry for entry in logs if entry["event"] == "nats.permission_denied"]
    finally:
        await evaluation.stop()
        await membership.stop()
