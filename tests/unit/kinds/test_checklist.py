"""The ``checklist`` rule kind: named requirements, each with its own deduction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, deductions, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import CHECKLIST

FACTS = {"c.meetings": fact("boolean"), "c.records": fact("boolean"), "c.plan": fact("boolean")}


def _cond(cid: str, path: str, deduct: object) -> dict[str, object]:
    return {"id": cid, "fact": path, "deduct": deduct, "text": {"zh": f"要求{cid}", "en": cid}}


PARAMS = {
    "conditions": [
        _cond("meetings", "c.meetings", 1),
        _cond("records", "c.records", Decimal("0.5")),
        _cond("plan", "c.plan", 1),
    ]
}


def _card(tmp_path, values: dict[str, bool], *, max_points: object = 2, params=PARAMS):
    doc = single([rule("R-1", "checklist", params)], FACTS, max_points=max_points)
    return evaluate(tmp_path, doc, nest({f"c.{k}": v for k, v in values.items()}))


ALL = {"meetings": True, "records": True, "plan": True}
OUTCOMES = {
    "all_met": (ALL, Decimal("2")),
    "partial": ({**ALL, "records": False}, Decimal("1.5")),
    "zero": ({**ALL, "meetings": False, "plan": False}, Decimal("0")),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(CHECKLIST.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    values, score = OUTCOMES[outcome]
    card = _card(tmp_path, values)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_each_unmet_requirement_is_its_own_finding(tmp_path):
    card = _card(tmp_path, {"meetings": False, "records": False, "plan": True}, max_points=3)
    found = deductions(card)
    assert [f.params["condition"] for f in found] == ["meetings", "records"]
    assert [f.points for f in found] == [Decimal("-1"), Decimal("-0.5")]
    assert "要求meetings" in found[0].message.zh
    # the evidence is everything the rule read, so a reader sees what was met as well
    assert found[0].evidence.facts == (
        ("c.meetings", False),
        ("c.plan", True),
        ("c.records", False),
    )
    assert card.node("1").score == Decimal("1.5")


def test_floored_at_zero_the_later_requirement_takes_what_is_left(tmp_path):
    card = _card(tmp_path, {"meetings": False, "records": False, "plan": False})
    assert card.node("1").score == 0
    assert [f.points for f in deductions(card)] == [Decimal("-1"), Decimal("-0.5"), Decimal("-0.5")]
    assert [f.nominal for f in deductions(card)] == [Decimal(1), Decimal("0.5"), Decimal(1)]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"conditions": []}, ("params.conditions", "bad-params")),
        ({}, ("params.conditions", "bad-params")),
        (
            {"conditions": [{"id": "a", "fact": "c.plan", "deduct": 1}]},
            ("params.conditions.0.text", "bad-params"),
        ),
        (
            {"conditions": [{"id": "a", "fact": "c.plan", "deduct": -1, "text": {"zh": "甲"}}]},
            ("params.conditions.0.deduct", "bad-params"),
        ),
        (
            {"conditions": [_cond("a", "c.plan", 1), _cond("a", "c.meetings", 1)]},
            (None, "bad-params", "params.conditions: condition id 'a' is used twice"),
        ),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, problem):
    found = rule_problems(tmp_path, [rule("R-1", "checklist", params)], FACTS, max_points=2)
    assert_problems(found, problem)


def test_a_requirement_must_read_a_boolean_fact(tmp_path):
    facts = {**FACTS, "c.count": fact("count")}
    params = {"conditions": [_cond("a", "c.count", 1)]}
    found = rule_problems(tmp_path, [rule("R-1", "checklist", params)], facts, max_points=2)
    message = (
        "params.conditions.0.fact: c.count is a count, but this rule needs a yes/no (boolean) fact"
    )
    assert_problems(found, (None, "bad-params", message))


@pytest.mark.parametrize(
    ("deducts", "max_points", "outcomes"),
    [
        ([1, Decimal("0.5"), 1], 2, ("all_met", "partial", "zero")),
        ([1, Decimal("0.5")], 2, ("all_met", "partial")),  # never enough to take it all
        ([3], 2, ("all_met", "zero")),  # one unmet requirement takes it all
    ],
)
def test_outcomes_a_rule_can_reach(deducts, max_points, outcomes):
    params = {"conditions": [_cond(f"c{i}", "c.plan", d) for i, d in enumerate(deducts)]}
    assert CHECKLIST.outcomes_for(params, Decimal(max_points)) == outcomes
