"""A signed checkpoint: "service S's history holds, at position P, the chain hash H", signed at T.

The signature is Ed25519 over a fixed text of those four fields (:meth:`SignedCheckpoint.statement`),
so nothing else in the JSON (its layout, its key order) matters. The chain hash at P covers every
event up to P (each hash covers the one before), so one checkpoint anchors the whole history before it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel, ConfigDict, Field

STATEMENT_FORMAT = "chudong-checkpoint/1"
CHECKPOINT_FILE_FORMAT = "chudong-checkpoints/1"
_HEX64 = r"^[0-9a-f]{64}$"


def public_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A key's public half, 64 hexadecimal digits."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def fingerprint(public_key: str) -> str:
    """A short name for a public key, for people to compare: the first 16 digits of its SHA-256."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:16]


def _instant(moment: datetime) -> str:
    """One way to write an instant, whatever zone it was given in."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SignedCheckpoint(BaseModel):
    """A service's chain head at one moment, signed with the service's key."""

    model_config = ConfigDict(frozen=True)

    service: str = Field(min_length=1, max_length=50, pattern=r"^[a-z]+$")
    position: int = Field(ge=1, description="the position of the last event the checkpoint covers")
    hash: str = Field(pattern=_HEX64, description="the chain hash of the event at that position")
    signed_at: datetime
    public_key: str = Field(pattern=_HEX64, description="the Ed25519 key it was signed with")
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")

    @staticmethod
    def statement_of(service: str, position: int, hash: str, signed_at: datetime) -> bytes:
        return f"{STATEMENT_FORMAT}\n{service}\n{position}\n{hash}\n{_instant(signed_at)}".encode()

    def statement(self) -> bytes:
        """What the signature covers."""
        return self.statement_of(self.service, self.position, self.hash, self.signed_at)

    def signature_valid(self) -> bool:
        """Whether the signature is the one ``public_key`` makes over the statement."""
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key)).verify(
                bytes.fromhex(self.signature), self.statement()
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def key_fingerprint(self) -> str:
        return fingerprint(self.public_key)


def sign_head(
    key: Ed25519PrivateKey, service: str, position: int, hash: str, signed_at: datetime
) -> SignedCheckpoint:
    """Sign ``service``'s chain head (``position``, ``hash``) as of ``signed_at``."""
    signature = key.sign(SignedCheckpoint.statement_of(service, position, hash, signed_at))
    return SignedCheckpoint(
        service=service,
        position=position,
        hash=hash,
        signed_at=signed_at,
        public_key=public_hex(key),
        signature=signature.hex(),
    )


class CheckpointFile(BaseModel):
    """Checkpoints exported for an auditor to keep, and to check a history against later.

    The public keys in it are those the auditor saw when they filed it: a later history must hold the
    same hashes at the same positions, whatever keys the system has by then.
    """

    format: Literal["chudong-checkpoints/1"] = "chudong-checkpoints/1"
    exported_at: datetime
    source: str = Field(default="", description="where the checkpoints were read")
    checkpoints: list[SignedCheckpoint]

    def dump(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
