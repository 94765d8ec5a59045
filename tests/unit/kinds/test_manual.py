"""The ``manual`` rule kind: an assessor's recorded judgement, flagged as manual."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import MANUAL
from evalrules.errors import FactsError

FACTS = {"j.item": fact("judgement")}


def _card(tmp_path, judgement, max_points=3):
    doc = single([rule("R-1", "manual", {"fact": "j.item"})], FACTS, max_points=max_points)
    return evaluate(tmp_path, doc, nest({"j.item": judgement}))


OUTCOMES = {
    "full": ({"deduct": 0, "reason": "材料齐全"}, Decimal(3)),
    "deducted": ({"deduct": Decimal("0.5"), "reason": "台账不全"}, Decimal("2.5")),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(MANUAL.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    judgement, score = OUTCOMES[outcome]
    card = _card(tmp_path, judgement)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_finding_is_flagged_manual_with_its_reason(tmp_path):
    (finding,) = _card(tmp_path, {"deduct": 1, "reason": "台账不全"}).findings
    assert finding.kind == "manual"
    assert finding.points == Decimal(-1)
    assert "台账不全" in finding.message.zh
    assert "台账不全" in finding.message.en


def test_judgement_beyond_the_max_is_floored(tmp_path):
    card = _card(tmp_path, {"deduct": 5, "reason": "严重"})
    assert card.node("1").score == 0
    assert card.findings[0].points == Decimal(-3)
    assert card.findings[0].nominal == Decimal(5)


@pytest.mark.parametrize(
    ("judgement", "path", "code"),
    [
        ({"deduct": 1}, "j.item.reason", "missing"),
        ({"reason": "x"}, "j.item.deduct", "missing"),
        ({"deduct": -1, "reason": "x"}, "j.item.deduct", "negative"),
        ({"deduct": 1, "reason": ""}, "j.item.reason", "empty"),
        ({"deduct": "1", "reason": "x"}, "j.item.deduct", "wrong-type"),
        ({"deduct": 1, "reason": "x", "extra": 1}, "j.item.extra", "unknown"),
        (1, "j.item", "wrong-type"),
    ],
)
def test_malformed_judgements_are_facts_errors(tmp_path, judgement, path, code):
    with pytest.raises(FactsError) as info:
        _card(tmp_path, judgement)
    (problem,) = info.value.problems
    assert (problem.path, problem.code) == (path, code)
    assert "deduct" in problem.message_en
    assert "reason" in problem.message_en
    assert "ValidationError" not in problem.message_en


@pytest.mark.parametrize("ftype", ["count", "boolean"])
def test_needs_a_judgement_fact(tmp_path, ftype):
    found = rule_problems(
        tmp_path, [rule("R-1", "manual", {"fact": "j.item"})], {"j.item": fact(ftype)}, max_points=3
    )
    message = f"params.fact: j.item is a {ftype}, not a judgement"
    assert_problems(found, (None, "bad-params", message))
