"""The org tree as every service sees it: a read model built from membership's unit events."""

from shared.contracts.org import OrgUnit
from shared.orgtree.projection import OrgTreeProjection, UnitDirectory, org_units

__all__ = ["OrgTreeProjection", "OrgUnit", "UnitDirectory", "org_units"]
