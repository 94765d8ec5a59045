"""The ``per_incident`` rule kind: k points per counted incident, allowance, cap, 扣完为止."""

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

from evalrules._rules._builtin import PER_INCIDENT

COUNT = {"x.count": fact("count", unit="起")}


def _card(tmp_path, params: dict[str, Any], count: int, *, max_points: Any = 3):
    doc = single([rule("R-1", "per_incident", params)], COUNT, max_points=max_points)
    return evaluate(tmp_path, doc, nest({"x.count": count}))


OUTCOMES = {
    "full": (0, Decimal("3")),
    "partial": (2, Decimal("2.6")),
    "zero": (15, Decimal("0")),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(PER_INCIDENT.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    count, score = OUTCOMES[outcome]
    card = _card(tmp_path, {"fact": "x.count", "deduct_each": Decimal("0.2")}, count)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_k_per_count(tmp_path):
    card = _card(tmp_path, {"fact": "x.count", "deduct_each": Decimal("0.2")}, 4)
    (finding,) = deductions(card)
    assert finding.points == Decimal("-0.8")
    assert finding.nominal == Decimal("0.8")
    assert finding.message_id == "per_incident.counted"
    assert "4" in finding.message.zh
    assert "0.2" in finding.message.zh
    assert finding.evidence.facts == (("x.count", 4),)


def test_floored_at_zero_with_nominal_kept(tmp_path):
    # 15 × 0.2 = 3.0 asks for the whole item; 20 × 0.2 = 4.0 asks for more than there is.
    card = _card(tmp_path, {"fact": "x.count", "deduct_each": Decimal("0.2")}, 20)
    (finding,) = deductions(card)
    assert card.node("1").score == 0
    assert finding.points == Decimal("-3")
    assert finding.nominal == Decimal("4.0")
    assert finding.outcome == "zero"


@pytest.mark.parametrize(
    ("count", "score", "outcome"),
    [(0, Decimal(3), "full"), (2, Decimal(3), "full"), (3, Decimal(2), "partial")],
)
def test_allowance(tmp_path, count, score, outcome):
    card = _card(tmp_path, {"fact": "x.count", "deduct_each": 1, "allow": 2}, count)
    assert card.node("1").score == score
    assert card.outcomes == (("R-1", outcome),)
    if outcome == "partial":
        (finding,) = card.findings
        assert finding.message_id == "per_incident.counted_after_allowance"
        assert "2起以内不扣分" in finding.message.zh


def test_cap(tmp_path):
    card = _card(tmp_path, {"fact": "x.count", "deduct_each": 1, "cap": Decimal("1.5")}, 9)
    assert card.node("1").score == Decimal("1.5")
    (finding,) = card.findings
    assert finding.nominal == Decimal("1.5")
    assert finding.outcome == "partial"


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"fact": "x.count"}, "params.deduct_each"),
        ({"fact": "x.count", "deduct_each": -1}, "params.deduct_each"),
        ({"fact": "x.count", "deduct_each": 1, "allow": Decimal("1.5")}, "params.allow"),
        ({"fact": "x.count", "deduct_each": 1, "allow": -1}, "params.allow"),
        ({"fact": "x.count", "deduct_each": 1, "cap": -1}, "params.cap"),
        ({"deduct_each": 1}, "params.fact"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, path):
    found = rule_problems(tmp_path, [rule("R-1", "per_incident", params)], COUNT)
    assert_problems(found, (path, "bad-params"))


@pytest.mark.parametrize("ftype", ["boolean", "percent", "text"])
def test_a_fact_that_is_not_a_count_fails_at_load_time(tmp_path, ftype):
    params = {"fact": "x.count", "deduct_each": 1}
    found = rule_problems(tmp_path, [rule("R-1", "per_incident", params)], {"x.count": fact(ftype)})
    message = (
        f"params.fact: x.count is a {ftype}, but this rule needs a whole number (such as a count)"
    )
    assert_problems(found, (None, "bad-params", message))


@pytest.mark.parametrize(
    ("params", "max_points", "outcomes"),
    [
        ({"deduct_each": Decimal("0.2")}, 3, ("full", "partial", "zero")),
        ({"deduct_each": 3}, 3, ("full", "zero")),  # one incident takes the whole item
        ({"deduct_each": 1, "cap": Decimal("1.5")}, 3, ("full", "partial")),
        ({"deduct_each": 1, "cap": 3}, 3, ("full", "partial", "zero")),
        ({"deduct_each": 0}, 3, ("full", "partial")),
    ],
)
def test_outcomes_a_rule_can_reach(params, max_points, outcomes):
    params = {"fact": "x.count", **params}
    assert PER_INCIDENT.outcomes_for(params, Decimal(max_points)) == outcomes


def test_compiled_rubric_lists_only_reachable_outcomes(tmp_path):
    # what rule-outcome coverage counts: an outcome no facts can produce is not listed
    doc = single(
        [rule("R-1", "per_incident", {"fact": "x.count", "deduct_each": 3})], COUNT, max_points=3
    )
    assert compile_doc(tmp_path, doc).outcomes() == {"R-1": ("full", "zero")}
