"""Messages as the previous release's relay wrote them: streams still hold them, and they must still be read.

Its chain link travelled in headers of its own (``Chudong-Hash``, ``Chudong-Prev-Hash``) and its seal
was ``<code>=<MAC in unpadded base64>;…``, one entry per reader of the stream, over the same content as
today's MACs. Written here by hand, as that release wrote it, so the tests do not lean on the code that
reads it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from shared.bus import headers as h
from shared.bus.keys import BusKeys
from shared.bus.relay import Relay
from shared.bus.seals import READER_CODES, reader_key, readers_of, sealed_content


def previous_mac(digest: bytes) -> str:
    return base64.b64encode(digest).decode().rstrip("=")


def previous_seal_headers(
    master: bytes, owner: str, sequence: int, subject: str, hash: str, prev_hash: str
) -> dict[str, str]:
    """The chain and seal headers of the message the previous release published at ``sequence``."""
    content = sealed_content(sequence, subject, hash)
    entries = [
        f"{READER_CODES[reader]}="
        + previous_mac(hashlib.blake2b(content, key=reader_key(master, reader), digest_size=16).digest())
        for reader in readers_of(owner)
    ]
    return {h.HASH: hash, h.PREV_HASH: prev_hash, h.SEAL: ";".join(entries)}


class PreviousRelease(Relay):
    """The relay of the previous release: the same messages, with its chain and seal headers."""

    def __init__(self, *args: Any, keys: BusKeys, **kwargs: Any) -> None:
        super().__init__(*args, keys=keys, **kwargs)
        assert keys.master is not None
        self.master = keys.master

    def _headers(self, expected_last: int, p: Any) -> dict[str, str]:
        sequence = expected_last + 1
        return {
            h.MSG_ID: p.event_id,
            h.EXPECTED_LAST_SEQUENCE: str(expected_last),
            **previous_seal_headers(self.master, self.service, sequence, p.subject, p.hash, p.prev_hash),
        }
