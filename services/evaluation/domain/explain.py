"""An evaluation in words, for officers and auditors (giải trình)."""

from __future__ import annotations

from services.evaluation.domain.results import UnitCompliance

MARK = {"pass": "PASS", "at_risk": "AT RISK", "fail": "FAIL", "not_assessed": "NOT ASSESSED"}


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
            for m in i.missing[:10]:
                lines.append(f"      missing: {m.description}")
            if len(i.missing) > 10:
                lines.append(f"      missing: … and {len(i.missing) - 10} more")
    return "\n".join(lines) + "\n"
