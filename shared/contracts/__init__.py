"""The event contracts of every service: one pydantic model per event type and schema version.

Importing this package registers every type in :data:`shared.events.REGISTRY`.
"""

from shared.contracts import evaluation, identity, membership, notifications, planning
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType

__all__ = [
    "OrgUnit",
    "UnitLevel",
    "UnitStatus",
    "UnitType",
    "evaluation",
    "identity",
    "membership",
    "notifications",
    "planning",
]
