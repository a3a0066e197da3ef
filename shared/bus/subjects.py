"""Subjects and streams: ``<service>.<EventType>.<unit path>``.

The unit path's ids are subject tokens, so a consumer (and a NATS permission)
selects a province or district with a wildcard: ``membership.*.vn.bg.>``.
"""

from __future__ import annotations

from shared.events import Envelope

DEAD_LETTER_STREAM = "DEADLETTER"
DEAD_LETTER_PREFIX = "deadletter"
EVENT_SERVICES: tuple[str, ...] = ("membership", "planning", "evaluation", "notifications", "identity")


def stream_name(service: str) -> str:
    """The JetStream stream that holds ``service``'s copy of its history."""
    return service.upper()


def stream_owner(stream: str) -> str:
    """The service whose history ``stream`` holds (``MEMBERSHIP`` → ``membership``)."""
    return stream.lower()


def event_subject(service: str, event_type: str, unit_path: str) -> str:
    return f"{service}.{event_type}.{unit_path}"


def subject_for(envelope: Envelope) -> str:
    return event_subject(envelope.service, envelope.type, envelope.unit_path)


def subjects_under(service: str, unit_path: str, event_type: str = "*") -> str:
    """The wildcard subject for ``service``'s events (of one type, or all) about ``unit_path`` and below."""
    return f"{service}.{event_type}.{unit_path}.>"


def dead_letter_subject(consumer: str) -> str:
    """``deadletter.<service>.<consumer>``: a consumer's name starts with its service's, and the
    service's token lets NATS permissions allow each service its own dead letters only."""
    service = consumer.split("_", 1)[0]
    return f"{DEAD_LETTER_PREFIX}.{service}.{consumer}"
