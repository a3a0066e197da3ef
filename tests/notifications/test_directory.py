"""The officer directory: who is alerted about a unit comes from identity's grants and the officers' own
settings. A new officer of a district receives what is open about its unions; one whose grant is revoked
is alerted no more, whatever they subscribed to."""

from __future__ import annotations

from datetime import date

from shared.auth import Role
from shared.clock import FixedClock
from shared.contracts.evaluation import Status
from shared.contracts.identity import GrantIssued, GrantRevoked
from tests.notifications.conftest import Notifications, Start
from tests.notifications.test_first_digest import MORNING, what_happened_before
from tests.notifications.world import PATHS, compliance_changed, officer
from tests.support import wait_until

HANG = officer("district_officer", "bg-pl", "a-hang")  # the token identity mints for her account


async def grant(service: Notifications, grant_id: str, account: str, unit: str) -> None:
    issued = GrantIssued(
        grant_id=grant_id,
        account_id=account,
        role=Role.DISTRICT_OFFICER,
        unit_id=unit,
        valid_from=date(2026, 11, 1),
    )
    await service.identity.emit(issued, PATHS[unit], f"grant-{grant_id}")
    await service.caught_up()


async def revoke(service: Notifications, grant_id: str, account: str, unit: str) -> None:
    await service.identity.emit(
        GrantRevoked(grant_id=grant_id, account_id=account), PATHS[unit], f"grant-{grant_id}"
    )
    await service.caught_up()


async def unread(service: Notifications, headers: dict[str, str]) -> list[str]:
    inbox = (await service.client.get("/inbox", headers=headers)).json()
    return sorted(i["unit_id"] for i in inbox["items"] if not i["read_at"])


async def test_a_new_district_officer_receives_its_open_items_then_its_alerts_until_revoked(
    start_notifications: Start,
) -> None:
    async with start_notifications(FixedClock(MORNING)) as service:
        await what_happened_before(service)
        assert await unread(service, HANG) == []

        await grant(service, "g-hang", "a-hang", "bg-pl")  # no contact given, no subscription: her inbox
        assert await unread(service, HANG) == ["pl-x", "pl-x", "pl-x"]  # what is open in her district only

        await service.evaluation.emit(compliance_changed("pl-z", Status.FAIL, criterion=0), PATHS["pl-z"])

        async def alerted() -> bool:
            return "pl-z" in await unread(service, HANG)

        await wait_until(alerted, what="the district's new alert in her inbox")

        await revoke(service, "g-hang", "a-hang", "bg-pl")
        before = await unread(service, HANG)
        # An officer identity does not know (a development token), whose contact names the district.
        control = officer("district_officer", "bg-pl", "officer-dev")
        assert (
            await service.client.put("/officers/me", headers=control, json={"name": "Dev"})
        ).status_code == 200
        seen = await unread(service, control)
        await service.evaluation.emit(compliance_changed("pl-z", Status.FAIL, criterion=3), PATHS["pl-z"])

        async def control_alerted() -> bool:
            return len(await unread(service, control)) > len(seen)

        await wait_until(control_alerted, what="the alert to reach the officer still in place")
        assert await unread(service, HANG) == before


async def test_a_subscription_counts_only_while_a_grant_covers_its_unit(start_notifications: Start) -> None:
    lan = officer("district_officer", "bg-pl", "a-lan")
    async with start_notifications(FixedClock(MORNING)) as service:
        await grant(service, "g-lan", "a-lan", "bg-pl")
        answer = await service.client.post("/subscriptions", headers=lan, json={"unit_id": "pl-x"})
        assert answer.status_code == 201, answer.text
        await service.evaluation.emit(compliance_changed("pl-x", Status.AT_RISK, criterion=1), PATHS["pl-x"])

        async def alerted() -> bool:
            return await unread(service, lan) == ["pl-x"]

        await wait_until(alerted, what="the subscriber's alert")
        await revoke(service, "g-lan", "a-lan", "bg-pl")  # moved elsewhere: her subscription stays, unheard
        control = officer("district_officer", "bg-pl", "officer-dev")
        subscribed = await service.client.post("/subscriptions", headers=control, json={"unit_id": "pl-x"})
        assert subscribed.status_code == 201, subscribed.text
        await service.caught_up()
        first_digest = len(await unread(service, control))  # what was open about pl-x
        await service.evaluation.emit(
            compliance_changed("pl-x", Status.FAIL, criterion=1, old=Status.AT_RISK), PATHS["pl-x"]
        )

        async def control_alerted() -> bool:
            return len(await unread(service, control)) > first_digest

        await wait_until(control_alerted, what="the alert to reach the subscriber still in place")
        assert await unread(service, lan) == ["pl-x"]
