"""The ``external_rating`` rule kind: points from an outside rating on a known scale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, deductions, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import EXTERNAL_RATING

FACTS = {"r.fitness": fact("percent")}
RATER = {"zh": "省体质健康评分", "en": "Provincial fitness rating"}
PARAMS = {"fact": "r.fitness", "scale": 100, "rater": RATER}


def _card(tmp_path, rating, params=PARAMS, max_points=5):
    doc = single([rule("R-1", "external_rating", params)], FACTS, max_points=max_points)
    return evaluate(tmp_path, doc, nest({"r.fitness": rating}))


OUTCOMES = {
    "full": (Decimal(100), Decimal(5)),
    "partial": (Decimal(96), Decimal("4.8")),
    "zero": (Decimal(0), Decimal(0)),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(EXTERNAL_RATING.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    rating, score = OUTCOMES[outcome]
    card = _card(tmp_path, rating)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_finding_names_the_rater_and_the_scale(tmp_path):
    (finding,) = deductions(_card(tmp_path, 94))
    assert finding.points == Decimal("-0.3")
    assert finding.message.zh.startswith("省体质健康评分为94分(满分100分)")
    assert "Provincial fitness rating" in finding.message.en


@pytest.mark.parametrize(
    ("rating", "score"),
    [
        (Decimal("95.5"), Decimal("4.8")),
        (Decimal("95"), Decimal("4.8")),
        (Decimal("94.9"), Decimal("4.7")),
    ],
)
def test_scaled_then_quantized_half_up(tmp_path, rating, score):
    # 95 of 100 × 5 = 4.75 → 4.8 (half up); 94.9 → 4.745 → 4.7
    assert _card(tmp_path, rating).node("1").score == score


def test_share_from_points(tmp_path):
    params = {**PARAMS, "points": 2}
    card = _card(tmp_path, 50, params)
    assert card.node("1").score == 4  # 2 of the 5 points follow the rating; half lost


def test_other_scales(tmp_path):
    params = {**PARAMS, "scale": 5}
    facts = {"r.fitness": fact("ratio")}
    doc = single([rule("R-1", "external_rating", params)], facts, max_points=5)
    assert evaluate(tmp_path, doc, nest({"r.fitness": Decimal("4.5")})).node("1").score == Decimal(
        "4.5"
    )
    # above the scale: clamped to the share
    assert evaluate(tmp_path, doc, nest({"r.fitness": 7})).node("1").score == 5


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({**PARAMS, "scale": 0}, "params.scale"),
        ({**PARAMS, "scale": -5}, "params.scale"),
        ({"fact": "r.fitness", "scale": 100}, "params.rater"),
        ({**PARAMS, "rater": {"en": "no chinese"}}, "params.rater.zh"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, path):
    found = rule_problems(tmp_path, [rule("R-1", "external_rating", params)], FACTS, max_points=5)
    assert_problems(found, (path, "bad-params"))


def test_needs_a_numeric_fact(tmp_path):
    found = rule_problems(
        tmp_path,
        [rule("R-1", "external_rating", PARAMS)],
        {"r.fitness": fact("boolean")},
        max_points=5,
    )
    message = (
        "params.fact: r.fitness is a boolean, but this rule needs a number (or a derived fact)"
    )
    assert_problems(found, (None, "bad-params", message))


def test_a_rule_with_no_points_can_only_leave_full_marks():
    assert EXTERNAL_RATING.outcomes_for({**PARAMS, "points": 0}, Decimal(5)) == ("full",)
    assert EXTERNAL_RATING.outcomes_for(PARAMS, Decimal(5)) == EXTERNAL_RATING.outcomes
