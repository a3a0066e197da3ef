"""Planning's command handlers, one class per area, together in one object for the API."""

from __future__ import annotations

from services.planning.app.branch_life import BranchLifeHandlers
from services.planning.app.evidence import EvidenceHandlers
from services.planning.app.plans import PlanHandlers
from services.planning.app.work import WorkHandlers


class PlanningHandlers(PlanHandlers, BranchLifeHandlers, WorkHandlers, EvidenceHandlers):
    """Every planning command: load the state, decide with the domain's rules, append."""
