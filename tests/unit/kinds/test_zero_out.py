"""The ``zero_out`` rule kind: the item scores zero on a serious failure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, deductions, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import ZERO_OUT

FACTS = {"s.major": fact("boolean"), "s.deaths": fact("count")}
ZERO = rule("R-Z", "zero_out", {"when": {"fact": "s.major"}})
PER_DEATH = rule("R-D", "per_incident", {"fact": "s.deaths", "deduct_each": Decimal("0.5")})


def _card(tmp_path, major: bool, deaths: int = 0, rules=None):
    doc = single(rules or [ZERO], FACTS, max_points=3)
    return evaluate(tmp_path, doc, nest({"s.major": major, "s.deaths": deaths}))


OUTCOMES = {"clear": (False, Decimal(3)), "zeroed": (True, Decimal(0))}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(ZERO_OUT.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    major, score = OUTCOMES[outcome]
    card = _card(tmp_path, major)
    assert card.outcomes == (("R-Z", outcome),)
    assert card.node("1").score == score


def test_zero_out_takes_what_the_other_deductions_left(tmp_path):
    card = _card(tmp_path, True, deaths=1, rules=[PER_DEATH, ZERO])
    assert card.node("1").score == 0
    found = deductions(card)
    assert [(f.rule, f.points) for f in found] == [
        ("R-D", Decimal("-0.5")),
        ("R-Z", Decimal("-2.5")),
    ]
    assert found[1].message_id == "zero_out.triggered"
    assert "本项不得分" in found[1].message.zh


def test_zero_out_before_other_rules_still_reconciles(tmp_path):
    card = _card(tmp_path, True, deaths=2, rules=[ZERO, PER_DEATH])
    assert card.node("1").score == 0
    assert sum(f.points for f in deductions(card)) == Decimal(-3)


def test_zero_out_with_every_point_already_lost_has_a_zero_finding(tmp_path):
    card = _card(tmp_path, True, deaths=6, rules=[PER_DEATH, ZERO])
    assert [(f.rule, f.points) for f in deductions(card)] == [
        ("R-D", Decimal(-3)),
        ("R-Z", Decimal(0)),
    ]


def test_compound_condition(tmp_path):
    rules = [
        rule(
            "R-Z",
            "zero_out",
            {"when": {"all": [{"fact": "s.major"}, {"fact": "s.deaths", "op": ">", "value": 0}]}},
        )
    ]
    assert _card(tmp_path, True, 0, rules).node("1").score == 3
    card = _card(tmp_path, True, 1, rules)
    assert card.node("1").score == 0
    # every fact of the condition is evidence
    assert dict(card.findings[0].evidence.facts) == {"s.deaths": 1, "s.major": True}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({}, [(None, "bad-params", "params.when.fact: a fact path is required")]),
        (
            {"fact": "s.major", "op": "~"},
            [
                (None, "bad-params", "params.when.op: '~' is not one of >=, >, <=, <, ==, !="),
                # the missing value defaults to true, which no comparison takes either
                (None, "bad-params", "params.when.value: operator ~ needs a number, got True"),
            ],
        ),
        (
            {"fact": "s.major", "whatever": 1},
            [
                (
                    None,
                    "bad-params",
                    "params.when: unknown key(s) ['whatever'] (use fact, op, value)",
                )
            ],
        ),
        (
            {"all": []},
            [(None, "bad-params", "params.when.all: must be a non-empty list of conditions")],
        ),
        (
            {"all": [{"fact": "s.major"}], "fact": "s.major"},
            [(None, "bad-params", "params.when: 'all' cannot be combined with ['fact']")],
        ),
        ("s.major", [("params.when", "bad-params")]),
        (
            {"fact": "s.deaths", "op": ">", "value": None},
            [(None, "bad-params", "params.when.value: must be a number, a boolean or a text")],
        ),
        (
            {"fact": "s.major", "op": ">", "value": 1},
            [(None, "bad-params", "params.when: s.major is a boolean; operator > needs a number")],
        ),
        (
            {"any": [{"fact": "s.deaths", "value": True}]},
            [
                (
                    None,
                    "bad-params",
                    "params.when.any.0: s.deaths is a count; "
                    "the comparison needs a number, not True",
                )
            ],
        ),
        (
            {"fact": "s.missing"},
            [
                (
                    None,
                    "undeclared-fact",
                    "reads fact 's.missing', which the rubric does not declare",
                )
            ],
        ),
    ],
)
def test_bad_conditions_fail_at_load_time(tmp_path, when, expected):
    found = rule_problems(tmp_path, [rule("R-Z", "zero_out", {"when": when})], FACTS, max_points=3)
    assert_problems(found, *expected)


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [("起", "高于0起", "more than 0: the item"), ("元", "高于0元", "more than 0 yuan: the item")],
)
def test_an_english_message_carries_no_chinese_unit(tmp_path, unit, zh, en):
    # the item is zeroed when any serious incident (起) was recorded
    facts = {"s.deaths": fact("count", unit=unit)}
    zero = rule("R-Z", "zero_out", {"when": {"fact": "s.deaths", "op": ">", "value": 0}})
    doc = single([zero], facts, max_points=3)
    (found,) = evaluate(tmp_path, doc, nest({"s.deaths": 2})).findings
    assert zh in found.message.zh
    assert en in found.message.en
    assert not any("\u4e00" <= c <= "\u9fff" for c in found.message.en), found.message.en
