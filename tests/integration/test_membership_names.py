"""How pages name members: by name for a role that may read it (and the read is logged), else by branch
and number; never a member outside the unit asked about."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from chudong.nats.server import EmbeddedNats
from tests.membership_api import Membership, admission, membership_service


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        await service.accept("/members", admission("nm-b", joined="2025-03-01", name="Trần Thị Bích"))
        await service.accept("/members", admission("nm-a", joined="2025-02-01", name="Lê Văn An"))
        await service.accept("/members", admission("nm-c", "pl-x-2", name="Phạm Văn Cường"))
        await service.accept("/members", admission("nm-far", "vy-y-1", name="Ngô Thị Xa"))
        yield service


async def names(svc: Membership, headers: dict[str, str], *ids: str, unit: str = "pl-x") -> dict[str, Any]:
    answer = await svc.client.get(
        f"/units/{unit}/member-names", params={"member_id": list(ids)}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_an_officer_who_may_read_personal_fields_gets_names_and_the_reads_are_logged(
    svc: Membership,
) -> None:
    officer = svc.token("district_officer", "bg-pl")
    answer = await names(svc, officer, "nm-a", "nm-b", "nm-c", "nm-far", "nobody")
    assert answer["with_names"] is True
    by_id = {i["member_id"]: i for i in answer["items"]}
    assert set(by_id) == {"nm-a", "nm-b", "nm-c"}  # one of another district, one who does not exist
    assert by_id["nm-a"] == {
        "member_id": "nm-a",
        "branch_id": "pl-x-1",
        "number": 1,
        "full_name": "Lê Văn An",
    }
    assert (by_id["nm-b"]["number"], by_id["nm-b"]["full_name"]) == (2, "Trần Thị Bích")
    assert (by_id["nm-c"]["branch_id"], by_id["nm-c"]["number"]) == ("pl-x-2", 1)
    reads = await svc.client.get("/units/pl-x/personal-reads", headers=svc.token("auditor", "bg"))
    logged = [r for r in reads.json() if r["purpose"] == "names on a page"]
    assert sorted(r["person_id"] for r in logged) == ["nm-a", "nm-b", "nm-c"]
    assert {r["fields"] for r in logged} == {"full_name"}


async def test_a_role_that_may_not_read_names_gets_branch_and_number_only(svc: Membership) -> None:
    auditor = svc.token("auditor", "bg-pl")
    answer = await names(svc, auditor, "nm-a", "nm-b")
    assert answer["with_names"] is False
    assert [(i["member_id"], i["number"], i["full_name"]) for i in answer["items"]] == [
        ("nm-a", 1, None),
        ("nm-b", 2, None),
    ]
    reads = await svc.client.get("/units/pl-x/personal-reads", headers=svc.token("auditor", "bg"))
    assert [r for r in reads.json() if r["purpose"] == "names on a page"] == []


async def test_an_erased_member_keeps_a_number_and_loses_the_name(svc: Membership) -> None:
    await svc.accept("/people/nm-a/erasure", {"request_ref": "YC-1"})
    answer = await names(svc, svc.token("district_officer", "bg-pl"), "nm-a", unit="pl-x-1")
    assert [(i["number"], i["full_name"]) for i in answer["items"]] == [(1, None)]


async def test_too_many_or_malformed_ids_are_refused_naming_the_field(svc: Membership) -> None:
    officer = svc.token("district_officer", "bg-pl")
    for ids in ([f"m-{n}" for n in range(501)], ["a b"], []):
        answer = await svc.client.get("/units/pl-x/member-names", params={"member_id": ids}, headers=officer)
        assert answer.status_code == 422, (len(ids), answer.text)
        assert answer.json()["detail"][0]["field"].startswith("member_id")
