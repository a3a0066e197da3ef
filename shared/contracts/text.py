"""Text that people type into commands: names, titles, references, notes.

Nothing is stripped or rewritten: a value is kept exactly as given, or refused with the reason. Refused are
control characters (they are invisible, break exports and logs, and can spoof what an officer reads), lone
surrogates (not text at all: they cannot be stored or sent as UTF-8) and values that are only blanks.
:data:`Line` is one line (a name, a title, a decision number); :data:`Note` is free text where line breaks
and tabs are legitimate (an agenda, minutes, a reason).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
# U+2066–U+2069) that reorder what is displayed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NOTE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")

LINE_ACCEPTED = "one line of text without control characters, not only blanks"
NOTE_ACCEPTED = "text without control characters (line breaks and tabs allowed), not only blanks"


def first_surrogate(value: str) -> int | None:
    """Where ``value`` holds a lone surrogate (from a ``\\ud800`` escape in JSON), if it does."""
    found = _SURROGATE.search(value)
    return found.start() if found else None


def surrogate_error(position: int) -> PydanticCustomError:
    return PydanticCustomError(
        "text_surrogate",
        "a lone surrogate at position {position} is not text",
        {
            "position": position,
            "accepted": "text without lone surrogates (a \\ud800–\\udfff escape not in a pair)",
        },
    )


def _refuse(value: str, control: re.Pattern[str], accepted: str) -> str:
    position = first_surrogate(value)
    if position is not None:
        raise surrogate_error(position)
    found = control.search(value)
    if found is not None:
        raise PydanticCustomError(
            "text_control_character",
            "the control character {character} at position {position} is not accepted",
            {"character": f"U+{ord(found.group()):04X}", "position": found.start(), "accepted": accepted},
        )
    if value and value.isspace():
        raise PydanticCustomError("text_blank", "the text is only blanks", {"accepted": accepted})
    return value


def _line(value: str) -> str:
    return _refuse(value, _CONTROL, LINE_ACCEPTED)


def _note(value: str) -> str:
    return _refuse(value, _NOTE_CONTROL, NOTE_ACCEPTED)


Line = Annotated[str, AfterValidator(_line)]
"""One line of text: a name, a title, a reference. Give its length with ``Field(max_length=…)``."""

Note = Annotated[str, AfterValidator(_note)]
"""Free text with line breaks and tabs: an agenda, minutes, a reason, a comment."""
