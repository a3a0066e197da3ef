"""Handlers of advice to the Party committee and government, and of coordination with partner bodies."""

from __future__ import annotations

from collections.abc import Sequence

from services.planning.app.handlers import AreaHandlers, chosen_id
from services.planning.domain import advice
from services.planning.domain import commands as cmds
from services.planning.domain.streams import joint_activity_stream, mobilisation_stream
from shared.commands import Context
from shared.events import Envelope
from shared.orgtree.guard import Dated


class AdviceHandlers(AreaHandlers):
    async def submit_proposal(self, cmd: cmds.SubmitProposal, ctx: Context) -> Sequence[Envelope]:
        proposal_id = chosen_id(ctx, "proposal_id", cmd.proposal_id, "adv")
        return await self.planning.record(
            advice.submit_proposal(cmd, proposal_id=proposal_id), cmd.unit_id, ctx
        )

    async def record_outcome(self, cmd: cmds.RecordOutcome, ctx: Context) -> Sequence[Envelope]:
        proposal = await self.planning.record_state("proposal", cmd.proposal_id)
        event = advice.record_outcome(proposal, cmd, today=self.planning.today())
        return await self.planning.close(proposal, event, Dated.on("recorded_on", cmd.recorded_on), ctx)

    async def brief_party(self, cmd: cmds.BriefPartyCommittee, ctx: Context) -> Sequence[Envelope]:
        briefing_id = chosen_id(ctx, "briefing_id", None, "pb")
        return await self.planning.record(advice.brief_party(cmd, briefing_id=briefing_id), cmd.unit_id, ctx)

    async def sign_agreement(self, cmd: cmds.SignAgreement, ctx: Context) -> Sequence[Envelope]:
        agreement_id = chosen_id(ctx, "agreement_id", cmd.agreement_id, "agr")
        return await self.planning.record(
            advice.sign_agreement(cmd, agreement_id=agreement_id), cmd.unit_id, ctx
        )

    async def end_agreement(self, cmd: cmds.EndAgreement, ctx: Context) -> Sequence[Envelope]:
        agreement = await self.planning.record_state("agreement", cmd.agreement_id)
        event = advice.end_agreement(agreement, cmd, today=self.planning.today())
        return await self.planning.close(agreement, event, Dated.on("ended_on", cmd.ended_on), ctx)

    async def hold_joint_activity(self, cmd: cmds.HoldJointActivity, ctx: Context) -> Sequence[Envelope]:
        planning = self.planning
        agreement = await planning.record_state("agreement", cmd.agreement_id)
        joint_id, stream = await planning.claim(
            ctx, "joint_activity_id", cmd.joint_activity_id, "ja", joint_activity_stream, "joint activity"
        )
        unit = await planning.unit_on(agreement.unit_id, Dated.on("held_on", cmd.held_on))
        event = advice.hold_joint_activity(agreement, cmd, joint_activity_id=joint_id, today=planning.today())
        return await planning.append(stream, [event], unit.path, cmd.held_on, ctx, expected=0)

    async def hold_dialogue(self, cmd: cmds.HoldDialogue, ctx: Context) -> Sequence[Envelope]:
        dialogue_id = chosen_id(ctx, "dialogue_id", cmd.dialogue_id, "dlg")
        return await self.planning.record(
            advice.hold_dialogue(cmd, dialogue_id=dialogue_id), cmd.unit_id, ctx
        )

    async def mobilise(self, cmd: cmds.MobiliseResources, ctx: Context) -> Sequence[Envelope]:
        planning = self.planning
        mobilisation_id, stream = await planning.claim(
            ctx, "mobilisation_id", cmd.mobilisation_id, "res", mobilisation_stream, "mobilisation"
        )
        unit = await planning.unit_on(cmd.unit_id, Dated.on("mobilised_on", cmd.mobilised_on))
        event = advice.mobilise(cmd, mobilisation_id=mobilisation_id, today=planning.today())
        return await planning.append(stream, [event], unit.path, cmd.mobilised_on, ctx, expected=0)
