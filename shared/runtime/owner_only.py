"""Files under the data directory are for the owner only: databases (with their -wal and -shm), the
NATS store, evidence, secrets and logs hold personal data, keys and credentials.

Each process that writes there (``chudong run``, which starts nats-server, and every service) sets
its umask to 077 first, so everything it and its children create is 0600 (directories 0700),
whatever mode the code creating it asked for. A data directory written by an older release is
tightened when a process starts on it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o077  # the bits of group and others, taken away


def keep_private(*roots: Path | None) -> None:
    """Set this process's umask to owner only, and take group's and others' access away under ``roots``."""
    os.umask(OWNER_ONLY)
    for root in roots:
        if root is not None:
            tighten(root)


def tighten(root: Path) -> None:
    """``root`` and everything below it: no access for group or others (symbolic links are left alone)."""
    if not root.is_dir():
        return
    _tighten_one(str(root))
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            _tighten_one(os.path.join(folder, name))


def _tighten_one(path: str) -> None:
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISLNK(mode) and mode & OWNER_ONLY:
            os.chmod(path, stat.S_IMODE(mode) & ~OWNER_ONLY)
    except FileNotFoundError:
        pass  # removed while we walked (a WAL checkpointed, a temporary file renamed)
