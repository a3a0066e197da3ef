"""Accounts: opened, read, reset and erased by an admin of a unit above; the holder's own account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.identity.adapters.tables import accounts
from services.identity.api.common import grant_answer, holder_of, identity_of
from services.identity.api.guard import LivePrincipal, from_above
from services.identity.domain import commands as cmds
from services.identity.domain.account import require_open, unknown_account
from services.identity.domain.policy import PASSWORD_MAX
from shared.auth import Permission
from shared.contracts.text import Line
from shared.http.auth import authorize, require_permission
from shared.http.bodies import RequestBody
from shared.http.commands import Commands
from shared.http.params import UnitIdPath
from shared.ids import UnitId, path_contains

router = APIRouter(tags=["accounts"])


class OpenAccountRequest(RequestBody):
    unit_id: UnitId = Field(description="the unit the account belongs to, strictly below the admin's")
    login_name: str = Field(min_length=1, max_length=64, description="3–64 letters, digits, '.', '_', '-'")
    password: str = Field(
        min_length=1,
        max_length=PASSWORD_MAX,
        description="a first password, to be changed at the first sign-in",
    )
    full_name: Line = Field(min_length=1, max_length=200, description="họ và tên (sealed)")
    phone: Line | None = Field(default=None, max_length=30, description="sealed")
    email: Line | None = Field(default=None, max_length=200, description="sealed")


class ResetRequest(RequestBody):
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, description="a new password, to be changed")
    clear_totp: bool = Field(default=False, description="turn the second factor off (a lost phone)")


class ErasureRequest(RequestBody):
    request_ref: Line | None = Field(
        default=None, max_length=200, description="the erasure request's reference"
    )


@router.post("/accounts", status_code=201, summary="Open an officer's account at a unit below yours")
async def open_account(
    request: Request, body: OpenAccountRequest, principal: LivePrincipal, run: Commands
) -> JSONResponse:
    command = cmds.OpenAccount(
        unit_id=body.unit_id,
        login_name=body.login_name,
        password=body.password,
        full_name=body.full_name,
        phone=body.phone,
        email=body.email,
    )
    return await run(command, vet=from_above(request, principal))


@router.post("/accounts/{account_id}/reset", summary="Reset an account: a new password, the lock lifted")
async def reset(
    request: Request, account_id: str, body: ResetRequest, principal: LivePrincipal, run: Commands
) -> JSONResponse:
    command = cmds.ResetAccount(account_id=account_id, password=body.password, clear_totp=body.clear_totp)
    return await run(command, status_code=200, vet=from_above(request, principal), account_id=account_id)


@router.post(
    "/accounts/{account_id}/erasure", summary="Erase an account: its key destroyed, its grants revoked"
)
async def erase(
    request: Request, account_id: str, body: ErasureRequest, principal: LivePrincipal, run: Commands
) -> JSONResponse:
    command = cmds.EraseAccount(account_id=account_id, request_ref=body.request_ref)
    return await run(command, status_code=200, vet=from_above(request, principal), account_id=account_id)


async def account_view(request: Request, account_id: str) -> dict[str, Any]:
    identity = identity_of(request)
    account = require_open(await identity.account(account_id), account_id)
    fields = await identity.keys.open(account.personal) or {}
    return {
        "account_id": account.account_id,
        "unit_id": account.unit_id,
        "login_name": fields.get("login_name"),
        "full_name": fields.get("full_name"),
        "phone": fields.get("phone"),
        "email": fields.get("email"),
        "provider": account.provider,
        "totp_enabled": account.totp is not None,
        "must_change_password": account.must_change_password,
        "locked_until": account.locked_until.isoformat() if account.locked_until else None,
        "grants": [grant_answer(g) for g in await identity.grants_of(account_id)],
    }


@router.get("/accounts/me", summary="Your own account: name, unit, second factor, grants")
async def me(request: Request, principal: LivePrincipal) -> dict[str, Any]:
    if not principal.session_id:
        raise unknown_account(principal.subject)
    return await account_view(request, principal.subject)


@router.get("/accounts/{account_id}", summary="An account of a unit below yours, with its personal fields")
async def account(request: Request, account_id: str, principal: LivePrincipal) -> dict[str, Any]:
    require_permission(principal, Permission.MANAGE_ACCOUNTS)
    async with request.app.state.runtime.db.read() as conn:
        unit_id = (
            await conn.execute(select(accounts.c.unit_id).where(accounts.c.account_id == account_id))
        ).scalar_one_or_none()
    if unit_id is None:
        raise unknown_account(account_id)
    unit = await authorize(
        request, principal, Permission.MANAGE_ACCOUNTS, unit_id, unknown=unknown_account(account_id)
    )
    await from_above(request, principal)(unit)
    return await account_view(request, account_id)


@router.get("/units/{unit_id}/accounts", summary="The accounts of a unit and the units below it")
async def unit_accounts(request: Request, unit_id: UnitIdPath, principal: LivePrincipal) -> dict[str, Any]:
    unit = await authorize(request, principal, Permission.MANAGE_ACCOUNTS, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(accounts)
                .where(accounts.c.erased.is_(False))
                .order_by(accounts.c.unit_path, accounts.c.opened_at)
            )
        ).all()
    identity = identity_of(request)
    items = []
    for row in rows:
        if not path_contains(unit.path, row.unit_path):
            continue
        found = await identity.account(row.account_id)
        fields = (await identity.keys.open(found.personal) if found else None) or {}
        items.append(
            {
                "account_id": row.account_id,
                "unit_id": row.unit_id,
                "login_name": fields.get("login_name"),
                "full_name": fields.get("full_name"),
                "provider": row.provider,
            }
        )
    return {"unit_id": unit_id, "items": items}


class TotpConfirmRequest(RequestBody):
    secret: str = Field(
        min_length=16,
        max_length=64,
        pattern=r"^[A-Z2-7]+=*$",
        description="the secret /accounts/me/totp gave (base32)",
    )
    code: str = Field(
        min_length=6,
        max_length=8,
        pattern=r"^[0-9]+$",
        description="the code the authenticator app shows now",
    )


class PasswordRequest(RequestBody):
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, description="the current password")


class PasswordChangeRequest(PasswordRequest):
    new_password: str = Field(min_length=1, max_length=PASSWORD_MAX)


def _own(principal: LivePrincipal) -> str:
    if not principal.session_id:
        raise unknown_account(principal.subject)
    return principal.subject


@router.post("/accounts/me/totp", summary="A new secret for your authenticator app, with its QR code")
async def begin_totp(request: Request, principal: LivePrincipal) -> dict[str, str]:
    enrolment = await holder_of(request).begin_totp(_own(principal))
    return {"secret": enrolment.secret, "otpauth_uri": enrolment.uri, "qr_svg": enrolment.qr_svg}


@router.post("/accounts/me/totp/confirm", status_code=201, summary="Turn the second factor on with a code")
async def confirm_totp(
    request: Request, body: TotpConfirmRequest, principal: LivePrincipal
) -> dict[str, Any]:
    events = await holder_of(request).confirm_totp(_own(principal), body.secret, body.code)
    return {"totp_enabled": True, "events": [e.type for e in events]}


@router.post("/accounts/me/totp/disable", summary="Turn the second factor off (your password again)")
async def disable_totp(request: Request, body: PasswordRequest, principal: LivePrincipal) -> dict[str, Any]:
    await holder_of(request).disable_totp(_own(principal), body.password)
    return {"totp_enabled": False}


@router.post("/accounts/me/password", summary="Change your password")
async def change_password(
    request: Request, body: PasswordChangeRequest, principal: LivePrincipal
) -> dict[str, Any]:
    await holder_of(request).change_password(_own(principal), body.password, body.new_password)
    return {"changed": True}
