"""Which database errors mean "unavailable, retry" (503) rather than a failed command."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError

from shared.store.database import is_unavailable


class _AdaptedError(Exception):
    """How SQLAlchemy's asyncpg adapter wraps the driver's error (the driver's is its cause)."""


def wrapped(error: Exception) -> DBAPIError:
    adapted = _AdaptedError(str(error))
    adapted.__cause__ = error
    return DBAPIError("SELECT 1", {}, adapted)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is not yet accepting connections"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CrashShutdownError("terminating connection due to crash of another process"),
    ],
)
def test_a_server_restarting_or_shutting_down_is_unavailable(error: Exception) -> None:
    assert is_unavailable(wrapped(error))


def test_a_cancelled_query_is_not_unavailability() -> None:
    assert not is_unavailable(wrapped(asyncpg.exceptions.QueryCanceledError("canceling statement")))
