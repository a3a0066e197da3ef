"""``chudong audit report``: PDF, xlsx and JSON with the run's metadata, each union's verdict per criterion
with its evidence counts, and the verification; the same online and offline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from shared.i18n import format_date
from tests.audit.conftest import Recorded

EXPECTED = Path(__file__).with_name("expected_report.json")
_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_KEY = re.compile(r"\b[0-9a-f]{16}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_INSTANT = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def normalised(value: Any, today: str) -> Any:
    """The report with what changes from run to run (times, hashes, keys, ids) replaced by its kind."""
    if isinstance(value, dict):
        return {k: _field(k, v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v, today) for v in value]
    if isinstance(value, str):
        text = _INSTANT.sub("<instant>", _UUID.sub("<event id>", value))
        return _KEY.sub("<key>", _HASH.sub("<hash>", text)).replace(today, "<today>")
    return value


def _field(key: str, value: Any, today: str) -> Any:
    if key == "versions":
        return sorted(value)
    if key == "data_source":
        return {"mode": "<mode>", "databases": sorted(value["databases"]), "fields": sorted(value)}
    return normalised(value, today)


def report(recorded: Recorded, out: Path, *args: str) -> dict[str, Any]:
    result = recorded.chudong(
        "audit",
        "report",
        "--unit",
        "bg",
        "--as-of",
        "2026-03-31",
        "--operator",
        "Kiểm tra viên",
        "--out",
        str(out),
        *args,
    )
    assert result.exit_code == 0, result.output
    written = sorted(Path(line) for line in result.stdout.split())
    assert [p.suffix for p in written] == [".json", ".pdf", ".xlsx"]
    document: dict[str, Any] = json.loads((out / "audit-bg-2026-03-31.json").read_text())
    return document


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_the_report_holds_the_run_the_verdicts_and_the_verification(
    recorded: Recorded, tmp_path: Path, mode: str
) -> None:
    if mode == "offline":
        recorded.go_offline()
    doc = report(recorded, tmp_path / "out")
    assert doc["run"]["data_source"]["mode"] == mode
    assert doc["history"]["membership"]["head_hash"] == next(
        c["hash"] for c in doc["checkpoints_verified"] if c["service"] == "membership"
    )
    found = normalised(doc, format_date(datetime.now(UTC)))
    assert found == json.loads(EXPECTED.read_text())


def test_the_spreadsheet_and_the_pdf_say_it_in_vietnamese_with_names_and_ids(
    recorded: Recorded, tmp_path: Path
) -> None:
    doc = report(recorded, tmp_path)
    book = load_workbook(tmp_path / "audit-bg-2026-03-31.xlsx")
    cells = {
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    }
    assert {
        "dcs-1",
        "Đơn vị dcs-1",
        "Kiểm tra viên",
        "Đạt",
        doc["history"]["membership"]["head_hash"],
    } <= cells
    assert any("Xác minh lịch sử dữ liệu" in c for c in cells)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "audit-bg-2026-03-31.pdf").pages)
    assert "Đơn vị dcs-1" in text and "dcs-1" in text and "31/03/2026" in text


def test_a_broken_history_is_reported_as_broken(recorded: Recorded, tmp_path: Path) -> None:
    recorded.sql("DELETE FROM events WHERE position = 3")
    doc = report(recorded, tmp_path)
    assert doc["verification"]["verdict"] == "BROKEN"
    broken = next(f for f in doc["verification"]["findings"] if f["verdict"] == "BROKEN")
    assert broken["event"]["position"] == 3 and broken["event"]["type"] == "UnitRegistered"
