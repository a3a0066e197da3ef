"""A service's background tasks: started by name, watched for failure, and all ended on stop."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog

log = structlog.get_logger("runtime")


class BackgroundTasks:
    """The asyncio tasks of one service process, named ``<service>:<name>``."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._tasks: list[asyncio.Task[None]] = []

    def spawn(self, coro: Any, name: str) -> None:
        task = asyncio.create_task(coro, name=f"{self.service}:{name}")
        task.add_done_callback(self._on_done)
        self._tasks.append(task)

    def _on_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("service.task_failed", task=task.get_name(), error=repr(task.exception()))

    def state(self, name: str) -> str:
        """``running``, ``failed`` (ended with an error) or ``stopped`` (ended, or never started)."""
        task = next((t for t in self._tasks if t.get_name() == f"{self.service}:{name}"), None)
        if task is None:
            return "stopped"
        if not task.done():
            return "running"
        return "failed" if not task.cancelled() and task.exception() is not None else "stopped"

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        # A task can swallow one cancellation (asyncio.wait_for on Python 3.11 does when what it
        # awaits completes at the same moment, in our code or a library's): cancel again until it ends.
        pending = set(self._tasks)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=1.0)
            for task in pending:
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
