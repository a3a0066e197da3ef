"""Seals: a consumer applies a message only if the stream's owner published it (ADR 0016).

The relay of each service attaches one header to every message, its chain link and its seal:
``Chudong-Seal: <hash>.<previous hash>.<reader codes>.<MACs>``. The hashes are the event's chain hash
and the one before it (64 hexadecimal digits each); the codes name, one letter each, the services that
read the stream (``READS`` in :mod:`shared.bus.permissions`); the MACs follow in the codes' order, 32
hexadecimal digits each, so a reader finds its own at the place of its code without parsing the rest.
Hexadecimal, not base64: nats-py passes every header value through ``str.translate``, whose cost grows
with the number of distinct characters in it (16 in hexadecimal, up to 64 in base64); one header, not
three, since nats-py writes and reads each one in Python. A MAC is keyed BLAKE2b (16 bytes) under the key
the owner derived for that reader, ``blake2b(reader, key=owner's master)``, over the message's stream
sequence, its subject and its chain hash; the chain hash is ``sha256(previous hash || body)``
(:func:`shared.store.appending.chain_hash`), and the reader checks it against the body and the
previous hash it is given, so the MAC covers everything it applies (the body holds the event's store
position). Each reader holds only its own derived key, so it can check its MAC and forge nobody
else's; a NATS credential alone forges nothing. The sequence in the MAC makes a copy of a genuine
message published again a different message: its seal does not match.

Messages the previous release published carry the chain in two headers of their own
(``Chudong-Hash``, ``Chudong-Prev-Hash``) and a seal ``<code>=<MAC in unpadded base64>;…``: the same
MACs over the same content, written otherwise. They are read and checked as they are
(:func:`chain_of`, :meth:`SealCheck.refusal`); a seal of that form holds no ``.``.

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
MAC_DIGITS = 2 * MAC_BYTES  # a MAC in a seal: hexadecimal

# An empty SHA-256: a reader copies it for each body it checks.
_SHA256 = hashlib.sha256()

# A reader's name in a seal: one letter each, distinct (a test holds them to every service with a user).
READER_CODES: Mapping[str, str] = {
    "membership": "m",
    "planning": "p",
    "evaluation": "e",
    "notifications": "n",
    "identity": "i",
    "dashboard": "d",
}


def seal_value(hash: str, prev_hash: str, macs: Mapping[str, bytes] | None = None) -> str:
    """A ``Chudong-Seal`` header: the chain link, then each reader's code and its MAC (none: the link alone).

    :class:`Sealer` writes the same, faster.
    """
    if not macs:
        return f"{hash}.{prev_hash}"
    codes = "".join(READER_CODES[reader] for reader in macs)
    return f"{hash}.{prev_hash}.{codes}." + "".join(mac.hex() for mac in macs.values())


def chain_of(headers: Mapping[str, str]) -> tuple[str, str]:
    """The chain hash and previous hash a message carries: in its seal, or (the previous release) in headers of their own."""
    seal = headers.get(h.SEAL)
    if seal is not None:
        hash, link, rest = seal.partition(".")
        if link:
            return hash, rest.partition(".")[0]
    return headers.get(h.HASH, ""), headers.get(h.PREV_HASH, "")


def _base64_mac(digest: bytes) -> str:
    """A MAC as the previous release wrote it in a seal: base64 without its padding (22 characters)."""
    return binascii.b2a_base64(digest, newline=False).rstrip(b"=").decode()


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


class Sealer:
    """What the owner's relay attaches to each message: its chain link and one MAC per reader of its stream."""

    def __init__(self, master: bytes, readers: Sequence[str]) -> None:
        if not readers:
            raise ValueError("a stream nobody reads needs no seal")
        self.readers = tuple(readers)
        self._codes = "." + "".join(READER_CODES[r] for r in self.readers) + "."
        # Keyed once: a copy of the keyed state costs less than keying anew (0.4 µs against 0.6 a MAC).
        self._keyed = [
            hashlib.blake2b(key=reader_key(master, r), digest_size=MAC_BYTES) for r in self.readers
        ]

    def seal(self, sequence: int, subject: str, hash: str, prev_hash: str) -> str:
        """The ``Chudong-Seal`` of the message landing at ``sequence``, whose chain link is ``prev_hash`` → ``hash``."""
        content = f"{sequence}\n{subject}\n{hash}".encode()  # sealed_content, inline on the hot path
        macs = []
        for keyed in self._keyed:
            mac = keyed.copy()
            mac.update(content)
            macs.append(mac.hexdigest())
        return hash + "." + prev_hash + self._codes + "".join(macs)


class SealCheck:
    """What one reader checks on one stream: its own MAC, under the key the owner derived for it."""

    def __init__(self, reader: str, key: bytes, *, sealed_from: int = 1) -> None:
        self.reader = reader
        self.sealed_from = sealed_from
        self._code = READER_CODES[reader]
        self._previous_prefix = f";{self._code}="  # in the previous release's seal, after a ``;``
        self._keyed = hashlib.blake2b(key=key, digest_size=MAC_BYTES)

    def _mac(self, content: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(content)
        return mac.digest()

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
        fields = seal.split(".", 3)
        if len(fields) == 4:  # <hash>.<previous hash>.<codes>.<MACs>
            hash, prev_hash, codes, macs = fields
            slot = codes.find(self._code)
            given = macs[slot * MAC_DIGITS : (slot + 1) * MAC_DIGITS] if slot >= 0 else None
        elif len(fields) == 1:  # the previous release's seal, with the chain in headers of its own
            hash, prev_hash = headers.get(h.HASH, ""), headers.get(h.PREV_HASH, "")
            at = (";" + seal).find(self._previous_prefix)
            given = seal[at + len(self._previous_prefix) - 1 :].partition(";")[0] if at >= 0 else None
        else:  # the chain link alone
            given = None
        if given is None:
            return RefusedMessageError(
                Refusal.UNSEALED, f"{subject} at sequence {sequence} carries no seal for {self.reader}"
            )
        mac = self._keyed.copy()
        mac.update(f"{sequence}\n{subject}\n{hash}".encode())  # sealed_content, inline on the hot path
        expected = mac.hexdigest() if len(fields) == 4 else _base64_mac(mac.digest())
        # compare_digest takes only ASCII strings, and a header may hold anything.
        if not (given.isascii() and hmac.compare_digest(given, expected)):
            return RefusedMessageError(
                Refusal.MISMATCH,
                f"{subject} at sequence {sequence}: the seal for {self.reader} is not its owner's",
            )
        chain = _SHA256.copy()  # a copy costs less than OpenSSL making a new context
        chain.update(prev_hash.encode())
        chain.update(body)
        # The hash is no secret (anyone with the body and the previous hash makes it): compared plainly.
        if chain.hexdigest() != hash:
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
        hash, prev_hash = chain_of(headers)
        original = sealed_content(sequence, subject, hash)
        body_hash = hashlib.sha256(prev_hash.encode() + body).digest()
        return _base64_mac(
            self._mac(b"letter\n%s\n%s\n%s\n%s" % (consumer.encode(), refused.encode(), original, body_hash))
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
