"""What a rule kind sees: a `RuleContext` when evaluating, a `DescribeContext` when describing."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._points import ZERO, to_decimal
from evalrules._rubric._model import (
    DerivedFact,
    FactSpec,
    Indicator,
    Rubric,
    Rule,
)
from evalrules._rules._conditions import compare
from evalrules._rules._kind import Effect, MissingFact
from evalrules._scorecard._model import VETO_EFFECTS, DerivedValue
from evalrules._text import Text


class RuleContext:
    """What a rule kind's ``evaluate`` works with: parameters, facts, and effect reporting.

    Attributes:
        rule: The rule being evaluated.
        item: The item (leaf indicator) it belongs to.
        rubric: The rubric.
        params: The rule's validated parameters.
        share: The points this rule governs: ``params["points"]`` if given, else the item max.
        data_year: The year whose facts are scored.
    """

    __slots__ = (
        "_derived",
        "_facts",
        "_read",
        "_read_derived",
        "data_year",
        "effects",
        "item",
        "params",
        "rubric",
        "rule",
        "share",
    )

    def __init__(
        self,
        *,
        rule: Rule,
        item: Indicator,
        rubric: Rubric,
        facts: Mapping[str, Any],
        derived: Mapping[str, DerivedValue],
    ) -> None:
        self.rule = rule
        self.item = item
        self.rubric = rubric
        self.params = rule.params
        points = rule.params.get("points")
        self.share: Decimal = item.max if points is None else to_decimal(points)
        self.data_year: int = rubric.data_year or rubric.year - 1
        self._facts = facts
        self._derived = derived
        self._read: dict[str, Any] = {}
        self._read_derived: dict[str, DerivedValue] = {}
        self.effects: list[Effect] = []

    # -- facts -------------------------------------------------------------------------

    def fact(self, path: str) -> Any:
        """Return the value of an observed or derived fact, recording it as evidence.

        Raises:
            MissingFact: if the fact is optional and absent (handled by the engine).
        """
        if path in self._derived:
            dv = self._derived[path]
            self._read_derived[path] = dv
            return dv.value
        if path in self._facts:
            value = self._facts[path]
            self._read[path] = value
            return value
        raise MissingFact(self._missing_input(path))

    def _missing_input(self, path: str, seen: frozenset[str] = frozenset()) -> str:
        """For a derived fact left uncomputed, the observed fact whose absence is the cause:
        that is what the district must supply."""
        declared = next((d for d in self.rubric.derived if d.path == path), None)
        if declared is None or path in seen:
            return path
        for source in declared.inputs:
            if source not in self._facts and source not in self._derived:
                return self._missing_input(source, seen | {path})
        return path

    def has_fact(self, path: str) -> bool:
        """True when the fact is present (without recording it)."""
        return path in self._facts or path in self._derived

    def condition(self, cond: Mapping[str, Any]) -> bool:
        """Evaluate a condition (``{fact, op, value}``, ``{all: [...]}``, ``{any: [...]}``)."""
        if "all" in cond:
            results = [self.condition(c) for c in cond["all"]]  # read all: full evidence
            return all(results)
        if "any" in cond:
            results = [self.condition(c) for c in cond["any"]]
            return any(results)
        value = self.fact(cond["fact"])
        return compare(value, cond.get("op", "=="), cond.get("value", True))

    @property
    def evidence_facts(self) -> tuple[tuple[str, Any], ...]:
        """Observed facts read so far, sorted by path."""
        return tuple(sorted(self._read.items()))

    @property
    def evidence_derived(self) -> tuple[DerivedValue, ...]:
        """Derived facts read so far, sorted by path."""
        return tuple(self._read_derived[k] for k in sorted(self._read_derived))

    # -- effects -----------------------------------------------------------------------

    def _add(self, kind: str, points: Any, message_id: str, outcome: str, **kw: Any) -> None:
        effect = kw.pop("effect", None)
        self.effects.append(Effect(kind, to_decimal(points), message_id, dict(kw), outcome, effect))

    def outcome(self, outcome: str) -> None:
        """Record an outcome that changes no points (e.g. ``met``, ``full``)."""
        self.effects.append(Effect("outcome", ZERO, "", {}, outcome))

    def deduct(self, points: Any, message_id: str, *, outcome: str, **params: Any) -> None:
        """Deduct ``points`` (nominal; the engine floors the item at zero)."""
        self._add("deduction", points, message_id, outcome, **params)

    def zero_out(self, message_id: str, *, outcome: str, **params: Any) -> None:
        """Set the item to zero whatever the other rules say."""
        self._add("zero_out", ZERO, message_id, outcome, **params)

    def not_applicable(
        self, message_id: str, *, outcome: str, policy: str | None = None, **params: Any
    ) -> None:
        """Declare the item not applicable; ``policy`` overrides the declared one."""
        self._add("not_applicable", ZERO, message_id, outcome, effect=policy, **params)

    def award(self, points: Any, message_id: str, *, outcome: str, **params: Any) -> None:
        """Award bonus points (bonus items only; capped by the item and the rubric)."""
        self._add("bonus", points, message_id, outcome, **params)

    def veto(self, effect: str, message_id: str, *, outcome: str, **params: Any) -> None:
        """Trigger a veto: ``force_fail``, ``lower_one`` or ``cap_below_top``."""
        if effect not in VETO_EFFECTS:
            raise ValueError(f"unknown veto effect {effect!r}")
        self._add("veto", ZERO, message_id, outcome, effect=effect, **params)

    def manual(self, points: Any, message_id: str, *, outcome: str, **params: Any) -> None:
        """Deduct ``points`` on an assessor's recorded judgement (flagged as manual)."""
        self._add("manual", points, message_id, outcome, **params)


@attrs.frozen
class DescribeContext:
    """What a rule kind's ``describe`` works with when putting a rule into words."""

    rule: Rule
    item: Indicator
    rubric: Rubric
    share: Decimal

    @property
    def params(self) -> Mapping[str, Any]:
        """The rule's parameters."""
        return self.rule.params

    def label(self, path: str) -> Text:
        """The description of a declared or derived fact (the path itself if undeclared)."""
        for spec in self.rubric.facts:
            if spec.path == path:
                return spec.description
        for d in self.rubric.derived:
            if d.path == path:
                return d.description
        return Text(path, path)

    def unit(self, path: str) -> str:
        """The unit of a fact, or ``""``."""
        specs: tuple[FactSpec | DerivedFact, ...] = (*self.rubric.facts, *self.rubric.derived)
        for spec in specs:
            if spec.path == path:
                return spec.unit or ""
        return ""
