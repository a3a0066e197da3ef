"""Creating and updating the JetStream streams (idempotent, run by every process that starts).

A service's stream records in its metadata from which sequence every message must be sealed
(:mod:`shared.bus.seals`): 1 for a stream created with seals; for a stream that existed before, the
sequence after its last message when it is first updated here (the upgrade). The record is written
once and kept by every later update.
"""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.bus.seals import SEALED_FROM
from shared.bus.subjects import DEAD_LETTER_PREFIX, DEAD_LETTER_STREAM, EVENT_SERVICES, stream_name
from shared.checkpoints.stream import checkpoint_stream_config


def stream_configs(*, replicas: int = 1, duplicate_window: float = 7200.0) -> list[StreamConfig]:
    """Each service's history stream, kept for ever (the audit copy), the dead-letter stream and the
    services' signed checkpoints (:mod:`shared.checkpoints.stream`)."""
    configs = [
        StreamConfig(
            name=stream_name(service),
            subjects=[f"{service}.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            max_age=0,
            num_replicas=replicas,
            duplicate_window=duplicate_window,
            description=f"the {service} service's events, relayed from its outbox",
            metadata={SEALED_FROM: "1"},
        )
        for service in EVENT_SERVICES
    ]
    configs.append(
        StreamConfig(
            name=DEAD_LETTER_STREAM,
            subjects=[f"{DEAD_LETTER_PREFIX}.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=0,
            num_replicas=replicas,
            duplicate_window=duplicate_window,
            description="messages a consumer could not process, with the error, for operators to replay",
        )
    )
    configs.append(checkpoint_stream_config(replicas=replicas, duplicate_window=duplicate_window))
    return configs


async def ensure_streams(
    js: JetStreamContext, *, replicas: int = 1, duplicate_window: float = 7200.0
) -> None:
    for config in stream_configs(replicas=replicas, duplicate_window=duplicate_window):
        assert config.name is not None
        try:
            info = await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            if config.metadata is not None:
                recorded = (info.config.metadata or {}).get(SEALED_FROM)
                config.metadata = {SEALED_FROM: recorded or str(info.state.last_seq + 1)}
            await js.update_stream(config)
