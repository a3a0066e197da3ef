"""Routes of advice to the Party committee and government, and of coordination with partner bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body, RecordId
from services.planning.domain import commands as cmds
from shared.contracts import planning as p
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Count, Day
from shared.http.commands import Commands
from shared.http.params import UnitIdPath

router = APIRouter(tags=["advice and coordination"])

Text = Field(min_length=1, max_length=2000)


class SubmitProposal(Body):
    proposal_id: str | None = RecordId
    submitted_to: p.AdvisoryTarget
    subject: Line = Text
    submitted_on: Day


class RecordOutcome(Body):
    outcome: p.AdvisoryOutcome
    recorded_on: Day
    note: Note = Field(default="", max_length=5000)


class BriefParty(Body):
    briefed_on: Day
    topic: Line = Text


class SignAgreement(Body):
    agreement_id: str | None = RecordId
    partner: Line = Field(min_length=1, max_length=300, description="the partner body, by name")
    signed_on: Day
    ends_on: Day | None = None
    evidence: p.EvidenceRef | None = None


class EndAgreement(Body):
    ended_on: Day
    reason: Note = Field(default="", max_length=2000)


class HoldJointActivity(Body):
    joint_activity_id: str | None = RecordId
    held_on: Day
    title: Line = Text


class HoldDialogue(Body):
    dialogue_id: str | None = RecordId
    held_on: Day
    leaders: list[Annotated[Line, Field(min_length=1, max_length=300)]] = Field(
        min_length=1, max_length=50, description="the leaders' posts, e.g. 'Chủ tịch UBND xã'"
    )
    participants: Count


class MobiliseResources(Body):
    mobilisation_id: str | None = RecordId
    mobilised_on: Day
    source: Line = Field(min_length=1, max_length=300)
    amount_vnd: AmountVnd = 0
    in_kind: Note = Field(default="", max_length=2000)


@router.post(
    "/units/{unit_id}/advisory-proposals",
    status_code=201,
    summary="Submit a proposal to the Party committee or government (tham mưu, đề xuất)",
)
async def submit_proposal(unit_id: UnitIdPath, body: SubmitProposal, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.SubmitProposal, unit_id=unit_id))


@router.post(
    "/advisory-proposals/{proposal_id}/outcome", status_code=201, summary="Record what became of a proposal"
)
async def record_outcome(proposal_id: str, body: RecordOutcome, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.RecordOutcome, proposal_id=proposal_id), proposal_id=proposal_id)


@router.post("/units/{unit_id}/party-briefings", status_code=201, summary="The Party committee was briefed")
async def brief_party(unit_id: UnitIdPath, body: BriefParty, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.BriefPartyCommittee, unit_id=unit_id))


@router.post(
    "/units/{unit_id}/coordination-agreements",
    status_code=201,
    summary="Sign a coordination agreement with a partner body (quy chế phối hợp)",
)
async def sign_agreement(unit_id: UnitIdPath, body: SignAgreement, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.SignAgreement, unit_id=unit_id))


@router.post(
    "/coordination-agreements/{agreement_id}/end", status_code=201, summary="End a coordination agreement"
)
async def end_agreement(agreement_id: str, body: EndAgreement, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.EndAgreement, agreement_id=agreement_id), agreement_id=agreement_id)


@router.post(
    "/coordination-agreements/{agreement_id}/joint-activities",
    status_code=201,
    summary="Record an activity held with the partner under the agreement",
)
async def hold_joint_activity(agreement_id: str, body: HoldJointActivity, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.HoldJointActivity, agreement_id=agreement_id))


@router.post(
    "/units/{unit_id}/dialogues",
    status_code=201,
    summary="Record a dialogue between leaders and youth (đối thoại)",
)
async def hold_dialogue(unit_id: UnitIdPath, body: HoldDialogue, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.HoldDialogue, unit_id=unit_id))


@router.post(
    "/units/{unit_id}/resources",
    status_code=201,
    summary="Record resources mobilised (huy động nguồn lực), in VND or in kind",
)
async def mobilise(unit_id: UnitIdPath, body: MobiliseResources, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.MobiliseResources, unit_id=unit_id))
