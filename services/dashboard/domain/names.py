"""Names in place of ids (tên thay cho mã): which ids an answer's messages mention, and the messages with
the names put in, without I/O.

A message from a service names a branch or a member by id (``{"id": "branch {branch}: …", "params":
{"branch": "bg-dcs014-cd02"}}``); the page shows it with the branch's name, and the member's name when the
reader may see it, else "Đoàn viên #3 của Chi đoàn 2".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.i18n import Message, _

PERSON_KEYS = ("member", "referrer", "recruiter", "person")
"""Parameters that name a person, by the words their names contain (``member``, ``referrer_id`` …)."""

Name = str | Message


@dataclass(slots=True)
class Mentions:
    """Ids a page's data mentions: candidates for a unit's name, and members to name."""

    units: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)


def as_message(value: Any) -> Message | None:
    """``value`` as a message, if it is one (a :class:`Message`, or one as JSON: ``{"id", "params"}``)."""
    if isinstance(value, Message):
        return value
    if (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and isinstance(value.get("params", {}), dict)
    ):
        try:
            return Message.model_validate(value)
        except ValueError:
            return None
    return None


def mentioned(value: Any, into: Mentions | None = None) -> Mentions:
    """Every id the messages anywhere in ``value`` (an answer: dicts, lists, messages) have as parameters."""
    found = into if into is not None else Mentions()
    message = as_message(value)
    if message is not None:
        for key, param in message.params.items():
            if isinstance(param, str):
                found.units.add(param)
                if _names_a_person(key):
                    found.members.add(param)
            else:
                mentioned(param, found)
    elif isinstance(value, dict):
        for item in value.values():
            mentioned(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            mentioned(item, found)
    return found


def _names_a_person(key: str) -> bool:
    return any(word in key.lower() for word in PERSON_KEYS)


def named(message: Message, names: Mapping[str, Name]) -> Message:
    """``message`` with every parameter that is an id in ``names`` replaced by its name (nested too)."""
    params: dict[str, Any] = {}
    for key, value in message.params.items():
        inner = as_message(value)
        if inner is not None:
            params[key] = named(inner, names)
        elif isinstance(value, str) and value in names:
            params[key] = names[value]
        else:
            params[key] = value
    return message.model_copy(update={"params": params})


def member_label(number: int, branch: str, full_name: str | None) -> Name:
    """A member as a reader may see them: the name, else the pseudonym "Đoàn viên #3 của Chi đoàn 2"."""
    if full_name:
        return full_name
    if number:
        return _("Member #{number} of {branch}", number=number, branch=branch)
    return _("a member of {branch}", branch=branch)


A_MEMBER = _("a member")
"""A member the reader's scope does not show (transferred away, or a name the page could not get)."""
