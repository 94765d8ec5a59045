"""The assertion helpers pass on what a scorecard shows and explain what it does not."""

from __future__ import annotations

import re

import pytest

import evalrules
from evalrules.errors import FactsError
from evalrules.testing import (
    assert_bonus,
    assert_deducts,
    assert_facts_error,
    assert_full_marks,
    assert_grade,
    assert_no_findings,
    assert_not_applicable,
    assert_outcome,
    assert_score,
    assert_total,
    assert_vetoed,
    assert_zero,
    describe_node,
)


@pytest.fixture(scope="module")
def card(compiled, example):
    # 4100 of 5232 children in affordable kindergartens (78.36%) miss the 80% standard.
    return compiled.evaluate(example.with_facts({"kindergarten.inclusive_children": 4100}))


@pytest.fixture(scope="module")
def vetoed(compiled, example):
    facts = {**example.facts, "safety": {**example.facts["safety"], "major_accident": True}}
    return compiled.evaluate(facts)


def test_assert_deducts(card):
    found = assert_deducts(card, "11", points=2, reason_contains="78.36%")
    assert [f.rule for f in found] == ["PJ-11-b"]
    assert_deducts(card, "PJ-7.2-a", points="-0.2", outcome="partial")
    assert_deducts(card, "3")  # a parent: any deduction below it counts


def test_assert_deducts_explains_a_wrong_amount(card):
    with pytest.raises(AssertionError) as info:
        assert_deducts(card, "11", points=1)
    message = str(info.value)
    assert "expected 11 to lose points: 1 points, but it loses 2.0 / 应扣1分,实扣2.0分" in message
    assert "11 学前教育普及普惠发展情况: 2.0/4 (scored)" in message
    assert "[PJ-11-b] deduction -2.0 (missed)" in message


def test_assert_deducts_explains_no_deduction(card):
    with pytest.raises(AssertionError) as info:
        assert_deducts(card, "PJ-8.2-a")
    message = str(info.value)
    assert "expected PJ-8.2-a to lose points, but no such deduction" in message
    assert "rule PJ-8.2-a in the scorecard / 记分卡中的规则 PJ-8.2-a: met" in message
    with pytest.raises(AssertionError, match="for a reason containing 'pupils'"):
        assert_deducts(card, "11", reason_contains="pupils")
    with pytest.raises(AssertionError, match="with outcome 'zero'"):
        assert_deducts(card, "11", outcome="zero")


def test_assert_full_marks(card):
    assert_full_marks(card, "8.2")
    assert_full_marks(card, "4.1")  # not applicable under the full-marks policy
    with pytest.raises(AssertionError) as info:
        assert_full_marks(card, "7.2")
    assert "expected full marks (4) at 7.2, got 3.8 / 应得满分4,实得3.8" in str(info.value)
    assert "[PJ-7.2-a] deduction -0.2" in str(info.value)


def test_assert_score_zero_and_total(card, compiled, example):
    assert_score(card, "3.1", "4.8")
    assert_score(card, "A", 61.6)
    with pytest.raises(AssertionError, match=re.escape("expected 3.1 to score 5, got 4.8")):
        assert_score(card, "3.1", 5)
    with pytest.raises(AssertionError, match="no node 99 in the scorecard"):
        assert_score(card, "99", 1)
    zeroed = compiled.evaluate({**example.facts, "balance": {"basic_cv_met": False}})
    assert_zero(zeroed, "12")
    with pytest.raises(AssertionError, match=re.escape("expected 8.2 to score 0, got 3")):
        assert_zero(card, "8.2")
    assert_total(card, "96.6", base="96.6")
    with pytest.raises(AssertionError) as info:
        assert_total(card, 98.6)
    assert "total 96.6, expected 98.6" in str(info.value)
    assert "A 党的领导与依法治教: 61.6/63 (scored)" in str(info.value)


def test_assert_grade_and_vetoed(card, vetoed):
    assert_grade(card, "excellent", base="excellent")
    assert_grade(vetoed, "good", base="excellent")
    found = assert_vetoed(vetoed, "2.3", effect="lower_one", grade="good")
    assert [v.rule for v in found] == ["PJ-2.3-veto"]
    assert_vetoed(vetoed)
    with pytest.raises(AssertionError) as info:
        assert_grade(vetoed, "excellent")
    assert "grade 'good', expected 'excellent'" in str(info.value)
    assert "[PJ-2.3-veto] veto 0 (vetoed, lower_one)" in str(info.value)
    with pytest.raises(
        AssertionError, match=r"expected a veto \(any\), vetoes / 一票否决:\n  \(none\)"
    ):
        assert_vetoed(card)
    with pytest.raises(AssertionError, match="expected a veto"):
        assert_vetoed(vetoed, effect="force_fail")


def test_assert_not_applicable(card):
    assert_not_applicable(card, "4.1", policy="full")
    with pytest.raises(AssertionError, match="under policy 'zero', got 'full'"):
        assert_not_applicable(card, "4.1", policy="zero")
    with pytest.raises(
        AssertionError, match=re.escape("expected 8.2 to be not applicable, its status is 'scored'")
    ):
        assert_not_applicable(card, "8.2")


def test_assert_no_findings_and_outcome(card):
    assert_no_findings(card, "8.2")
    assert_no_findings(card, "PJ-11-a")
    with pytest.raises(AssertionError, match=re.escape("expected no findings for 4.1, found 1")):
        assert_no_findings(card, "4.1")
    assert_outcome(card, "PJ-11-a", "met")
    assert_outcome(card, "PJ-4.1-na", "not_applicable")
    with pytest.raises(AssertionError, match="it reported: the rule did not run"):
        assert_outcome(card, "PJ-4.1-a", "full")
    with pytest.raises(
        AssertionError, match="expected rule PJ-11-b to report 'met', it reported: missed"
    ):
        assert_outcome(card, "PJ-11-b", "met")


def test_assert_bonus(mini):
    facts = {
        "school": {"has_lab": False},
        "spending": {2022: 1, 2023: 2},
        "revenue": {2022: 1, 2023: 1},
        "staff": {"teachers": 10, "qualified": 9, "trained": True, "certified": True},
        "coverage": 95,
        "pupils_per_teacher": 12,
        "judgements": {"item_5": {"deduct": 0, "reason": "无"}},
        "incidents": {"major": False, "minor": False},
        "awards": {"national": True, "provincial": True},
    }
    bonus_card = mini.evaluate(facts)
    assert_bonus(bonus_card, "B1", points=1)
    assert_bonus(bonus_card, "MC-B2", points="0.5")  # capped by the rubric's bonus_cap 1.5
    with pytest.raises(AssertionError, match=re.escape("expected a bonus of 1 at B2, got 0.5")):
        assert_bonus(bonus_card, "B2", points=1)
    plain = mini.evaluate({**facts, "awards": {"national": False, "provincial": False}})
    with pytest.raises(AssertionError, match="expected a bonus at B1, none awarded"):
        assert_bonus(plain, "B1")


def test_assert_facts_error(compiled, example):
    facts = {**example.facts, "pupils": {"primary": 3000, "junior": "4527"}}
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    assert_facts_error(info.value, paths=["pupils.junior"], codes=["wrong-type"])
    with pytest.raises(AssertionError) as wrong:
        assert_facts_error(info.value, paths=["pupils.primary"])
    assert "expected problems at ['pupils.primary'], got them at ['pupils.junior']" in str(
        wrong.value
    )
    assert "pupils.junior: expected a number" in str(wrong.value)
    with pytest.raises(AssertionError, match=r"expected problem codes \['missing'\]"):
        assert_facts_error(info.value, codes=["missing"])
    with pytest.raises(AssertionError, match="expected a FactsError, got ValueError: nope"):
        assert_facts_error(ValueError("nope"))


def test_describe_node_shows_children_and_findings(card):
    text = describe_node(card, "7")
    assert text.splitlines()[0] == "  7 评价整改落实情况: 14.6/15 (scored)"
    assert "    7.2 2021年国家义务教育质量监测存在主要问题: 3.8/4 (scored)" in text
    assert "[PJ-7.3-a] deduction -0.2 (partial)" in text
    assert "no node X" in describe_node(card, "X")


def test_the_helpers_are_exported_for_plain_asserts():
    assert evalrules.testing.assert_deducts is assert_deducts
