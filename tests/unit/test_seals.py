"""Seals and bus keys without a server: who can seal for whom, what a seal covers, where keys come from."""

from __future__ import annotations

import base64
import hashlib
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from shared.bus import headers as h
from shared.bus.keys import (
    BusKeyError,
    deployment_keys,
    ensure_bus_keys,
    fixed_keys,
    fixed_masters,
    keys_from_masters,
    load_bus_keys,
    needed_variables,
)
from shared.bus.permissions import NATS_SERVICES
from shared.bus.progress import Progress
from shared.bus.seals import (
    READER_CODES,
    Refusal,
    chain_of,
    reader_key,
    readers_of,
    seal_value,
    sealed_content,
)
from shared.settings import CommonSettings, ServiceSettings
from shared.store.appending import chain_hash
from tests.previous_release import previous_mac, previous_seal_headers

SUBJECT = "membership.MemberJoined.vn.bg.b1"
BODY = b'{"position": 7, "type": "MemberJoined"}'
PREV = "ab" * 32
HASH = chain_hash(PREV, BODY)
CHAIN = {h.HASH: HASH, h.PREV_HASH: PREV}


def sealed(sequence: int = 7, subject: str = SUBJECT) -> dict[str, str]:
    return {h.SEAL: fixed_keys("membership").sealer().seal(sequence, subject, HASH, PREV)}


def sealed_before(sequence: int = 7, subject: str = SUBJECT) -> dict[str, str]:
    """The same message as the previous release sealed it."""
    return previous_seal_headers(fixed_masters()["membership"], "membership", sequence, subject, HASH, PREV)


def mac_of(reader: str, key: bytes, sequence: int = 7, hash: str = HASH) -> bytes:
    return hashlib.blake2b(sealed_content(sequence, SUBJECT, hash), key=key, digest_size=16).digest()


def test_one_header_carries_the_chain_link_and_a_mac_per_reader_in_its_codes_order() -> None:
    master = fixed_masters()["membership"]
    readers = readers_of("membership")
    macs = {reader: mac_of(reader, reader_key(master, reader)) for reader in readers}
    assert sealed() == {h.SEAL: seal_value(HASH, PREV, macs)}
    assert sealed()[h.SEAL] == f"{HASH}.{PREV}.deimnp." + "".join(mac.hex() for mac in macs.values())
    assert chain_of(sealed()) == chain_of(sealed_before()) == chain_of(CHAIN) == (HASH, PREV)


@pytest.mark.parametrize("seal", [sealed, sealed_before], ids=["this release", "the previous release"])
def test_every_reader_of_the_stream_accepts_what_its_owner_sealed(
    seal: Callable[[], dict[str, str]],
) -> None:
    headers = seal()
    assert set(readers_of("membership")) == {
        "membership",
        "planning",
        "evaluation",
        "notifications",
        "identity",
        "dashboard",
    }
    for reader in readers_of("membership"):
        assert fixed_keys(reader).check("membership").refusal(7, SUBJECT, headers, BODY) is None


def _tampered(headers: dict[str, str], field: int, value: str) -> dict[str, str]:
    """A seal of this release with one field replaced: 0 hash, 1 previous hash, 2 codes, 3 MACs."""
    fields = headers[h.SEAL].split(".")
    fields[field] = value
    return {h.SEAL: ".".join(fields)}


def test_a_readers_key_cannot_seal_for_another_reader() -> None:
    planning_key = fixed_keys("planning").reader_keys["membership"]  # all planning holds of membership's
    mac = mac_of("planning", planning_key)
    evaluation = fixed_keys("evaluation").check("membership")
    planning = fixed_keys("planning").check("membership")
    genuine = sealed()
    macs = genuine[h.SEAL].split(".")[3]  # codes "demnp": evaluation's is the second
    for headers in (
        {h.SEAL: seal_value(HASH, PREV, {"evaluation": mac})},
        _tampered(genuine, 3, macs[:32] + mac.hex() + macs[64:]),
        {h.SEAL: f"e={previous_mac(mac)}", **CHAIN},
    ):
        refused = evaluation.refusal(7, SUBJECT, headers, BODY)
        assert refused is not None and refused.refusal is Refusal.MISMATCH, headers
    # Under planning's own name the MAC is planning's to accept, and nobody else's.
    for headers in (
        {h.SEAL: seal_value(HASH, PREV, {"planning": mac})},
        {h.SEAL: f"p={previous_mac(mac)}", **CHAIN},
    ):
        assert planning.refusal(7, SUBJECT, headers, BODY) is None
        assert evaluation.refusal(7, SUBJECT, headers, BODY) is not None


def test_the_seal_covers_sequence_subject_chain_and_body() -> None:
    check = fixed_keys("evaluation").check("membership")
    headers = sealed()
    assert check.refusal(7, SUBJECT, headers, BODY) is None
    macs = headers[h.SEAL].split(".")[3]
    for sequence, subject, changed, body in [
        (8, SUBJECT, headers, BODY),  # the same message published again lands elsewhere
        (7, "membership.MemberJoined.vn.hn.h1", headers, BODY),
        (7, SUBJECT, _tampered(headers, 0, chain_hash(PREV, b"{}")), BODY),
        (7, SUBJECT, _tampered(headers, 1, "cd" * 32), BODY),
        (7, SUBJECT, _tampered(headers, 0, "é" * 64), BODY),
        (7, SUBJECT, _tampered(headers, 2, "edmnp"), BODY),  # dashboard's MAC in evaluation's place
        (7, SUBJECT, _tampered(headers, 3, macs[:32] + "é" * 32 + macs[64:]), BODY),
        (7, SUBJECT, _tampered(headers, 3, macs[:32] + macs[32:64].upper() + macs[64:]), BODY),
        (7, SUBJECT, headers, BODY.replace(b"7", b"8")),
        # the previous release's headers: the same checks hold
        (8, SUBJECT, sealed_before(), BODY),
        (7, SUBJECT, {**sealed_before(), h.HASH: chain_hash(PREV, b"{}")}, BODY),
        (7, SUBJECT, {**sealed_before(), h.PREV_HASH: "cd" * 32}, BODY),
        (7, SUBJECT, {**sealed_before(), h.HASH: "é" * 64}, BODY),
        (7, SUBJECT, sealed_before(), BODY.replace(b"7", b"8")),
    ]:
        refused = check.refusal(sequence, subject, changed, body)
        assert refused is not None and refused.refusal is Refusal.MISMATCH, (sequence, subject, changed)


def test_the_chain_is_read_from_the_seal_that_is_checked() -> None:
    """Headers of both releases on one message: the chain the consumer decodes is the one it checked."""
    check = fixed_keys("evaluation").check("membership")
    stale = {h.HASH: chain_hash(PREV, b"{}"), h.PREV_HASH: "cd" * 32}
    both = {**stale, **sealed()}
    assert check.refusal(7, SUBJECT, both, BODY) is None
    assert chain_of(both) == (HASH, PREV)
    refused = check.refusal(7, SUBJECT, {**stale, h.SEAL: sealed_before()[h.SEAL]}, BODY)
    assert refused is not None and refused.refusal is Refusal.MISMATCH


def test_a_message_of_the_previous_release_is_read_as_it_was_written() -> None:
    """A stream upgraded in place holds the previous release's messages before this one's: both apply."""
    check = fixed_keys("evaluation").check("membership")
    assert check.refusal(7, SUBJECT, sealed_before(), BODY) is None
    assert chain_of(sealed_before()) == (HASH, PREV)
    # Its seal moved into this release's header is still the owner's MAC, and still checked as such.
    (mac,) = [e[2:] for e in sealed_before()[h.SEAL].split(";") if e.startswith("e=")]
    digest = base64.b64decode(mac + "==")
    assert check.refusal(7, SUBJECT, {h.SEAL: seal_value(HASH, PREV, {"evaluation": digest})}, BODY) is None
    tampered = {h.SEAL: seal_value(HASH, PREV, {"evaluation": bytes([digest[0] ^ 1]) + digest[1:]})}
    refused = check.refusal(7, SUBJECT, tampered, BODY)
    assert refused is not None and refused.refusal is Refusal.MISMATCH


def test_an_unsealed_message_is_refused_unless_the_stream_held_it_before_seals() -> None:
    check = fixed_keys("evaluation").check("membership", sealed_from=5)
    assert check.refusal(4, SUBJECT, CHAIN, BODY) is None
    refused = check.refusal(5, SUBJECT, CHAIN, BODY)
    assert refused is not None and refused.refusal is Refusal.UNSEALED
    assert str(refused) == f"unsealed: {SUBJECT} at sequence 5 carries no seal"
    for others_only in (
        {h.SEAL: "p=" + "0" * 22, **CHAIN},
        {h.SEAL: seal_value(HASH, PREV, {"planning": b"\0" * 16})},
        {h.SEAL: seal_value(HASH, PREV)},  # the chain link alone
        {h.SEAL: f"{HASH}.{PREV}.e"},
    ):
        refused = check.refusal(9, SUBJECT, others_only, BODY)
        assert refused is not None and refused.refusal is Refusal.UNSEALED, others_only
        assert str(refused).endswith("carries no seal for evaluation")


def test_keys_with_another_master_seal_nothing_a_reader_accepts() -> None:
    stranger = keys_from_masters("membership", {"membership": b"\x01" * 32})
    headers = {h.SEAL: stranger.sealer().seal(7, SUBJECT, HASH, PREV)}
    refused = fixed_keys("evaluation").check("membership").refusal(7, SUBJECT, headers, BODY)
    assert refused is not None and refused.refusal is Refusal.MISMATCH


def test_a_data_directory_gets_its_keys_once_for_the_owner_only(tmp_path: Path) -> None:
    directory = ensure_bus_keys(tmp_path)
    first = {p.name: p.read_text() for p in directory.iterdir()}
    ensure_bus_keys(tmp_path)
    assert {p.name: p.read_text() for p in directory.iterdir()} == first
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(directory.parent.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in directory.iterdir()} == {0o600}
    assert "membership.key" in first and "membership.evaluation.key" in first


def test_a_service_holds_its_master_and_the_reader_keys_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in deployment_keys(fixed_masters()):
        monkeypatch.delenv(variable, raising=False)
    common = CommonSettings(data_dir=tmp_path)
    evaluation = load_bus_keys(ServiceSettings(name="evaluation"), common)
    dashboard = load_bus_keys(ServiceSettings(name="dashboard"), common)
    membership = load_bus_keys(ServiceSettings(name="membership"), common)
    assert evaluation.master is not None and set(evaluation.reader_keys) == {"membership", "planning"}
    assert dashboard.master is None and set(dashboard.reader_keys) == {"membership"}
    assert membership.master is not None and membership.reader_keys == {}
    assert membership.master != evaluation.master
    assert evaluation.reader_keys["membership"] == reader_key(membership.master, "evaluation")
    assert dashboard.reader_keys["membership"] != evaluation.reader_keys["membership"]
    # What membership's relay seals, evaluation (a separate process) accepts.
    headers = {h.SEAL: membership.sealer().seal(3, SUBJECT, HASH, PREV)}
    assert evaluation.check("membership").refusal(3, SUBJECT, headers, BODY) is None


def test_keys_set_in_part_name_the_missing_settings() -> None:
    with pytest.raises(BusKeyError, match="EVALUATION_BUS_KEY_PLANNING"):
        load_bus_keys(
            ServiceSettings(
                name="evaluation", bus_key=SecretStr("ab" * 32), bus_key_membership=SecretStr("cd" * 32)
            ),
            CommonSettings(),
        )
    with pytest.raises(BusKeyError, match="MEMBERSHIP_BUS_KEY must be 64 hexadecimal digits"):
        load_bus_keys(ServiceSettings(name="membership", bus_key=SecretStr("short")), CommonSettings())


def test_deployment_keys_give_each_service_exactly_the_variables_it_needs() -> None:
    values = deployment_keys(fixed_masters())
    assert sorted(values) == sorted(
        v
        for s in ("membership", "planning", "evaluation", "notifications", "identity", "dashboard")
        for v in needed_variables(s)
    )
    assert "DASHBOARD_BUS_KEY" not in values and "DASHBOARD_BUS_KEY_MEMBERSHIP" in values


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_stalled_when_work_waits_and_nothing_moves() -> None:
    clock = Clock()
    progress = Progress(window=10, clock=clock)
    progress.waiting(3)
    clock.now = 9
    assert progress.trouble() is None
    clock.now = 11
    assert progress.trouble() == "no progress for 11 s, 3 waiting"
    progress.moved(2)
    assert progress.trouble() is None
    progress.caught_up()
    clock.now = 100
    assert progress.trouble() is None  # idle is not stuck
    progress.failed("stream not found")
    assert progress.trouble() == "no progress for 89 s, failing; last error: stream not found"
    assert progress.trouble(backlog=4) == "no progress for 89 s, 4 waiting; last error: stream not found"


def test_progress_grows_when_a_backlog_never_drains_and_gets_larger() -> None:
    clock = Clock()
    progress = Progress(window=10, clock=clock)
    for second, backlog in [(0, 100), (5, 150), (10, 220)]:
        clock.now = second
        progress.moved(backlog)
    assert progress.trouble() == "backlog grew from 100 to 220 in 10 s without draining"
    for second, backlog in [(15, 150), (20, 90)]:
        clock.now = second
        progress.moved(backlog)
    assert progress.trouble() is None  # shrinking: catching up
    clock.now = 21
    progress.moved(0)
    assert progress.trouble() is None


def test_every_service_with_a_nats_user_has_its_own_reader_code() -> None:
    assert set(READER_CODES) == set(NATS_SERVICES)
    assert len(set(READER_CODES.values())) == len(READER_CODES)
    assert all(len(code) == 1 and code.isalpha() for code in READER_CODES.values())


def test_a_letter_seal_covers_the_chain_however_the_message_carries_it() -> None:
    """Dead letters the previous release's consumers wrote keep their letter seal: it covers the same chain."""
    check = fixed_keys("evaluation").check("membership")
    for refused in ("", "unsealed"):
        before = check.letter_seal("c", refused, 7, SUBJECT, sealed_before(), BODY)
        assert before == check.letter_seal("c", refused, 7, SUBJECT, sealed(), BODY)
        assert check.letter_is_ours(
            "c", refused, 7, SUBJECT, {**sealed_before(), h.LETTER_SEAL: before}, BODY
        )
    assert check.letter_seal("c", "", 7, SUBJECT, sealed_before(), BODY) != check.letter_seal(
        "c", "", 7, SUBJECT, {**sealed_before(), h.PREV_HASH: "cd" * 32}, BODY
    )
