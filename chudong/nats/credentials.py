"""The NATS users of a chudong on one machine: passwords generated once per data directory, and the
configuration of the servers that check them.

``chudong run`` starts its nats-server (one node, or the three of ``--cluster``) with the accounts of
:mod:`shared.bus.permissions`: an admin, and one user per service with its permissions. The passwords
live in ``<data dir>/secrets/nats-users.json`` and the server configurations next to each node's data,
readable by their owner only; the CLI reads the admin's password from the same file. Deleting the file
and restarting gives every user a new password.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chudong.nats.server import EmbeddedNats, NatsServerError
from shared.bus.permissions import ACCOUNT, ADMIN_USER, NATS_SERVICES, nats_user, render_authorization

USERS: tuple[str, ...] = (ADMIN_USER, *(nats_user(s) for s in NATS_SERVICES))


def users_file(data_dir: Path) -> Path:
    """Where the NATS users' passwords of ``data_dir`` are kept."""
    return data_dir / "secrets" / "nats-users.json"


def write_private(path: Path, text: str) -> None:
    """Write ``path`` for its owner only (0600, in a 0700 directory made when missing).

    The text goes to a temporary file that is created 0600 and then renamed over ``path``, so a secret is
    never readable by others, nor half-written, at any moment.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class NatsUsers:
    """Each NATS user's password."""

    passwords: Mapping[str, str]

    @classmethod
    def load(cls, path: Path) -> NatsUsers:
        """The passwords kept in ``path``, with one generated (and kept) for each user it lacks."""
        known = cls.read(path)
        passwords = dict(known.passwords) if known else {}
        missing = [user for user in USERS if user not in passwords]
        if missing:
            passwords.update({user: secrets.token_urlsafe(24) for user in missing})
            write_private(path, json.dumps(passwords, indent=2) + "\n")
        # A directory made before (e.g. for the signing key) may be open to others: it holds secrets.
        path.parent.chmod(0o700)
        return cls(passwords)

    @classmethod
    def read(cls, path: Path) -> NatsUsers | None:
        """The passwords kept in ``path``, or None when there is no such file."""
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except json.JSONDecodeError as exc:
            raise NatsServerError(
                f"{path} is not JSON ({exc}): it should map each NATS user to its password; "
                "delete it to generate new passwords"
            ) from exc
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise NatsServerError(
                f"{path} should map each NATS user to its password; delete it to generate new passwords"
            )
        return cls({str(user): password for user, password in data.items()})

    @property
    def admin(self) -> tuple[str, str]:
        """The admin's user and password: it creates the streams, and the CLI connects as it."""
        return ADMIN_USER, self.passwords[ADMIN_USER]

    def of(self, service: str) -> tuple[str, str]:
        """``service``'s own user and password."""
        user = nats_user(service)
        return user, self.passwords[user]

    def server_config(self, path: Path, settings: str = "") -> Path:
        """A nats-server configuration at ``path`` (0600): ``settings``, then the users and their permissions."""
        write_private(path, settings + render_authorization(self.passwords))
        return path


def secured_node(
    data_dir: Path, users: NatsUsers, *, host: str = "127.0.0.1", port: int = -1, settings: str = ""
) -> EmbeddedNats:
    """A nats-server that admits only ``users`` (no anonymous client), its configuration in ``data_dir``."""
    config = users.server_config(data_dir / "nats.conf", settings)
    node = EmbeddedNats(data_dir, host=host, port=port, config_file=config)
    _adopt_anonymous_streams(node.jetstream_dir)
    return node


def _adopt_anonymous_streams(jetstream_dir: Path) -> None:
    """Move the streams of a server that admitted anonymous clients into chudong's account.

    Without accounts, JetStream keeps its streams in the global account (``$G``); once the users are in
    ``ACCOUNT``, those streams (the history's copy, the consumers' positions) would be out of sight and
    the admin would create empty ones. A data directory from before the accounts keeps its history.
    """
    anonymous, chudong = jetstream_dir / "$G", jetstream_dir / ACCOUNT
    if anonymous.is_dir() and not chudong.exists():
        anonymous.rename(chudong)
