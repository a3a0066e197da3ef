"""``chudong token``: a development token, for development and tests only.

Officers sign in with an account (identity, ADR 0024); a token minted here carries no session and
no grant. It names only a unit the org tree holds, and an installation with
``CHUDONG_ENVIRONMENT=production`` refuses to mint one at all.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import httpx
import typer
from sqlalchemy import select

from chudong.context import read_running
from shared.auth import Role, mint_token
from shared.orgtree import org_units
from shared.settings import CommonSettings, service_settings
from shared.store import Database


class UnitUnknownError(Exception):
    """The unit is not in the org tree (or the tree cannot be read)."""


def known_unit(common: CommonSettings, unit: str, url: str | None) -> bool:
    """Whether membership's org tree holds ``unit``: asked over HTTP of the running system (or ``url``),
    else read from membership's database when nothing runs."""
    base = url
    if base is None:
        running = read_running(common)
        base = running.services.get("membership") if running is not None else None
    if base is not None:
        token = mint_token(
            common.resolved_jwt_secret(),
            subject="chudong-token",
            role=Role.ADMIN,
            unit_id="vn",
            issuer=common.token_issuer,
            lifetime=timedelta(minutes=1),
        )
        try:
            answer = httpx.get(
                f"{base.rstrip('/')}/units/{unit}", headers={"Authorization": f"Bearer {token}"}, timeout=30
            )
        except httpx.HTTPError as exc:
            raise UnitUnknownError(f"membership at {base} did not answer: {exc}") from exc
        return answer.status_code == 200
    return asyncio.run(_in_database(common, unit))


async def _in_database(common: CommonSettings, unit: str) -> bool:
    url = service_settings("membership").resolved_database_url(common)
    if url.startswith("sqlite") and not (common.data_dir / "membership.db").exists():
        return False
    db = Database(url, pool_size=1)
    try:
        async with db.read() as conn:
            return (
                await conn.execute(select(org_units.c.unit_id).where(org_units.c.unit_id == unit))
            ).first() is not None
    except Exception as exc:
        raise UnitUnknownError(f"membership's database cannot be read: {exc}") from exc
    finally:
        await db.dispose()


def register(app: typer.Typer) -> None:
    @app.command()
    def token(
        role: Annotated[Role, typer.Option(help="the role the token carries")],
        unit: Annotated[str, typer.Option(help="the unit the user acts for (and every unit below it)")],
        subject: Annotated[str, typer.Option(help="who the user is")] = "dev-user",
        name: Annotated[str, typer.Option(help="the user's display name")] = "",
        hours: Annotated[float, typer.Option(help="how long the token is valid")] = 12.0,
        url: Annotated[
            str | None,
            typer.Option(help="membership's base URL, to check the unit (default: `chudong run`'s)"),
        ] = None,
    ) -> None:
        """Mint a DEVELOPMENT token signed with this installation's key: for development and tests only.

        Officers sign in with an account (docs/operations.md); production (CHUDONG_ENVIRONMENT=production)
        refuses this command. The unit must be in the org tree.
        """
        common = CommonSettings()
        if not common.development_tokens:
            typer.echo(
                "chudong token is for development and tests, and this installation is in production "
                "(CHUDONG_ENVIRONMENT=production): officers sign in with their account (see docs/operations.md)",
                err=True,
            )
            raise typer.Exit(2)
        try:
            known = known_unit(common, unit, url)
        except UnitUnknownError as exc:
            typer.echo(f"cannot check unit {unit!r}: {exc}", err=True)
            raise typer.Exit(1) from exc
        if not known:
            typer.echo(
                f"unit {unit!r} is not in the org tree: `chudong units` lists the units (register it first)",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(
            "a development token, for development and tests only (officers sign in with an account)", err=True
        )
        print(
            mint_token(
                common.resolved_jwt_secret(),
                subject=subject,
                role=role,
                unit_id=unit,
                name=name,
                issuer=common.token_issuer,
                lifetime=timedelta(hours=hours),
            )
        )
