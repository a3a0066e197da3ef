"""Roles and what each may do. Every role acts only on its unit and the units below it."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    BRANCH_SECRETARY = "branch_secretary"  # Bí thư chi đoàn
    UNION_SECRETARY = "union_secretary"  # Bí thư Đoàn cơ sở
    DISTRICT_OFFICER = "district_officer"  # cán bộ Huyện đoàn
    PROVINCE_OFFICER = "province_officer"  # cán bộ Tỉnh đoàn
    AUDITOR = "auditor"  # kiểm tra, giám sát
    ADMIN = "admin"  # quản trị hệ thống


class Permission(StrEnum):
    READ = "read"  # see units, members (without personal fields), plans and compliance
    READ_PERSONAL = "read_personal"  # see members' personal fields
    READ_SENSITIVE = "read_sensitive"  # see the hardship list's sensitive fields (every read is logged)
    MANAGE_UNITS = "manage_units"  # register, rename, move and close units
    MANAGE_MEMBERS = "manage_members"  # admit, transfer, discipline, rate members
    RECORD_BRANCH_LIFE = "record_branch_life"  # meetings, attendance, dues collected in a branch
    MANAGE_PLANS = "manage_plans"  # plans, activities, reports, advice, coordination
    SELF_ASSESS = "self_assess"  # submit a union's self-assessment
    APPRAISE = "appraise"  # appraise and decide recognition for the units one recognises
    SUBSCRIBE = "subscribe"  # receive alerts
    AUDIT = "audit"  # replay and verify the history, read access logs
    OPERATE = "operate"  # dead letters, rebuilds, erasure requests
    MANAGE_ACCOUNTS = "manage_accounts"  # open officers' accounts, reset them, grant and revoke roles below


_ALL = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.BRANCH_SECRETARY: frozenset(
        {Permission.READ, Permission.READ_PERSONAL, Permission.RECORD_BRANCH_LIFE, Permission.SUBSCRIBE}
    ),
    Role.UNION_SECRETARY: frozenset(
        {
            Permission.READ,
            Permission.READ_PERSONAL,
            Permission.READ_SENSITIVE,
            Permission.MANAGE_UNITS,
            Permission.MANAGE_MEMBERS,
            Permission.RECORD_BRANCH_LIFE,
            Permission.MANAGE_PLANS,
            Permission.SELF_ASSESS,
            Permission.SUBSCRIBE,
        }
    ),
    Role.DISTRICT_OFFICER: frozenset(
        {
            Permission.READ,
            Permission.READ_PERSONAL,
            Permission.MANAGE_UNITS,
            Permission.MANAGE_MEMBERS,
            Permission.MANAGE_PLANS,
            Permission.APPRAISE,
            Permission.SUBSCRIBE,
        }
    ),
    Role.PROVINCE_OFFICER: frozenset(
        {
            Permission.READ,
            Permission.READ_PERSONAL,
            Permission.MANAGE_UNITS,
            Permission.MANAGE_PLANS,
            Permission.APPRAISE,
            Permission.SUBSCRIBE,
        }
    ),
    Role.AUDITOR: frozenset({Permission.READ, Permission.AUDIT}),  # sees grants too (who held what, when)
    Role.ADMIN: _ALL,
}


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]
