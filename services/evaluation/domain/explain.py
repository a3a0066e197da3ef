"""An evaluation in words, for officers and auditors (giải trình)."""

from __future__ import annotations

from services.evaluation.domain.results import UnitCompliance
from shared.contracts.evaluation import LateCounting, LateEvidence

MARK = {"pass": "PASS", "at_risk": "AT RISK", "fail": "FAIL", "not_assessed": "NOT ASSESSED"}
COUNTS_AS = {
    LateCounting.COUNTED: "",
    LateCounting.AT_RISK: "; beyond the limit: counts only as at risk",
    LateCounting.NOT_COUNTED: "; beyond the limit: not counted",
}


def late_mark(late: LateEvidence) -> str:
    """One late event in words, Vietnamese first: "ghi nhận muộn 240 ngày (recorded 240 days late …)"."""
    return (
        f"{late.event_id} ghi nhận muộn {late.days_late} ngày (recorded {late.days_late} days late: "
        f"{late.kind} in {late.unit_id} on {late.occurred_on.isoformat()}, recorded "
        f"{late.recorded_on.isoformat()}{COUNTS_AS[late.counts_as]})"
    )


def explain(result: UnitCompliance, *, event_ids: int = 5) -> str:
    """Each criterion and indicator with its status, numbers, events and what is missing."""
    basis = (
        f"as the system knew it at {result.known_at.isoformat()}"
        if result.known_at is not None
        else f"as it had happened by {result.as_of.isoformat()}"
    )
    lines = [
        f"{result.unit_id} ({result.unit_type}) — year {result.year}, {basis}; rules {result.rules_id}",
        f'"3 chủ động": {MARK[result.status.value]}',
    ]
    for criterion in result.criteria:
        lines.append("")
        lines.append(f"Criterion {criterion.criterion}: {MARK[criterion.status.value]} — {criterion.name}")
        lines.append(f"  {criterion.explanation}")
        for i in criterion.indicators:
            kind = "core" if i.core else "optional"
            closes = f", decided by {i.closes_on.isoformat()}" if i.closes_on else ""
            lines.append(f"  {i.indicator_id} [{kind}] {MARK[i.status.value]} — {i.name}{closes}")
            lines.append(f"      {i.explanation}")
            if i.evidence.numbers:
                numbers = ", ".join(f"{k} = {v:g}" for k, v in i.evidence.numbers.items())
                lines.append(f"      numbers: {numbers}")
            if i.evidence.event_count:
                shown = ", ".join(i.evidence.event_ids[:event_ids])
                more = i.evidence.event_count - min(event_ids, len(i.evidence.event_ids))
                lines.append(f"      events: {shown}" + (f" (+{more} more)" if more > 0 else ""))
            for late in i.evidence.late[:event_ids]:
                lines.append(f"      late: {late_mark(late)}")
            if i.evidence.late_count > event_ids:
                lines.append(f"      late: … and {i.evidence.late_count - event_ids} more")
            for m in i.missing[:10]:
                lines.append(f"      missing: {m.description}")
            if len(i.missing) > 10:
                lines.append(f"      missing: … and {len(i.missing) - 10} more")
    return "\n".join(lines) + "\n"
