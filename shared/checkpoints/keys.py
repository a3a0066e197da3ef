"""Each service's checkpoint key: an Ed25519 private key, 32 bytes written as 64 hexadecimal digits.

It comes from the service's setting ``<SERVICE>_CHECKPOINT_KEY`` when the operator supplies one (a
deployment: its secret), else from ``<data dir>/secrets/checkpoints/<service>.key``, made once by the
first process that needs it, for the owner only (file 0600, directory 0700). A key file that others may
read is refused: whoever reads it can sign checkpoints in the service's name.
"""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.bus.keys import create_once
from shared.bus.subjects import EVENT_SERVICES
from shared.checkpoints.model import public_hex
from shared.settings import CommonSettings, ServiceSettings, service_settings

KEY_BYTES = 32


class CheckpointKeyError(ValueError):
    """A checkpoint key that is malformed, or kept where others may read it."""


def key_variable(service: str) -> str:
    return f"{service.upper()}_CHECKPOINT_KEY"


def key_directory(data_dir: Path) -> Path:
    return data_dir / "secrets" / "checkpoints"


def key_file(data_dir: Path, service: str) -> Path:
    return key_directory(data_dir) / f"{service}.key"


def parse_key(source: str, text: str) -> Ed25519PrivateKey:
    try:
        seed = bytes.fromhex(text.strip())
    except ValueError:
        seed = b""
    if len(seed) != KEY_BYTES:
        raise CheckpointKeyError(
            f"{source} must be {KEY_BYTES * 2} hexadecimal digits (an Ed25519 private key; "
            f"`chudong checkpoints keys` makes them), not {len(text.strip())} characters"
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def read_key_file(path: Path) -> Ed25519PrivateKey:
    """The key in ``path``, refused when the file is open to group or others."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CheckpointKeyError(
            f"{path} may be read by others (mode {mode:04o}): it signs checkpoints in its service's "
            f"name; make it the owner's only (chmod 600) or supply the key in a setting"
        )
    return parse_key(str(path), path.read_text())


def ensure_key_file(data_dir: Path, service: str) -> Path:
    """``service``'s key file in ``data_dir``, made (0600, in a 0700 directory) unless it exists."""
    directory = key_directory(data_dir)
    for private in (directory.parent, directory):
        private.mkdir(mode=0o700, parents=True, exist_ok=True)
        private.chmod(0o700)
    path = key_file(data_dir, service)
    create_once(path, secrets.token_bytes(KEY_BYTES).hex())
    return path


def load_checkpoint_key(settings: ServiceSettings, common: CommonSettings) -> Ed25519PrivateKey:
    """The key service ``settings.name`` signs with: its setting, else its file (made once)."""
    if settings.checkpoint_key is not None:
        return parse_key(key_variable(settings.name), settings.checkpoint_key.get_secret_value())
    return read_key_file(ensure_key_file(common.data_dir, settings.name))


def known_keys(common: CommonSettings, data_dir: Path | None = None) -> dict[str, Ed25519PrivateKey]:
    """The services' keys this process can find (settings, then files), making none."""
    found: dict[str, Ed25519PrivateKey] = {}
    for service in EVENT_SERVICES:
        settings = service_settings(service)
        if settings.checkpoint_key is not None:
            found[service] = parse_key(key_variable(service), settings.checkpoint_key.get_secret_value())
            continue
        path = key_file(data_dir or common.data_dir, service)
        if path.exists():
            found[service] = read_key_file(path)
    return found


def known_public_keys(common: CommonSettings, data_dir: Path | None = None) -> dict[str, str]:
    """Each service's public key, from the keys this process can find."""
    return {service: public_hex(key) for service, key in known_keys(common, data_dir).items()}
