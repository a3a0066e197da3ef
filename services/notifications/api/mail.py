"""The mail server alerts leave by: read and set by the central admin, at once, without a restart."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field, SecretStr

from services.notifications.app.mail import MailSettings, view
from services.notifications.domain import commands as cmds
from shared.contracts.text import Line
from shared.http.admin import require_central_admin
from shared.http.auth import CurrentPrincipal
from shared.http.bodies import RequestBody
from shared.http.commands import Commands

router = APIRouter()

HOST_PATTERN = r"^[A-Za-z0-9.\-]+$|^\[[0-9A-Fa-f:.]+\]$"


class MailSettingsRequest(RequestBody):
    host: Line | None = Field(
        max_length=300,
        pattern=HOST_PATTERN,
        description="the SMTP server's name or address; null: none (e-mails are held until one is set)",
    )
    port: int = Field(default=25, ge=1, le=65535)
    username: Line | None = Field(default=None, max_length=300)
    password: SecretStr | None = Field(
        default=None, description="left out: the stored one stays; null: none; never shown again"
    )
    starttls: bool = False
    tls: bool = Field(default=False, description="implicit TLS (port 465), not with starttls")
    sender: Line | None = Field(
        default=None, max_length=500, description="the From of every e-mail; left out: NOTIFICATIONS_SENDER"
    )


def mail_of(request: Request) -> MailSettings:
    mail: MailSettings = request.app.state.mail
    return mail


@router.get("/mail-settings", tags=["mail"], summary="The mail server e-mails leave by (the central admin)")
async def get_mail_settings(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    await require_central_admin(request, principal)
    mail = mail_of(request)
    return {**view(await mail.current()), "held": await mail.held()}


@router.put(
    "/mail-settings",
    tags=["mail"],
    summary="Set the mail server, at once (the central admin); held e-mails leave by it",
)
async def put_mail_settings(request: Request, body: MailSettingsRequest, run: Commands) -> JSONResponse:
    mail = mail_of(request)
    command = cmds.ChangeMailSettings(
        host=body.host,
        port=body.port,
        username=body.username,
        password=body.password.get_secret_value() if body.password is not None else None,
        keep_password="password" not in body.model_fields_set,
        starttls=body.starttls,
        tls=body.tls,
        sender=body.sender or mail.environment.sender,
    )
    return await run(command, status_code=200)
