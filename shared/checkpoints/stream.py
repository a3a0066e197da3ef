"""The ``CHECKPOINTS`` stream: every checkpoint each service signed, kept for ever.

A stream of its own, apart from the histories it vouches for: ``checkpoints.<service>``. Nothing may
delete or purge a message of it (``deny_delete``, ``deny_purge``), so dropping the checkpoints that
would expose a rewritten history takes removing the stream itself, which a verification notices as
checkpoints gone missing from a file the auditor kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from shared.bus.ordered import position, read_in_order
from shared.checkpoints.model import SignedCheckpoint

CHECKPOINT_STREAM = "CHECKPOINTS"
CHECKPOINT_PREFIX = "checkpoints"


def checkpoint_subject(service: str) -> str:
    return f"{CHECKPOINT_PREFIX}.{service}"


def checkpoint_stream_config(*, replicas: int = 1, duplicate_window: float = 7200.0) -> StreamConfig:
    return StreamConfig(
        name=CHECKPOINT_STREAM,
        subjects=[f"{CHECKPOINT_PREFIX}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=0,
        num_replicas=replicas,
        duplicate_window=duplicate_window,
        deny_delete=True,
        deny_purge=True,
        description="each service's signed chain heads (checkpoints), for auditors",
    )


async def publish_checkpoint(js: JetStreamContext, checkpoint: SignedCheckpoint) -> int:
    """Publish ``checkpoint``; returns its sequence in the stream."""
    ack = await js.publish(
        checkpoint_subject(checkpoint.service),
        checkpoint.model_dump_json().encode(),
        stream=CHECKPOINT_STREAM,
        headers={"Nats-Msg-Id": f"{checkpoint.service}:{checkpoint.position}:{checkpoint.signature[:32]}"},
    )
    return int(ack.seq)


async def last_checkpoint(js: JetStreamContext, service: str) -> SignedCheckpoint | None:
    """The last checkpoint published for ``service`` (None: none yet, or not one that reads)."""
    try:
        msg = await js.get_last_msg(CHECKPOINT_STREAM, checkpoint_subject(service))
    except NotFoundError:
        return None
    try:
        return SignedCheckpoint.model_validate_json(msg.data or b"")
    except ValidationError:
        return None


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A message of the stream: the checkpoint it holds, or why it holds none."""

    sequence: int
    subject: str
    checkpoint: SignedCheckpoint | None
    problem: str = ""


def parse_stored(sequence: int, subject: str, data: bytes) -> StoredCheckpoint:
    try:
        checkpoint = SignedCheckpoint.model_validate_json(data)
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"]) or "the JSON"
        return StoredCheckpoint(sequence, subject, None, f"not a checkpoint ({fields})")
    if subject != checkpoint_subject(checkpoint.service):
        return StoredCheckpoint(sequence, subject, checkpoint, f"published on {subject}")
    return StoredCheckpoint(sequence, subject, checkpoint)


async def read_checkpoints(js: JetStreamContext) -> AsyncIterator[StoredCheckpoint]:
    """Every message of the stream in order (none if the stream does not exist)."""
    try:
        info = await js.stream_info(CHECKPOINT_STREAM)
    except NotFoundError:
        return
    if not info.state.messages:
        return
    async for msgs in read_in_order(
        js, CHECKPOINT_STREAM, f"{CHECKPOINT_PREFIX}.>", until=info.state.last_seq
    ):
        for msg in msgs:
            yield parse_stored(position(msg)[0], msg.subject, msg.data)
