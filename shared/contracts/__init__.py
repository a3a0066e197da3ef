"""The event contracts of every service: one pydantic model per event type and schema version.

Importing this package registers every type in :data:`shared.events.REGISTRY`.
"""

from shared.contracts import evaluation, membership, notifications, planning
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType

__all__ = [
    "OrgUnit",
    "UnitLevel",
    "UnitStatus",
    "UnitType",
    "evaluation",
    "membership",
    "notifications",
    "planning",
]
