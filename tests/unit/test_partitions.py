"""Partitions of a service's replicas: unit paths turned into JetStream filter subjects."""

from __future__ import annotations

import pytest

from shared.runtime.partitions import PartitionError, parse_partition


def test_an_empty_partition_takes_every_event() -> None:
    assert parse_partition("") is None
    assert parse_partition(" , ") is None


def test_a_province_is_its_unit_and_everything_below_it() -> None:
    partition = parse_partition("vn.bg")
    assert partition is not None
    assert partition.filter_subjects("membership") == ("membership.*.vn.bg", "membership.*.vn.bg.>")
    assert partition.name == "vn-bg"


def test_the_national_unit_alone_is_taken_with_an_equals_sign() -> None:
    partition = parse_partition("=vn, vn.hn", name="north")
    assert partition is not None
    assert partition.name == "north"
    assert partition.filter_subjects("planning") == (
        "planning.*.vn.hn",
        "planning.*.vn.hn.>",
        "planning.*.vn",
    )


def test_a_long_partition_gets_a_stable_short_name() -> None:
    provinces = ",".join(f"vn.p{i:02d}" for i in range(20))
    first, second = parse_partition(provinces), parse_partition(provinces)
    assert first is not None and second is not None
    assert first.name == second.name and len(first.name) <= 32


@pytest.mark.parametrize("entry", ["vn..bg", "vn.*", "vn.>", "=", "vn bg"])
def test_an_entry_that_is_not_a_unit_path_is_refused_with_what_is_accepted(entry: str) -> None:
    with pytest.raises(PartitionError, match="accepted are unit paths"):
        parse_partition(entry)
