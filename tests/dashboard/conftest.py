"""A running chudong with a demo district, and a headless chromium driven by Playwright.

Playwright cannot download its own browsers here: the tests drive Debian's chromium, installed by
``make install`` when it is missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from shared.auth import Role, mint_token
from tests.dashboard.seed import UNIONS, hold_meeting, register_units
from tests.e2e.conftest import RunningSystem, start_system

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Screenshots of the pages go to docs/ only when asked (`make screenshots`), never as a side effect of a
# test run; otherwise to a temporary directory, still taken, so the pages' rendering is exercised.
SCREENSHOTS = Path(
    os.environ.get("CHUDONG_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "chudong-dashboard-screenshots"
)


def _find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH", ""), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium, which `make install` (run by `make test`) installs when it is missing."""
    found = _find_chromium()
    assert found is not None, (
        "chromium is not installed: run `make chromium` (it installs Debian's chromium; `make test` does it first)"
    )
    return found


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it is
    # open, and every later test that starts its own loop (asyncio.run) would be refused.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage", "--lang=vi-VN"]
        )
        yield launched
        launched.close()


@dataclass
class Demo:
    system: RunningSystem
    today: date

    @property
    def dashboard(self) -> str:
        return self.system.urls["dashboard"]

    def url(self, service: str) -> str:
        return self.system.urls[service]

    def token(self, role: str, unit: str, subject: str = "officer-pl", name: str = "Nguyễn Thị Hoa") -> str:
        secret = (self.system.data_dir / "secrets" / "jwt.key").read_text().strip()
        return mint_token(secret, subject=subject, role=Role(role), unit_id=unit, name=name)

    def headers(self, role: str, unit: str, subject: str = "officer-pl") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, unit, subject)}"}

    def sign_in(self, page: Page, role: str = "district_officer", unit: str = "bg-pl") -> None:
        """Signed in with a development token (the sign-in form itself has its own test)."""
        page.goto(f"{self.dashboard}/login/token?next=/")
        page.fill("textarea[name=token]", self.token(role, unit))
        page.click("button[type=submit]")
        page.wait_for_url(f"**/units/{unit}")

    def wait(self, condition: object, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():  # type: ignore[operator]
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """chudong running with the demo district: three unions in Phước Long, one in Lục Ngạn."""
    system = start_system(tmp_path_factory.mktemp("dashboard") / "data")
    try:
        result = Demo(system, date.today())
        with httpx.Client(timeout=30) as client:
            officer = result.headers("district_officer", "bg-pl")
            admin = result.headers("admin", "vn", "admin")
            register_units(client, result.url("membership"), admin, unions=False)

            def officer_known() -> bool:
                contact = client.put(
                    f"{result.url('notifications')}/officers/me",
                    headers=officer,
                    json={"name": "Nguyễn Thị Hoa"},
                )
                return contact.status_code in (200, 201)

            result.wait(officer_known, "notifications to know the district")
            register_units(client, result.url("membership"), admin, districts=False)

            def planning_knows_the_branch() -> bool:
                plans = f"{result.url('planning')}/units/pl-phuoc-hung-cd1/plans"
                return client.get(plans, headers=admin).status_code == 200

            result.wait(planning_knows_the_branch, "planning's copy of the tree to hold the branch")
            hold_meeting(
                client,
                result.url("planning"),
                result.headers("admin", "vn", "admin"),
                "pl-phuoc-hung-cd1",
                result.today,
            )
            expected = {u for u, _, district, _ in UNIONS if district == "bg-pl"}

            def evaluated() -> bool:
                answer = client.get(f"{result.url('evaluation')}/units/bg-pl/unions", headers=officer)
                items = answer.json().get("items", []) if answer.status_code == 200 else []
                return {i["unit_id"] for i in items if i["evaluated_on"]} == expected

            result.wait(evaluated, "the demo district evaluated")
            # The officer gets 404 for that union whether or not the dashboard knows it: ask as the admin.
            result.wait(
                lambda: client.get(f"{result.dashboard}/units/lg-tan-hoa", headers=admin).status_code == 200,
                "the dashboard's copy of the org tree",
            )
        yield result
    finally:
        system.stop()


# The overview has drawn its trend: the chart is a document of its own (an <object>), with its legend.
TREND_LOADED = (
    "(() => { const o = document.querySelector('object.trend');"
    " return !!(o && o.contentDocument && o.contentDocument.querySelector('svg .legend')); })()"
)
