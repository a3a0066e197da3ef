"""The per-person keys (khóa riêng từng người) that seal personal fields; destroying one erases the person.

Every service that keeps personal fields (membership's members, identity's officers) holds its own keys
in its own database, in this table.

AES-256-GCM, with the person's id as associated data so a sealed value cannot be
passed off as another person's. The keys live only in their service's database:
the events (in the store and in JetStream) and every read model hold ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import utcnow
from shared.contracts.personal import Sealed
from shared.events import Envelope
from shared.store import Database
from shared.store.columns import instant
from shared.store.shredding import purge_deleted, rewrite

metadata = MetaData()

person_keys = Table(
    "person_keys",
    metadata,
    Column("person_id", String(100), primary_key=True),
    Column("key", LargeBinary(32), nullable=False),
    instant("created_at"),
)


def seal(person_id: str, key: bytes, fields: Mapping[str, Any]) -> Sealed:
    nonce = os.urandom(12)
    plaintext = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, person_id.encode())
    return Sealed(
        key_id=person_id,
        nonce=base64.b64encode(nonce).decode(),
        ciphertext=base64.b64encode(ciphertext).decode(),
        fields=tuple(sorted(fields)),
    )


def unseal(sealed: Sealed, key: bytes) -> dict[str, Any]:
    plaintext = AESGCM(key).decrypt(
        base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), sealed.key_id.encode()
    )
    value: dict[str, Any] = json.loads(plaintext)
    return value


class KeyRing:
    """Gets, creates and destroys per-person keys; seals and opens personal fields."""

    def __init__(self, db: Database, purge_timeout: float = 90.0) -> None:
        self.db = db
        self.purge_timeout = purge_timeout

    async def keys(self, person_ids: Iterable[str], conn: AsyncConnection | None = None) -> dict[str, bytes]:
        ids = list(set(person_ids))
        found: dict[str, bytes] = {}
        for start in range(0, len(ids), 500):
            query = select(person_keys.c.person_id, person_keys.c.key).where(
                person_keys.c.person_id.in_(ids[start : start + 500])
            )
            if conn is not None:
                rows = (await conn.execute(query)).all()
            else:
                async with self.db.read() as own:
                    rows = (await own.execute(query)).all()
            found.update({r.person_id: bytes(r.key) for r in rows})
        return found

    async def open(self, sealed: Sealed | None) -> dict[str, Any] | None:
        """The plaintext fields, or None once the person's key is destroyed (erased)."""
        if sealed is None:
            return None
        key = (await self.keys([sealed.key_id])).get(sealed.key_id)
        return open_with(sealed, key)

    async def sealer(self, person_ids: Iterable[str]) -> Sealer:
        """Seal for these people: their keys, and new ones for those who have none yet."""
        return Sealer(await self.keys(person_ids))

    async def purge_destroyed(self) -> None:
        """Leave no copy of a destroyed key in the database's files (on SQLite: its write-ahead log).

        An erasure answers only after this: until then, an old page in the log still holds the key.
        """
        await purge_deleted(self.db, timeout=self.purge_timeout)


def open_with(sealed: Sealed | None, key: bytes | None) -> dict[str, Any] | None:
    if sealed is None or key is None:
        return None
    try:
        return unseal(sealed, key)
    except InvalidTag:
        return None


class Sealer:
    """Seals fields for a command; the keys it had to create are stored with the command's events."""

    def __init__(self, existing: dict[str, bytes]) -> None:
        self.existing = existing
        self.created: dict[str, bytes] = {}

    def seal(self, person_id: str, fields: Mapping[str, Any]) -> Sealed:
        key = self.existing.get(person_id) or self.created.get(person_id)
        if key is None:
            key = self.created[person_id] = AESGCM.generate_key(bit_length=256)
        return seal(person_id, key, fields)

    async def store_created(self, conn: AsyncConnection, _events: Sequence[Envelope]) -> None:
        """An append effect: the new keys commit exactly when the events sealed under them."""
        now = utcnow()
        rows = [{"person_id": p, "key": k, "created_at": now} for p, k in self.created.items()]
        for start in range(0, len(rows), 1000):  # a statement per thousand: the event loop serves between
            await conn.execute(person_keys.insert(), rows[start : start + 1000])


async def destroy_key(conn: AsyncConnection, person_id: str) -> None:
    """Crypto-shredding: without the key, every copy of the person's sealed fields is noise.

    The row's bytes are zeroed in its page (SQLite's ``secure_delete``); :meth:`KeyRing.purge_destroyed`
    then clears the older versions of the page, and :func:`rewrite_keys` the dead rows PostgreSQL keeps.
    """
    await conn.execute(delete(person_keys).where(person_keys.c.person_id == person_id))


async def rewrite_keys(db: Database, *, timeout: float = 600.0) -> None:
    """Rewrite the key table's storage, so no dead row or free space holds a destroyed key.

    Needed on PostgreSQL, where a deleted row stays in its page until the table is rewritten
    (``VACUUM FULL``); on SQLite it vacuums the whole database, which a file written before
    ``secure_delete`` was on needs once.
    """
    await rewrite(db, person_keys.name, timeout=timeout)
