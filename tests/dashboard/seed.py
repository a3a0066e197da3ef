"""A demo district, recorded through membership's and planning's HTTP APIs of a running chudong."""

from __future__ import annotations

from datetime import date

import httpx

from tests.support import FOUNDED

PROVINCE = ("bg", "Tỉnh đoàn Bắc Giang")
DISTRICTS = [("bg-pl", "Huyện đoàn Phước Long"), ("bg-lg", "Huyện đoàn Lục Ngạn")]
UNIONS = [
    ("pl-phuoc-hung", "Đoàn xã Phước Hưng", "bg-pl", "commune_ward"),
    ("pl-long-thanh", "Đoàn phường Long Thành", "bg-pl", "commune_ward"),
    ("pl-dien-luc", "Đoàn cơ sở Điện lực Phước Long", "bg-pl", "enterprise"),
    ("lg-tan-hoa", "Đoàn xã Tân Hoa", "bg-lg", "commune_ward"),
]
BRANCHES_PER_UNION = 2


def branches_of(union: str) -> list[str]:
    return [f"{union}-cd{n}" for n in range(1, BRANCHES_PER_UNION + 1)]


def register_unit(
    client: httpx.Client,
    membership: str,
    admin: dict[str, str],
    unit: tuple[str, str, str, str],
    unit_type: str = "commune_ward",
) -> None:
    """Register ``unit`` (id, name, level, parent), founded long before the meetings the pages show."""
    unit_id, name, level, parent = unit
    answer = client.post(
        f"{membership}/units",
        headers=admin,
        json={
            "unit_id": unit_id,
            "name": name,
            "level": level,
            "unit_type": unit_type,
            "parent_id": parent,
            "established_on": FOUNDED.isoformat(),
        },
    )
    assert answer.status_code == 201, answer.text


def register_units(
    client: httpx.Client,
    membership: str,
    admin: dict[str, str],
    *,
    districts: bool = True,
    unions: bool = True,
) -> None:
    def register(unit_id: str, name: str, level: str, parent: str, unit_type: str = "commune_ward") -> None:
        register_unit(client, membership, admin, (unit_id, name, level, parent), unit_type)

    if districts:
        register(PROVINCE[0], PROVINCE[1], "province", "vn")
        for unit_id, name in DISTRICTS:
            register(unit_id, name, "district", PROVINCE[0])
    for unit_id, name, district, unit_type in UNIONS if unions else []:
        register(unit_id, name, "grassroots", district, unit_type)
        for number, branch in enumerate(branches_of(unit_id), start=1):
            register(
                branch, f"Chi đoàn {number} – {name.removeprefix('Đoàn ')}", "branch", unit_id, unit_type
            )


def hold_meeting(
    client: httpx.Client, planning: str, headers: dict[str, str], branch: str, held_on: date
) -> None:
    answer = client.post(
        f"{planning}/branches/{branch}/meetings",
        headers=headers,
        json={"held_on": held_on.isoformat(), "kind": "periodic", "present_count": 8, "expected_count": 10},
    )
    assert answer.status_code == 201, answer.text
