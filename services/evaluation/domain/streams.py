"""Evaluation's streams: one per union and year for its compliance, one for its recognition workflow."""

from __future__ import annotations


def compliance_stream(unit_id: str, year: int) -> str:
    """What the evaluator said of a union's compliance in ``year`` (``ComplianceChanged`` …)."""
    return f"compliance-{unit_id}-{year}"


def recognition_stream(unit_id: str, year: int) -> str:
    """The steps of a union's recognition for ``year`` (self-assessment, appraisals, decision)."""
    return f"recognition-{unit_id}-{year}"
