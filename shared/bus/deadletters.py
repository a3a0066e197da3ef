"""The dead-letter stream: what a consumer could not process or refused, with its error, and its replay.

A replay applies a letter only if the consumer replaying it wrote it (its letter seal, see
:mod:`shared.bus.consumer`), did not refuse it, and the message's seal holds when checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.bus import headers as h
from shared.bus.consumer import ProjectionConsumer
from shared.bus.seals import chain_of
from shared.bus.subjects import DEAD_LETTER_PREFIX, DEAD_LETTER_STREAM, dead_letter_subject
from shared.events import REGISTRY, Envelope, EventRegistry


@dataclass(frozen=True, slots=True)
class DeadLetter:
    sequence: int
    consumer: str
    error: str
    deliveries: int
    original_subject: str
    original_stream: str
    original_sequence: int
    failed_at: str
    refused: str
    data: bytes
    headers: dict[str, str]

    def envelope(self, registry: EventRegistry = REGISTRY) -> Envelope:
        hash, prev_hash = chain_of(self.headers)
        return registry.decode(self.data, prev_hash=prev_hash, hash=hash)

    def summary(self) -> dict[str, object]:
        return {
            "sequence": self.sequence,
            "consumer": self.consumer,
            "error": self.error,
            "deliveries": self.deliveries,
            "original_subject": self.original_subject,
            "original_stream": self.original_stream,
            "original_sequence": self.original_sequence,
            "failed_at": self.failed_at,
            "refused": self.refused or None,
        }


async def list_dead_letters(
    js: JetStreamContext, consumer: str | None = None, *, after: int = 0, limit: int | None = None
) -> list[DeadLetter]:
    """Every dead letter (of one consumer, or all), oldest first; ``after`` a stream sequence, at most ``limit``."""
    subject = dead_letter_subject(consumer) if consumer else f"{DEAD_LETTER_PREFIX}.>"
    letters: list[DeadLetter] = []
    sequence = after + 1
    while limit is None or len(letters) < limit:
        try:
            raw = await js.get_msg(DEAD_LETTER_STREAM, seq=sequence, subject=subject, next=True)
        except NotFoundError:
            return letters
        headers = dict(raw.headers or {})
        assert raw.seq is not None
        letters.append(
            DeadLetter(
                sequence=raw.seq,
                consumer=headers.get(h.CONSUMER, ""),
                error=headers.get(h.ERROR, ""),
                deliveries=int(headers.get(h.DELIVERIES, "0")),
                original_subject=headers.get(h.ORIGINAL_SUBJECT, ""),
                original_stream=headers.get(h.ORIGINAL_STREAM, ""),
                original_sequence=int(headers.get(h.ORIGINAL_SEQUENCE, "0")),
                failed_at=headers.get(h.FAILED_AT, ""),
                refused=headers.get(h.REFUSED, ""),
                data=raw.data or b"",
                headers=headers,
            )
        )
        sequence = raw.seq + 1
    return letters


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    sequence: int
    replayed: bool
    error: str | None = None


async def replay_dead_letters(
    js: JetStreamContext, consumer: ProjectionConsumer, sequences: set[int] | None = None
) -> list[ReplayOutcome]:
    """Apply a consumer's dead letters to its projection again; those that now succeed leave the stream."""
    outcomes: list[ReplayOutcome] = []
    for letter in await list_dead_letters(js, consumer.name):
        if sequences is not None and letter.sequence not in sequences:
            continue
        refusal = why_not_replayed(letter, consumer)
        if refusal is not None:
            outcomes.append(ReplayOutcome(letter.sequence, False, refusal))
            continue
        try:
            await consumer.apply_one(letter.envelope(consumer.registry), letter.original_sequence)
        except Exception as exc:
            outcomes.append(ReplayOutcome(letter.sequence, False, f"{exc.__class__.__name__}: {exc}"))
            continue
        await js.delete_msg(DEAD_LETTER_STREAM, letter.sequence)
        outcomes.append(ReplayOutcome(letter.sequence, True))
    return outcomes


def why_not_replayed(letter: DeadLetter, consumer: ProjectionConsumer) -> str | None:
    """Why ``consumer`` must not apply ``letter``, or None."""
    seals = consumer.seals
    sequence, subject = letter.original_sequence, letter.original_subject
    if not seals.letter_is_ours(
        consumer.name, letter.refused, sequence, subject, letter.headers, letter.data
    ):
        return (
            f"not applied: the letter does not carry {consumer.name}'s letter seal "
            "(written by someone else, altered, or written before seals)"
        )
    if letter.refused:
        return f"not applied: the message was refused ({letter.refused}); its owner did not publish it"
    refused = seals.refusal(sequence, subject, letter.headers, letter.data)
    if refused is not None:
        return f"not applied: {refused}"
    return None
