"""Errors the store raises for the callers to map to HTTP answers."""

from __future__ import annotations


class ConcurrencyError(Exception):
    """Another writer appended to the stream first (optimistic concurrency)."""

    def __init__(self, stream_id: str, expected: int | None, actual: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, not {expected}: it was changed by another request; "
            "reload and retry"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class IdempotencyConflictError(Exception):
    """An ``Idempotency-Key`` was reused for a different request."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} was already used for a different request; use a new key for a new request"
        )
        self.key = key
