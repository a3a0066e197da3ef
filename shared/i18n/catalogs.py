"""Keeps the catalogs in step with the code: ``python -m shared.i18n.catalogs update|compile|check``.

``update`` extracts every message id from the project's Python code and templates (the marks are
``tr``, ``ntr``, ``_``, ``_n`` and ``N_``) into the ``.po`` file of each language, keeping existing
translations; ``compile`` writes the ``.mo`` files read at run time; ``check`` lists what lacks a
Vietnamese translation or a compiled ``.mo`` (exit 1), as the tests do.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from shared.i18n.message import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = LOCALE_DIR.parents[2]
SOURCES = ("shared", "services", "chudong")
KEYWORDS = {"tr": (2,), "ntr": (2, 3), "_": None, "_n": (1, 2), "N_": None}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/rules/**.yaml", "shared.i18n.extractors:extract_rules"),
]
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
NAMES = {"vi": "Vietnamese", "en": "English"}
IGNORED = ("/tests/", "/migrations/")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    """Every message id the code marks, with where it is used."""
    template = Catalog(project="chudong", domain=DOMAIN)
    for source in SOURCES:
        found = extract_from_dir(
            str(ROOT / source),
            METHODS,
            keywords=KEYWORDS,
            options_map={pattern: {} for pattern, _ in METHODS},
        )
        for filename, lineno, message, comments, context in found:
            if any(part in f"/{source}/{filename}" for part in IGNORED):
                continue
            template.add(
                message, locations=[(f"{source}/{filename}", lineno)], auto_comments=comments, context=context
            )
    return template


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="chudong", domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _stable_header(catalog, lang)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, include_previous=False)


def _stable_header(catalog: Catalog, lang: str) -> None:
    """Headers that do not change with every update, so a diff shows only the messages."""
    catalog.fuzzy = False
    catalog.creation_date = catalog.revision_date = STABLE_DATE
    catalog.header_comment = f"# chudong: people-facing text in {NAMES[lang]}.\n# Updated by `python -m shared.i18n.catalogs update`."
    catalog.last_translator = catalog.language_team = "chudong"
    catalog.version = "1"
    catalog.msgid_bugs_address = ""


def compiled(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for lang in LANGUAGES:
        mo_path(lang).write_bytes(compiled(lang))


def _msgid(message: object) -> str:
    return message[0] if isinstance(message, tuple | list) else str(message)


def _translated(string: object) -> bool:
    return bool(string) if isinstance(string, str) else bool(string) and all(string)  # type: ignore[arg-type]


def problems() -> Iterator[str]:
    """What keeps the catalogs from being complete: untranslated Vietnamese, stale ``.mo`` files."""
    vietnamese = read("vi")
    for message in extract():
        if not message.id:
            continue
        known = vietnamese.get(message.id, message.context)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
        if known is None:
            yield f"not in the Vietnamese catalog: {_msgid(message.id)!r} ({where})"
        elif known.fuzzy or not _translated(known.string):
            yield f"no Vietnamese translation: {_msgid(message.id)!r} ({where})"
    for lang in LANGUAGES:
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != compiled(lang):
            yield f"{mo_path(lang).relative_to(ROOT)} is not compiled from its .po"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = list(problems())
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print("usage: python -m shared.i18n.catalogs update|compile|check")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
