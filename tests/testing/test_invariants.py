"""The stock invariants hold on real scorecards and catch every kind of broken one."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import Phase, given, settings

import evalrules
from _examples import share
from evalrules.testing import (
    INVARIANTS,
    InvariantError,
    check_invariants,
    check_monotonic,
    check_scorecard,
    monotonic_cases,
    run_invariants,
    run_monotonic,
    valid_facts,
)

TINY = """\
evalrules: rubric/1
family: tiny
year: 2024
version: "1"
title: {{zh: 小方案, en: Tiny rubric}}
source: {{number: "1"}}
total: 4
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades:
  - {{code: good, label: {{zh: 良好, en: Good}}, min: 3}}
  - {{code: pass, label: {{zh: 合格, en: Pass}}}}
facts:
  cases: {{type: count, plausible_max: 100, description: {{zh: 案件数, en: Cases}}}}
  danger: {{type: boolean, description: {{zh: 危险, en: Danger}}}}
indicators:
  - code: A
    title: {{zh: 甲, en: A}}
    max: 4
    rules:
{rules}
"""


def tiny(tmp_path, rules, *plugins):
    """A one-item rubric with the given rules (YAML), compiled with ``plugins``."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY.format(rules=textwrap.indent(rules, " " * 6)), encoding="utf-8")
    engine = evalrules.Engine(plugins=list(plugins), autoload=False)
    return engine.compile(engine.load_rubric(path))


def kind_plugin(kind):
    class Plugin:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_rule_kinds():
            return [kind]

    return Plugin()


def make_kind(name, evaluate, outcomes=("ok", "bad")):
    return evalrules.rule_kind(
        name,
        summary=evalrules.Text(name, name),
        description=name,
        params={"fact": {"type": "string", "required": True}},
        evaluate=evaluate,
        describe=lambda ctx: evalrules.Text(name, name),
        outcomes=outcomes,
        messages={f"{name}.bad": evalrules.Text("坏", "bad")},
    )


def replace_node(card, code, **changes):
    """The scorecard with one node changed (its ancestors left as they were)."""

    def walk(node):
        if node.code == code:
            return attrs.evolve(node, **changes)
        return attrs.evolve(node, children=tuple(walk(c) for c in node.children))

    return attrs.evolve(
        card,
        indicators=tuple(walk(n) for n in card.indicators),
        bonus_items=tuple(walk(n) for n in card.bonus_items),
    )


def violated(compiled, card):
    with pytest.raises(InvariantError) as info:
        check_scorecard(compiled, card)
    return {(v.invariant, v.where) for v in info.value.violations}, str(info.value)


# ------------------------------------------------------------------------ real scorecards


def test_the_example_keeps_every_invariant(compiled, example):
    card = check_invariants(compiled, example)
    check_scorecard(compiled, card)
    assert card.total == Decimal("98.6")


def test_every_invariant_is_listed_once():
    assert len(set(INVARIANTS)) == len(INVARIANTS) == 12


def test_the_small_rubric_keeps_every_invariant(mini):
    run_invariants(mini)


def test_the_small_rubric_declares_monotonicity_that_holds(mini):
    assert run_monotonic(mini) == 6


def test_exclusion_rescales_and_bonus_is_capped(mini):
    # Narrow (the three facts that decide it are fixed; test_the_small_rubric_keeps_every_
    # invariant draws them too): a share of the profile's examples (tests/_examples.py).
    @share(4)
    @given(
        valid_facts(
            mini,
            overrides={
                "school.has_lab": False,
                "awards.national": True,
                "awards.provincial": True,
            },
        )
    )
    def excluded(facts):
        card = check_invariants(mini, facts)
        assert card.node("4").status == "not_applicable"
        assert card.node("5").score == 0
        assert card.bonus == Decimal("1.5")

    excluded()


# ---------------------------------------------------------------------- broken scorecards


def test_a_score_above_max_is_caught(compiled, example):
    card = compiled.evaluate(example)
    found, message = violated(compiled, replace_node(card, "8.2", score=Decimal(4)))
    assert ("score-range", "8.2") in found
    assert ("parent-sum", "8") in found
    assert ("reconcile", "8.2") in found
    assert "8.2 义务教育生均公用经费补助达标情况: 4/3 (scored)" in message


def test_a_score_off_the_precision_is_caught(compiled, example):
    card = compiled.evaluate(example)
    found, _ = violated(compiled, replace_node(card, "3.1", score=Decimal("4.85")))
    assert ("score-range", "3.1") in found


def test_a_finding_that_does_not_reconcile_is_caught(compiled, example):
    card = compiled.evaluate(example)
    kept = tuple(f for f in card.findings if f.rule != "PJ-7.2-a")
    found, message = violated(compiled, attrs.evolve(card, findings=kept))
    assert found == {("reconcile", "7.2")}
    assert "points lost 0.2 (max 4 − score 3.8) but the findings add up to 0" in message


def test_a_deduction_at_full_marks_is_caught(compiled, example):
    card = compiled.evaluate(example)
    stray = attrs.evolve(
        next(f for f in card.findings if f.rule == "PJ-7.2-a"),
        indicator="8.2",
        rule="PJ-8.2-a",
        points=Decimal(0),
        outcome="met",
    )
    found, _ = violated(compiled, attrs.evolve(card, findings=(*card.findings, stray)))
    assert ("reconcile", "8.2") in found


def test_a_parent_that_is_not_the_sum_is_caught(compiled, example):
    card = compiled.evaluate(example)
    found, _ = violated(compiled, replace_node(card, "B", score=Decimal(36)))
    assert ("parent-sum", "B") in found
    assert ("totals", "") in found


def test_a_wrong_total_is_caught(compiled, example):
    card = compiled.evaluate(example)
    found, message = violated(compiled, attrs.evolve(card, total=Decimal("97.6")))
    assert ("totals", "") in found
    assert "total 97.6 is not base total 98.6 + bonus 0" in message


def test_a_wrong_grade_is_caught(compiled, example):
    card = compiled.evaluate(example)
    grade = attrs.evolve(card.grade, code="good")
    found, message = violated(compiled, attrs.evolve(card, grade=grade))
    assert found == {("veto", "")}
    assert "expected 'excellent'" in message


def test_a_veto_that_moves_points_is_caught(compiled, example):
    facts = {**example.facts, "safety": {**example.facts["safety"], "major_accident": True}}
    card = compiled.evaluate(facts)
    assert card.grade.code == "good"
    vetoes = tuple(attrs.evolve(v, points=Decimal(-1)) for v in card.vetoes)
    findings = tuple(
        attrs.evolve(f, points=Decimal(-1)) if f.kind == "veto" else f for f in card.findings
    )
    found, _ = violated(compiled, attrs.evolve(card, vetoes=vetoes, findings=findings))
    assert ("veto", "2.3") in found
    ungraded = attrs.evolve(card, grade=attrs.evolve(card.grade, code="excellent"))
    found, message = violated(compiled, ungraded)
    assert found == {("veto", "")}
    assert "with vetoes PJ-2.3-veto (lower_one); expected 'good'" in message


def test_a_wrong_not_applicable_policy_is_caught(compiled, example):
    card = compiled.evaluate(example)
    findings = tuple(
        attrs.evolve(f, effect="zero") if f.rule == "PJ-4.1-na" else f for f in card.findings
    )
    found, message = violated(compiled, attrs.evolve(card, findings=findings))
    assert ("not-applicable", "4.1") in found
    assert "applied policy 'zero', but the declared policy is 'full'" in message


def test_an_undeclared_outcome_is_caught(compiled, example):
    card = compiled.evaluate(example)
    outcomes = tuple((r, "sideways" if r == "PJ-8.2-a" else o) for r, o in card.outcomes)
    found, _ = violated(compiled, attrs.evolve(card, outcomes=outcomes))
    assert found == {("outcomes", "PJ-8.2-a")}


def test_a_bonus_beyond_the_cap_is_caught(mini, kit_engine):
    @settings(max_examples=1, phases=[Phase.generate])
    @given(valid_facts(mini, overrides={"awards.national": True, "awards.provincial": True}))
    def capped(facts):
        card = mini.evaluate(facts)
        broken = replace_node(card, "B2", score=Decimal(1))
        found, _ = violated(mini, attrs.evolve(broken, bonus=Decimal(2), total=card.total + 1))
        assert ("bonus", "") in found
        assert ("bonus", "B2") in found

    capped()


# ------------------------------------------------------------- broken plugins and engines


def test_a_nondeterministic_rule_is_caught(tmp_path):
    calls = []

    def evaluate(ctx):
        calls.append(1)
        if len(calls) % 2:
            ctx.outcome("ok")
        else:
            ctx.deduct(1, "flaky.bad", outcome="bad")

    compiled = tiny(
        tmp_path,
        "- {code: T-1, kind: flaky, name: {zh: 甲, en: A}, params: {fact: cases}, "
        "source: {inferred: true, why: test}}",
        kind_plugin(make_kind("flaky", evaluate)),
    )
    with pytest.raises(InvariantError) as info:
        check_invariants(compiled, {"cases": 0, "danger": False})
    assert [v.invariant for v in info.value.violations] == ["determinism"]


def test_a_veto_that_also_deducts_is_caught(tmp_path):
    def evaluate(ctx):
        if ctx.fact("danger"):
            ctx.veto("lower_one", "sneaky.bad", outcome="bad")
            ctx.deduct(1, "sneaky.bad", outcome="bad")
        else:
            ctx.outcome("ok")

    compiled = tiny(
        tmp_path,
        "- {code: T-1, kind: sneaky, name: {zh: 甲, en: A}, params: {fact: danger}, "
        "source: {inferred: true, why: test}}",
        kind_plugin(make_kind("sneaky", evaluate)),
    )
    check_invariants(compiled, {"cases": 0, "danger": False})
    with pytest.raises(InvariantError) as info:
        check_invariants(compiled, {"cases": 0, "danger": True})
    messages = [str(v) for v in info.value.violations]
    assert "[veto] at A: rule T-1 vetoes and also moves -1.0 points" in messages
    assert "[veto]: without the vetoes the total is 4.0, with them 3.0" in messages


def test_a_scorecard_outside_the_schema_is_caught(tmp_path):
    class Restyle:
        @staticmethod
        @evalrules.hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            card = yield
            return replace_node(card, "A", status="fine")

    compiled = tiny(
        tmp_path,
        "- {code: T-1, kind: per_incident, name: {zh: 甲, en: A}, "
        "params: {fact: cases, deduct_each: 1}, source: {inferred: true, why: test}}",
    )
    engine = evalrules.Engine(plugins=[Restyle()], autoload=False)
    restyled = engine.compile(compiled.rubric)
    check_invariants(compiled, {"cases": 1, "danger": False})
    with pytest.raises(InvariantError) as info:
        check_invariants(restyled, {"cases": 1, "danger": False})
    assert [str(v) for v in info.value.violations] == [
        "[schema]: indicators/0/status: 'fine' is not one of "
        "['scored', 'not_applicable', 'not_assessable']"
    ]


def test_json_that_does_not_read_back_is_caught(compiled, example, monkeypatch):
    import evalrules._scorecard._json as scorecard_json

    original = scorecard_json.scorecard_from_dict

    def lossy(data):
        return attrs.evolve(original(data), findings=())

    monkeypatch.setattr(scorecard_json, "scorecard_from_dict", lossy)
    with pytest.raises(InvariantError) as info:
        check_invariants(compiled, example)
    assert [v.invariant for v in info.value.violations] == ["json"]
    assert "the JSON changes on a round trip: line" in str(info.value)


def test_run_invariants_reports_the_smallest_failing_document(tmp_path):
    def evaluate(ctx):
        ctx.deduct(ctx.fact("cases"), "wild.bad", outcome="wild")  # an undeclared outcome

    compiled = tiny(
        tmp_path,
        "- {code: T-1, kind: wild, name: {zh: 甲, en: A}, params: {fact: cases}, "
        "source: {inferred: true, why: test}}",
        kind_plugin(make_kind("wild", evaluate)),
    )
    with pytest.raises(InvariantError) as info:
        run_invariants(compiled, settings=settings(max_examples=50, database=None))
    assert "[outcomes] at T-1: outcome 'wild' is not among the declared ['ok', 'bad']" in str(
        info.value
    )


# -------------------------------------------------------------------------- monotonicity


def test_a_wrong_monotonicity_declaration_is_caught(tmp_path):
    compiled = tiny(
        tmp_path,
        "- {code: T-1, kind: threshold, name: {zh: 甲, en: A}, "
        "params: {fact: cases, op: '<=', value: 2}, source: {inferred: true, why: test}, "
        "monotonic: [{fact: cases, direction: helps}]}",
    )
    with pytest.raises(InvariantError) as info:
        run_monotonic(compiled, settings=settings(max_examples=50, database=None))
    message = str(info.value)
    assert re.search(
        r"rule T-1 declares that cases helps, but item A scores 4\.0 with cases = [0-2] "
        r"and 0\.0 with cases = [3-9]",
        message,
    )
    assert "[T-1] deduction -4.0 (missed)" in message


def test_check_monotonic_passes_a_true_declaration(compiled):
    @settings(max_examples=10)
    @given(monotonic_cases(compiled, "PJ-11-b", "kindergarten.children"))
    def holds(case):
        check_monotonic(compiled, case)

    holds()


def test_run_monotonic_selects_declarations(compiled):
    assert run_monotonic(compiled, rule="PJ-8.2-a", settings=settings(max_examples=5)) == 2
    with pytest.raises(LookupError, match="declares no monotonicity for PJ-12-a"):
        run_monotonic(compiled, rule="PJ-12-a")


# ------------------------------------------------------------------ certification rubrics

CERTIFICATION = Path(__file__).resolve().parents[1] / "data" / "certification"


@pytest.fixture(scope="module")
def gates(kit_engine):
    return kit_engine.compile(kit_engine.load_rubric(CERTIFICATION / "gates-2024.yaml"))


@pytest.fixture(scope="module")
def certified():
    return evalrules.load_facts(CERTIFICATION / "example.facts.yaml")


@pytest.mark.parametrize(
    ("changes", "partial"),
    [
        ({}, False),
        ({"g.meetings": 1, "g.exam_admission": True}, False),
        ({"g.meetings": None}, True),
    ],
)
def test_a_certification_rubric_keeps_every_invariant(gates, certified, changes, partial):
    facts = certified.with_facts(changes)
    check_scorecard(gates, gates.evaluate(facts, partial=partial))
    if not partial:
        check_invariants(gates, facts)


def test_a_certification_rubric_keeps_them_on_drawn_facts(gates):
    run_invariants(gates)


def test_a_verdict_that_does_not_follow_from_the_gates_is_caught(gates, certified):
    card = gates.evaluate(certified.with_facts({"g.meetings": 1}))
    passed = attrs.evolve(card, verdict=attrs.evolve(card.verdict, code="passed", failed=()))
    found, message = violated(gates, passed)
    assert found == {("verdict", "")}
    assert "expected 'failed'" in message
    assert "lists [] as failed, expected ['B2']" in message


def test_a_points_rubric_with_a_verdict_is_caught(compiled, example, gates, certified):
    card = compiled.evaluate(example)
    stray = gates.evaluate(certified).verdict
    found, _ = violated(compiled, attrs.evolve(card, verdict=stray))
    assert found == {("verdict", "")}


def test_the_invariants_of_a_rubric_with_tables_do_not_fail_for_a_slow_strategy():
    # Drawing up to 8 consistent rows per document is slow by nature, not a defect of the
    # rubric: HealthCheck.too_slow and the deadline are off for rubrics with tables only.
    from hypothesis import HealthCheck

    from evalrules.testing._invariants import _settings

    engine = evalrules.Engine()
    tables = engine.compile(engine.load_rubric("national-balance/2017"))
    flat = engine.compile(engine.load_rubric("panjin-county/2023"))
    assert HealthCheck.too_slow in _settings(None, compiled=tables).suppress_health_check
    assert _settings(None, compiled=tables).deadline is None
    # a rubric without tables keeps the profile's own (a CI profile may suppress it anyway)
    profile = settings().suppress_health_check
    assert _settings(None, compiled=flat).suppress_health_check == profile
    assert _settings(None, compiled=flat).deadline == settings().deadline
    chosen = settings(max_examples=3)
    assert _settings(chosen, compiled=tables) is chosen  # an author's settings are kept
