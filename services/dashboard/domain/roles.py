"""The roles as the header of every page names them (vai trò), translated by the catalogs."""

from __future__ import annotations

from shared.i18n import N_

ROLE_NAMES: dict[str, str] = {
    "branch_secretary": N_("Branch secretary"),
    "union_secretary": N_("Grassroots union secretary"),
    "district_officer": N_("District officer"),
    "province_officer": N_("Province officer"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}
