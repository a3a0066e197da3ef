"""Event types, schema versions and upcasters."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from shared.events import Envelope, Event, EventRegistry, UnknownEventTypeError, event_type, upcaster


def registry_with_v2() -> tuple[EventRegistry, type[Event]]:
    registry = EventRegistry()

    @event_type("BranchRenamed", version=2, service="membership", registry=registry)
    class BranchRenamed(Event):
        branch_id: str
        name: str
        reason: str

    @upcaster("BranchRenamed", from_version=1, registry=registry)
    def v1_to_v2(payload: dict[str, object]) -> dict[str, object]:
        return {**payload, "reason": "not recorded before schema version 2"}

    return registry, BranchRenamed


def stored(version: int, payload: dict[str, object], type_name: str = "BranchRenamed") -> bytes:
    now = datetime(2026, 10, 5, tzinfo=UTC).isoformat()
    return json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "type": type_name,
            "schema_version": version,
            "service": "membership",
            "stream_id": "unit-b",
            "stream_version": 1,
            "position": 1,
            "unit_path": "vn.b",
            "occurred_at": now,
            "recorded_at": now,
            "actor": "t",
            "correlation_id": "c",
            "causation_id": None,
            "payload": payload,
        }
    ).encode()


def test_a_current_event_decodes_to_its_typed_payload() -> None:
    registry, cls = registry_with_v2()
    envelope = registry.decode(stored(2, {"branch_id": "b", "name": "Chi đoàn 1", "reason": "sáp nhập"}))
    assert isinstance(envelope, Envelope) and isinstance(envelope.payload, cls)
    assert envelope.payload.reason == "sáp nhập"  # type: ignore[attr-defined]


def test_an_event_stored_under_an_old_version_is_upcast_on_read_and_never_rewritten() -> None:
    registry, cls = registry_with_v2()
    body = stored(1, {"branch_id": "b", "name": "Chi đoàn 1"})
    envelope = registry.decode(body)
    assert isinstance(envelope.payload, cls) and envelope.schema_version == 2
    assert envelope.payload.reason.startswith("not recorded")  # type: ignore[attr-defined]
    assert json.loads(body)["schema_version"] == 1


def test_an_unknown_type_or_future_version_is_refused_by_name() -> None:
    registry, _ = registry_with_v2()
    with pytest.raises(UnknownEventTypeError, match="MemberVanished"):
        registry.decode(stored(1, {}, type_name="MemberVanished"))
    with pytest.raises(UnknownEventTypeError, match="version 3"):
        registry.decode(stored(3, {"branch_id": "b", "name": "x", "reason": "y"}))


def test_a_type_cannot_be_registered_twice_under_one_name() -> None:
    registry, _ = registry_with_v2()
    with pytest.raises(ValueError, match="registered twice"):

        @event_type("BranchRenamed", service="planning", registry=registry)
        class Other(Event):
            pass
