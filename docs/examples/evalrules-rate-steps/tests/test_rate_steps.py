"""The rate_steps rule kind: registered through its hook, checked at load, scored exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import evalrules_rate_steps
import pytest

import evalrules
import evalrules_panjin
from evalrules.errors import RubricError

HERE = Path(__file__).parent
RUBRIC = HERE / "panjin-2023-rate-steps.yaml"


def _example_facts() -> evalrules.FactsDocument:
    # The 双台子区 2023 example that evalrules-panjin ships beside its rubric.
    folder = evalrules_panjin.data_dir()
    return evalrules.load_facts(folder / "examples" / "shuangtaizi-2023.facts.yaml")


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin, evalrules_rate_steps], autoload=False)


@pytest.fixture(scope="module")
def compiled(engine: evalrules.Engine) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric(RUBRIC))


def test_the_kind_is_registered_through_its_hook(engine):
    assert engine.rule_kinds.get("rate_steps") is evalrules_rate_steps.RATE_STEPS


def test_a_started_step_counts_as_a_whole_one(compiled):
    card = compiled.evaluate(_example_facts())  # 普惠率 4443 / 5232 = 84.92%
    (finding,) = card.findings_for("PJ-11-s")
    assert finding.points == Decimal("-0.5")
    assert finding.outcome == "partial"
    assert finding.message.zh == (
        "普惠性幼儿园覆盖率(普惠率)为84.92%,比标准85%低0.08%,按1档、每档扣0.5分,扣0.5分。"
    )
    assert card.node("11").score == Decimal("3.5")


@pytest.mark.parametrize(
    ("inclusive_children", "points", "outcome"),
    [
        (4448, None, "met"),  # 85.02%: nothing lost
        (4300, Decimal("-1.5"), "partial"),  # 82.19%: 2.81 short, three steps
        (3000, Decimal("-2.0"), "zero"),  # 57.34%: the rule's 2 points at most
    ],
)
def test_outcomes(compiled, inclusive_children, points, outcome):
    facts = _example_facts().with_facts({"kindergarten.inclusive_children": inclusive_children})
    card = compiled.evaluate(facts)
    assert ("PJ-11-s", outcome) in card.outcomes
    lost = [f.points for f in card.findings_for("PJ-11-s")]
    assert lost == ([] if points is None else [points])


@pytest.mark.parametrize(
    ("deduct_each", "outcomes"),
    [
        ("0.5", ("met", "partial", "zero")),
        ("2", ("met", "zero")),  # one step takes the rule's 2 points: never partial
    ],
)
def test_coverage_counts_the_outcomes_a_rule_can_reach(engine, tmp_path, deduct_each, outcomes):
    path = tmp_path / "changed.yaml"
    text = RUBRIC.read_text(encoding="utf-8")
    path.write_text(text.replace("deduct_each: 0.5", f"deduct_each: {deduct_each}"), "utf-8")
    compiled = engine.compile(engine.load_rubric(path))
    assert compiled.outcomes()["PJ-11-s"] == outcomes


def _load_changed(engine, tmp_path, old, new):
    path = tmp_path / "changed.yaml"
    path.write_text(RUBRIC.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        engine.load_rubric(path)
    return caught.value.problems


def test_every_bad_parameter_is_reported_when_the_rubric_loads(engine, tmp_path):
    problems = _load_changed(engine, tmp_path, "step: 1\n          deduct_each: 0.5", "step: 0")
    assert {(p.rule, p.path) for p in problems} == {
        ("PJ-11-s", "params.step"),  # 0 is forbidden
        ("PJ-11-s", "params.deduct_each"),  # required
    }


def test_the_kind_refuses_a_fact_that_is_not_a_number(engine, tmp_path):
    problems = _load_changed(
        engine, tmp_path, "fact: derived.kindergarten.inclusive_rate", "fact: balance.basic_cv_met"
    )
    assert [(p.rule, p.path, p.message) for p in problems] == [
        ("PJ-11-s", "params.fact", "balance.basic_cv_met is a boolean; rate_steps needs a number")
    ]


def test_a_rubric_wording_names_only_the_fields_the_kind_fills(engine, tmp_path):
    wording = '        message: {zh: "{fact_label}差{shortfall}", en: "{gap!r} short"}\n'
    problems = _load_changed(
        engine,
        tmp_path,
        "        source: {inferred: true",
        wording + "        source: {inferred: true",
    )
    assert [(p.rule, p.path) for p in problems] == [
        ("PJ-11-s", "message.zh"),  # {shortfall}: not a field of rate_steps.below
        ("PJ-11-s", "message.en"),  # {gap!r}: a conversion
    ]
