"""Identity's HTTP API, as the sign-in form uses it: sign in, refresh, sign out."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx


class IdentityRefusalError(Exception):
    """Identity refused (its rule, e.g. ``invalid_credentials``), or did not answer (``unavailable``)."""

    def __init__(self, status: int, rule: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.rule = rule
        self.message = message


class IdentityClient:
    def __init__(self, url: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _post(self, path: str, json: Any = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            answer = await self.client.post(f"{self.url}{path}", json=json or {}, headers=headers)
        except httpx.HTTPError as exc:
            raise IdentityRefusalError(503, "unavailable", f"identity did not answer: {exc!r}") from exc
        try:
            body: dict[str, Any] = answer.json()
        except ValueError:
            body = {}
        if answer.status_code >= 400:
            raise IdentityRefusalError(
                answer.status_code, str(body.get("error", "unavailable")), str(body.get("message", ""))
            )
        return body

    async def sign_in(self, form: dict[str, Any]) -> dict[str, Any]:
        return await self._post("/sessions", {k: v for k, v in form.items() if v})

    async def refresh(self, refresh_token: str, grant_id: str | None = None) -> dict[str, Any]:
        body = {"refresh_token": refresh_token, **({"grant_id": grant_id} if grant_id else {})}
        return await self._post("/sessions/refresh", body)

    async def me(self, access_token: str) -> dict[str, Any]:
        """The holder's own account: name, second factor, grants (empty when identity does not answer)."""
        try:
            answer = await self.client.get(
                f"{self.url}/accounts/me", headers={"Authorization": f"Bearer {access_token}"}
            )
        except httpx.HTTPError:
            return {}
        found: dict[str, Any] = answer.json() if answer.status_code == 200 else {}
        return found

    async def sign_out(self, access_token: str, everywhere: bool = False) -> None:
        path = "/sessions/sign-out-everywhere" if everywhere else "/sessions/current/sign-out"
        await self._post(path, token=access_token)

    async def own(self, path: str, access_token: str, json: dict[str, Any] | None = None) -> dict[str, Any]:
        """One of the holder's own requests (``/accounts/me/...``), with their access token."""
        return await self._post(path, json, token=access_token)

    async def authorization(self, provider: str, redirect_uri: str) -> dict[str, Any]:
        return await self._post(
            f"/oidc/{quote(provider, safe='')}/authorization", {"redirect_uri": redirect_uri}
        )

    async def oidc_sign_in(self, provider: str, form: dict[str, Any]) -> dict[str, Any]:
        return await self._post(f"/oidc/{quote(provider, safe='')}/sessions", form)

    async def providers(self) -> list[dict[str, str]]:
        """The providers officers may sign in through; none when identity does not answer."""
        try:
            answer = await self.client.get(f"{self.url}/oidc/providers")
        except httpx.HTTPError:
            return []
        found: list[dict[str, str]] = answer.json() if answer.status_code == 200 else []
        return found
