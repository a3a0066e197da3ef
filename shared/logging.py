"""structlog set-up and the correlation id carried across HTTP and NATS.

A console renderer on a terminal, JSON otherwise; bound context variables
(``correlation_id``, ``service``) are merged into every line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

import structlog

from shared.ids import new_event_id

CORRELATION_HEADER = "X-Correlation-ID"

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def configure_logging(service: str, *, fmt: str = "auto", level: str = "INFO") -> None:
    """Configure structlog and the standard library logging for one process."""
    json_output = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json_output else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared_processors, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("uvicorn.access", "faststream", "nats", "aiosqlite", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.contextvars.bind_contextvars(service=service)


def current_correlation_id() -> str:
    """The correlation id of the work in progress, created if there is none yet."""
    value = _correlation_id.get()
    if value is None:
        value = str(new_event_id())
        _correlation_id.set(value)
    return value


def _add_correlation_id(
    _: object, __: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    # Read at logging time, so setting the id (once per consumed event) costs one ContextVar.set.
    value = _correlation_id.get()
    if value is not None:
        event_dict.setdefault("correlation_id", value)
    return event_dict


def set_correlation(correlation_id: str) -> Token[str | None]:
    return _correlation_id.set(correlation_id)


def reset_correlation(token: Token[str | None]) -> None:
    _correlation_id.reset(token)


@contextmanager
def correlation(correlation_id: str | None) -> Iterator[str]:
    """Run a block under ``correlation_id`` (a new one when None); every log line inside carries it."""
    value = correlation_id or str(new_event_id())
    token = _correlation_id.set(value)
    try:
        yield value
    finally:
        _correlation_id.reset(token)
