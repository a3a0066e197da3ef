"""Officers' contact details: the name, e-mail address and webhook alerts are sent to."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from services.notifications.api.common import contacts_of
from shared.auth import Permission
from shared.contracts.text import Line
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.bodies import RequestBody

router = APIRouter()

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ContactRequest(RequestBody):
    name: Line = Field(default="", max_length=300)
    email: Line | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=320)
    webhook_url: Line | None = Field(
        default=None, pattern=r"^https?://\S+$", max_length=2000, description="receives signed POSTs"
    )
    rotate_webhook_secret: bool = False
    language: Literal["vi", "en"] = Field(
        default="vi",
        description="the language alerts and e-mails reach you in: vi (default) or en",
    )


@router.put("/officers/me", tags=["officers"], summary="Set your name, e-mail address, webhook and language")
async def set_contact(request: Request, body: ContactRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    await authorize(request, principal, Permission.SUBSCRIBE, principal.unit_id)
    officer, fresh_secret = await contacts_of(request).set_contact(
        principal,
        name=body.name,
        email=body.email,
        webhook_url=body.webhook_url,
        rotate_secret=body.rotate_webhook_secret,
        language=body.language,
    )
    answer: dict[str, Any] = {
        "officer_id": officer.officer_id,
        "unit_id": officer.unit_id,
        "name": officer.name,
        "email": officer.email,
        "webhook_url": officer.webhook_url,
        "language": officer.language,
    }
    if fresh_secret is not None:
        answer["webhook_secret"] = fresh_secret  # shown once: the receiver checks signatures with it
    return answer


@router.delete("/officers/me", tags=["officers"], summary="Erase your contact details")
async def erase_contact(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """Your e-mail address and webhook are forgotten; what was not sent yet by them becomes undelivered."""
    erased = await contacts_of(request).erase_contact(principal)
    return {"officer_id": principal.subject, "erased": erased}


@router.get("/officers/me", tags=["officers"], summary="Your contact details")
async def get_contact(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    found = await contacts_of(request).officer(principal.subject)
    if found is None:
        raise NotFoundError(
            "you have not set your contact details",
            rule="unknown_officer",
            field="officer_id",
            value=principal.subject,
            accepted="PUT /officers/me first",
        )
    officer = found[0]
    return {
        "officer_id": officer.officer_id,
        "unit_id": officer.unit_id,
        "name": officer.name,
        "email": officer.email,
        "webhook_url": officer.webhook_url,
        "language": officer.language,
    }
