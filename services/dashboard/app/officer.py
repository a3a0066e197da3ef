"""The officer looking at the dashboard, and the day it is for them (Vietnam time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.dashboard.domain.text import VIETNAM
from shared.auth import Principal
from shared.clock import utcnow


@dataclass(frozen=True, slots=True)
class Officer:
    principal: Principal
    token: str
    lang: str
    unit_name: str = ""
    """The name of the unit the officer acts for, shown in the page's header."""
    csrf: str = ""
    """The session's form token (CSRF), put in every form of the page; empty for a bearer token."""

    @property
    def unit_label(self) -> str:
        """The officer's unit as the header shows it: its name (the id until the tree knows it)."""
        return self.unit_name or self.principal.unit_id

    @property
    def unit_id(self) -> str:
        return self.principal.unit_id


def today() -> date:
    return utcnow().astimezone(VIETNAM).date()
