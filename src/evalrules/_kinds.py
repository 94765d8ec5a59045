"""The rule-kind API: what a plugin implements to add a way of scoring.

A rule kind is a frozen :class:`RuleKind` value built with :func:`rule_kind`. Its
``evaluate`` function receives a :class:`RuleContext`, reads facts through it (every read is
recorded as evidence) and reports effects: a deduction, a zero-out, not applicable, a bonus, a
veto, a manual judgement, or just an outcome. It never raises for an expected result; a raise
means the plugin is broken and the evaluation fails with
:class:`~evalrules.errors.RuleEvaluationError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._model import (
    NOT_APPLICABLE_POLICIES,
    VETO_EFFECTS,
    DerivedFact,
    DerivedValue,
    FactSpec,
    Indicator,
    Rubric,
    Rule,
    Text,
)
from evalrules._points import ZERO, plain, to_decimal

__all__ = [
    "OPERATORS",
    "DescribeContext",
    "Effect",
    "MissingFact",
    "RuleContext",
    "RuleKind",
    "condition_facts",
    "condition_problems",
    "condition_type_problems",
    "declared_type",
    "describe_condition",
    "rule_kind",
]

#: Comparison operators allowed in rules and conditions, with their words.
OPERATORS: Mapping[str, Text] = {
    ">=": Text("不低于", "at least"),
    ">": Text("高于", "more than"),
    "<=": Text("不高于", "at most"),
    "<": Text("低于", "less than"),
    "==": Text("等于", "equal to"),
    "!=": Text("不等于", "not equal to"),
}


def compare(left: Any, op: str, right: Any) -> bool:
    """Compare two fact values exactly (numbers as ``Decimal``)."""
    if isinstance(left, bool) or isinstance(right, bool) or isinstance(left, str):
        if op == "==":
            return bool(left == right)
        if op == "!=":
            return bool(left != right)
        raise TypeError(f"operator {op} needs numbers, got {left!r} and {right!r}")
    a, b = to_decimal(left), to_decimal(right)
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    raise ValueError(f"unknown operator {op!r}")


class MissingFact(Exception):
    """Raised by :meth:`RuleContext.fact` when an optional fact is absent.

    The engine turns it into a facts problem, or into ``not_assessable`` in partial mode.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(path)


@attrs.frozen
class Effect:
    """One thing a rule reports. Built by :class:`RuleContext` methods, not directly.

    Attributes:
        kind: ``deduction``, ``zero_out``, ``not_applicable``, ``bonus``, ``veto``,
            ``manual`` or ``outcome`` (no effect on points).
        points: Nominal points (unsigned): what is deducted, awarded or judged.
        message_id: Message template id.
        params: Template fields.
        outcome: The rule outcome this effect belongs to.
        effect: Veto effect or not-applicable policy.
    """

    kind: str
    points: Decimal
    message_id: str
    params: Mapping[str, Any]
    outcome: str
    effect: str | None = None


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


@attrs.frozen
class RuleKind:
    """A way of scoring: parameters, evaluation, words. Build with :func:`rule_kind`.

    Attributes:
        name: The kind's name as rubrics write it (``threshold``).
        summary: One line in Chinese and English.
        description: Markdown for the rule-kind catalogue.
        params: A cerberus schema for the rule's ``params``.
        evaluate: ``evaluate(ctx: RuleContext) -> None``.
        describe: ``describe(ctx: DescribeContext) -> Text``: the rule in words.
        outcomes: Every outcome ``evaluate`` can record (for rule-outcome coverage).
        messages: Message templates by id, in Chinese and English, with named fields.
        reads: ``reads(params) -> tuple of fact paths`` the rule reads.
        check: ``check(ctx: DescribeContext) -> iterable of problem messages`` beyond the
            schema (e.g. band gaps), run when the rubric loads.
        phase: ``applicability`` (runs first; may make the item not applicable), ``score``,
            or ``bonus`` (only on bonus items).
        example: A YAML example of a rule of this kind, for the catalogue.
    """

    name: str
    summary: Text
    description: str
    params: Mapping[str, Any]
    evaluate: Callable[[RuleContext], None]
    describe: Callable[[DescribeContext], Text]
    outcomes: tuple[str, ...]
    messages: Mapping[str, Text]
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]]
    check: Callable[[DescribeContext], Iterable[str]] | None = None
    phase: str = "score"
    example: str = ""


def _walk_fact_keys(value: Any, out: list[str]) -> None:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            if key in ("fact", "faster_than") and isinstance(sub, str):
                out.append(sub)
            else:
                _walk_fact_keys(sub, out)
    elif isinstance(value, list | tuple):
        for sub in value:
            _walk_fact_keys(sub, out)


def condition_facts(params: Mapping[str, Any]) -> tuple[str, ...]:
    """Every fact path named under a ``fact`` (or ``faster_than``) key, in order, unique."""
    out: list[str] = []
    _walk_fact_keys(params, out)
    return tuple(dict.fromkeys(out))


def rule_kind(
    name: str,
    *,
    summary: Text,
    description: str,
    params: Mapping[str, Any],
    evaluate: Callable[[RuleContext], None],
    describe: Callable[[DescribeContext], Text],
    outcomes: Iterable[str],
    messages: Mapping[str, Text],
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None,
    check: Callable[[DescribeContext], Iterable[str]] | None = None,
    phase: str = "score",
    example: str = "",
) -> RuleKind:
    """Build a :class:`RuleKind` for a plugin's ``evalrules_register_rule_kinds`` hook.

    ``params`` is a cerberus schema; the optional ``points`` parameter (the share of the item
    this rule governs) is added to every kind. ``reads`` defaults to every ``fact`` key found
    in the parameters.
    """
    if phase not in ("applicability", "score", "bonus"):
        raise ValueError(f"rule kind {name}: unknown phase {phase!r}")
    schema = {"points": {"type": "number", "min": 0, "nullable": True}, **dict(params)}
    return RuleKind(
        name=name,
        summary=summary,
        description=description,
        params=schema,
        evaluate=evaluate,
        describe=describe,
        outcomes=tuple(outcomes),
        messages=dict(messages),
        reads=reads or condition_facts,
        check=check,
        phase=phase,
        example=example,
    )


def condition_problems(cond: Any, where: str = "when") -> list[str]:
    """Check a condition's shape; return one message per problem (empty when valid)."""
    if not isinstance(cond, Mapping):
        return [f"{where}: a condition must be a mapping, got {type(cond).__name__}"]
    keys = set(cond)
    for key in ("all", "any"):
        if key in keys:
            problems = []
            if keys != {key}:
                problems.append(f"{where}: '{key}' cannot be combined with {sorted(keys - {key})}")
            items = cond[key]
            if not isinstance(items, list | tuple) or not items:
                return [*problems, f"{where}.{key}: must be a non-empty list of conditions"]
            for i, sub in enumerate(items):
                problems.extend(condition_problems(sub, f"{where}.{key}[{i}]"))
            return problems
    problems = []
    unknown = keys - {"fact", "op", "value"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {sorted(unknown)} (use fact, op, value)")
    if not isinstance(cond.get("fact"), str) or not cond.get("fact"):
        problems.append(f"{where}.fact: a fact path is required")
    op = cond.get("op", "==")
    if op not in OPERATORS:
        problems.append(f"{where}.op: {op!r} is not one of {', '.join(OPERATORS)}")
    value = cond.get("value", True)
    if value is None or isinstance(value, Mapping | list | tuple):
        problems.append(f"{where}.value: must be a number, a boolean or a text")
    elif op not in ("==", "!=") and isinstance(value, bool | str):
        problems.append(f"{where}.value: operator {op} needs a number, got {value!r}")
    return problems


def lower_first(text: str) -> str:
    """Lower-case a leading capital so a fact's label reads inside an English sentence."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def describe_condition(cond: Mapping[str, Any], ctx: DescribeContext) -> Text:
    """Put a condition into words in Chinese and English."""
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [describe_condition(c, ctx) for c in cond[key]]
        zh_join, en_join = ("且", " and ") if key == "all" else ("或", " or ")
        return Text(zh_join.join(p.zh for p in parts), en_join.join(p.en for p in parts))
    label = ctx.label(cond["fact"])
    label = Text(label.zh, lower_first(label.en))
    op = cond.get("op", "==")
    value = cond.get("value", True)
    if isinstance(value, bool) and op in ("==", "!="):
        truth = value if op == "==" else not value
        return Text(
            f"{label.zh}" if truth else f"“{label.zh}”为否",
            f"{label.en}" if truth else f"“{label.en}” is false",
        )
    shown = plain(to_decimal(value)) if not isinstance(value, str) else value
    unit = ctx.unit(cond["fact"])
    return Text(
        f"{label.zh}{OPERATORS[op].zh}{shown}{unit}",
        f"{label.en} {OPERATORS[op].en} {shown}{unit}",
    )


#: Builtin fact types whose values are numbers (derived facts are numbers too).
NUMERIC_TYPES = frozenset({"count", "money", "percent", "ratio"})
#: Every builtin fact type; a plugin's types are not checked here (their values are unknown).
BUILTIN_TYPES = NUMERIC_TYPES | {"boolean", "text", "series", "judgement"}
#: What :func:`declared_type` returns for a derived fact (always a number).
DERIVED = "derived number"


def declared_type(rubric: Rubric, path: str) -> str | None:
    """The declared type of a fact (``DERIVED`` for a derived fact), ``None`` if undeclared."""
    for spec in rubric.facts:
        if spec.path == path:
            return spec.type
    if any(d.path == path for d in rubric.derived):
        return DERIVED
    return None


def condition_type_problems(cond: Any, rubric: Rubric, where: str = "when") -> list[str]:
    """Check each comparison of a condition against its fact's declared type.

    A comparison that can never work (``>=`` on a boolean, a number against a text, a year
    series compared with anything) would otherwise fail only when a district's facts are
    evaluated; it is reported when the rubric loads instead. Facts of a plugin's type, and
    undeclared facts (reported elsewhere), are not checked.
    """
    if not isinstance(cond, Mapping):
        return []
    for key in ("all", "any"):
        if key in cond:
            subs = cond[key] if isinstance(cond[key], list | tuple) else []
            return [
                problem
                for i, sub in enumerate(subs)
                for problem in condition_type_problems(sub, rubric, f"{where}.{key}[{i}]")
            ]
    path, op, value = cond.get("fact"), cond.get("op", "=="), cond.get("value", True)
    if not isinstance(path, str) or op not in OPERATORS:
        return []
    ftype = declared_type(rubric, path)
    if ftype is None or (ftype != DERIVED and ftype not in BUILTIN_TYPES):
        return []
    if ftype in NUMERIC_TYPES or ftype == DERIVED:
        if isinstance(value, bool | str):
            return [f"{where}: {path} is a {ftype}; compare it with a number, not {value!r}"]
        return []
    if ftype in ("boolean", "text"):
        if op not in ("==", "!="):
            return [f"{where}: {path} is a {ftype}; operator {op} needs a number"]
        expected = bool if ftype == "boolean" else str
        if not isinstance(value, expected):
            want = "true or false" if ftype == "boolean" else "a text"
            return [f"{where}: {path} is a {ftype}; compare it with {want}, not {value!r}"]
        return []
    return [f"{where}: {path} is a {ftype}, which a condition cannot compare"]


def check_policy(policy: Any) -> str | None:
    """Return a problem message when ``policy`` is not a not-applicable policy."""
    if policy is not None and policy not in NOT_APPLICABLE_POLICIES:
        return f"unknown not-applicable policy {policy!r} (use one of full, exclude, zero)"
    return None
