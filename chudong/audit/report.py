"""``chudong audit report``: what an auditor files about the unions under a unit, as of a day.

One document (JSON; the PDF and xlsx are written from it, :mod:`chudong.audit.report_files`) holds
the run's metadata (when, by whom, with which versions, from which data, at which stream positions and
head hashes, against which checkpoints), each union's verdict per criterion with its evidence counts,
and the verification of the history it was computed from. Everything comes from one reading of the
history: the verification and the replay see the same copies.
"""

from __future__ import annotations

import getpass
import platform
from collections.abc import Sequence
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from chudong.audit.findings import overall
from chudong.audit.replay import Rebuild, evaluate_all, read_history
from chudong.audit.source import open_history
from chudong.audit.verification import Verification, verify_history
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.results import CriterionResult, UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from shared.checkpoints import CheckpointFile
from shared.clock import utcnow
from shared.settings import CommonSettings

REPORT_FORMAT = "chudong-audit-report/1"


def operator_name(given: str | None) -> str:
    """Who ran the report: as given, else the account it ran under."""
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def versions() -> dict[str, str]:
    try:
        own = version("chudong")
    except PackageNotFoundError:
        own = "?"
    return {"chudong": own, "python": platform.python_version()}


def _criterion(c: CriterionResult) -> dict[str, Any]:
    return {
        "criterion": c.criterion,
        "name": c.name,
        "status": c.status.value,
        "evidence_events": sum(i.evidence.event_count for i in c.indicators),
        "indicators_passed": sum(1 for i in c.indicators if i.status.value == "pass"),
        "indicators": [
            {
                "indicator_id": i.indicator_id,
                "name": i.name,
                "core": i.core,
                "status": i.status.value,
                "evidence_events": i.evidence.event_count,
                "late_events": i.evidence.late_count,
                "missing": len(i.missing),
            }
            for i in c.indicators
        ],
    }


def union_verdicts(rebuild: Rebuild, results: Sequence[UnitCompliance]) -> list[dict[str, Any]]:
    unions = []
    for r in results:
        unit = rebuild.units.get(r.unit_id)
        unions.append(
            {
                "unit_id": r.unit_id,
                "name": unit.name if unit else "",
                "path": unit.path if unit else "",
                "unit_type": r.unit_type,
                "year": r.year,
                "rules_id": r.rules_id,
                "status": r.status.value,
                "criteria": [_criterion(c) for c in r.criteria],
            }
        )
    return unions


def report_document(
    *,
    unit: str,
    as_of: AsOf,
    operator: str,
    generated_at: datetime,
    source: dict[str, Any],
    verification: Verification,
    rebuild: Rebuild,
    results: Sequence[UnitCompliance],
    lang: str = "vi",
) -> dict[str, Any]:
    unions = union_verdicts(rebuild, results)
    root = rebuild.units.get(unit)
    return {
        "format": REPORT_FORMAT,
        "run": {
            "generated_at": generated_at.isoformat(),
            "operator": operator,
            "versions": {**versions(), "nats_server": source.get("nats_server_version", "")},
            "data_source": source,
            "unit": {"unit_id": unit, "name": root.name if root else "", "path": root.path if root else ""},
            "as_of": as_of.day.isoformat(),
            "known_at": as_of.known_at.isoformat() if as_of.known_at else None,
            "basis": "known" if as_of.known_at else "happened",
            "rules": sorted({r.rules_id for r in results}),
            "language": lang,
        },
        "history": verification.heads,
        "checkpoints_verified": verification.checkpoints,
        "verification": {
            "verdict": overall(verification.findings).value,
            "findings": [f.as_json(lang) for f in verification.findings],
        },
        "summary": {
            "unions": len(unions),
            **{
                s: sum(1 for u in unions if u["status"] == s)
                for s in ("pass", "at_risk", "fail", "not_assessed")
            },
        },
        "unions": unions,
    }


async def build_report(
    common: CommonSettings,
    *,
    unit: str,
    as_of: AsOf,
    book: RuleBook,
    year: int | None,
    operator: str,
    trusted: dict[str, set[str]],
    filed: Sequence[tuple[str, CheckpointFile]] = (),
    lang: str = "vi",
) -> dict[str, Any]:
    """Verify the history and replay it once, from the same copies, into the report's document."""
    async with open_history(common, name="chudong-audit-report") as source:
        if source.js is None:
            assert source.nats_problem is not None
            raise SystemExit(source.nats_problem.render("en"))
        verification = await verify_history(source, trusted, filed)
        rebuild = await read_history(source.js)
        described = source.describe()
    results = evaluate_all(rebuild, book, as_of, unit=unit, year=year)
    if not results:
        raise SystemExit(f"no grassroots union at or under {unit!r} in the history")
    return report_document(
        unit=unit,
        as_of=as_of,
        operator=operator,
        generated_at=utcnow(),
        source=described,
        verification=verification,
        rebuild=rebuild,
        results=results,
        lang=lang,
    )
