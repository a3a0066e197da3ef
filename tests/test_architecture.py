"""Architecture rules, checked by import-linter: services never import one another, shared depends on
no service, domain code imports no infrastructure, and every service is layered the same way (api over
app over adapters over domain); and every service has the same shape on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[1]
SHAPE = (
    "api/__init__.py",
    "app/__init__.py",
    "adapters/__init__.py",
    "domain/__init__.py",
    "settings.py",
    "main.py",
)


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_shape(service: str) -> None:
    folder = ROOT / "services" / service
    missing = [part for part in SHAPE if not (folder / part).is_file()]
    assert not missing, f"services/{service} lacks {missing}"
    stray = sorted(p.name for p in folder.glob("api*.py"))
    assert not stray, f"services/{service} has routes outside its api/ package: {stray}"
