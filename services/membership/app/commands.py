"""Membership's command table: every command, its handler, the permission it needs, what it acts on."""

from __future__ import annotations

from services.membership.app.base import Membership
from services.membership.app.care import CareHandlers
from services.membership.app.erasure import ErasureHandlers
from services.membership.app.imports import MemberImport
from services.membership.app.lifecycle import LifecycleHandlers
from services.membership.app.members import MemberHandlers
from services.membership.app.records import RecordHandlers
from services.membership.app.transfers import TransferHandlers
from services.membership.app.units import UnitHandlers
from services.membership.domain import commands as cmds
from services.membership.settings import MembershipSettings
from shared.auth import Permission
from shared.commands import CommandTable, Target, on_unit, row

MANAGE = Permission.MANAGE_MEMBERS
RECORD = Permission.RECORD_BRANCH_LIFE
UNITS = Permission.MANAGE_UNITS


def of_unit(cmd: cmds.UnitCommand) -> Target:
    return on_unit(cmd.unit_id)


def of_member(cmd: cmds.MemberCommand) -> Target:
    """The member's branch: the member is found in the token's scope, or is unknown."""
    return Target("member", cmd.member_id, "member_id")


def of_received_member(cmd: cmds.MemberCommand) -> Target:
    """The branch the member's transfer goes to, which accepts or returns them."""
    return Target("receiving_member", cmd.member_id, "member_id")


def of_case(cmd: cmds.CaseCommand) -> Target:
    return Target("case", cmd.case_id, "case_id")


def of_person(cmd: cmds.ErasePerson) -> Target:
    """The unit of the member or case that holds the person's sealed fields."""
    return Target("person", cmd.person_id, "person_id")


def of_registration(cmd: cmds.RegisterUnit) -> Target:
    return on_unit(cmd.parent_id, "parent_id")


def of_move(cmd: cmds.MoveUnit) -> Target:
    """The unit, and the parent it moves under: both in the token's scope."""
    return Target("unit", cmd.unit_id, "unit_id", (on_unit(cmd.new_parent_id, "new_parent_id"),))


def of_closure(cmd: cmds.CloseUnit) -> Target:
    """The unit, and the one it merges into (if any): both in the token's scope."""
    merged = () if cmd.merged_into is None else (on_unit(cmd.merged_into, "merged_into"),)
    return Target("unit", cmd.unit_id, "unit_id", merged)


def of_admission(cmd: cmds.AdmitMember) -> Target:
    """The branch, and the member named as referrer (if any): both in the token's scope."""
    referrer = () if cmd.referred_by is None else (Target("named_member", cmd.referred_by, "referred_by"),)
    return Target("unit", cmd.branch_id, "branch_id", referrer)


def command_table(membership: Membership, settings: MembershipSettings | None = None) -> CommandTable:
    units, members = UnitHandlers(membership), MemberHandlers(membership)
    transfers, lifecycle = TransferHandlers(membership), LifecycleHandlers(membership)
    records, care = RecordHandlers(membership), CareHandlers(membership)
    erasure = ErasureHandlers(membership)
    imports = MemberImport(membership, (settings or MembershipSettings()).import_max_rows)
    return CommandTable(
        {
            # The org tree
            cmds.RegisterUnit: row(units.register, UNITS, of_registration),
            cmds.RenameUnit: row(units.rename, UNITS, of_unit),
            cmds.MoveUnit: row(units.move, UNITS, of_move),
            cmds.CloseUnit: row(units.close, UNITS, of_closure),
            cmds.CorrectUnitDates: row(units.correct_dates, UNITS, of_unit),
            cmds.ReviewRoster: row(units.review_roster, RECORD, of_unit),
            cmds.RemitDues: row(care.remit_dues, RECORD, of_unit),
            # Members
            cmds.AdmitMember: row(members.admit, MANAGE, of_admission),
            cmds.UpdateProfile: row(members.update_profile, MANAGE, of_member),
            cmds.ImportMemberList: row(imports.run, MANAGE, of_unit),
            # Transfers
            cmds.RequestTransfer: row(transfers.request_transfer, MANAGE, of_member),
            cmds.ReleaseTransfer: row(transfers.release_transfer, MANAGE, of_member),
            cmds.AcceptTransfer: row(transfers.accept_transfer, MANAGE, of_received_member),
            cmds.ReturnTransfer: row(transfers.return_transfer, MANAGE, of_received_member),
            # A member's lifecycle
            cmds.MatureMember: row(lifecycle.mature, MANAGE, of_member),
            cmds.ExtendMembership: row(lifecycle.extend, MANAGE, of_member),
            cmds.DisciplineMember: row(lifecycle.discipline, MANAGE, of_member),
            cmds.StrikeOffMember: row(lifecycle.strike_off, MANAGE, of_member),
            cmds.IssueCard: row(lifecycle.issue_card, MANAGE, of_member),
            # A member's year on record
            cmds.PayDues: row(records.pay_dues, RECORD, of_member),
            cmds.ExemptDues: row(records.exempt_dues, RECORD, of_member),
            cmds.RateMember: row(records.rate, MANAGE, of_member),
            cmds.RegisterTraining: row(records.register_training, MANAGE, of_member),
            cmds.EvaluateTraining: row(records.evaluate_training, MANAGE, of_member),
            cmds.ReviewInactivity: row(records.review_inactivity, MANAGE, of_member),
            cmds.RecordRecruit: row(records.recruit, RECORD, of_member),
            cmds.ReferToParty: row(records.refer_to_party, MANAGE, of_member),
            cmds.DecidePartyAdmission: row(records.decide_party_admission, MANAGE, of_member),
            # Youth care
            cmds.ReportYouthSituation: row(care.report_situation, RECORD, of_unit),
            cmds.RecordYouthCensus: row(care.record_census, RECORD, of_unit),
            cmds.ReviewHardshipList: row(care.review_hardship_list, RECORD, of_unit),
            cmds.ListHardshipCase: row(care.list_case, RECORD, of_unit),
            cmds.CloseHardshipCase: row(care.close_case, RECORD, of_case),
            cmds.RecordCareAction: row(care.record_care, RECORD, of_case),
            # A person's rights over their data
            cmds.ErasePerson: row(erasure.erase, Permission.OPERATE, of_person),
        }
    )
