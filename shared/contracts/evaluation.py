"""Events owned by the evaluation service: compliance changes, risks and recognition."""

from __future__ import annotations

from functools import partial

from shared.events import event_type

evaluation_event = partial(event_type, service="evaluation")
