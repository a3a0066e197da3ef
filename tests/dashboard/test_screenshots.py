"""Screenshots reach docs/ only when asked for (`make screenshots`), never as a side effect of a test run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import tests.dashboard.conftest as browser_fixtures

ROOT = Path(__file__).resolve().parents[2]


def test_a_plain_run_writes_screenshots_outside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHUDONG_SCREENSHOTS_DIR", raising=False)
    try:
        plain = importlib.reload(browser_fixtures).SCREENSHOTS
        assert not plain.resolve().is_relative_to(ROOT), plain
        monkeypatch.setenv("CHUDONG_SCREENSHOTS_DIR", str(ROOT / "docs" / "dashboard"))
        assert importlib.reload(browser_fixtures).SCREENSHOTS == ROOT / "docs" / "dashboard"
    finally:
        monkeypatch.undo()
        importlib.reload(browser_fixtures)
    assert "CHUDONG_SCREENSHOTS_DIR=$(CURDIR)/docs/dashboard" in (ROOT / "Makefile").read_text()
