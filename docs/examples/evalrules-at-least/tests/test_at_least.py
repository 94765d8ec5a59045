"""The at_least rule kind: registered through its hook, checked at load, scored exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import evalrules_at_least
import pytest

import evalrules
import evalrules_panjin
from evalrules.errors import RubricError

HERE = Path(__file__).parent
RUBRIC = HERE / "panjin-2023-at-least.yaml"
MEASURES = (
    "double_reduction.policy_and_leadership",
    "double_reduction.homework_management",
    "double_reduction.homework_publicity",
)


def _example_facts() -> evalrules.FactsDocument:
    # The 双台子区 2023 example that evalrules-panjin ships beside its rubric.
    folder = evalrules_panjin.data_dir()
    return evalrules.load_facts(folder / "examples" / "shuangtaizi-2023.facts.yaml")


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin, evalrules_at_least], autoload=False)


@pytest.fixture(scope="module")
def compiled(engine: evalrules.Engine) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric(RUBRIC))


def test_the_kind_is_registered_through_its_hook(engine):
    assert engine.rule_kinds.get("at_least") is evalrules_at_least.AT_LEAST


def test_the_finding_names_what_is_not_in_place(compiled):
    # Only the plan and leading group: one of the three, one short of two.
    missing = dict.fromkeys(MEASURES[1:], False)
    card = compiled.evaluate(_example_facts().with_facts(missing))
    (finding,) = card.findings_for("PJ-5.1-k")
    assert finding.points == Decimal("-1.5")
    assert finding.outcome == "partial"
    assert finding.message.zh == (
        "3项措施落实1项,少于规定的2项,少1项,每少一项扣1.5分,扣1.5分"
        "(未落实:各校制定作业管理和控制计划,明确责任人；公示每日作业总量和预估时间,"
        "控制作业总量及时长)。"
    )
    assert [path for path, _ in finding.evidence.facts] == sorted(MEASURES)
    assert card.node("5.1").score == Decimal("1.5")


@pytest.mark.parametrize(
    ("not_in_place", "points", "outcome"),
    [
        (0, None, "met"),  # all three
        (1, None, "met"),  # two of three: enough
        (2, Decimal("-1.5"), "partial"),  # one short
        (3, Decimal("-3.0"), "zero"),  # two short: the rule's 3 points
    ],
)
def test_outcomes(compiled, not_in_place, points, outcome):
    facts = _example_facts().with_facts(dict.fromkeys(MEASURES[:not_in_place], False))
    card = compiled.evaluate(facts)
    assert ("PJ-5.1-k", outcome) in card.outcomes
    lost = [f.points for f in card.findings_for("PJ-5.1-k")]
    assert lost == ([] if points is None else [points])


@pytest.mark.parametrize(
    ("deduct_each", "outcomes"),
    [
        ("1.5", ("met", "partial", "zero")),
        ("1", ("met", "partial")),  # two short cost 2 of 3: never zero
        ("3", ("met", "zero")),  # one short takes the rule's 3 points: never partial
    ],
)
def test_coverage_counts_the_outcomes_a_rule_can_reach(engine, tmp_path, deduct_each, outcomes):
    path = tmp_path / "changed.yaml"
    text = RUBRIC.read_text(encoding="utf-8")
    path.write_text(text.replace("deduct_each: 1.5", f"deduct_each: {deduct_each}"), "utf-8")
    compiled = engine.compile(engine.load_rubric(path))
    assert compiled.outcomes()["PJ-5.1-k"] == outcomes


def _load_changed(engine, tmp_path, old, new):
    path = tmp_path / "changed.yaml"
    path.write_text(RUBRIC.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        engine.load_rubric(path)
    return caught.value.problems


def test_every_bad_parameter_is_reported_when_the_rubric_loads(engine, tmp_path):
    old = "at_least: 2\n          deduct_each: 1.5"
    problems = _load_changed(engine, tmp_path, old, "at_least: 0")
    assert {(p.rule, p.path) for p in problems} == {
        ("PJ-5.1-k", "params.at_least"),  # below 1
        ("PJ-5.1-k", "params.deduct_each"),  # required
    }


def test_the_kind_refuses_a_fact_that_is_not_yes_or_no(engine, tmp_path):
    problems = _load_changed(
        engine, tmp_path, "- double_reduction.homework_publicity", "- after_school.coverage_rate"
    )
    assert [(p.rule, p.path, p.message) for p in problems] == [
        ("PJ-5.1-k", "params.facts.2", "after_school.coverage_rate is not a yes/no fact")
    ]


def test_a_rubric_wording_names_only_the_fields_the_kind_fills(engine, tmp_path):
    wording = '        message: {zh: "{met}项,差{gap}项", en: "{short!r} short"}\n'
    problems = _load_changed(
        engine,
        tmp_path,
        "        source: {inferred: true",
        wording + "        source: {inferred: true",
    )
    assert [(p.rule, p.path) for p in problems] == [
        ("PJ-5.1-k", "message.zh"),  # {gap}: not a field of at_least.short
        ("PJ-5.1-k", "message.en"),  # {short!r}: a conversion
    ]
