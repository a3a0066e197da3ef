"""Planning's command table: every command, its handler, the permission it needs, what it acts on.

:class:`~services.planning.domain.commands.AttachEvidence` is not here: its route runs it with the file
it received (:meth:`~services.planning.app.evidence.EvidenceHandlers.attach`).
"""

from __future__ import annotations

from services.planning.app.advice import AdviceHandlers
from services.planning.app.branch_life import BranchLifeHandlers
from services.planning.app.handlers import PlanningHandlers
from services.planning.app.plans import PlanHandlers
from services.planning.app.work import WorkHandlers
from services.planning.domain import commands as cmds
from shared.auth import Permission
from shared.commands import CommandTable, Target, on_unit, row

MANAGE = Permission.MANAGE_PLANS
APPRAISE = Permission.APPRAISE


def of_unit(cmd: cmds.UnitCommand) -> Target:
    return on_unit(cmd.unit_id)


def of_branch(cmd: cmds.HoldMeeting) -> Target:
    return on_unit(cmd.branch_id)


def of_plan(cmd: cmds.PlanCommand) -> Target:
    """The plan's unit: the plan is found in the token's scope, or is unknown."""
    return Target("plan", cmd.plan_id, "plan_id")


def of_activity(cmd: cmds.HoldActivity | cmds.CancelActivity) -> Target:
    return Target("activity", cmd.activity_id, "activity_id")


def of_project(cmd: cmds.CompleteProject) -> Target:
    return Target("project", cmd.project_id, "project_id")


def of_proposal(cmd: cmds.RecordOutcome) -> Target:
    return Target("proposal", cmd.proposal_id, "proposal_id")


def of_agreement(cmd: cmds.EndAgreement | cmds.HoldJointActivity) -> Target:
    return Target("agreement", cmd.agreement_id, "agreement_id")


def command_table(planning: PlanningHandlers) -> CommandTable:
    plans, life = PlanHandlers(planning), BranchLifeHandlers(planning)
    work, advice = WorkHandlers(planning), AdviceHandlers(planning)
    return CommandTable(
        {
            cmds.DraftPlan: row(plans.draft, MANAGE, of_unit),
            cmds.SubmitPlan: row(plans.submit, MANAGE, of_plan),
            cmds.ApprovePlan: row(plans.approve, APPRAISE, of_plan),
            cmds.ReturnPlan: row(plans.return_, APPRAISE, of_plan),
            cmds.RecordPartyOpinion: row(plans.record_party_opinion, MANAGE, of_plan),
            cmds.RegisterModel: row(plans.register_model, MANAGE, of_unit),
            cmds.HoldMeeting: row(life.hold_meeting, Permission.RECORD_BRANCH_LIFE, of_branch),
            cmds.HoldBriefing: row(life.hold_briefing, MANAGE, of_unit),
            cmds.AssignMonthlyTasks: row(life.assign_monthly_tasks, MANAGE, of_unit),
            cmds.ScheduleActivity: row(work.schedule_activity, MANAGE, of_unit),
            cmds.HoldActivity: row(work.hold_activity, MANAGE, of_activity),
            cmds.CancelActivity: row(work.cancel_activity, MANAGE, of_activity),
            cmds.RegisterProject: row(work.register_project, MANAGE, of_unit),
            cmds.CompleteProject: row(work.complete_project, MANAGE, of_project),
            cmds.SubmitReport: row(work.submit_report, MANAGE, of_unit),
            cmds.HoldReview: row(work.hold_review, MANAGE, of_unit),
            cmds.HoldInspection: row(work.hold_inspection, MANAGE, of_unit),
            cmds.RecogniseGoodModel: row(work.recognise_model, MANAGE, of_unit),
            cmds.SubmitProposal: row(advice.submit_proposal, MANAGE, of_unit),
            cmds.RecordOutcome: row(advice.record_outcome, MANAGE, of_proposal),
            cmds.BriefPartyCommittee: row(advice.brief_party, MANAGE, of_unit),
            cmds.SignAgreement: row(advice.sign_agreement, MANAGE, of_unit),
            cmds.EndAgreement: row(advice.end_agreement, MANAGE, of_agreement),
            cmds.HoldJointActivity: row(advice.hold_joint_activity, MANAGE, of_agreement),
            cmds.HoldDialogue: row(advice.hold_dialogue, MANAGE, of_unit),
            cmds.MobiliseResources: row(advice.mobilise, MANAGE, of_unit),
        }
    )
