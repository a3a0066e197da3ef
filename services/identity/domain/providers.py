"""OpenID providers and how their claims map to grants: the configuration file (``IDENTITY_OIDC_CONFIG``).

A province that runs an identity provider (Keycloak, for instance) signs its officers in through it.
What an officer may do comes from the claims of their ID token and user info, mapped by rules:

- ``claim`` + ``equals`` + ``role`` + ``unit``: when the claim is (or, for a list, holds) the value,
  the officer holds ``role`` at ``unit``;
- ``claim`` + ``pattern: "{role}@{unit}"``: each value of the claim names a role and a unit itself.

Whatever the rules say, a provider grants only at ``within`` and below it (a province's provider grants
nothing in another province), and never the admin role unless ``allow_admin`` says so.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.auth import Role
from shared.ids import UNIT_ID_PATTERN, UnitId


class ClaimRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str = Field(min_length=1)
    equals: str | None = None
    role: Role | None = None
    unit: UnitId | None = None
    pattern: str | None = Field(default=None, description='e.g. "{role}@{unit}"')

    @model_validator(mode="after")
    def _one_form(self) -> ClaimRule:
        fixed = self.equals is not None and self.role is not None and self.unit is not None
        if fixed == (self.pattern is not None):
            raise ValueError("a rule has either equals, role and unit, or a pattern with {role} and {unit}")
        if self.pattern is not None and not {"{role}", "{unit}"} <= set(re.findall(r"\{\w+\}", self.pattern)):
            raise ValueError("a pattern names {role} and {unit}")
        return self

    def grants(self, claims: dict[str, Any]) -> set[tuple[Role, str]]:
        value = claims.get(self.claim)
        values = [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]
        if self.pattern is None:
            assert self.role is not None and self.unit is not None
            return {(self.role, self.unit)} if self.equals in values else set()
        regex = re.escape(self.pattern).replace(r"\{role\}", r"(?P<role>[a-z_]+)")
        regex = regex.replace(r"\{unit\}", f"(?P<unit>{UNIT_ID_PATTERN.strip('^$')})")
        found: set[tuple[Role, str]] = set()
        for item in values:
            matched = re.fullmatch(regex, item)
            if matched and matched["role"] in Role._value2member_map_:
                found.add((Role(matched["role"]), matched["unit"]))
        return found


class ProviderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="in URLs and in grants' source")
    title: str = Field(min_length=1, description="on the sign-in button: 'Đăng nhập qua <title>'")
    issuer: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    client_secret: str | None = None
    client_secret_env: str | None = Field(default=None, description="the variable holding the secret")
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    account_unit: UnitId = Field(description="the unit accounts opened through this provider belong to")
    within: UnitId = Field(description="the provider grants only at this unit and below it")
    allow_admin: bool = False
    grants: tuple[ClaimRule, ...] = Field(min_length=1)

    def mapped(self, claims: dict[str, Any]) -> set[tuple[Role, str]]:
        found: set[tuple[Role, str]] = set()
        for rule in self.grants:
            found |= rule.grants(claims)
        return {(role, unit) for role, unit in found if self.allow_admin or role is not Role.ADMIN}


class ProvidersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    providers: tuple[ProviderConfig, ...] = ()


def load_providers(text: str) -> dict[str, ProviderConfig]:
    parsed = ProvidersFile.model_validate(yaml.safe_load(text) or {})
    return {p.name: p for p in parsed.providers}
