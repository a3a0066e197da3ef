"""Only the owner's events are applied, and a relay never halts silently (ADR 0016), against a real server.

The attacker here holds a NATS connection that may publish on membership's stream (a leaked
credential), and no bus key.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from nats.js import JetStreamContext
from sqlalchemy import select
from typer.testing import CliRunner

from chudong.audit.streams import read_stream
from chudong.cli import app as cli
from chudong.nats.server import EmbeddedNats
from shared.bus import headers as h
from shared.bus.consumer import ProjectionConsumer
from shared.bus.deadletters import list_dead_letters, replay_dead_letters
from shared.bus.keys import fixed_keys, keys_from_masters
from shared.bus.relay import Relay
from shared.bus.seals import SEALED_FROM, chain_of, seal_value, sealed_content
from shared.bus.streams import ensure_streams, stream_configs
from shared.bus.subjects import DEAD_LETTER_STREAM, dead_letter_subject, stream_name
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.metrics import render_metrics
from shared.runtime.service import Source
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database, EventStore, StreamAppend
from shared.store.schema import events
from tests.previous_release import PreviousRelease
from tests.projections import RecordingProjection, applied_positions
from tests.projections import metadata as recording_metadata
from tests.support import fixed_key_settings, member_event, metric, unit_event, wait_until

STREAM = stream_name("membership")


def runtime(server: EmbeddedNats, tmp_path: Path, name: str, **common: Any) -> ServiceRuntime:
    partition = common.pop("partition", "")
    settings = ServiceSettings(
        name=name,
        database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db",
        partition=partition,
        **fixed_key_settings(name),
    )
    return ServiceRuntime(
        CommonSettings(nats_url=server.url, data_dir=tmp_path, **common),
        settings,
        metadatas=[recording_metadata],
    )


@dataclass
class Forged:
    subject: str
    body: bytes


async def well_formed_member_events(tmp_path: Path, count: int, path: str = "vn.bg") -> list[Forged]:
    """Genuine-looking ``MemberJoined`` bodies, written by a store of the attacker's own."""
    store = EventStore(Database(f"sqlite+aiosqlite:///{tmp_path / 'intruder.db'}"), "membership")
    await store.initialise()
    await store.append(
        [StreamAppend(f"member-x{i}", [member_event(f"x{i}", path)]) for i in range(count)], actor="intruder"
    )
    async with store.db.read() as conn:
        bodies = [bytes(r[0]) for r in await conn.execute(select(events.c.body).order_by(events.c.position))]
    await store.db.dispose()
    return [Forged(f"membership.MemberJoined.{path}", body) for body in bodies]


async def next_sequence(js: JetStreamContext) -> int:
    return (await js.stream_info(STREAM)).state.last_seq + 1


async def publish_forgeries(js: JetStreamContext, tmp_path: Path) -> None:
    """Unsealed, sealed with a stranger's key, sealed by another reader, and a genuine message again."""
    unsealed, stranger, by_planning = await well_formed_member_events(tmp_path, 3)
    await js.publish(unsealed.subject, unsealed.body)
    wrong = keys_from_masters("membership", {"membership": b"\x01" * 32}).sealer()
    sequence = await next_sequence(js)
    await js.publish(
        stranger.subject,
        stranger.body,
        headers={h.SEAL: wrong.seal(sequence, stranger.subject, "", "")},
    )
    planning_key = fixed_keys("planning").reader_keys["membership"]
    sequence = await next_sequence(js)
    content = sealed_content(sequence, by_planning.subject, "")
    forged = hashlib.blake2b(content, key=planning_key, digest_size=16).digest()
    await js.publish(
        by_planning.subject, by_planning.body, headers={h.SEAL: seal_value("", "", {"evaluation": forged})}
    )
    genuine = await js.get_msg(STREAM, seq=1)
    copied = {
        k: v for k, v in (genuine.headers or {}).items() if k not in (h.MSG_ID, h.EXPECTED_LAST_SEQUENCE)
    }
    await js.publish(genuine.subject or "", genuine.data or b"", headers=copied)


async def test_messages_their_owner_did_not_seal_are_refused_counted_alerted_and_never_replayed(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path
) -> None:
    membership = runtime(nats_server, tmp_path, "membership")
    # A partitioned consumer (filter subjects): it cannot follow the chain, and checks seals all the same.
    evaluation = runtime(nats_server, tmp_path, "evaluation", partition="vn.bg")
    evaluation.add_projection(RecordingProjection(), [Source(STREAM)])
    await membership.start()
    await evaluation.start()
    try:
        await membership.store.append(
            [
                StreamAppend("unit-bg", [unit_event("bg", "vn", "vn.bg")]),
                StreamAppend("member-1", [member_event("1", "vn.bg")]),
            ],
            actor="t",
        )
        (consumer,) = evaluation.consumers
        await wait_until(lambda: consumer.checkpoint == 2, timeout=15, what="the genuine events applied")
        await publish_forgeries(js, tmp_path)
        await wait_until(lambda: consumer.checkpoint == 6, timeout=15, what="the forgeries passed")
        async with evaluation.db.read() as conn:
            assert await applied_positions(conn) == [1, 2]
        letters = await list_dead_letters(js, consumer.name)
        assert [(letter.original_sequence, letter.refused) for letter in letters] == [
            (3, "unsealed"),
            (4, "seal does not match"),
            (5, "seal does not match"),
            (6, "seal does not match"),
        ]
        assert letters[0].error == "unsealed: membership.MemberJoined.vn.bg at sequence 3 carries no seal"
        assert letters[0].deliveries == 1
        metrics = await render_metrics(evaluation)
        labels = {
            "service": "evaluation",
            "partition": "vn-bg",
            "consumer": consumer.name,
            "stream": "MEMBERSHIP",
        }
        refused = "chudong_messages_refused_total"
        assert metric(metrics, refused, reason="unsealed", **labels) == 1
        assert metric(metrics, refused, reason="seal does not match", **labels) == 3
        assert metric(metrics, "chudong_dead_letters_total", **labels) == 4

        # Someone with evaluation's NATS credential files a genuine message as a dead letter of its consumer.
        genuine = await js.get_msg(STREAM, seq=2)
        await js.publish(
            dead_letter_subject(consumer.name),
            genuine.data or b"",
            stream=DEAD_LETTER_STREAM,
            headers={
                **{
                    k: v
                    for k, v in (genuine.headers or {}).items()
                    if k not in (h.MSG_ID, h.EXPECTED_LAST_SEQUENCE)
                },
                h.CONSUMER: consumer.name,
                h.ORIGINAL_SUBJECT: genuine.subject or "",
                h.ORIGINAL_STREAM: STREAM,
                h.ORIGINAL_SEQUENCE: "2",
            },
        )
        outcomes = await replay_dead_letters(js, consumer)
        assert [o.replayed for o in outcomes] == [False] * 5
        assert all("refused" in (o.error or "") for o in outcomes[:4]), outcomes
        assert "letter seal" in (outcomes[4].error or "")
        async with evaluation.db.read() as conn:
            assert await applied_positions(conn) == [1, 2]
        assert len(await list_dead_letters(js, consumer.name)) == 5
        assert (await evaluation.health())["status"] == "ok"
    finally:
        await evaluation.stop()
        await membership.stop()


async def test_a_bulk_read_checks_seals_too(js: JetStreamContext, store: EventStore, tmp_path: Path) -> None:
    relay = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await store.append(
        [StreamAppend(f"member-{i}", [member_event(str(i), "vn.bg")]) for i in range(3)], actor="t"
    )
    await relay.publish_pending()
    await publish_forgeries(js, tmp_path)
    view = Database(f"sqlite+aiosqlite:///{tmp_path / 'view.db'}")
    await view.create_all(recording_metadata)
    consumer = ProjectionConsumer(
        view,
        js,
        RecordingProjection(),
        STREAM,
        service="evaluation",
        keys=fixed_keys("evaluation"),
        filter_subjects=["membership.*.vn.bg"],
    )
    try:
        await consumer.catch_up(7, bulk=True)
        async with view.read() as conn:
            assert await applied_positions(conn) == [1, 2, 3]
        assert consumer.refused == {"unsealed": 1, "seal does not match": 3}
    finally:
        await consumer.close()
        await view.dispose()


async def test_a_foreign_message_halts_the_relay_loudly_and_a_repair_loses_and_doubles_nothing(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path
) -> None:
    membership = runtime(nats_server, tmp_path, "membership")
    evaluation = runtime(nats_server, tmp_path, "evaluation")
    evaluation.add_projection(RecordingProjection(), [Source(STREAM)])
    await membership.start()
    await evaluation.start()
    (consumer,) = evaluation.consumers
    number = iter(range(1, 100))

    async def command(service: ServiceRuntime) -> None:
        i = next(number)
        await service.store.append(StreamAppend(f"member-{i}", [member_event(str(i), "vn.bg")]), actor="t")

    async def halted(service: ServiceRuntime) -> bool:
        report = await service.health()
        return report["status"] == "degraded" and any("relay halted" in p for p in report["problems"])

    try:
        await command(membership)
        await command(membership)
        await wait_until(lambda: consumer.checkpoint == 2, timeout=15, what="the first commands applied")
        await js.publish("membership.MemberJoined.vn.bg", b"\x00 not an event")
        await command(membership)
        await wait_until(lambda: halted(membership), timeout=15, what="membership's relay says it halted")
        report = await membership.health()
        (problem,) = report["problems"]
        assert (
            "stream MEMBERSHIP holds a message its relay did not publish at sequence 3 (unsealed)" in problem
        )
        assert "chudong streams repair membership" in problem
        assert report["outbox_pending"] == 1
        assert metric(await render_metrics(membership), "chudong_relay_halted", service="membership") == 1

        # Restarted, it still halts there, and says so.
        await membership.stop()
        membership = runtime(nats_server, tmp_path, "membership")
        await membership.start()
        await command(membership)
        await wait_until(lambda: halted(membership), timeout=15, what="the restarted relay says it halted")

        env = {"NATS_URL": nats_server.url, "CHUDONG_DATA_DIR": str(tmp_path)}
        result = await asyncio.to_thread(
            CliRunner().invoke, cli, ["streams", "repair", "membership"], env=env
        )
        assert result.exit_code == 0, result.output
        assert "quarantined MEMBERSHIP sequence 3 (unsealed): membership.MemberJoined.vn.bg" in result.output

        await command(membership)
        await wait_until(lambda: consumer.applied == 5, timeout=20, what="every command applied")
        async with evaluation.db.read() as conn:
            assert await applied_positions(conn) == [1, 2, 3, 4, 5]
        assert (await membership.health())["status"] == "ok"
        assert (await membership.store.pending_outbox()) == 0
        (quarantined,) = await list_dead_letters(js, "membership_relay")
        assert (quarantined.original_sequence, quarantined.refused, quarantined.data) == (
            3,
            "unsealed",
            b"\x00 not an event",
        )
        assert (await js.stream_info(STREAM)).state.messages == 5
    finally:
        await evaluation.stop()
        await membership.stop()


class Failing(RecordingProjection):
    """A projection that cannot apply anything (a bug, a constraint): its consumer retries in place."""

    async def apply(self, conn: Any, event: Any) -> None:
        raise ValueError("cannot apply")


async def test_a_consumer_that_cannot_move_makes_its_service_degraded(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path
) -> None:
    membership = runtime(nats_server, tmp_path, "membership")
    evaluation = runtime(nats_server, tmp_path, "evaluation", consumer_stall_seconds=0.5, max_deliver=1000)
    evaluation.add_projection(Failing(), [Source(STREAM)])
    await membership.start()
    await evaluation.start()
    try:
        for i in (1, 2):
            await membership.store.append(
                StreamAppend(f"member-{i}", [member_event(str(i), "vn.bg")]), actor="t"
            )

        async def degraded() -> bool:
            return bool((await evaluation.health())["status"] == "degraded")

        await wait_until(degraded, timeout=15, what="evaluation degraded")
        (problem,) = (await evaluation.health())["problems"]
        assert problem.startswith("consumer evaluation_recording_MEMBERSHIP at sequence 0: no progress for")
        assert "waiting" in problem
    finally:
        await evaluation.stop()
        await membership.stop()


async def test_a_relay_that_cannot_publish_makes_its_service_degraded(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path
) -> None:
    membership = runtime(nats_server, tmp_path, "membership", relay_stall_seconds=0.5, manage_streams=False)
    await membership.start()
    try:
        await js.delete_stream(STREAM)
        await membership.store.append(StreamAppend("member-1", [member_event("1", "vn.bg")]), actor="t")

        async def degraded() -> bool:
            return bool((await membership.health())["status"] == "degraded")

        await wait_until(degraded, timeout=15, what="membership degraded")
        (problem,) = (await membership.health())["problems"]
        assert problem.startswith("relay of MEMBERSHIP: no progress for")
        assert "1 waiting; last error:" in problem and "stream not found" in problem

        # Taken out of rotation, never restarted for it: /livez (the liveness probe) still answers.
        app = create_service_app(membership, [], title="membership", description="")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://membership") as client:
            health = await client.get("/healthz")
            assert health.status_code == 503 and health.json()["status"] == "degraded"
            live = await client.get("/livez")
            assert live.status_code == 200 and live.json() == {"service": "membership", "status": "alive"}
    finally:
        await membership.stop()


class RelayBeforeSeals(PreviousRelease):
    """The relay as it was before seals: the same messages, the chain in headers of its own, no seal."""

    def _headers(self, expected_last: int, p: Any) -> dict[str, str]:
        headers = super()._headers(expected_last, p)
        del headers[h.SEAL]
        return headers


async def test_a_stream_from_before_seals_keeps_its_history_and_refuses_what_comes_unsealed_after(
    js: JetStreamContext, store: EventStore, tmp_path: Path
) -> None:
    (old,) = [c for c in stream_configs(duplicate_window=120) if c.name == STREAM]
    old.metadata = None
    await js.update_stream(old)
    await store.append(
        [StreamAppend(f"member-{i}", [member_event(str(i), "vn.bg")]) for i in range(2)], actor="t"
    )
    await RelayBeforeSeals(store.db, js, "membership", keys=fixed_keys("membership")).publish_pending()

    await ensure_streams(js, duplicate_window=120)  # the upgrade records where seals begin, once
    await ensure_streams(js, duplicate_window=120)
    assert (await js.stream_info(STREAM)).config.metadata[SEALED_FROM] == "3"  # type: ignore[index]

    relay = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await store.append(StreamAppend("member-2", [member_event("2", "vn.bg")]), actor="t")
    assert await relay.publish_pending() == 1  # its last unsealed message is its own: no halt
    (forged,) = await well_formed_member_events(tmp_path, 1)
    await js.publish(forged.subject, forged.body)

    view = Database(f"sqlite+aiosqlite:///{tmp_path / 'view.db'}")
    await view.create_all(recording_metadata)
    consumer = ProjectionConsumer(
        view, js, RecordingProjection(), STREAM, service="evaluation", keys=fixed_keys("evaluation")
    )
    try:
        await consumer.catch_up(4)
        async with view.read() as conn:
            assert await applied_positions(conn) == [1, 2, 3]
        assert consumer.refused == {"unsealed": 1}
    finally:
        await consumer.close()
        await view.dispose()


async def test_a_stream_holding_the_previous_releases_messages_is_read_and_continued(
    js: JetStreamContext, store: EventStore, tmp_path: Path
) -> None:
    await store.append(
        [StreamAppend(f"member-{i}", [member_event(str(i), "vn.bg")]) for i in range(2)], actor="t"
    )
    await PreviousRelease(store.db, js, "membership", keys=fixed_keys("membership")).publish_pending()

    # Upgraded, the relay takes the previous release's last message for its own and goes on after it.
    relay = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await store.append(StreamAppend("member-2", [member_event("2", "vn.bg")]), actor="t")
    assert await relay.publish_pending() == 1
    assert relay.halted is None
    before, after = [(await js.get_msg(STREAM, seq=s)).headers or {} for s in (2, 3)]
    assert set(before) >= {h.HASH, h.PREV_HASH, h.SEAL} and h.HASH not in after and h.PREV_HASH not in after
    stored = {e.position: e.hash for e in await store.read_all(0, 10)}
    assert [m.hash async for m in read_stream(js, "membership")] == [stored[1], stored[2], stored[3]]
    assert chain_of(after)[1] == chain_of(before)[0] == stored[2]  # one chain across both forms

    view = Database(f"sqlite+aiosqlite:///{tmp_path / 'view.db'}")
    await view.create_all(recording_metadata)
    consumer = ProjectionConsumer(
        view, js, RecordingProjection(), STREAM, service="evaluation", keys=fixed_keys("evaluation")
    )
    try:
        await consumer.catch_up(3)
        async with view.read() as conn:
            assert await applied_positions(conn) == [1, 2, 3]
        assert consumer.refused == {} and consumer.dead_lettered == 0
    finally:
        await consumer.close()
        await view.dispose()
