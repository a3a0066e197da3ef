"""What operators read: ``chudong status`` (streams and consumers' lag) and each service's ``/metrics``."""

from __future__ import annotations

from pathlib import Path

from nats.js import JetStreamContext

from chudong.commands.status import collect_status
from chudong.nats.server import EmbeddedNats
from shared.bus.subjects import stream_name
from shared.runtime import ServiceRuntime
from shared.runtime.metrics import render_metrics
from shared.runtime.service import Source
from shared.settings import CommonSettings, ServiceSettings
from shared.store import StreamAppend
from tests.projections import RecordingProjection
from tests.projections import metadata as recording_metadata
from tests.support import member_event, metric, unit_event, wait_until


def runtime(server: EmbeddedNats, tmp_path: Path, name: str, partition: str = "") -> ServiceRuntime:
    common = CommonSettings(nats_url=server.url, data_dir=tmp_path)
    settings = ServiceSettings(
        name=name, database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db", partition=partition
    )
    return ServiceRuntime(common, settings, metadatas=[recording_metadata])


async def test_status_and_metrics_show_what_was_stored_relayed_and_consumed(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path
) -> None:
    membership = runtime(nats_server, tmp_path, "membership")
    evaluation = runtime(nats_server, tmp_path, "evaluation", partition="vn.bg")
    evaluation.add_projection(RecordingProjection(), [Source(stream_name("membership"))])
    evaluation.counters.add("alerts_delivered", channel="email")
    # A label value is whatever a service passes: quotes, backslashes and newlines are escaped.
    evaluation.counters.add("alerts_delivered", channel='we"b\\hook\nx')
    await membership.start()
    await evaluation.start()
    try:
        await membership.store.append(
            [
                StreamAppend("unit-bg", [unit_event("bg", "vn", "vn.bg")]),
                StreamAppend("unit-hn", [unit_event("hn", "vn", "vn.hn")]),
                StreamAppend("member-1", [member_event("1", "vn.bg")]),
            ],
            actor="t",
        )
        (consumer,) = evaluation.consumers

        async def caught_up() -> bool:
            return consumer.applied == 2

        await wait_until(caught_up, timeout=15)
        status = await collect_status(nats_server.url, None, None)
        metrics = await render_metrics(evaluation)
        stored = await render_metrics(membership)
    finally:
        await evaluation.stop()
        await membership.stop()

    streams = {s["name"]: s for s in status["streams"]}
    assert streams["MEMBERSHIP"]["messages"] == 3
    (listed,) = streams["MEMBERSHIP"]["consumers"]
    assert listed["name"] == consumer.name == "evaluation_recording_MEMBERSHIP_vn-bg"
    assert listed["lag"] == 0
    assert listed["filter"] == ["membership.*.vn.bg", "membership.*.vn.bg.>"]

    labels = {
        "service": "evaluation",
        "partition": "vn-bg",
        "consumer": consumer.name,
        "stream": "MEMBERSHIP",
    }
    assert metric(metrics, "chudong_events_consumed_total", **labels) == 2
    assert metric(metrics, "chudong_projection_checkpoint", **labels) == 3
    assert metric(metrics, "chudong_projection_lag", **labels) == 0
    assert metric(metrics, "chudong_dead_letters_total", **labels) == 0
    alerts = {"service": "evaluation", "partition": "vn-bg"}
    assert metric(metrics, "chudong_alerts_delivered_total", channel="email", **alerts) == 1
    assert metric(stored, "chudong_events_stored", service="membership") == 3
    assert metric(stored, "chudong_events_relayed_total", service="membership") == 3
    assert metrics.count("# TYPE chudong_events_consumed_total counter") == 1
    # Quotes, backslashes and newlines in a label value are escaped as the text format requires,
    # and a Prometheus parser reads the value back as it was given.
    assert (
        'chudong_alerts_delivered_total{channel="we\\"b\\\\hook\\nx",partition="vn-bg",service="evaluation"} 1.0'
        in metrics.splitlines()
    )
    assert metric(metrics, "chudong_alerts_delivered_total", channel='we"b\\hook\nx', **alerts) == 1
