"""Personal data inside events: sealed under one person's key, so destroying the key erases it everywhere."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Sealed(BaseModel):
    """Fields encrypted under a per-person key (AES-256-GCM), held by membership.

    ``key_id`` names the key (the person's pseudonymous id); the plaintext is a JSON
    object of the sealed fields. Once membership destroys the key, every copy of
    this value (the store, JetStream, read models) is unreadable, and the stored
    bytes, hence the hash chain, are unchanged.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str = Field(max_length=100)
    nonce: str = Field(description="base64, 12 bytes")
    ciphertext: str = Field(description="base64 of the AES-GCM ciphertext and tag")
    fields: tuple[str, ...] = Field(
        description="the names of the sealed fields, so readers know what is missing"
    )
