"""The process that runs one service: database, store, NATS, relay and consumers."""

from shared.runtime.service import ServiceRuntime

__all__ = ["ServiceRuntime"]
