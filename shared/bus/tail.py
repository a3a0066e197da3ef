"""The tail of a service's stream: its relay's last message, and any message after it that the relay did not write.

Only the relay publishes on its stream (NATS permissions), and it publishes only after its own last
message (``Nats-Expected-Last-Sequence``), so a message it did not write (a leaked credential, an
operator's mistake) sits at the tail until it is repaired: the relay halts there rather than publish
after it (:mod:`shared.bus.relay`), and :func:`quarantine_foreign` moves such messages to the dead
letters and deletes them from the stream (``chudong streams repair``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from shared.bus import headers as h
from shared.bus.seals import SealCheck, sealed_from
from shared.bus.subjects import DEAD_LETTER_STREAM, dead_letter_subject, stream_name
from shared.clock import utcnow

MALFORMED = "not an event"


@dataclass(frozen=True, slots=True)
class Foreign:
    """A message in a service's stream that its relay did not publish, and why it is not the relay's."""

    stream: str
    sequence: int
    subject: str
    reason: str

    def describe(self) -> str:
        return f"stream {self.stream} holds a message its relay did not publish at sequence {self.sequence} ({self.reason})"


async def last_message(js: JetStreamContext, service: str) -> RawStreamMsg | None:
    """The stream's last message still stored (deleted ones are passed over by the server)."""
    try:
        return await js.get_msg(stream_name(service), subject=f"{service}.>")
    except NotFoundError:
        return None


async def seal_check(js: JetStreamContext, service: str, check: SealCheck) -> SealCheck:
    """``check`` with the stream's ``sealed_from`` as recorded now."""
    check.sealed_from = sealed_from(await js.stream_info(stream_name(service)))
    return check


def own_position(msg: RawStreamMsg, check: SealCheck, service: str) -> int | Foreign:
    """The event position of a message the relay published, or why it did not publish it."""
    sequence = int(msg.seq or 0)
    subject = msg.subject or ""
    refused = check.refusal(sequence, subject, msg.headers, msg.data or b"")
    if refused is not None:
        return Foreign(stream_name(service), sequence, subject, refused.refusal.value)
    try:
        position = json.loads(msg.data or b"")["position"]
    except (ValueError, TypeError, KeyError):
        return Foreign(stream_name(service), sequence, subject, MALFORMED)
    if not isinstance(position, int) or position < 1:
        return Foreign(stream_name(service), sequence, subject, MALFORMED)
    return position


async def quarantine_foreign(js: JetStreamContext, service: str, check: SealCheck) -> list[Foreign]:
    """Move every foreign message at the stream's tail to the dead letters, then delete it from the stream.

    Run as a user that may delete messages (the admin). Each copy is written before the message is
    deleted, with a message id naming the stream and sequence, so a repair interrupted and run again
    loses and doubles nothing. Returns the messages moved, newest first.
    """
    await seal_check(js, service, check)
    stream = stream_name(service)
    moved: list[Foreign] = []
    while (msg := await last_message(js, service)) is not None:
        found = own_position(msg, check, service)
        if not isinstance(found, Foreign):
            break
        headers = {
            k: v
            for k, v in (msg.headers or {}).items()
            if k not in (h.MSG_ID, h.EXPECTED_LAST_SEQUENCE, h.LETTER_SEAL)
        }
        headers.update(
            {
                h.MSG_ID: f"quarantine:{stream}:{found.sequence}",
                h.ERROR: found.describe(),
                h.REFUSED: found.reason,
                h.DELIVERIES: "0",
                h.ORIGINAL_SUBJECT: found.subject,
                h.ORIGINAL_STREAM: stream,
                h.ORIGINAL_SEQUENCE: str(found.sequence),
                h.CONSUMER: relay_consumer_name(service),
                h.FAILED_AT: utcnow().isoformat(),
            }
        )
        subject = dead_letter_subject(relay_consumer_name(service))
        await js.publish(subject, msg.data or b"", headers=headers, stream=DEAD_LETTER_STREAM)
        await js.delete_msg(stream, found.sequence)
        moved.append(found)
    return moved


def relay_consumer_name(service: str) -> str:
    """The name quarantined messages are filed under in the dead letters (no consumer replays them)."""
    return f"{service}_relay"
