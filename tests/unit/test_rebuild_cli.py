"""``chudong rebuild`` names the services running here when it cannot find the one asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chudong.cli import app


def test_rebuild_of_a_service_not_running_here_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["rebuild", "evaluation", "evaluation_facts"])
    assert result.exit_code == 2
    assert "no system running here" in result.output
