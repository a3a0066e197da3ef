"""The AsyncAPI event catalogue is generated from the code, and the published copy is current."""

from __future__ import annotations

import json
from pathlib import Path

from chudong.nats.catalogue import catalogue_document
from shared.events import REGISTRY

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "events" / "asyncapi.json"


def test_every_registered_event_type_has_a_channel_with_its_schema() -> None:
    document = catalogue_document()
    for name in REGISTRY.names():
        channel = document["channels"][f"{REGISTRY.owner(name)}.{name}"]
        assert channel["address"] == f"{REGISTRY.owner(name)}.{name}.>"
        assert f"{name}Envelope" in document["components"]["schemas"]


def test_the_published_catalogue_is_the_generated_one() -> None:
    generated = json.loads(json.dumps(catalogue_document(), ensure_ascii=False, sort_keys=True))
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == generated, (
        "docs/events/asyncapi.json is stale: run `make catalogue`"
    )
