"""How big each demo scale is: the sizes of DOMAIN.md (a province ~320 unions and ~5,000 branches)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scale:
    """The shape of a demo tree.

    ``districts`` is per province; 0 means the unions sit directly under the province,
    as after the 2025 administrative reform (the province then recognises them).
    Branch and member counts are drawn uniformly between the bounds, per union and per branch.
    """

    name: str
    provinces: int
    districts: int
    unions: int  # per province
    branches: tuple[int, int]  # per union
    members: tuple[int, int]  # per branch


SCALES: dict[str, Scale] = {
    # One district with a handful of unions: small enough to go through the HTTP commands.
    "unit": Scale("unit", provinces=1, districts=1, unions=8, branches=(2, 6), members=(4, 14)),
    # A "Đoàn Khối" with 63 unions.
    "district": Scale("district", provinces=1, districts=1, unions=63, branches=(4, 16), members=(5, 25)),
    # Bắc Giang: 320 grassroots unions, over 5,000 branches.
    "province": Scale("province", provinces=1, districts=10, unions=320, branches=(8, 24), members=(5, 25)),
    # The nation after the reform: 34 provinces, ~30,000 unions, ~300,000 branches.
    "nation": Scale("nation", provinces=34, districts=0, unions=882, branches=(4, 16), members=(5, 25)),
}
