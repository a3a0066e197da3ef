"""End to end: ``chudong run``, a member admitted over HTTP, evaluation's count changes."""

from __future__ import annotations

import httpx

from tests.e2e.conftest import RunningSystem
from tests.support import eventually, unit_body


def wait_for_count(client: httpx.Client, url: str, headers: dict[str, str], expected: int) -> None:
    def shows() -> bool:
        answer = client.get(url, headers=headers)
        return answer.status_code == 200 and answer.json()["active_members"] == expected

    eventually(shows, f"evaluation shows {expected} active members", timeout=15)


def test_a_member_admitted_over_http_changes_evaluations_count(system: RunningSystem) -> None:
    membership, evaluation = system.urls["membership"], system.urls["evaluation"]
    admin = system.token("admin", "vn")
    with httpx.Client(timeout=10) as client:
        for service, url in system.urls.items():
            health = client.get(f"{url}/healthz")
            assert health.status_code == 200, (service, health.text)
            assert client.get(f"{url}/openapi.json").json()["info"]["title"] == f"chudong {service}"
        for unit, parent, level in [
            ("bg", "vn", "province"),
            ("bg-pl", "bg", "district"),
            ("pl-x", "bg-pl", "grassroots"),
            ("pl-x-1", "pl-x", "branch"),
        ]:
            created = client.post(f"{membership}/units", headers=admin, json=unit_body(unit, parent, level))
            assert created.status_code == 201, created.text
        officer = system.token("district_officer", "bg-pl")
        wait_for_count(client, f"{evaluation}/units/bg-pl/member-count", officer, 0)
        admitted = client.post(
            f"{membership}/members",
            headers=system.token("union_secretary", "pl-x"),
            json={
                "branch_id": "pl-x-1",
                "joined_on": "2026-03-26",
                "admission_decision_ref": "QĐ 12/QĐ-ĐTN",
                "profile": {"full_name": "Nguyễn Văn An", "birth_date": "2008-05-14"},
            },
        )
        assert admitted.status_code == 201, admitted.text
        wait_for_count(client, f"{evaluation}/units/bg-pl/member-count", officer, 1)
        wait_for_count(client, f"{evaluation}/units/pl-x-1/member-count", officer, 1)
        outside = client.get(f"{evaluation}/units/bg/member-count", headers=officer)
        assert outside.status_code == 404
    assert system.stop() == 0
    # Each service relayed and consumed as its own NATS user: the server refused none of it.
    logs = "".join(p.read_text() for p in (system.data_dir / "logs").glob("*.log"))
    assert "permission_denied" not in logs and "authorization_refused" not in logs
