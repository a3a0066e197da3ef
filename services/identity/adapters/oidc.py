"""The OpenID Connect client: authorization code with PKCE, the ID token checked against the provider's
keys (its JWKS, by joserfc, the JOSE library of the Authlib project), the user info read with the token.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.identity.domain.providers import ProviderConfig

DISCOVERY_SECONDS = 3600.0


class ProviderError(Exception):
    """The provider refused, did not answer, or gave a token that does not hold."""


@dataclass(frozen=True, slots=True)
class Authorization:
    """Where to send the browser, and what the callback must find again (kept by the dashboard)."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class OpenIdClient:
    def __init__(self, provider: ProviderConfig, timeout: float = 20.0) -> None:
        self.provider = provider
        self.timeout = timeout
        self._metadata: dict[str, Any] | None = None
        self._fetched_at = 0.0

    @property
    def secret(self) -> str:
        if self.provider.client_secret_env:
            return os.environ.get(self.provider.client_secret_env, "")
        return self.provider.client_secret or ""

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._fetched_at > DISCOVERY_SECONDS:
            url = self.provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
            found = await self._get(url)
            if found.get("issuer") != self.provider.issuer:
                raise ProviderError(f"the provider at {url} names another issuer: {found.get('issuer')!r}")
            self._metadata, self._fetched_at = found, time.monotonic()
        return self._metadata

    async def authorization(self, redirect_uri: str) -> Authorization:
        endpoint = (await self.metadata())["authorization_endpoint"]
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        query = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.provider.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return Authorization(f"{endpoint}?{urlencode(query)}", state, nonce, verifier)

    async def claims(self, code: str, code_verifier: str, redirect_uri: str, nonce: str) -> dict[str, Any]:
        """The officer's claims: the ID token's (checked) with the user info's (same subject)."""
        meta = await self.metadata()
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            try:
                answer = await client.post(
                    meta["token_endpoint"],
                    data={
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": redirect_uri,
                        "code_verifier": code_verifier,
                    },
                    auth=(self.provider.client_id, self.secret),
                )
            except httpx.HTTPError as exc:
                raise ProviderError(f"the provider's token endpoint did not answer: {exc!r}") from exc
            if answer.status_code != 200:
                raise ProviderError(
                    f"the provider refused the code: {answer.status_code} {answer.text[:300]}"
                )
            tokens = answer.json()
            claims = await self._verified(str(tokens.get("id_token", "")), nonce, meta)
            if meta.get("userinfo_endpoint") and tokens.get("access_token"):
                info = await client.get(
                    meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}
                )
                if info.status_code == 200 and info.json().get("sub") == claims["sub"]:
                    claims = {**info.json(), **claims}
        return claims

    async def _verified(self, id_token: str, nonce: str, meta: dict[str, Any]) -> dict[str, Any]:
        jwks: Any = await self._get(meta["jwks_uri"])  # {"keys": [...]}, as joserfc takes it
        keys = KeySet.import_key_set(jwks)
        try:
            token = jwt.decode(
                id_token, keys, algorithms=meta.get("id_token_signing_alg_values_supported") or ["RS256"]
            )
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.provider.issuer},
                aud={"essential": True, "value": self.provider.client_id},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True},
                leeway=60,
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise ProviderError(f"the ID token does not hold: {exc}") from exc
        claims: dict[str, Any] = dict(token.claims)
        return claims

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                answer = await client.get(url)
        except httpx.HTTPError as exc:
            raise ProviderError(f"{url} did not answer: {exc!r}") from exc
        if answer.status_code != 200:
            raise ProviderError(f"{url} answered {answer.status_code}")
        found: dict[str, Any] = answer.json()
        return found
