"""The envelope: who, when, where and why of every event, around its typed payload."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.ids import new_event_id


class Event(BaseModel):
    """Base of every event payload: one subclass per event type and schema version.

    Payloads name people by pseudonymous ids; personal fields are ciphertext.
    Subclasses are registered with :func:`shared.events.event_type`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1


class Envelope(BaseModel):
    """A recorded event, as stored, relayed and consumed.

    ``occurred_at`` is when it happened, as the user says; ``recorded_at`` when the
    system learned it. ``position`` orders the owning service's history, which is
    hash-chained: ``hash = sha256(prev_hash || stored bytes)``.
    """

    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    type: str
    schema_version: int
    service: str
    stream_id: str
    stream_version: int
    position: int
    unit_path: str
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime
    actor: str
    correlation_id: str
    causation_id: str | None = None
    payload: Event

    # The chain fields are kept beside the stored bytes, not inside them.
    prev_hash: str = ""
    hash: str = ""

    CHAIN_FIELDS: ClassVar[frozenset[str]] = frozenset({"prev_hash", "hash"})

    def body(self) -> bytes:
        """The bytes that are stored, relayed and hashed."""
        # serialize_as_any: the payload is declared as the base Event; write the subclass's fields.
        return self.model_dump_json(exclude=set(self.CHAIN_FIELDS), serialize_as_any=True).encode()

    @property
    def unit_id(self) -> str:
        """The id of the unit the event is about (the last element of its path)."""
        return self.unit_path.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event decided by a command, before the store gives it a place in the history."""

    stream_id: str
    payload: Event
    unit_path: str
    occurred_at: datetime
    event_id: uuid.UUID = field(default_factory=new_event_id)
    causation_id: str | None = None
