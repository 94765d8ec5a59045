"""The ``not_applicable_when`` rule kind: runs first; a declared policy decides the points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, evaluate, fact, item, nest, node, rule, rule_problems, single

from evalrules._rules._builtin import NOT_APPLICABLE_WHEN

FACTS = {"h.has_high_school": fact("boolean"), "h.violations": fact("count", required=False)}
NA = rule("R-NA", "not_applicable_when", {"when": {"fact": "h.has_high_school", "value": False}})
PER = rule("R-1", "per_incident", {"fact": "h.violations", "deduct_each": 1})


def _card(tmp_path, has: bool, violations: int | None = None, *, na=NA, **top):
    doc = single([na, PER], FACTS, max_points=2, **top)
    facts = {"h.has_high_school": has}
    if violations is not None:
        facts["h.violations"] = violations
    return evaluate(tmp_path, doc, nest(facts))


def test_every_outcome_is_covered(tmp_path):
    outcomes = {
        _card(tmp_path, True, 1).outcomes[0][1],
        _card(tmp_path, False).outcomes[0][1],
    }
    assert outcomes == set(NOT_APPLICABLE_WHEN.outcomes) == {"applicable", "not_applicable"}


def test_applicable_runs_the_other_rules(tmp_path):
    card = _card(tmp_path, True, 1)
    assert card.outcomes == (("R-NA", "applicable"), ("R-1", "partial"))
    assert card.node("1").score == 1
    assert card.node("1").status == "scored"


def test_not_applicable_skips_the_other_rules(tmp_path):
    # the other rule's fact is absent, and nothing asks for it
    card = _card(tmp_path, False)
    assert card.outcomes == (("R-NA", "not_applicable"),)
    assert card.node("1").status == "not_applicable"


def test_runs_before_score_rules_whatever_their_order(tmp_path):
    doc = single([PER, NA], FACTS, max_points=2)
    card = evaluate(tmp_path, doc, nest({"h.has_high_school": False}))
    assert card.outcomes == (("R-NA", "not_applicable"),)


@pytest.mark.parametrize(
    ("where", "policy", "score", "points"),
    [
        ("rubric", "full", Decimal(2), Decimal(0)),
        ("rubric", "zero", Decimal(0), Decimal(-2)),
        ("rubric", "exclude", Decimal(0), Decimal(0)),
        ("item", "zero", Decimal(0), Decimal(-2)),
        ("rule", "zero", Decimal(0), Decimal(-2)),
    ],
)
def test_policy_and_the_finding_says_which(tmp_path, where, policy, score, points):
    doc = single([NA, PER], FACTS, max_points=2)
    target = {
        "rubric": doc,
        "item": doc["indicators"][0]["children"][0],
        "rule": doc["indicators"][0]["children"][0]["rules"][0]["params"],
    }
    if where == "rubric":
        # exclude needs another item to rescale against
        doc["indicators"] = [
            node(
                "A",
                4,
                [
                    doc["indicators"][0]["children"][0],
                    item(
                        "2",
                        2,
                        [
                            rule(
                                "R-2",
                                "threshold",
                                {"fact": "h.has_high_school", "op": "!=", "value": True},
                            )
                        ],
                    ),
                ],
            )
        ]
        doc["total"] = 4
    target[where]["not_applicable" if where != "rule" else "policy"] = policy
    card = evaluate(tmp_path, doc, nest({"h.has_high_school": False}))
    assert card.node("1").score == score
    (finding,) = card.findings_for("1")
    assert finding.kind == "not_applicable"
    assert finding.effect == policy
    assert finding.points == points
    assert finding.message_id == "not_applicable.when"
    assert "本项不适用" in finding.message.zh
    assert finding.evidence.facts == (("h.has_high_school", False),)


def test_rule_policy_overrides_item_and_rubric(tmp_path):
    na = rule(
        "R-NA",
        "not_applicable_when",
        {"when": {"fact": "h.has_high_school", "value": False}, "policy": "full"},
    )
    doc = single([na, PER], FACTS, max_points=2, not_applicable="zero")
    doc["indicators"][0]["children"][0]["not_applicable"] = "zero"
    card = evaluate(tmp_path, doc, nest({"h.has_high_school": False}))
    assert card.node("1").score == 2
    assert card.findings[0].effect == "full"


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        (
            {"when": {"fact": "h.has_high_school"}, "policy": "half"},
            ("params.policy", "bad-params"),
        ),
        ({}, ("params.when", "bad-params")),
        (
            {"when": {"fact": "h.has_high_school", "op": "<", "value": 1}},
            (
                None,
                "bad-params",
                "params.when: h.has_high_school is a boolean; operator < needs a number",
            ),
        ),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, problem):
    found = rule_problems(
        tmp_path, [rule("R-NA", "not_applicable_when", params), PER], FACTS, max_points=2
    )
    assert_problems(found, problem)


def test_the_condition_in_english_carries_no_chinese_unit(tmp_path):
    # not applicable when the county has no high school (所): the message states the rule's
    # name, and its `condition` field (for a rubric's own wording) the condition itself
    facts = {**FACTS, "h.high_schools": fact("count", unit="所")}
    na = rule("R-NA", "not_applicable_when", {"when": {"fact": "h.high_schools", "value": 0}})
    doc = single([na, PER], facts, max_points=2)
    card = evaluate(tmp_path, doc, nest({"h.has_high_school": False, "h.high_schools": 0}))
    (found,) = [f for f in card.findings if f.rule == "R-NA"]
    condition = found.params["condition"]
    assert condition["zh"].endswith("等于0所")
    assert condition["en"].endswith("equal to 0")
    assert not any("\u4e00" <= c <= "\u9fff" for c in condition["en"]), condition
