"""Finds the people-facing names in rule files (criteria, indicators, requirement labels) for the catalogs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any

import yaml


def _names(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key in ("name", "label"):
            if isinstance(node.get(key), str):
                yield node[key]
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _names(value)


def extract_rules(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: list[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method for rule files: every ``name`` and ``label`` is a message id."""
    for text in _names(yaml.safe_load(fileobj.read().decode("utf-8"))):
        yield 0, "N_", text, ["rules"]
