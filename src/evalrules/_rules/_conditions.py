"""Conditions and comparisons that rules and their descriptions share."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from evalrules._facts._numbers import _is_number
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import NOT_APPLICABLE_POLICIES
from evalrules._text import Text
from evalrules._units import unit_in

if TYPE_CHECKING:
    from evalrules._rules._context import DescribeContext


class FactWords(Protocol):
    """What putting a condition into words needs: a fact's label and unit."""

    def label(self, path: str) -> Text:
        """The description of a fact."""

    def unit(self, path: str) -> str:
        """The unit of a fact, or ``""``."""


#: Comparison operators allowed in rules and conditions, with their words.
OPERATORS: Mapping[str, Text] = {
    ">=": Text("不低于", "at least"),
    ">": Text("高于", "more than"),
    "<=": Text("不超过", "at most"),
    "<": Text("低于", "less than"),
    "==": Text("等于", "equal to"),
    "!=": Text("不等于", "not equal to"),
}


def compare(left: Any, op: str, right: Any) -> bool:
    """Compare two fact values exactly: numbers as ``Decimal``, booleans for equality only,
    anything else (the values of a fact type that ``compares`` as ``ordered`` or
    ``equality``) with Python's own operators.

    Raises:
        TypeError: for an ordering operator on booleans or on values that have no order.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        if op == "==":
            return bool(left == right)
        if op == "!=":
            return bool(left != right)
        raise TypeError(f"operator {op} needs numbers, got {left!r} and {right!r}")
    if _is_number(left) and _is_number(right):
        left, right = to_decimal(left), to_decimal(right)
    if op not in _OPS:
        raise ValueError(f"unknown operator {op!r}")
    return bool(_OPS[op](left, right))


_OPS: Mapping[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


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
                problems.extend(condition_problems(sub, f"{where}.{key}.{i}"))
            return problems
    problems = []
    hints: list[str] = []
    unknown = keys - {"fact", "op", "value"}
    if unknown:
        from evalrules._rubric._loader import suggest

        hints = [
            f"{key!r} → {near[0]!r}"
            for key in sorted(unknown, key=str)
            if (near := suggest(str(key), ("fact", "op", "value", "all", "any", "not")))
        ]
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        problems.append(f"{where}: unknown key(s) {sorted(unknown)} (use fact, op, value){hint}")
    slip = "fact" not in cond and any(h.endswith(" → 'fact'") for h in hints)
    # A misspelt `fcat` was named with its suggestion: one slip, one problem.
    if not slip and (not isinstance(cond.get("fact"), str) or not cond.get("fact")):
        problems.append(f"{where}.fact: a fact path is required")
    op = cond.get("op", "==")
    if op not in OPERATORS:
        problems.append(f"{where}.op: {op!r} is not one of {', '.join(OPERATORS)}")
    value = cond.get("value", True)
    if value is None or isinstance(value, Mapping | list | tuple):
        problems.append(f"{where}.value: must be a number, a boolean or a text")
    elif op not in ("==", "!=") and isinstance(value, bool):
        # a text may be ordered (a plugin's ordered type): the fact's type decides that
        problems.append(f"{where}.value: operator {op} needs a number, got {value!r}")
    return problems


def lower_first(text: str) -> str:
    """Lower-case a leading capital so a fact's label reads inside an English sentence."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def describe_condition(cond: Mapping[str, Any], ctx: FactWords, *, clause: bool = False) -> Text:
    """Put a condition into words in Chinese and English.

    A comparison reads as a standard (``public satisfaction survey result at least 85%``);
    with ``clause``, as what is the case, for "if …" and "when …"
    (``public satisfaction survey result is less than 85%``). A yes/no fact reads as its
    statement either way.
    """
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [describe_condition(c, ctx, clause=clause) for c in cond[key]]
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
    # the unit in English words (人 and 次 have none after a number, 元 is yuan)
    en_unit = unit_in(unit, "en") if not isinstance(value, str) else ""
    return Text(
        f"{label.zh}{OPERATORS[op].zh}{shown}{unit}",
        f"{label.en} {'is ' if clause else ''}{OPERATORS[op].en} {shown}{en_unit}",
    )


#: What a derived fact is called in messages: always a number, compared as one.
DERIVED = "derived number"


def condition_type_problems(cond: Any, ctx: DescribeContext, where: str = "when") -> list[str]:
    """Check each comparison of a condition against how its fact's type compares.

    A comparison that can never work (``>=`` on a yes/no fact, a number against a text, a
    year series compared with anything) would otherwise fail only when a district's facts
    are evaluated; it is reported when the rubric loads instead. The type says how it
    compares (:attr:`FactType.compares`), a plugin's type as much as a builtin one.
    Undeclared facts (reported elsewhere) and facts of types not installed are not checked.
    """
    if not isinstance(cond, Mapping):
        return []
    for key in ("all", "any"):
        if key in cond:
            subs = cond[key] if isinstance(cond[key], list | tuple) else []
            return [
                problem
                for i, sub in enumerate(subs)
                for problem in condition_type_problems(sub, ctx, f"{where}.{key}.{i}")
            ]
    path, op, value = cond.get("fact"), cond.get("op", "=="), cond.get("value", True)
    if not isinstance(path, str) or op not in OPERATORS:
        return []
    ftype = ctx.fact_type(path)
    if ftype is None:
        derived = any(d.path == path for d in ctx.rubric.derived)
        if derived and isinstance(value, bool | str):
            return [f"{where}: {path} is a {DERIVED}; the comparison needs a number, not {value!r}"]
        return []
    name = ftype.name
    if ftype.compares == "numbers":
        if isinstance(value, bool | str):
            return [f"{where}: {path} is a {name}; the comparison needs a number, not {value!r}"]
        return []
    if ftype.compares == "none":
        return [f"{where}: {path} is a {name}, which a condition cannot compare"]
    if ftype.compares == "equality" and op not in ("==", "!="):
        return [f"{where}: {path} is a {name}; operator {op} needs a number"]
    if not ftype.accepts(value):
        return [f"{where}: {path} is a {name}; compare it with {ftype.expected.en}, not {value!r}"]
    return []


def check_policy(policy: Any) -> str | None:
    """Return a problem message when ``policy`` is not a not-applicable policy."""
    if policy is not None and policy not in NOT_APPLICABLE_POLICIES:
        return f"unknown not-applicable policy {policy!r} (use one of full, exclude, zero)"
    return None


#: ``test(values) -> bool``: a condition compiled over its parameters, reading the merged
#: facts and derived values by path (a missing path raises ``KeyError``).
Test = Callable[[Mapping[str, Any]], bool]


def compile_compare(op: str, right: Any) -> Callable[[Any], bool]:
    """``compare(left, op, right)`` as a function of ``left``, with ``right`` converted once.

    It answers as :func:`compare` does for every ``left``; a decimal against a number takes
    the short way, anything else goes through :func:`compare` itself.
    """
    fn = _OPS[op]
    if _is_number(right):
        exact = to_decimal(right)

        def numbers(left: Any) -> bool:
            if type(left) is Decimal and left.is_finite():
                return bool(fn(left, exact))
            return compare(left, op, right)

        return numbers

    def general(left: Any) -> bool:
        return compare(left, op, right)

    return general


def compile_condition(cond: Mapping[str, Any]) -> Test:
    """A condition (``{fact, op, value}``, ``{all: [...]}``, ``{any: [...]}``) compiled to a
    test of the merged values. Like :meth:`RuleContext.condition`, ``all`` and ``any`` read
    every one of their conditions (a missing fact anywhere raises ``KeyError``)."""
    for key, combine in (("all", all), ("any", any)):
        if key in cond:
            return _combined(combine, tuple(compile_condition(c) for c in cond[key]))
    path = cond["fact"]
    check = compile_compare(cond.get("op", "=="), cond.get("value", True))

    def leaf(values: Mapping[str, Any]) -> bool:
        return check(values[path])

    return leaf


def _combined(combine: Callable[[list[bool]], bool], tests: tuple[Test, ...]) -> Test:
    def combined(values: Mapping[str, Any]) -> bool:
        return combine([t(values) for t in tests])

    return combined
