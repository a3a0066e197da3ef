"""In-memory adapters for the fast tier: each subclasses the real port, so a handler cannot tell them apart.

They keep what the real adapters keep and refuse what they refuse (a stream not at its expected
version, a reused Idempotency-Key), without NATS or a database. Anything they do not model reaches
for ``db`` and fails at once: a handler that does so is not in the fast tier.
"""

from shared.errors import DomainError
from tests.fakes.directory import InMemoryUnitDirectory, org_unit
from tests.fakes.keys import InMemoryKeyRing
from tests.fakes.store import InMemoryEventStore

__all__ = ["InMemoryEventStore", "InMemoryKeyRing", "InMemoryUnitDirectory", "org_unit", "refusal"]


def refusal(error: DomainError) -> tuple[str, str | None, object]:
    """What a refusal names, as a test compares it: its rule, the field and the value."""
    return error.rule, error.field, error.value
