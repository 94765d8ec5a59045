"""The ``elements`` rule kind: additive points, one per element met."""

from __future__ import annotations

from decimal import Decimal

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

from evalrules._rules._builtin import ELEMENTS

FACTS = {"e.share": fact("boolean"), "e.rate": fact("boolean")}


def _element(eid: str, path: str, points: object) -> dict[str, object]:
    return {"id": eid, "fact": path, "points": points, "text": {"zh": f"要素{eid}", "en": eid}}


PARAMS = {"elements": [_element("share", "e.share", 2), _element("rate", "e.rate", 2)]}


def _card(tmp_path, share: bool, rate: bool, *, params=PARAMS, max_points: object = 4):
    doc = single([rule("R-1", "elements", params)], FACTS, max_points=max_points)
    return evaluate(tmp_path, doc, nest({"e.share": share, "e.rate": rate}))


OUTCOMES = {
    "all": ((True, True), Decimal(4)),
    "some": ((True, False), Decimal(2)),
    "none": ((False, False), Decimal(0)),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(ELEMENTS.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    (share, rate), score = OUTCOMES[outcome]
    card = _card(tmp_path, share, rate)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_each_missing_element_loses_its_own_points(tmp_path):
    params = {"elements": [_element("share", "e.share", 1), _element("rate", "e.rate", 3)]}
    card = _card(tmp_path, False, True, params=params)
    (finding,) = deductions(card)
    assert finding.params["element"] == "share"
    assert finding.points == Decimal("-1")
    assert card.node("1").score == 3
    assert "要素share" in finding.message.zh


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"elements": []}, ("params.elements", "bad-params")),
        (
            {"elements": [{"id": "a", "fact": "e.share", "text": {"zh": "甲"}}]},
            ("params.elements.0.points", "bad-params"),
        ),
        (
            {"elements": [_element("a", "e.share", 3), _element("b", "e.rate", 2)]},
            (None, "bad-params", "params.elements: points add up to 5, more than 4"),
        ),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, problem):
    found = rule_problems(tmp_path, [rule("R-1", "elements", params)], FACTS, max_points=4)
    assert_problems(found, problem)


def test_an_element_must_read_a_boolean_fact(tmp_path):
    facts = {**FACTS, "e.rate": fact("percent")}
    found = rule_problems(tmp_path, [rule("R-1", "elements", PARAMS)], facts, max_points=4)
    message = (
        "params.elements.1.fact: e.rate is a percent, but this rule needs a yes/no (boolean) fact"
    )
    assert_problems(found, (None, "bad-params", message))
    # filed at the element's path, dotted like cerberus' paths, the message without it
    assert (found[0].path, found[0].message) == (
        "params.elements.1.fact",
        "e.rate is a percent, but this rule needs a yes/no (boolean) fact",
    )


def test_one_element_is_met_or_not(tmp_path):
    params = {"elements": [_element("share", "e.share", 2)]}
    assert ELEMENTS.outcomes_for(params, Decimal(2)) == ("all", "none")
    assert ELEMENTS.outcomes_for(PARAMS, Decimal(4)) == ("all", "some", "none")
    doc = single([rule("R-1", "elements", params)], FACTS, max_points=2)
    assert compile_doc(tmp_path, doc).outcomes() == {"R-1": ("all", "none")}
