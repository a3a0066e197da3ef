"""Which rules apply to a union: its province's file if there is one, else the default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from services.evaluation.domain.rules import RulesError, RuleSet, load_rules


@dataclass(frozen=True, slots=True)
class RuleBook:
    default: RuleSet
    provinces: dict[str, RuleSet] = field(default_factory=dict)

    def for_path(self, path: str) -> RuleSet:
        for unit_id in path.split("."):
            if unit_id in self.provinces:
                return self.provinces[unit_id]
        return self.default

    @classmethod
    def load(cls, directory: Path | None = None) -> RuleBook:
        """The default rules and every ``*.yaml`` in ``directory`` (each names its ``province``)."""
        provinces: dict[str, RuleSet] = {}
        for path in sorted(directory.glob("*.yaml")) if directory is not None else []:
            rules = load_rules(path)
            if rules.province is None:
                raise RulesError(
                    f"{path}: a province's rules file must name its province",
                    rule="rules_invalid",
                    field="province",
                    value=None,
                    accepted="the province's unit id, e.g. bg",
                )
            provinces[rules.province] = rules
        return cls(load_rules(), provinces)
