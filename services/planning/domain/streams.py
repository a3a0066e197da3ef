"""Planning's streams: where each plan, meeting, record and fact keeps its history.

A record that opens and closes (an activity, a youth project, a proposal, an agreement) has one stream
under its kind and id; a fact recorded once per period has its period in the stream id, so that a
second one for the same period finds the stream taken.
"""

from __future__ import annotations

from shared.contracts.planning import ReviewKind

RECORD_KINDS = ("activity", "project", "proposal", "agreement")
"""The kinds of records that open and then close once (see :mod:`services.planning.domain.records`)."""


def plan_stream(plan_id: str) -> str:
    return f"plan-{plan_id}"


def model_stream(unit_id: str, year: int) -> str:
    """A union's registration of the "3 chủ động" model for a year."""
    return f"model-{unit_id}-{year}"


def meeting_stream(meeting_id: str) -> str:
    return f"meeting-{meeting_id}"


def briefing_stream(briefing_id: str) -> str:
    """A briefing of branch secretaries (giao ban)."""
    return f"briefing-{briefing_id}"


def tasks_stream(unit_id: str, month: str) -> str:
    """The month's tasks a union gives its branches: any number of assignments a month."""
    return f"tasks-{unit_id}-{month}"


def record_stream(kind: str, record_id: str) -> str:
    """An activity, youth project, proposal or agreement (``kind`` one of :data:`RECORD_KINDS`)."""
    return f"{kind}-{record_id}"


def report_stream(unit_id: str, period: str) -> str:
    return f"report-{unit_id}-{period}"


def review_stream(unit_id: str, year: int, kind: ReviewKind) -> str:
    return f"review-{unit_id}-{year}-{kind.value}"


def inspection_stream(inspection_id: str) -> str:
    return f"inspection-{inspection_id}"


def good_model_stream(model_id: str) -> str:
    return f"good-model-{model_id}"


def party_briefing_stream(briefing_id: str) -> str:
    """A briefing of the Party committee."""
    return f"party-briefing-{briefing_id}"


def dialogue_stream(dialogue_id: str) -> str:
    return f"dialogue-{dialogue_id}"


def joint_activity_stream(joint_activity_id: str) -> str:
    return f"joint-activity-{joint_activity_id}"


def mobilisation_stream(mobilisation_id: str) -> str:
    return f"mobilisation-{mobilisation_id}"


def attachment_stream(attachment_id: str) -> str:
    return f"attachment-{attachment_id}"
