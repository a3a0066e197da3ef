"""The registry of event types, their schema versions and upcasters.

Each type is validated through a discriminated union on ``type`` built from the
registered classes. Stored events are never rewritten: an event stored under an
older schema version is upcast, step by step, when it is read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import Field, TypeAdapter, ValidationError, create_model

from shared.events.envelope import Envelope, Event

E = TypeVar("E", bound=type[Event])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventTypeError(ValueError):
    def __init__(self, type_name: str, version: int | None = None) -> None:
        known = f" (version {version})" if version is not None else ""
        super().__init__(f"unknown event type {type_name!r}{known}")
        self.type_name = type_name


class EventRegistry:
    """Event types by name: the current class of each and the upcasters from older versions."""

    def __init__(self) -> None:
        self._types: dict[str, type[Event]] = {}
        self._owners: dict[str, str] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._adapter: TypeAdapter[Envelope] | None = None

    def register(self, cls: type[Event], name: str, version: int, service: str) -> None:
        existing = self._types.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(
                f"event type {name!r} is registered twice ({existing.__qualname__}, {cls.__qualname__})"
            )
        cls.event_type = name
        cls.schema_version = version
        self._types[name] = cls
        self._owners[name] = service
        self._adapter = None

    def add_upcaster(self, name: str, from_version: int, fn: Upcaster) -> None:
        self._upcasters[(name, from_version)] = fn

    def get(self, name: str) -> type[Event]:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownEventTypeError(name) from None

    def owner(self, name: str) -> str:
        """The service that publishes events of type ``name``."""
        self.get(name)
        return self._owners[name]

    def names(self) -> list[str]:
        return sorted(self._types)

    def types(self) -> list[type[Event]]:
        return [self._types[n] for n in self.names()]

    def envelope_model(self, name: str) -> type[Envelope]:
        """The envelope of event type ``name``: ``type`` and ``schema_version`` fixed, the payload typed."""
        cls = self.get(name)
        model: type[Envelope] = create_model(
            f"{name}Envelope",
            __base__=Envelope,
            __doc__=(cls.__doc__ or name).strip(),
            type=(Literal[name], ...),  # type: ignore[arg-type]
            schema_version=(Literal[cls.schema_version], ...),  # type: ignore[arg-type]
            payload=(cls, ...),
        )
        return model

    def _envelope_adapter(self) -> TypeAdapter[Envelope]:
        if self._adapter is None:
            variants = tuple(self.envelope_model(name) for name in self._types)
            union = Union[variants] if len(variants) > 1 else variants[0]  # noqa: UP007
            self._adapter = TypeAdapter(Annotated[union, Field(discriminator="type")])  # type: ignore[arg-type]
        return self._adapter

    def decode(self, body: bytes | str, *, prev_hash: str = "", hash: str = "") -> Envelope:
        """Validate stored bytes into an envelope with its typed payload, upcasting old versions."""
        adapter = self._envelope_adapter()
        try:
            envelope = adapter.validate_json(body)
        except ValidationError:
            envelope = adapter.validate_python(self._upcast(json.loads(body)))
        envelope.prev_hash = prev_hash
        envelope.hash = hash
        return envelope

    def _upcast(self, data: dict[str, Any]) -> dict[str, Any]:
        name = data.get("type")
        version = data.get("schema_version")
        if not isinstance(name, str) or name not in self._types:
            raise UnknownEventTypeError(str(name), version if isinstance(version, int) else None)
        current = self._types[name].schema_version
        if not isinstance(version, int) or version > current:
            raise UnknownEventTypeError(name, version if isinstance(version, int) else None)
        payload = data.get("payload")
        if not isinstance(payload, dict):
            return data
        while version < current:
            step = self._upcasters.get((name, version))
            if step is None:
                raise UnknownEventTypeError(name, version)
            payload = step(dict(payload))
            version += 1
        return {**data, "schema_version": version, "payload": payload}


REGISTRY = EventRegistry()
"""The registry every service uses; :mod:`shared.contracts` fills it on import."""


def event_type(
    name: str, version: int = 1, *, service: str, registry: EventRegistry = REGISTRY
) -> Callable[[E], E]:
    """Register an :class:`Event` subclass as the current schema of event type ``name``, owned by ``service``."""

    def register(cls: E) -> E:
        registry.register(cls, name, version, service)
        return cls

    return register


def upcaster(
    name: str, from_version: int, registry: EventRegistry = REGISTRY
) -> Callable[[Upcaster], Upcaster]:
    """Register the step that turns a ``name`` payload of ``from_version`` into ``from_version + 1``."""

    def register(fn: Upcaster) -> Upcaster:
        registry.add_upcaster(name, from_version, fn)
        return fn

    return register
