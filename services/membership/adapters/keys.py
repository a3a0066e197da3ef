"""Membership's per-person keys: the shared key ring (``shared.store.keys``) in membership's database."""

from shared.store.keys import (
    KeyRing,
    Sealer,
    destroy_key,
    metadata,
    open_with,
    person_keys,
    rewrite_keys,
    seal,
    unseal,
)

__all__ = [
    "KeyRing",
    "Sealer",
    "destroy_key",
    "metadata",
    "open_with",
    "person_keys",
    "rewrite_keys",
    "seal",
    "unseal",
]
