"""The bus keys: each stream owner's master key, and the key it derives for each reader of its stream.

A service process holds its own master (its relay seals with it) and the reader keys of the other
streams it reads, nothing else (see :mod:`shared.bus.seals`). They come from

- the settings, in a deployment: ``<SERVICE>_BUS_KEY`` (the master, for a service with a stream) and
  ``<SERVICE>_BUS_KEY_<OWNER>`` (the key ``OWNER`` gave it), 64 hexadecimal digits each, made by
  ``chudong bus-keys``;
- otherwise the data directory: ``<data_dir>/secrets/bus/`` (directory 0700, files 0600), generated
  once, by ``chudong run`` before it starts the services or by the first process that needs them.

The keys live as long as the streams: a message is checked again whenever it is read (a rebuild
reads every message from the first), so a lost or replaced key makes the history it sealed refused.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from shared.bus.permissions import NATS_SERVICES, READS
from shared.bus.seals import SealCheck, Sealer, reader_key, readers_of
from shared.bus.subjects import EVENT_SERVICES
from shared.settings import CommonSettings, ServiceSettings

KEY_BYTES = 32


class BusKeyError(ValueError):
    """A key a service needs is missing or malformed: it cannot start."""


def master_variable(service: str) -> str:
    """``MEMBERSHIP_BUS_KEY``: the setting holding ``service``'s master key."""
    return f"{service.upper()}_BUS_KEY"


def reader_variable(reader: str, owner: str) -> str:
    """``EVALUATION_BUS_KEY_MEMBERSHIP``: the setting holding the key ``owner`` gave ``reader``."""
    return f"{reader.upper()}_BUS_KEY_{owner.upper()}"


def needed_variables(service: str) -> list[str]:
    """The key settings ``service`` needs in a deployment."""
    owned = [master_variable(service)] if service in EVENT_SERVICES else []
    return owned + [reader_variable(service, owner) for owner in READS.get(service, ()) if owner != service]


@dataclass(frozen=True, slots=True)
class BusKeys:
    """The keys of one service process: its master (if it owns a stream) and its reader keys by owner."""

    service: str
    master: bytes | None = None
    reader_keys: Mapping[str, bytes] = field(default_factory=dict)

    def sealer(self) -> Sealer:
        """What the relay seals with: a MAC for each reader of the stream."""
        if self.master is None:
            raise BusKeyError(
                f"{self.service} holds no master key to seal its stream: set {master_variable(self.service)}"
            )
        return Sealer(self.master, readers_of(self.service))

    def check(self, owner: str, *, sealed_from: int = 1) -> SealCheck:
        """What this service checks on ``owner``'s stream."""
        if owner == self.service and self.master is not None:
            return SealCheck(self.service, reader_key(self.master, self.service), sealed_from=sealed_from)
        key = self.reader_keys.get(owner)
        if key is None:
            raise BusKeyError(
                f"{self.service} holds no key to check {owner}'s seals: set {reader_variable(self.service, owner)}"
            )
        return SealCheck(self.service, key, sealed_from=sealed_from)

    def own_check(self, *, sealed_from: int = 1) -> SealCheck:
        """How the relay recognises its own messages: the MAC it made for one of its stream's readers."""
        if self.master is None:
            raise BusKeyError(f"{self.service} holds no master key: set {master_variable(self.service)}")
        readers = readers_of(self.service)
        reader = self.service if self.service in readers else readers[0]
        return SealCheck(reader, reader_key(self.master, reader), sealed_from=sealed_from)


def keys_from_masters(
    service: str, masters: Mapping[str, bytes], owners: tuple[str, ...] | None = None
) -> BusKeys:
    """``service``'s keys given every owner's master: its own, and the reader keys of ``owners``' streams."""
    wanted = READS.get(service, ()) if owners is None else owners
    return BusKeys(
        service,
        masters.get(service),
        {
            owner: reader_key(masters[owner], service)
            for owner in wanted
            if owner != service and owner in masters
        },
    )


def fixed_masters() -> dict[str, bytes]:
    """Masters derived from a constant, the same in every process: for tests and benchmarks only."""
    return {
        o: hashlib.blake2b(o.encode(), digest_size=KEY_BYTES, person=b"chudong.fixed").digest()
        for o in EVENT_SERVICES
    }


def fixed_keys(service: str) -> BusKeys:
    """``service``'s keys under :func:`fixed_masters`, for tests and benchmarks only.

    They read every stream (a test's consumer may read what its service does not in production).
    """
    return keys_from_masters(service, fixed_masters(), EVENT_SERVICES)


def new_masters() -> dict[str, bytes]:
    return {owner: secrets.token_bytes(KEY_BYTES) for owner in EVENT_SERVICES}


def deployment_keys(masters: Mapping[str, bytes]) -> dict[str, str]:
    """Every service's key settings (variable → hex), for a deployment's secret."""
    values: dict[str, str] = {}
    for service in NATS_SERVICES:
        keys = keys_from_masters(service, masters)
        if keys.master is not None:
            values[master_variable(service)] = keys.master.hex()
        for owner, key in sorted(keys.reader_keys.items()):
            values[reader_variable(service, owner)] = key.hex()
    return values


def key_directory(data_dir: Path) -> Path:
    return data_dir / "secrets" / "bus"


def ensure_bus_keys(data_dir: Path) -> Path:
    """Generate a data directory's bus keys unless they exist: a master per owner, and its readers' keys."""
    directory = key_directory(data_dir)
    for private in (directory.parent, directory):
        private.mkdir(mode=0o700, parents=True, exist_ok=True)
        private.chmod(0o700)
    for owner in EVENT_SERVICES:
        master = bytes.fromhex(create_once(directory / f"{owner}.key", secrets.token_bytes(KEY_BYTES).hex()))
        for reader in readers_of(owner):
            if reader != owner:
                create_once(directory / f"{owner}.{reader}.key", reader_key(master, reader).hex())
    return directory


def read_masters(data_dir: Path) -> dict[str, bytes]:
    """The masters of a data directory (``chudong bus-keys --data-dir`` carries them to a deployment)."""
    directory = key_directory(data_dir)
    return {owner: _read_key(directory / f"{owner}.key") for owner in EVENT_SERVICES}


def _read_key(path: Path) -> bytes:
    if not path.exists():
        raise BusKeyError(f"no bus key at {path}")
    return _parse(str(path), path.read_text())


def create_once(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` (0600) unless it exists; another process may win the race: read theirs."""
    if not path.exists():
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        try:
            os.link(candidate, path)  # never replaces a key another process wrote first
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def _parse(source: str, text: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise BusKeyError(
            f"{source} must be {KEY_BYTES * 2} hexadecimal digits (`chudong bus-keys` makes them), "
            f"not {len(text.strip())} characters"
        )
    return key


def load_bus_keys(settings: ServiceSettings, common: CommonSettings) -> BusKeys:
    """The keys of service ``settings.name``: from its settings if any is set, else from the data directory."""
    service = settings.name
    owners = [o for o in READS.get(service, ()) if o != service]
    owns = service in EVENT_SERVICES
    configured: dict[str, SecretStr | None] = {o: getattr(settings, f"bus_key_{o}", None) for o in owners}
    if settings.bus_key is not None or any(v is not None for v in configured.values()):
        missing = [master_variable(service)] if owns and settings.bus_key is None else []
        missing += [reader_variable(service, o) for o, v in configured.items() if v is None]
        if missing:
            raise BusKeyError(f"{service}'s bus keys are set in part: set {', '.join(missing)} too")
        secret = settings.bus_key
        return BusKeys(
            service,
            _parse(master_variable(service), secret.get_secret_value()) if owns and secret else None,
            {
                o: _parse(reader_variable(service, o), v.get_secret_value())
                for o, v in configured.items()
                if v
            },
        )
    directory = ensure_bus_keys(common.data_dir)
    return BusKeys(
        service,
        _read_key(directory / f"{service}.key") if owns else None,
        {o: _read_key(directory / f"{o}.{service}.key") for o in owners},
    )
