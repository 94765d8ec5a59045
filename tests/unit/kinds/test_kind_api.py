"""What a rule kind declares and what the core asks it: its outcomes and when each is
reachable, and the toolkit the contexts give a kind's author. The core names no builtin kind."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _rubrics import engine, fact, nest, rule, single, write

import evalrules
from evalrules import DescribeContext, FactSpec, RuleContext, Text, hookimpl, rule_kind
from evalrules.errors import PluginLoadError
from evalrules.testing import OutcomeCoverage

REPO = Path(__file__).resolve().parents[3]
SRC = REPO / "src" / "evalrules"
BUILTIN_MODULE = SRC / "_rules" / "_builtin.py"
ENGINE_MODULE = SRC / "_plugins" / "_engine.py"

FACTS = {
    "x.rate": {**fact("percent", unit="%"), "description": {"zh": "入园率", "en": "Enrolment"}},
    "x.open": fact("count"),
    "x.flag": fact("boolean"),
}
FACTS["x.open"]["required"] = False
FACTS["x.flag"]["required"] = False


# ------------------------------------------------------------------------------ outcomes


def _steps_eval(ctx: RuleContext) -> None:
    lost = min(Decimal(ctx.fact(ctx.params["fact"])) * ctx.params["each"], ctx.share)
    if not lost:
        ctx.outcome("none")
        return
    outcome = "all" if lost == ctx.share else "some"
    ctx.deduct(lost, "steps.lost", outcome=outcome, fact=ctx.params["fact"])


def _steps_reachable(params, item_max):
    # one step that takes the item leaves nothing in between
    return ("none", "all") if params["each"] >= item_max else ("none", "some", "all")


def _steps(**changes: Any) -> evalrules.RuleKind:
    options: dict[str, Any] = {
        "summary": Text("按步扣分", "Steps"),
        "description": "A deduction per step.",
        "params": {"fact": {"type": "string", "required": True}, "each": {"type": "number"}},
        "evaluate": _steps_eval,
        "describe": lambda ctx: Text("按步", "steps"),
        "outcomes": ("none", "some", "all"),
        "messages": {"steps.lost": Text("{fact_label}扣{points}分", "−{points}")},
        "fields": {"steps.lost": ("fact",)},
        "reachable": _steps_reachable,
    }
    options.update(changes)
    return rule_kind("steps", **options)


class _Plugin:
    __name__ = "steps_plugin"

    def __init__(self, *kinds):
        self.kinds = list(kinds)

    @hookimpl
    def evalrules_register_rule_kinds(self):
        return self.kinds


def _compiled(tmp_path, kind, each, max_points=2):
    e = engine(_Plugin(kind))
    doc = single(
        [rule("R-1", "steps", {"fact": "x.open", "each": each})], FACTS, max_points=max_points
    )
    return e.compile(e.load_rubric(write(tmp_path, doc)))


def test_a_plugin_kind_says_which_outcomes_a_rule_can_reach(tmp_path):
    assert _compiled(tmp_path, _steps(), 2).outcomes() == {"R-1": ("none", "all")}
    assert _compiled(tmp_path, _steps(), 1).outcomes() == {"R-1": ("none", "some", "all")}


def test_coverage_asks_the_kind(tmp_path):
    compiled = _compiled(tmp_path, _steps(), 2)
    coverage = OutcomeCoverage()
    for count in (0, 1):
        coverage.record(compiled, compiled.evaluate(nest({"x.rate": 1, "x.open": count})))
    result = coverage.rubric(compiled.rubric.ref)
    assert (result.total, result.missing, result.complete) == (2, (), True)


def test_without_reachable_every_declared_outcome_is_reachable(tmp_path):
    kind = _steps(reachable=None)
    assert kind.outcomes_for({"each": 5}, Decimal(2)) == ("none", "some", "all")
    assert _compiled(tmp_path, kind, 2).outcomes() == {"R-1": ("none", "some", "all")}


def test_reachable_keeps_the_declared_order():
    kind = _steps(reachable=lambda params, item_max: {"all", "none"})
    assert kind.outcomes_for({}, Decimal(1)) == ("none", "all")


def test_with_no_declared_outcomes_reachable_names_them():
    kind = _steps(outcomes=(), reachable=lambda params, item_max: [b["id"] for b in params["b"]])
    assert kind.outcomes_for({"b": [{"id": "low"}, {"id": "high"}]}, Decimal(1)) == (
        "low",
        "high",
    )


def test_a_kind_that_declares_no_outcomes_at_all_is_refused():
    with pytest.raises(PluginLoadError, match="declares no outcomes") as caught:
        engine(_Plugin(_steps(outcomes=(), reachable=None)))
    assert caught.value.plugin == "steps_plugin"


@pytest.mark.parametrize(
    ("reachable", "says"),
    [
        (lambda params, item_max: ("none", "sideways"), "undeclared outcomes ['sideways']"),
        (lambda params, item_max: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_a_reachable_that_fails_is_reported_when_the_rubric_loads(tmp_path, reachable, says):
    with pytest.raises(evalrules.errors.RubricError) as caught:
        _compiled(tmp_path, _steps(reachable=reachable), 2)
    (problem,) = caught.value.problems
    assert (problem.indicator, problem.rule) == ("1", "R-1")
    assert says in problem.message


def test_every_builtin_kind_answers_for_its_rules(tmp_path):
    # the builtin bands kind names its outcomes by its bands: it says so through the same field
    bands = engine().rule_kinds.get("bands")
    assert bands.outcomes == ()
    params = {"bands": [{"id": "low", "max": 90}, {"id": "high", "min": 90}]}
    assert bands.outcomes_for(params, Decimal(2)) == ("low", "high")
    for entry in engine().rule_kinds:
        assert entry.item.outcomes or entry.item.reachable is not None, entry.name


# ------------------------------------------- the core imports the builtin kinds only once
# (that it names none is tests/unit/test_core_names_no_fact_type.py)


#: The builtin cohort-relative kinds, kept in a module of their own beside the others.
RELATIVE_MODULE = BUILTIN_MODULE.with_name("_relative.py")

#: The builtin kinds' explainers (their rules compiled with their explanations), beside them.
EXPLAINERS_MODULE = BUILTIN_MODULE.with_name("_explainers.py")


def _core_modules():
    kinds = (BUILTIN_MODULE, RELATIVE_MODULE, EXPLAINERS_MODULE)
    return sorted(p for p in SRC.rglob("*.py") if p not in kinds)


def test_no_core_module_imports_the_builtin_kinds():
    imports = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if "_rules._builtin" in name or name == "evalrules._rules._builtin":
                    imports.append((path.relative_to(SRC).as_posix(), name))
    # the one door: the engine registers the builtin plugin's hook like any plugin's
    assert imports == [("_plugins/_engine.py", "evalrules._rules._builtin.builtin_kinds_plugin")]


# ------------------------------------------------------------------------------ toolkit


def _rubric(tmp_path):
    doc = single([rule("R-1", "threshold", {"fact": "x.rate", "op": ">=", "value": 1})], FACTS)
    doc["derived"] = {
        "d.share": {
            "formula": "ratio",
            "inputs": ["x.open", "x.open"],
            "unit": "%",
            "description": {"zh": "占比", "en": "Share"},
        }
    }
    rubric = engine().load_rubric(write(tmp_path, doc))
    item, rule_ = next(iter(rubric.rules()))
    return rubric, item, rule_


def _contexts(tmp_path):
    rubric, item, rule_ = _rubric(tmp_path)
    describe = DescribeContext(rule_, item, rubric, item.max)
    run = RuleContext(rule=rule_, item=item, rubric=rubric, facts={}, derived={})
    return describe, run


@pytest.mark.parametrize("which", [0, 1])
def test_both_contexts_carry_the_toolkit(tmp_path, which):
    ctx = _contexts(tmp_path)[which]
    assert isinstance(ctx.declaration("x.rate"), FactSpec)
    assert ctx.declaration("d.share").formula == "ratio"
    assert ctx.declaration("x.nope") is None
    assert ctx.label("x.rate") == Text("入园率", "Enrolment")
    assert ctx.label("d.share") == Text("占比", "Share")
    assert ctx.label("x.nope") == Text("x.nope", "x.nope")
    assert (ctx.unit("x.rate"), ctx.unit("d.share"), ctx.unit("x.flag")) == ("%", "%", "")
    assert [ctx.is_numeric(p) for p in ("x.rate", "x.open", "d.share", "x.flag", "x.nope")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert [ctx.plain(v) for v in (Decimal("85.000"), Decimal("1E+3"), 0.5, 3, "0.10")] == [
        "85",
        "1000",
        "0.5",
        "3",
        "0.1",
    ]
    assert ctx.compare(Decimal("84.92"), "<", 85)
    assert not ctx.compare(Decimal("84.92"), ">=", 85)
    assert ctx.compare(True, "==", True)
    with pytest.raises(TypeError):
        ctx.compare(True, ">=", 1)
    words = ctx.condition_words(
        {"all": [{"fact": "x.rate", "op": ">=", "value": 85}, {"fact": "x.flag"}]}
    )
    assert words == Text(
        "入园率不低于85%且boolean事实", "enrolment at least 85% and a boolean fact"
    )
    # For "if …" and "when …", what is the case: a comparison gets its verb.
    clause = ctx.condition_words(
        {"any": [{"fact": "x.rate", "op": "<", "value": 85}, {"fact": "x.flag"}]}, clause=True
    )
    assert clause == Text(
        "入园率低于85%或boolean事实", "enrolment is less than 85% or a boolean fact"
    )


def test_a_condition_parameter_is_checked_for_shape_and_types(tmp_path):
    describe, _ = _contexts(tmp_path)
    assert describe.condition_problems(
        {"fact": "x.flag", "op": ">=", "value": 1}, "params.when"
    ) == ["params.when: x.flag is a boolean; operator >= needs a number"]
    assert describe.condition_problems({"fact": "x.rate", "bogus": 1}, "params.when") == [
        "params.when: unknown key(s) ['bogus'] (use fact, op, value)"
    ]
    assert describe.condition_problems({"fact": "x.rate", "op": ">", "value": 1}, "w") == []


def test_a_kind_written_with_the_toolkit_alone(tmp_path):
    def evaluate(ctx: RuleContext) -> None:
        path = ctx.params["fact"]
        value = ctx.fact(path)
        if ctx.compare(value, ">=", ctx.params["min"]):
            ctx.outcome("met")
            return
        ctx.deduct(
            1,
            "floor.below",
            outcome="below",
            fact=path,
            value=ctx.plain(value),
            unit=ctx.unit(path),
            rule_words=ctx.condition_words({"fact": path, "op": ">=", "value": ctx.params["min"]}),
        )

    def check(ctx: DescribeContext):
        if not ctx.is_numeric(ctx.params["fact"]):
            yield f"params.fact: {ctx.label(ctx.params['fact']).en} is not a number"

    kind = rule_kind(
        "floor",
        summary=Text("不低于", "A floor"),
        description="At least `min`.",
        params={"fact": {"type": "string", "required": True}, "min": {"type": "number"}},
        evaluate=evaluate,
        describe=lambda ctx: Text(
            f"{ctx.label(ctx.params['fact']).zh}不低于{ctx.plain(ctx.params['min'])}", "floor"
        ),
        check=check,
        outcomes=("met", "below"),
        messages={
            "floor.below": Text("{fact_label}为{value}{unit},要求{rule_words}", "{rule_words}")
        },
        fields={"floor.below": ("fact", "value", "unit", "rule_words")},
    )

    class Plugin:
        @hookimpl
        def evalrules_register_rule_kinds(self):
            return [kind]

    e = engine(Plugin())
    ok = single([rule("R-1", "floor", {"fact": "x.rate", "min": Decimal("85.0")})], FACTS)
    compiled = e.compile(e.load_rubric(write(tmp_path, ok)))
    (finding,) = compiled.evaluate(nest({"x.rate": Decimal("84.90")})).findings
    assert finding.message == Text("入园率为84.9%,要求入园率不低于85%", "enrolment at least 85%")
    bad = single([rule("R-1", "floor", {"fact": "x.flag", "min": 1})], FACTS)
    with pytest.raises(evalrules.errors.RubricError, match="a boolean fact is not a number"):
        e.load_rubric(write(tmp_path, bad))


def test_the_kind_authors_example_uses_public_names_only():
    example = REPO / "docs" / "examples" / "evalrules-at-least"
    sources = {p.relative_to(example).as_posix(): p for p in sorted(example.rglob("*.py"))}
    private = [
        (name, n, line.strip())
        for name, path in sources.items()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "evalrules._" in line or re.search(r"\bfrom evalrules\.\w+ import _", line)
    ]
    assert private == []
    # nor does it copy what the toolkit gives: a fact's unit, numbers shown plainly, the
    # numeric fact types
    plugin = sources["src/evalrules_at_least/__init__.py"].read_text(encoding="utf-8")
    for copied in ("rubric.facts", "rubric.derived", '"percent"', ':f}"'):
        assert copied not in plugin, copied
