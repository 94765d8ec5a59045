"""The ``shortfall`` rule kind (每年研究教育工作不少于2次,每少1次扣0.2分): met, short by
one, short so far the rule's points are all lost (扣完为止), the cap, a started unit
counted, a missing fact, the words and the parameters checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import (
    assert_problems,
    compile_doc,
    deductions,
    evaluate,
    fact,
    nest,
    rule,
    rule_problems,
    single,
)

from evalrules._rules._builtin import SHORTFALL
from evalrules.errors import FactsError

MEETINGS = {
    "x.meetings": {
        **fact("count", unit="次"),
        "description": {"zh": "研究教育工作", "en": "Meetings on education"},
    }
}
RULE = {"fact": "x.meetings", "minimum": 2, "deduct_each": Decimal("0.2")}


def _doc(params: dict[str, Any], *, max_points: Any = Decimal("0.4"), facts=MEETINGS):
    return single([rule("R-1", "shortfall", params)], facts, max_points=max_points)


def _card(tmp_path, params: dict[str, Any], meetings: Any, **kw: Any):
    return evaluate(tmp_path, _doc(params, **kw), nest({"x.meetings": meetings}))


# The item is worth 0.4: two meetings short take it all.
OUTCOMES = {
    "met": (2, Decimal("0.4")),
    "partial": (1, Decimal("0.2")),
    "zero": (0, Decimal("0")),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(SHORTFALL.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    meetings, score = OUTCOMES[outcome]
    card = _card(tmp_path, RULE, meetings)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_more_than_the_minimum_loses_nothing(tmp_path):
    card = _card(tmp_path, RULE, 5)
    assert card.findings == ()
    assert card.node("1").score == Decimal("0.4")


def test_short_by_one_reads_as_a_reviewer_writes_it(tmp_path):
    card = _card(tmp_path, RULE, 1)
    (finding,) = deductions(card)
    assert finding.points == Decimal("-0.2")
    assert finding.message_id == "shortfall.short"
    # The rubric's year is 2024, so the data year is 2023.
    assert finding.message.zh == "2023年研究教育工作1次,少于规定的2次,少1次,扣0.2分。"
    assert finding.message.en == (
        "Meetings on education in 2023: 1, below the required 2; 1 short: −0.2."
    )
    assert finding.evidence.facts == (("x.meetings", 1),)


def test_short_so_far_the_points_floor_at_zero(tmp_path):
    # Five short at 0.2 asks 1.0 of a rule worth 0.4: 扣完为止.
    params = {**RULE, "minimum": 5}
    card = _card(tmp_path, params, 0)
    (finding,) = deductions(card)
    assert card.node("1").score == 0
    assert finding.points == Decimal("-0.4")
    assert finding.outcome == "zero"
    assert finding.message.zh == (
        "2023年研究教育工作0次,少于规定的5次,少5次,扣0.4分(应扣1分,最多扣0.4分)。"
    )
    assert finding.message.en.endswith("5 short: −0.4 (1 as counted, at most 0.4).")


def test_the_cap(tmp_path):
    params = {**RULE, "minimum": 6, "cap": Decimal("0.5")}
    card = _card(tmp_path, params, 1, max_points=2)
    (finding,) = deductions(card)
    assert card.node("1").score == Decimal("1.5")
    assert finding.outcome == "partial"
    assert "(应扣1分,最多扣0.5分)" in finding.message.zh


def test_the_rules_share_bounds_it(tmp_path):
    # The rule governs 0.4 of an item worth 2: it never takes more than its share.
    params = {**RULE, "minimum": 10, "points": Decimal("0.4")}
    card = _card(tmp_path, params, 0, max_points=2)
    assert card.node("1").score == Decimal("1.6")
    assert card.outcomes == (("R-1", "zero"),)


RATE = {
    "x.rate": {
        **fact("percent", unit="%"),
        "description": {"zh": "普惠性幼儿园覆盖率", "en": "Affordable kindergarten coverage"},
    }
}


@pytest.mark.parametrize(
    ("rate", "score", "units"),
    [
        (Decimal("85"), Decimal("2"), None),
        (Decimal("84.92"), Decimal("1.5"), 1),  # 0.08 short: a started point counts
        (Decimal("83"), Decimal("1"), 2),  # exactly 2 points short
        (Decimal("50"), Decimal("0"), 35),  # floored
    ],
)
def test_a_rate_counted_per_step(tmp_path, rate, score, units):
    params = {"fact": "x.rate", "minimum": 85, "per": 1, "deduct_each": Decimal("0.5")}
    doc = single([rule("R-1", "shortfall", params)], RATE, max_points=2)
    card = evaluate(tmp_path, doc, nest({"x.rate": rate}))
    assert card.node("1").score == score
    found = deductions(card)
    assert [f.params["units"] for f in found] == ([] if units is None else [units])


def test_a_part_of_a_unit_says_how_it_was_counted(tmp_path):
    params = {"fact": "x.rate", "minimum": 85, "per": Decimal("0.5"), "deduct_each": 1}
    doc = single([rule("R-1", "shortfall", params)], RATE, max_points=4)
    card = evaluate(tmp_path, doc, nest({"x.rate": Decimal("84.2")}))
    (finding,) = deductions(card)
    # a gap between percentages is in percentage points, not a percentage
    assert finding.message_id == "shortfall.percentage_points"
    assert finding.points == Decimal("-2")
    assert finding.message.zh == (
        "2023年普惠性幼儿园覆盖率84.2%,低于规定的85%,差0.8个百分点,"
        "每低0.5个百分点扣1分(不足0.5个百分点按0.5个百分点计),计2档,扣2分。"
    )
    assert "0.8 percentage points short" in finding.message.en
    (_, declared), *_ = compile_doc(tmp_path, doc).rubric.rules()
    words = compile_doc(tmp_path, doc).describe(declared)
    assert words.zh == (
        "普惠性幼儿园覆盖率应不低于85%,每低0.5个百分点扣1分(不足0.5个百分点按0.5个百分点计),"
        "最多扣4分,扣完为止。"
    )
    assert "−1 for every 0.5 percentage points below (a started step counts)" in words.en


def test_a_part_of_a_unit_of_another_unit_says_how_it_was_counted(tmp_path):
    space = {
        "x.space": {
            **fact("ratio", unit="平方米"),
            "description": {"zh": "生均校舍面积", "en": "Floor space per pupil"},
        }
    }
    params = {"fact": "x.space", "minimum": 9, "per": Decimal("0.5"), "deduct_each": 1}
    doc = single([rule("R-1", "shortfall", params)], space, max_points=4)
    card = evaluate(tmp_path, doc, nest({"x.space": Decimal("8.2")}))
    (finding,) = deductions(card)
    assert finding.message_id == "shortfall.short_steps"
    assert finding.message.zh == (
        "2023年生均校舍面积8.2平方米,低于规定的9平方米,差0.8平方米,"
        "按每0.5平方米扣1分(不足0.5平方米按0.5平方米计)计2档,扣2分。"
    )


def test_a_missing_fact_is_refused_or_not_assessable(tmp_path):
    facts = {**MEETINGS, "x.meetings": {**MEETINGS["x.meetings"], "required": False}}
    compiled = compile_doc(tmp_path, _doc(RULE, facts=facts))
    with pytest.raises(FactsError) as caught:
        compiled.evaluate({})
    assert [p.path for p in caught.value.problems] == ["x.meetings"]
    card = compiled.evaluate({}, partial=True)
    assert card.node("1").status == "not_assessable"
    assert not card.complete
    quick = compiled.evaluate({}, partial=True, explain=False)
    assert quick.node("1").status == "not_assessable"


def test_the_rule_in_words(tmp_path):
    compiled = compile_doc(tmp_path, _doc(RULE))
    (_, found), *_ = compiled.rubric.rules()
    words = compiled.describe(found)
    assert words.zh == "研究教育工作应不少于2次,每少1次扣0.2分,最多扣0.4分,扣完为止。"
    assert words.en == (
        "Meetings on education must be at least 2; −0.2 for each 1 short, at most −0.4; "
        "floored at zero."
    )


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"fact": "x.meetings", "minimum": 2}, "params.deduct_each"),
        ({"fact": "x.meetings", "deduct_each": 1}, "params.minimum"),
        ({**RULE, "deduct_each": -1}, "params.deduct_each"),
        ({**RULE, "per": 0}, "params.per"),
        ({**RULE, "per": -1}, "params.per"),
        ({**RULE, "cap": -1}, "params.cap"),
        ({"minimum": 2, "deduct_each": 1}, "params.fact"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, path):
    found = rule_problems(tmp_path, [rule("R-1", "shortfall", params)], MEETINGS)
    assert_problems(found, (path, "bad-params"))


@pytest.mark.parametrize("ftype", ["boolean", "text"])
def test_a_fact_that_is_not_a_number_fails_at_load_time(tmp_path, ftype):
    found = rule_problems(tmp_path, [rule("R-1", "shortfall", RULE)], {"x.meetings": fact(ftype)})
    message = f"params.fact: x.meetings is a {ftype}, but this rule needs a number"
    assert_problems(found, (None, "bad-params", message + " (or a derived fact)"))


@pytest.mark.parametrize(
    ("params", "max_points", "outcomes"),
    [
        ({"deduct_each": Decimal("0.2")}, Decimal("0.4"), ("met", "partial", "zero")),
        ({"deduct_each": 1}, 1, ("met", "zero")),  # one short takes the whole rule
        ({"deduct_each": 1, "cap": Decimal("1.5")}, 3, ("met", "partial")),
        ({"deduct_each": 1, "cap": 3}, 3, ("met", "partial", "zero")),
        ({"deduct_each": 0}, 3, ("met", "partial")),
        ({"deduct_each": 1, "points": 0}, 3, ("met", "zero")),
    ],
)
def test_outcomes_a_rule_can_reach(params, max_points, outcomes):
    params = {"fact": "x.meetings", "minimum": 2, **params}
    assert SHORTFALL.outcomes_for(params, Decimal(max_points)) == outcomes


@pytest.mark.parametrize("meetings", [0, 1, 2, 3, 7])
def test_scores_only_gives_the_explained_scores(tmp_path, meetings):
    params = {**RULE, "minimum": 4, "cap": Decimal("0.5")}
    compiled = compile_doc(tmp_path, _doc(params, max_points=1))
    facts = nest({"x.meetings": meetings})
    full, quick = compiled.evaluate(facts), compiled.evaluate(facts, explain=False)
    assert (quick.total, quick.outcomes) == (full.total, full.outcomes)
