"""Small rubrics for tests: a minimal valid document built as plain data, mutated, dumped.

``minimal()`` returns a rubric document (nested dicts and lists, as YAML would give) with one
first-level indicator ``A`` holding one item ``1`` worth 10 points, read by one threshold rule.
Tests change it, write it to ``tmp_path`` with :func:`write` and load it with an isolated
engine, exactly as a rubric file on disk is loaded.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import yaml

import evalrules
from evalrules import RuleContext, RuleKind, Text, hookimpl, rule_kind
from evalrules.errors import RubricError, RubricProblem

_counter = itertools.count()
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Writes ``Decimal`` as a YAML float scalar, which the loader reads back exactly.

    libyaml's emitter when PyYAML has it: the same text, four times faster (the rubric fuzz
    tests write a rubric per example).
    """


def _represent_decimal(dumper: Any, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." not in text:
        text += ".0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)
# The loader refuses aliases: a value used twice (one Decimal as a node's and an item's max)
# is written out twice.
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def dump(doc: Any) -> str:
    """YAML text of a document (Chinese kept readable, key order kept)."""
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def text(zh: str, en: str = "") -> dict[str, str]:
    """A ``{zh, en}`` text."""
    return {"zh": zh, "en": en or zh}


INFERRED = {"inferred": True, "why": "test rubric"}


def fact(ftype: str, **extra: Any) -> dict[str, Any]:
    """A fact declaration."""
    return {"type": ftype, "description": text(f"{ftype}事实", f"a {ftype} fact"), **extra}


def rule(code: str, kind: str, params: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A rule with a name and an inferred source."""
    return {
        "code": code,
        "kind": kind,
        "name": text(f"规则{code}", f"rule {code}"),
        "params": dict(params),
        "source": dict(INFERRED),
        **extra,
    }


def item(code: str, max_points: Any, rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A scored item."""
    return {
        "code": code,
        "title": text(f"指标{code}", f"item {code}"),
        "max": max_points,
        "rules": rules,
        **extra,
    }


def node(code: str, max_points: Any, children: list[dict[str, Any]]) -> dict[str, Any]:
    """A parent indicator."""
    return {
        "code": code,
        "title": text(f"指标{code}", f"indicator {code}"),
        "max": max_points,
        "children": children,
    }


# Grade mins for the 10-point minimal rubric: 90 %, 80 % and 60 % of its total (a min above
# the total is refused). ``write`` scales them to a document's total when a test left them as
# they are and changed the total.
GRADES = [
    {"code": "excellent", "label": text("优秀", "Excellent"), "min": 9},
    {"code": "good", "label": text("良好", "Good"), "min": 8},
    {"code": "pass", "label": text("合格", "Pass"), "min": 6},
    {"code": "fail", "label": text("不合格", "Fail")},
]


def minimal() -> dict[str, Any]:
    """A valid rubric: A (10) → item 1 (10), rule R-1: ``x.value >= 50`` or −10."""
    return {
        "evalrules": "rubric/1",
        "family": "test-rubric",
        "year": 2024,
        "version": "1.0.0",
        "title": text("测试评价方案", "Test rubric"),
        "total": 10,
        "precision": "0.1",
        "rounding": "ROUND_HALF_UP",
        "not_applicable": "full",
        "grades": copy.deepcopy(GRADES),
        "facts": {"x.value": fact("percent", unit="%")},
        "indicators": [
            node(
                "A",
                10,
                [
                    item(
                        "1",
                        10,
                        [rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50})],
                    )
                ],
            )
        ],
    }


def single(
    rules: list[dict[str, Any]],
    facts: Mapping[str, Any],
    *,
    max_points: Any = 10,
    derived: Mapping[str, Any] | None = None,
    bonus: list[dict[str, Any]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """A rubric with one item ``1`` (under ``A``) holding ``rules``; the total is its max."""
    doc = minimal()
    doc["facts"] = dict(facts)
    doc["indicators"] = [node("A", max_points, [item("1", max_points, rules)])]
    doc["total"] = max_points
    doc["grades"] = _scaled_grades(max_points)
    if derived:
        doc["derived"] = dict(derived)
    if bonus:
        doc["bonus"] = bonus
    doc.update(top)
    return doc


def _tree_max(doc: Mapping[str, Any]) -> Any:
    """The sum of a document's first-level maxes, or ``None`` when one is no plain number."""
    try:
        return sum((Decimal(str(top["max"])) for top in doc["indicators"]), Decimal(0))
    except (ArithmeticError, KeyError, TypeError):
        return None


def _scaled_grades(max_points: Any) -> list[dict[str, Any]]:
    """The grades at 90/80/60 % of ``max_points`` (unchanged when it is no plain number)."""
    grades = copy.deepcopy(GRADES)
    try:
        scale = Decimal(str(max_points)) / 10
    except ArithmeticError:
        return grades
    if isinstance(max_points, bool) or not scale.is_finite() or scale < 0 or scale == 1:
        return grades
    if scale == 0:
        # Nothing to score: only the band without a minimum can be reached.
        return [g for g in grades if "min" not in g]
    for g in grades:
        if "min" in g:
            g["min"] = (Decimal(g["min"]) * scale).normalize()
    return grades


def write(tmp_path: Path, doc: Any, name: str | None = None) -> Path:
    """Write a document (or raw YAML text) to a fresh file under ``tmp_path``.

    The default :data:`GRADES`, if the document still has them, are put at 90/80/60 % of the
    sum of its first-level maxes so that every grade stays reachable.
    """
    path = tmp_path / (name or f"rubric-{next(_counter)}.yaml")
    if isinstance(doc, dict) and doc.get("grades") == GRADES:
        doc = {**doc, "grades": _scaled_grades(_tree_max(doc))}
    path.write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    return path


def engine(*plugins: object) -> evalrules.Engine:
    """An isolated engine: builtins plus ``plugins``, no installed plugins."""
    return evalrules.Engine(plugins=list(plugins), autoload=False)


def load(tmp_path: Path, doc: Any, *, name: str | None = None) -> evalrules.Rubric:
    """Write ``doc`` and load it with a fresh isolated engine."""
    return engine().load_rubric(write(tmp_path, doc, name))


def compile_doc(tmp_path: Path, doc: Any) -> evalrules.CompiledRubric:
    """Write, load and compile ``doc``."""
    e = engine()
    return e.compile(e.load_rubric(write(tmp_path, doc)))


def evaluate(
    tmp_path: Path, doc: Any, facts: Mapping[str, Any], **kwargs: Any
) -> evalrules.Scorecard:
    """Load ``doc`` and evaluate ``facts`` (nested mappings) with it."""
    return compile_doc(tmp_path, doc).evaluate(facts, **kwargs)


def problems(tmp_path: Path, doc: Any) -> tuple[RubricProblem, ...]:
    """The problems loading ``doc`` raises; each must name the file it was loaded from."""
    path = write(tmp_path, doc)
    _, error = attempt(lambda: engine().load_rubric(path), RubricError)
    assert error is not None, "the rubric loaded, but problems were expected"
    assert error.problems, "a RubricError must list its problems"
    for problem in error.problems:
        assert problem.file == str(path), f"problem without its file: {problem}"
    return error.problems


def attempt(call: Callable[[], T], error: type[E]) -> tuple[T | None, E | None]:
    """Run ``call``: its result, or the ``error`` it raised (any other exception escapes)."""
    try:
        return call(), None
    except error as exc:
        return None, exc


def rule_problems(
    tmp_path: Path, rules: list[dict[str, Any]], facts: Mapping[str, Any], **kwargs: Any
) -> tuple[RubricProblem, ...]:
    """Problems of a one-item rubric; each must name item ``1`` and one of ``rules``' codes."""
    found = problems(tmp_path, single(rules, facts, **kwargs))
    codes = {r["code"] for r in rules}
    for problem in found:
        assert problem.indicator == "1", f"problem without its indicator: {problem}"
        assert problem.rule in codes, f"problem without its rule: {problem}"
    return found


def assert_problems(found: tuple[RubricProblem, ...], *expected: tuple[str | None, ...]) -> None:
    """Assert that ``found`` is exactly ``expected``, in the order reported.

    Each expected problem is a ``(path, code)`` pair, a ``(path, code, message)`` triple, or
    ``(None, code, "path: message")``: the path and the message as a reader sees them (a rule
    kind's check reports ``params.bands: gap ...``, which the loader files at
    ``params.bands``), or for a problem without a path ``(None, code, message)``. The path
    and the message are compared whole.
    """
    shapes = [len(want) for want in expected] + [2] * max(0, len(found) - len(expected))
    joined = [len(want) == 3 and want[0] is None for want in expected]
    joined += [False] * max(0, len(found) - len(expected))
    got = [
        (None, p.code, f"{p.path}: {p.message}" if p.path else p.message)
        if join
        else (p.path, p.code, p.message)
        if shape == 3
        else (p.path, p.code)
        for p, shape, join in zip(found, shapes, joined, strict=False)
    ]
    assert got == list(expected), (
        f"expected {list(expected)}\ngot      {got}\nproblems:\n"
        + "\n".join(f"  - {p}" for p in found)
    )


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` → ``{"a": {"b": 1}}``: facts as a document writes them."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        parts = path.split(".")
        level = out
        for part in parts[:-1]:
            level = level.setdefault(part, {})
        level[parts[-1]] = value
    return out


def only_item(card: evalrules.Scorecard) -> evalrules.NodeResult:
    """The result of item ``1``."""
    return card.node("1")


def deductions(card: evalrules.Scorecard) -> list[evalrules.Finding]:
    """Findings that take points off (deduction and manual)."""
    return [f for f in card.findings if f.kind in ("deduction", "manual")]


# --------------------------------------------------------------------- a scripted rule kind


def _scripted_eval(ctx: RuleContext) -> None:
    for amount in ctx.params.get("deductions", ()):
        ctx.deduct(amount, "scripted.deduction", outcome="deducted", amount=amount)
    for amount in ctx.params.get("manual", ()):
        ctx.manual(amount, "scripted.deduction", outcome="deducted", amount=amount)
    for amount in ctx.params.get("awards", ()):
        ctx.award(amount, "scripted.award", outcome="awarded", amount=amount)
    for effect in ctx.params.get("vetoes", ()):
        ctx.veto(effect, "scripted.veto", outcome="vetoed")
    if ctx.params.get("zero_out"):
        ctx.zero_out("scripted.zero", outcome="zeroed")
    if not ctx.effects:
        ctx.outcome("nothing")


def _scripted_kind(name: str, phase: str) -> RuleKind:
    numbers = {"type": "list", "schema": {"type": "number"}}
    return rule_kind(
        name,
        summary=Text("按参数给出的效果", "Effects given by the parameters"),
        description="A test kind: reports the deductions, awards and vetoes it is given.",
        params={
            "deductions": numbers,
            "manual": numbers,
            "awards": numbers,
            "vetoes": {"type": "list", "schema": {"type": "string"}},
            "zero_out": {"type": "boolean"},
        },
        evaluate=_scripted_eval,
        describe=lambda ctx: Text("按参数", "as given"),
        outcomes=("deducted", "awarded", "vetoed", "zeroed", "nothing"),
        messages={
            "scripted.deduction": Text("扣{points}分", "−{points}"),
            "scripted.award": Text("加{points}分", "+{points}"),
            "scripted.veto": Text("否决", "veto"),
            "scripted.zero": Text("不得分(扣{points}分)", "zero (−{points})"),
        },
        reads=lambda params: (),
        phase=phase,
    )


class ScriptedPlugin:
    """Registers ``scripted`` (score phase) and ``scripted_bonus`` (bonus phase) rule kinds,
    whose effects are their parameters: scoring semantics can then be tested directly."""

    @staticmethod
    @hookimpl
    def evalrules_register_rule_kinds() -> list[RuleKind]:
        """The two scripted kinds."""
        return [_scripted_kind("scripted", "score"), _scripted_kind("scripted_bonus", "bonus")]


def scripted_engine() -> evalrules.Engine:
    """An isolated engine with the scripted rule kinds."""
    return engine(ScriptedPlugin())


def scripted_card(
    tmp_path: Path, doc: Any, facts: Mapping[str, Any] | None = None, **kwargs: Any
) -> evalrules.Scorecard:
    """Load ``doc`` with the scripted kinds and evaluate ``facts`` (default: none)."""
    e = scripted_engine()
    return e.evaluate(e.load_rubric(write(tmp_path, doc)), facts or {}, **kwargs)
