"""``chudong accounts``: the operator opens the first accounts and grants their roles (ADR 0024).

An account at a unit, and a grant of a role at a unit, are made by an admin of a unit above. The root
of the tree has no unit above it: its admin is made here, by the operator, with the installation's key
(as every later account could be, by an admin who signed in). It works in production as in development.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import httpx
import typer

from chudong.context import read_running
from shared.auth import Role, mint_token
from shared.settings import CommonSettings

accounts = typer.Typer(
    help="Officers' accounts and grants, made by the operator (the first admin, at the root)."
)


def _identity(url: str | None) -> tuple[str, dict[str, str]]:
    common = CommonSettings()
    base = url
    if base is None:
        running = read_running(common)
        base = running.services.get("identity") if running is not None else None
    if base is None:
        typer.echo("identity is not running here (start it with `chudong run`); pass --url", err=True)
        raise typer.Exit(2)
    token = mint_token(
        common.resolved_jwt_secret(),
        subject="operator",
        role=Role.ADMIN,
        unit_id="vn",
        issuer=common.token_issuer,
        lifetime=timedelta(minutes=5),
    )
    return base.rstrip("/"), {"Authorization": f"Bearer {token}"}


def _post(url: str | None, path: str, body: dict[str, Any]) -> dict[str, Any]:
    base, headers = _identity(url)
    try:
        answer = httpx.post(f"{base}{path}", json=body, headers=headers, timeout=60)
    except httpx.HTTPError as exc:
        typer.echo(f"identity at {base} did not answer: {exc}", err=True)
        raise typer.Exit(1) from exc
    if answer.status_code >= 400:
        typer.echo(f"identity answered {answer.status_code}: {answer.text}", err=True)
        raise typer.Exit(1)
    result: dict[str, Any] = answer.json()
    return result


URL = Annotated[str | None, typer.Option(help="identity's base URL (default: that of `chudong run` here)")]


@accounts.command("open")
def open_account(
    login: Annotated[str, typer.Option(help="the login name")],
    unit: Annotated[str, typer.Option(help="the unit the account belongs to")],
    name: Annotated[str, typer.Option(help="the officer's full name")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, help="a first password, changed at the first sign-in")
    ],
    role: Annotated[Role | None, typer.Option(help="grant this role at --unit at once")] = None,
    email: Annotated[str | None, typer.Option(help="the officer's e-mail (sealed)")] = None,
    url: URL = None,
) -> None:
    """Open an account at UNIT (and grant ROLE there): the root's first admin is made so."""
    body = {"unit_id": unit, "login_name": login, "password": password, "full_name": name, "email": email}
    opened = _post(url, "/accounts", {k: v for k, v in body.items() if v is not None})
    print(f"account {opened['account_id']} ({login}) at {unit}")
    if role is not None:
        grant(account=opened["account_id"], role=role, unit=unit, url=url)


@accounts.command()
def grant(
    account: Annotated[str, typer.Option(help="the account's id")],
    role: Annotated[Role, typer.Option(help="the role")],
    unit: Annotated[str, typer.Option(help="the unit it holds at (and below)")],
    url: URL = None,
) -> None:
    """Grant ROLE at UNIT to an account."""
    granted = _post(url, "/grants", {"account_id": account, "role": role.value, "unit_id": unit})
    print(f"grant {granted['grant_id']}: {role.value} at {unit}")


def register(app: typer.Typer) -> None:
    app.add_typer(accounts, name="accounts")
