"""Routes of advice to the Party committee and government, and of coordination with partner bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.branch_life import RecordId
from services.planning.api.common import (
    Body,
    closing,
    command,
    handlers,
    record_fact,
    record_in_scope,
)
from shared.auth import Permission
from shared.contracts import planning as p
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Count, Day
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import UnitIdPath
from shared.ids import new_id

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
async def submit_proposal(
    request: Request,
    unit_id: UnitIdPath,
    body: SubmitProposal,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    proposal_id = body.proposal_id or new_id("adv")
    event = p.AdvisoryProposalSubmitted(
        proposal_id=proposal_id,
        unit_id=unit_id,
        submitted_to=body.submitted_to,
        subject=body.subject,
        submitted_on=body.submitted_on,
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"proposal-{proposal_id}",
        event=event,
        day=body.submitted_on,
        what=f"proposal {proposal_id!r}",
        field="proposal_id",
        value=proposal_id,
        proposal_id=proposal_id,
    )


@router.post(
    "/advisory-proposals/{proposal_id}/outcome", status_code=201, summary="Record what became of a proposal"
)
async def record_outcome(
    request: Request,
    proposal_id: str,
    body: RecordOutcome,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await closing(
        request,
        principal,
        "proposal",
        proposal_id,
        body,
        idempotency_key,
        lambda record, idem: handlers(request).record_outcome(
            record, body.outcome, body.recorded_on, body.note, actor=principal.subject, idempotency=idem
        ),
    )


@router.post("/units/{unit_id}/party-briefings", status_code=201, summary="The Party committee was briefed")
async def brief_party(
    request: Request,
    unit_id: UnitIdPath,
    body: BriefParty,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    briefing_id = new_id("pb")
    event = p.PartyCommitteeBriefed(unit_id=unit_id, briefed_on=body.briefed_on, topic=body.topic)
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"party-briefing-{briefing_id}",
        event=event,
        day=body.briefed_on,
        what=f"briefing {briefing_id!r}",
        field="briefing_id",
        value=briefing_id,
        briefing_id=briefing_id,
    )


@router.post(
    "/units/{unit_id}/coordination-agreements",
    status_code=201,
    summary="Sign a coordination agreement with a partner body (quy chế phối hợp)",
)
async def sign_agreement(
    request: Request,
    unit_id: UnitIdPath,
    body: SignAgreement,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    agreement_id = body.agreement_id or new_id("agr")
    event = p.CoordinationAgreementSigned(
        agreement_id=agreement_id,
        unit_id=unit_id,
        partner=body.partner,
        signed_on=body.signed_on,
        ends_on=body.ends_on,
        evidence=body.evidence,
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"agreement-{agreement_id}",
        event=event,
        day=body.signed_on,
        what=f"agreement {agreement_id!r}",
        field="agreement_id",
        value=agreement_id,
        agreement_id=agreement_id,
    )


@router.post(
    "/coordination-agreements/{agreement_id}/end", status_code=201, summary="End a coordination agreement"
)
async def end_agreement(
    request: Request,
    agreement_id: str,
    body: EndAgreement,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await closing(
        request,
        principal,
        "agreement",
        agreement_id,
        body,
        idempotency_key,
        lambda record, idem: handlers(request).end_agreement(
            record, body.ended_on, body.reason, actor=principal.subject, idempotency=idem
        ),
    )


@router.post(
    "/coordination-agreements/{agreement_id}/joint-activities",
    status_code=201,
    summary="Record an activity held with the partner under the agreement",
)
async def hold_joint_activity(
    request: Request,
    agreement_id: str,
    body: HoldJointActivity,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    joint_id = body.joint_activity_id or new_id("ja")
    record = await record_in_scope(request, principal, "agreement", agreement_id)
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        record.unit_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).hold_joint_activity(
            record, joint_id, body.held_on, body.title, actor=principal.subject, idempotency=idem
        ),
        joint_activity_id=joint_id,
    )


@router.post(
    "/units/{unit_id}/dialogues",
    status_code=201,
    summary="Record a dialogue between leaders and youth (đối thoại)",
)
async def hold_dialogue(
    request: Request,
    unit_id: UnitIdPath,
    body: HoldDialogue,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    dialogue_id = body.dialogue_id or new_id("dlg")
    event = p.DialogueHeld(
        dialogue_id=dialogue_id,
        unit_id=unit_id,
        held_on=body.held_on,
        leaders=tuple(body.leaders),
        participants=body.participants,
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"dialogue-{dialogue_id}",
        event=event,
        day=body.held_on,
        what=f"dialogue {dialogue_id!r}",
        field="dialogue_id",
        value=dialogue_id,
        dialogue_id=dialogue_id,
    )


@router.post(
    "/units/{unit_id}/resources",
    status_code=201,
    summary="Record resources mobilised (huy động nguồn lực), in VND or in kind",
)
async def mobilise(
    request: Request,
    unit_id: UnitIdPath,
    body: MobiliseResources,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    mobilisation_id = body.mobilisation_id or new_id("res")
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).mobilise(
            unit_id,
            mobilisation_id,
            body.mobilised_on,
            body.source,
            body.amount_vnd,
            body.in_kind,
            actor=principal.subject,
            idempotency=idem,
        ),
        mobilisation_id=mobilisation_id,
    )
