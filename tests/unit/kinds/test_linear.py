"""The ``linear`` rule kind: points interpolated between two anchors, clamped outside."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import LINEAR

FACTS = {"r.coverage": fact("percent", unit="%")}
PARAMS = {
    "fact": "r.coverage",
    "from": {"value": 60, "points": 0},
    "to": {"value": 100, "points": 2},
}


def _card(tmp_path, value, params=PARAMS):
    doc = single([rule("R-1", "linear", params)], FACTS, max_points=2)
    return evaluate(tmp_path, doc, nest({"r.coverage": value}))


OUTCOMES = {
    "full": (Decimal(100), Decimal(2)),
    "partial": (Decimal(80), Decimal(1)),
    "zero": (Decimal(60), Decimal(0)),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(LINEAR.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    value, score = OUTCOMES[outcome]
    card = _card(tmp_path, value)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (Decimal(0), Decimal(0)),  # clamped below `from`
        (Decimal(59), Decimal(0)),
        (Decimal(70), Decimal("0.5")),
        (Decimal("71.5"), Decimal("0.6")),  # 0.575 → 0.6: one quantization, half up
        (Decimal("72.5"), Decimal("0.6")),  # 0.625 → 0.6
        (Decimal("73"), Decimal("0.7")),  # 0.65 → 0.7 (half up, not half even)
        (Decimal(100), Decimal(2)),
    ],
)
def test_interpolation_is_quantized_once_at_the_item(tmp_path, value, score):
    assert _card(tmp_path, value).node("1").score == score


def test_decreasing_anchors(tmp_path):
    params = {
        "fact": "r.coverage",
        "from": {"value": 0, "points": 2},
        "to": {"value": 40, "points": 0},
    }
    assert _card(tmp_path, 10, params).node("1").score == Decimal("1.5")
    assert _card(tmp_path, 50, params).node("1").score == 0


def test_finding_names_value_and_earned_points(tmp_path):
    (finding,) = _card(tmp_path, 80).findings
    assert finding.points == Decimal(-1)
    assert "80%" in finding.message.zh
    assert "折算得1分" in finding.message.zh


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        (
            {**PARAMS, "to": {"value": 60, "points": 2}},
            (None, "bad-params", "params: 'from' and 'to' need different values"),
        ),
        (
            {**PARAMS, "to": {"value": 100, "points": 3}},
            (None, "bad-params", "params.to.points: more than the rule's 2 points"),
        ),
        ({**PARAMS, "from": {"value": 60}}, ("params.from.points", "bad-params")),
        ({"fact": "r.coverage", "from": {"value": 60, "points": 0}}, ("params.to", "bad-params")),
        ({**PARAMS, "to": {"value": "100", "points": 2}}, ("params.to.value", "bad-params")),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, problem):
    found = rule_problems(tmp_path, [rule("R-1", "linear", params)], FACTS, max_points=2)
    assert_problems(found, problem)


def test_linear_needs_a_numeric_fact(tmp_path):
    found = rule_problems(
        tmp_path, [rule("R-1", "linear", PARAMS)], {"r.coverage": fact("text")}, max_points=2
    )
    message = "params.fact: r.coverage is a text, but this rule needs a number (or a derived fact)"
    assert_problems(found, (None, "bad-params", message))


@pytest.mark.parametrize(
    ("start", "end", "outcomes"),
    [
        ((60, 0), (100, 2), ("full", "partial", "zero")),
        ((0, 1), (100, 2), ("full", "partial")),  # at least 1 point whatever the value
        ((0, 0), (100, 1), ("partial", "zero")),  # never the whole 2 points
        ((0, 2), (100, 2), ("full",)),
    ],
)
def test_outcomes_a_rule_can_reach(start, end, outcomes):
    params = {
        "fact": "r.coverage",
        "from": {"value": start[0], "points": start[1]},
        "to": {"value": end[0], "points": end[1]},
    }
    assert LINEAR.outcomes_for(params, Decimal(2)) == outcomes


def test_an_english_message_carries_no_chinese_unit(tmp_path):
    # teachers per 100 pupils, in 人, scaled between 3 (nothing) and 5 (full marks)
    facts = {"r.coverage": fact("ratio", unit="人")}
    params = {
        "fact": "r.coverage",
        "from": {"value": 3, "points": 0},
        "to": {"value": 5, "points": 2},
    }
    doc = single([rule("R-1", "linear", params)], facts, max_points=2)
    (found,) = evaluate(tmp_path, doc, nest({"r.coverage": 4})).findings
    assert "为4人,按比例折算得1分" in found.message.zh
    assert "is 4: 1 of 2 points by linear scale" in found.message.en
    assert not any("\u4e00" <= c <= "\u9fff" for c in found.message.en), found.message.en
