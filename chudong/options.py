"""Reading the commands' option values: a value that does not parse is refused, naming its option."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

T = TypeVar("T")


def parsed(value: str, parse: Callable[[str], T], what: str, option: str) -> T:
    """``parse(value)``; a ValueError is typer's bad parameter ``option``: ``'value' is not what``."""
    try:
        return parse(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not {what}", param_hint=option) from exc
