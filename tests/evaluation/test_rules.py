"""Rules files: the default loads; a province overrides by id; a mistake is refused where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RulesError, load_rules, parse_rules
from shared.contracts.org import UnitType


def test_the_default_rules_follow_the_indicator_table() -> None:
    rules = load_rules()
    ids = [i.id for c in rules.criteria for i in c.indicators]
    assert ids[:3] == ["C1.1", "C1.2", "C1.3"] and len(ids) == 25
    assert {i.id for c in rules.criteria for i in c.indicators if i.core} == {
        "C1.1", "C1.2", "C1.5", "C1.6", "C2.1", "C2.2", "C2.4", "C2.7", "C2.8", "C3.1", "C3.2", "C3.4",
    }  # fmt: skip
    assert not rules.indicator("C3.7").enabled
    assert rules.year_bounds(2026, UnitType.SCHOOL)[0].isoformat() == "2025-09-01"


def test_a_province_overrides_only_what_it_names(tmp_path: Path) -> None:
    (tmp_path / "bg.yaml").write_text(
        "extends: default\nid: bg-2026\nprovince: bg\ncriteria:\n"
        "  - id: 2\n    indicators:\n      - id: C2.2\n        requirements:\n"
        "          - {label: branch meeting, kinds: [meeting], per: M, per_branch: true, threshold: 1.0}\n"
        "  - id: 3\n    indicators:\n      - id: C3.7\n        enabled: true\n"
    )
    book = RuleBook.load(tmp_path)
    bg = book.for_path("vn.bg.bg-pl.dcs-1")
    assert bg.id == "bg-2026"
    assert bg.indicator("C2.2").requirements[0].threshold == 1.0
    assert bg.indicator("C3.7").enabled and bg.indicator("C2.2").core
    assert bg.indicator("C1.1").params == {"threshold": 0.95}
    assert book.for_path("vn.hn.x").id == "default-2023-2027"


@pytest.mark.parametrize(
    ("patch", "points_at"),
    [
        ("      - id: C2.2\n        requirements: [{label: m, kinds: [meeting], per: W}]", "C2.2: requirements[0].per"),
        ("      - id: C2.5\n        requirements: [{label: p, kinds: [project_done]}]", "C2.5: requirements[0].kinds"),
        ("      - id: C2.3\n        params: {mean: 0.7, ceiling: 2}", "C2.3"),
        ("      - id: C2.8\n        requirements: [{label: s, kinds: [self_assessment], by: '15-12'}]", "C2.8: requirements[0].by"),
    ],
)  # fmt: skip
def test_a_rules_file_with_a_mistake_is_refused_with_a_message_that_points_at_it(
    patch: str, points_at: str
) -> None:
    text = f"extends: default\nid: broken\ncriteria:\n  - id: 2\n    indicators:\n{patch}\n"
    with pytest.raises(RulesError) as refused:
        parse_rules(text, "broken.yaml")
    assert points_at in str(refused.value)
    assert refused.value.accepted


def test_unreadable_yaml_names_the_line() -> None:
    with pytest.raises(RulesError, match="line 3"):
        parse_rules("id: x\ncriteria: [1,\n  - oops\n", "x.yaml")


def test_a_province_file_must_name_its_province(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("extends: default\nid: x\n")
    with pytest.raises(RulesError, match="province"):
        RuleBook.load(tmp_path)
