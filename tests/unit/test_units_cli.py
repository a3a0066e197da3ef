"""``chudong units`` says where it looked when no membership is running here."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chudong.cli import app


def test_units_without_a_running_system_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["units", "--under", "bg"])
    assert result.exit_code == 2
    assert "membership is not running here" in result.output
    assert "--url" in result.output


def test_units_from_a_membership_that_does_not_answer_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["units", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "membership at http://127.0.0.1:9 did not answer" in result.output
