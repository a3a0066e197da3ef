"""Events owned by the planning service: plans, branch life, work, advice and coordination."""

from __future__ import annotations

from functools import partial

from shared.events import event_type

planning_event = partial(event_type, service="planning")
