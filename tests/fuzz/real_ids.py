"""Schemathesis hooks that swap generated ids for real ones of the seeded world, some of the time.

Random strings almost never name a unit or a member, so without real ids every route that looks one up
stops at its 404. Each generated path parameter, query parameter or top-level body field whose name the
world knows becomes, for Hypothesis to choose, either the generated value or one of the real ids: both
the 404s and everything past them get fuzzed, and the choice is part of the (seeded) example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st
from schemathesis import BaseSchema, HookContext

# Path parameters that are numbers, not ids: the years the demo history covers.
PATH_NUMBERS: dict[str, Sequence[Any]] = {"year": (2025, 2026, 2027)}
# Body fields that name a unit though their name does not end in ``_id``.
BODY_UNIT_FIELDS = frozenset({"merged_into", "submitted_to"})
QUERY_FIELDS = frozenset({"consumer", "district"})


def _sometimes_real(
    real: Mapping[str, Sequence[Any]], applies: Callable[[str], bool]
) -> Callable[[HookContext, Any], st.SearchStrategy[Any]]:
    def hook(_: HookContext, generated: Any) -> st.SearchStrategy[Any]:
        if not isinstance(generated, dict):
            return st.just(generated)
        return st.fixed_dictionaries(
            {
                name: st.one_of(st.just(value), st.sampled_from(real[name]))
                if applies(name) and real.get(name)
                else st.just(value)
                for name, value in generated.items()
            }
        )

    return hook


def use_real_ids(schema: BaseSchema, ids: Mapping[str, Sequence[str]]) -> None:
    """Register the hooks on ``schema`` (this schema only)."""
    in_path = {**ids, **PATH_NUMBERS}
    schema.hooks.register_hook_with_name(
        _sometimes_real(in_path, lambda name: True), "flatmap_path_parameters"
    )
    schema.hooks.register_hook_with_name(
        _sometimes_real(ids, lambda name: name.endswith("_id") or name in QUERY_FIELDS), "flatmap_query"
    )
    schema.hooks.register_hook_with_name(
        _sometimes_real(ids, lambda name: name.endswith("_id") or name in BODY_UNIT_FIELDS), "flatmap_body"
    )
