"""The event catalogue: an AsyncAPI document generated from the registered event contracts.

FastStream describes each event type as a publisher on its subject, with the
envelope (and its typed payload) as the message schema.
"""

from __future__ import annotations

from typing import Any

from faststream.nats import JStream, NatsBroker
from faststream.specification import AsyncAPI

from shared.bus.subjects import stream_name
from shared.events import REGISTRY, EventRegistry


def catalogue(registry: EventRegistry = REGISTRY, *, version: str = "0.1.0") -> AsyncAPI:
    broker = NatsBroker()
    for name in registry.names():
        cls = registry.get(name)
        service = registry.owner(name)
        schema = registry.envelope_model(name)
        broker.publisher(
            f"{service}.{name}.>",
            stream=JStream(stream_name(service), declare=False),
            title=f"{service}.{name}",
            description=(
                f"{(cls.__doc__ or '').strip()}\n\nPublished by {service} on `{service}.{name}.<unit path>`, "
                f"schema version {cls.schema_version}; `Nats-Msg-Id` is the event id."
            ),
            schema=schema,
        )
    return AsyncAPI(
        broker,
        title="chudong events",
        version=version,
        description="Every event chudong's services publish on NATS JetStream, with its envelope and payload.",
        schema_version="3.0.0",
    )


def catalogue_document(registry: EventRegistry = REGISTRY) -> dict[str, Any]:
    document: dict[str, Any] = catalogue(registry).to_specification().to_jsonable()
    return document
