"""The fast tier stays fast: a test here that asks for a server or a database is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

# The fixtures of tests/conftest.py that start a nats-server or open a database.
SERVER_FIXTURES = frozenset(
    {"nats_server", "nats_client", "js", "database_url", "postgres_url", "db", "store"}
)
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        used = sorted(SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        if used:
            raise pytest.UsageError(
                f"{item.nodeid} uses {', '.join(used)}: tests/unit runs without NATS or a database; "
                "use the in-memory ports of tests/fakes, or move the test to tests/integration"
            )
