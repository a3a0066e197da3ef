"""chudong's header parser gives what nats-py's own gives, for any header block."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from nats.aio.client import Client

from shared.bus.client import EventClient, parse_header_lines

_pieces = st.sampled_from(
    [b"Nats-Msg-Id", b"Chudong-Hash", b":", b" ", b"\t", b"\r\n", b"\x1c", b"\xc3\xa9", b"a b", b"v:1", b""]
)


@given(st.lists(st.one_of(_pieces, st.binary(max_size=12)), max_size=12).map(b"".join))
def test_it_parses_any_block_as_nats_py_does(raw: bytes) -> None:
    assert parse_header_lines(raw) == Client._parse_header_lines(raw)


def test_the_headers_an_event_carries_are_parsed() -> None:
    raw = b"Nats-Msg-Id: 0190f-1\r\nNats-Expected-Last-Sequence: 41\r\nChudong-Hash: ab\r\n\r\n"
    assert parse_header_lines(raw) == {
        "Nats-Msg-Id": "0190f-1",
        "Nats-Expected-Last-Sequence": "41",
        "Chudong-Hash": "ab",
    }
    assert EventClient._parse_header_lines is parse_header_lines
