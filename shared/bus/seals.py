"""Seals: a consumer applies a message only if the stream's owner published it (ADR 0016).

The relay of each service attaches ``Chudong-Seal: <reader>=<mac>;<reader>=<mac>…`` to every message:
one MAC per service that reads its stream (``READS`` in :mod:`shared.bus.permissions`), each reader named
by its one-letter code and each MAC in unpadded base64 (every message carries the header, and its
bytes cost every publish and every parse). A MAC is
keyed BLAKE2b (16 bytes) under the key the owner derived for that reader, ``blake2b(reader,
key=owner's master)``, over the message's stream sequence, its subject and its chain hash; the chain
hash is ``sha256(previous hash || body)`` (:func:`shared.store.appending.chain_hash`), and the reader
checks it against the body and the previous hash it is given, so the MAC covers everything it applies
(the body holds the event's store position). Each reader holds only its own derived key, so it can
check its MAC and forge nobody else's; a NATS credential alone forges nothing. The sequence in the MAC
makes a copy of a genuine message published again a different message: its seal does not match.

Keyed BLAKE2b, not a signature: Ed25519 costs ~45 µs to sign and ~140 µs to verify a message here,
more than a projection spends applying one (~70 µs); a BLAKE2b MAC of a few hundred bytes costs well
under a microsecond. The MACs cover the chain hash, not the body, so the relay hashes no body again
however many readers a stream has (the hash was made when the event was stored); each reader hashes
the body once, to check the chain hash.

Streams that existed before seals record in their metadata (``chudong.sealed_from``, written once by
:func:`shared.bus.streams.ensure_streams`) the first sequence that must be sealed: the messages before
it were published by the relay before seals existed and are accepted without one.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from enum import StrEnum

from nats.js.api import StreamInfo

from shared.bus import headers as h
from shared.bus.permissions import READS

SEALED_FROM = "chudong.sealed_from"
MAC_BYTES = 16

# A reader's name in a seal: one letter each, distinct (a test holds them to every service with a user).
READER_CODES: Mapping[str, str] = {
    "membership": "m",
    "planning": "p",
    "evaluation": "e",
    "notifications": "n",
    "dashboard": "d",
}


def mac_text(digest: bytes) -> str:
    """A MAC as a seal writes it: base64 without its padding (22 characters for 16 bytes)."""
    return binascii.b2a_base64(digest, newline=False).rstrip(b"=").decode()


def seal_entry(reader: str, digest: bytes) -> str:
    """One reader's part of a seal: ``<code>=<mac>``."""
    return f"{READER_CODES[reader]}={mac_text(digest)}"


class Refusal(StrEnum):
    """Why a message is not applied; the dead letter's ``Chudong-Refused`` header says which."""

    UNSEALED = "unsealed"
    MISMATCH = "seal does not match"


class RefusedMessageError(Exception):
    """A message a consumer refuses to apply: it goes to the dead letters at once, never retried."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(f"{refusal.value}: {detail}")
        self.refusal = refusal


def reader_key(master: bytes, reader: str) -> bytes:
    """The key the owner of ``master`` gives ``reader``: it checks that reader's MACs and no one else's."""
    return hashlib.blake2b(reader.encode(), key=master, digest_size=32, person=b"chudong.reader").digest()


def readers_of(owner: str) -> tuple[str, ...]:
    """The services that read ``owner``'s stream, hence the MACs each of its messages carries."""
    return tuple(sorted(reader for reader, owners in READS.items() if owner in owners))


def sealed_from(info: StreamInfo) -> int:
    """The first sequence of the stream that must carry a seal (1 for a stream created with seals)."""
    value = (info.config.metadata or {}).get(SEALED_FROM)
    return int(value) if value and value.isdigit() else 1


def sealed_content(sequence: int, subject: str, hash: str) -> bytes:
    """What every MAC of a message covers: where it lands, what it is about, and its chain hash."""
    return f"{sequence}\n{subject}\n{hash}".encode()


def body_matches(hash: str, prev_hash: str, body: bytes) -> bool:
    """Whether ``hash`` is the chain hash of ``body`` after ``prev_hash`` (as ``chain_hash`` makes it)."""
    return hmac.compare_digest(hashlib.sha256(prev_hash.encode() + body).hexdigest().encode(), hash.encode())


class Sealer:
    """What the owner's relay attaches to each message: one MAC per reader of its stream."""

    def __init__(self, master: bytes, readers: Sequence[str]) -> None:
        if not readers:
            raise ValueError("a stream nobody reads needs no seal")
        self.readers = tuple(readers)
        self._macs = [
            (f"{READER_CODES[r]}=", hashlib.blake2b(key=reader_key(master, r), digest_size=MAC_BYTES))
            for r in self.readers
        ]

    def seal(self, sequence: int, subject: str, hash: str) -> str:
        """The seal of the message landing at ``sequence``, whose chain hash is ``hash``."""
        content = sealed_content(sequence, subject, hash)
        parts = []
        for prefix, keyed in self._macs:
            mac = keyed.copy()  # a copy of the keyed state costs less than keying anew
            mac.update(content)
            parts.append(prefix + mac_text(mac.digest()))
        return ";".join(parts)


class SealCheck:
    """What one reader checks on one stream: its own MAC, under the key the owner derived for it."""

    def __init__(self, reader: str, key: bytes, *, sealed_from: int = 1) -> None:
        self.reader = reader
        self.sealed_from = sealed_from
        self._prefix = f";{READER_CODES[reader]}="
        self._keyed = hashlib.blake2b(key=key, digest_size=MAC_BYTES)

    def _mac(self, content: bytes) -> str:
        mac = self._keyed.copy()
        mac.update(content)
        return mac_text(mac.digest())

    def refusal(
        self, sequence: int, subject: str, headers: Mapping[str, str] | None, body: bytes
    ) -> RefusedMessageError | None:
        """None if the message may be applied; else why not (an error the consumer dead-letters)."""
        headers = headers or {}
        seal = headers.get(h.SEAL)
        if not seal:
            if sequence < self.sealed_from:
                return None  # relayed before seals existed (see the module's description)
            return RefusedMessageError(Refusal.UNSEALED, f"{subject} at sequence {sequence} carries no seal")
        # ``;<code>=`` in ``;`` + the header: each reader finds only its own part.
        at = (";" + seal).find(self._prefix)
        if at < 0:
            return RefusedMessageError(
                Refusal.UNSEALED, f"{subject} at sequence {sequence} carries no seal for {self.reader}"
            )
        mac = seal[at + len(self._prefix) - 1 :].partition(";")[0]
        hash = headers.get(h.HASH, "")
        # Compared as bytes: a header may hold anything, and compare_digest takes only ASCII strings.
        if not hmac.compare_digest(mac.encode(), self._mac(sealed_content(sequence, subject, hash)).encode()):
            return RefusedMessageError(
                Refusal.MISMATCH,
                f"{subject} at sequence {sequence}: the seal for {self.reader} is not its owner's",
            )
        if not body_matches(hash, headers.get(h.PREV_HASH, ""), body):
            return RefusedMessageError(
                Refusal.MISMATCH, f"{subject} at sequence {sequence}: the body is not the one sealed"
            )
        return None

    def letter_seal(
        self,
        consumer: str,
        refused: str,
        sequence: int,
        subject: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> str:
        """The reader's MAC of a dead letter it wrote: replay applies only letters its consumer wrote.

        It covers the consumer, the refusal (empty for a message that failed to apply) and the
        original message, so a letter published by anyone else, or a refusal turned into a failure,
        does not match.
        """
        original = sealed_content(sequence, subject, headers.get(h.HASH, ""))
        body_hash = hashlib.sha256(headers.get(h.PREV_HASH, "").encode() + body).digest()
        return self._mac(
            b"letter\n%s\n%s\n%s\n%s" % (consumer.encode(), refused.encode(), original, body_hash)
        )

    def letter_is_ours(
        self,
        consumer: str,
        refused: str,
        sequence: int,
        subject: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> bool:
        expected = self.letter_seal(consumer, refused, sequence, subject, headers, body)
        return hmac.compare_digest(headers.get(h.LETTER_SEAL, "").encode(), expected.encode())
