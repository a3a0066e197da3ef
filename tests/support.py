"""Helpers the tests share: servers, databases and waiting on conditions."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from shared.bus.keys import deployment_keys, fixed_masters
from shared.contracts.membership import MemberJoined, UnitRegistered
from shared.contracts.org import UnitLevel, UnitType
from shared.events import NewEvent

FOUNDED = date(2000, 1, 1)
"""When the units of the tests' trees were founded: long before anything they record."""
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[1]


_container_url: str | None = None


def postgres_admin_url() -> str:
    return os.environ.get("DATABASE_URL") or _container_url or DEFAULT_POSTGRES


def _start_container() -> str | None:
    """A PostgreSQL container when a Docker engine answers (testcontainers); None otherwise."""
    global _container_url
    if _container_url is not None:
        return _container_url
    try:
        from docker.errors import DockerException
        from testcontainers.postgres import PostgresContainer
    except ImportError:
        return None
    try:
        container = PostgresContainer("postgres:16-alpine", driver="asyncpg").start()
    except (DockerException, OSError):
        return None  # no Docker engine here: the caller skips, or fails under CI
    _container_url = container.get_connection_url()
    return _container_url


async def create_postgres_database() -> tuple[str, Callable[[], Awaitable[None]]]:
    """A new, empty PostgreSQL database; returns its URL and a function that drops it.

    Without a server the test is skipped, except under CI (``CI=true``), where it fails.
    """
    admin = make_url(postgres_admin_url())
    name = f"chudong_t_{uuid.uuid4().hex[:12]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if "DATABASE_URL" not in os.environ and _container_url is None and _start_container() is not None:
            return await create_postgres_database()
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL at {admin.render_as_string()} ({exc}); CI=true makes this a failure")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]], timeout: float = 10.0, what: str = ""
) -> None:
    """Poll ``condition`` (a plain or an async check) until it is true; fail after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                met = condition()
                if await met if inspect.isawaitable(met) else met:
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise TimeoutError(f"not so after {timeout} s: {what or condition}") from None


async def cancel(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it has stopped."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@contextlib.asynccontextmanager
async def running(work: Coroutine[Any, Any, Any]) -> AsyncIterator[asyncio.Task[Any]]:
    """``work`` runs as a task while the block runs; it is cancelled when the block ends."""
    task = asyncio.create_task(work)
    try:
        yield task
    finally:
        await cancel(task)


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` with exactly ``labels`` in a ``/metrics`` text, None if absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def eventually(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """``wait_until`` for a test without an event loop (one that drives processes): poll ``check``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not so after {timeout} s: {what}")
        time.sleep(0.1)


def fixed_key_settings(service: str) -> dict[str, Any]:
    """The bus key settings of ``service`` under the fixed test keys, for a ``ServiceSettings`` built by hand."""
    return {
        variable.removeprefix(f"{service.upper()}_").lower(): SecretStr(value)
        for variable, value in deployment_keys(fixed_masters()).items()
        if variable.startswith(f"{service.upper()}_BUS_KEY")
    }


def when(day: int = 1, month: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


def unit_event(unit_id: str, parent: str | None, path: str, level: UnitLevel = UnitLevel.BRANCH) -> NewEvent:
    payload = UnitRegistered(
        unit_id=unit_id,
        name=f"Đơn vị {unit_id}",
        level=level,
        unit_type=UnitType.COMMUNE_WARD,
        parent_id=parent,
    )
    return NewEvent(f"unit-{unit_id}", payload, path, when())


def unit_body(unit_id: str, parent: str | None, level: str) -> dict[str, str | None]:
    """What ``POST /units`` takes to register the unit :func:`unit_event` records, a commune or ward's,
    founded on :data:`FOUNDED` so that the records a test dates in the past fall within its life."""
    return {
        "unit_id": unit_id,
        "name": f"Đơn vị {unit_id}",
        "level": level,
        "unit_type": "commune_ward",
        "parent_id": parent,
        "established_on": FOUNDED.isoformat(),
    }


def member_event(member_id: str, branch_path: str) -> NewEvent:
    branch = branch_path.rsplit(".", 1)[-1]
    payload = MemberJoined(
        member_id=member_id,
        branch_id=branch,
        joined_on=when().date(),
        admission_decision_ref=f"QĐ {member_id}",
    )
    return NewEvent(f"member-{member_id}", payload, branch_path, when())


def token_for(secret: str, role: str, unit: str, subject: str = "tester", name: str = "") -> dict[str, str]:
    from shared.auth import Role, mint_token

    token = mint_token(secret, subject=subject, role=Role(role), unit_id=unit, name=name)
    return {"Authorization": f"Bearer {token}"}


def encodings(secret: bytes) -> list[bytes]:
    """``secret`` as it could be written down: raw, hex, and base64 (standard and URL-safe) at each
    alignment inside a longer value (the middle of the encoding, which its neighbours do not change)."""
    forms = [secret, secret.hex().encode(), secret.hex().upper().encode()]
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + secret + bytes(3))
        middle = encoded[4:-8]
        forms += [middle, middle.replace(b"+", b"-").replace(b"/", b"_")]
    return forms


def files_holding(root: Path, secret: bytes) -> list[Path]:
    """Every file under ``root`` that holds ``secret`` in any of its :func:`encodings`."""
    forms = encodings(secret)
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            continue  # a running system's temporary file, gone since it was listed
        if any(form in content for form in forms):
            found.append(path)
    return found


def run_benchmark(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The benchmark ``module`` at its tiny size, writing no results: its smoke test."""
    return subprocess.run(
        [sys.executable, "-m", module, "--size", "tiny", "--no-write", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
