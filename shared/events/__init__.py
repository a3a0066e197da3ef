"""Events: the envelope every event travels in, and the registry of event types."""

from shared.events.envelope import Envelope, Event, NewEvent
from shared.events.registry import REGISTRY, EventRegistry, UnknownEventTypeError, event_type, upcaster

__all__ = [
    "REGISTRY",
    "Envelope",
    "Event",
    "EventRegistry",
    "NewEvent",
    "UnknownEventTypeError",
    "event_type",
    "upcaster",
]
