"""The ``bonus`` rule kind: only on bonus items, capped per item and per rubric."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import (
    assert_problems,
    evaluate,
    fact,
    item,
    nest,
    problems,
    rule,
    rule_problems,
    single,
)

from evalrules._rules._builtin import BONUS

FACTS = {"x.value": fact("percent"), "a.national": fact("boolean"), "a.provincial": fact("boolean")}
BASE = rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 0})


def _bonus_item(code: str, max_points, *awards):
    return item(
        code,
        max_points,
        [
            rule(f"R-{code}-{i}", "bonus", {"when": {"fact": path}, "points": points})
            for i, (path, points) in enumerate(awards)
        ],
    )


def _card(tmp_path, bonus, national=True, provincial=True, **top):
    doc = single([BASE], FACTS, max_points=100, bonus=bonus, **top)
    facts = {"x.value": 50, "a.national": national, "a.provincial": provincial}
    return evaluate(tmp_path, doc, nest(facts))


def test_every_outcome_is_covered(tmp_path):
    bonus = [_bonus_item("B1", 1, ("a.national", 1))]
    outcomes = {_card(tmp_path, bonus, national=v).outcomes[-1][1] for v in (True, False)}
    assert outcomes == set(BONUS.outcomes) == {"awarded", "none"}


def test_awarded_on_top_of_the_base_total_which_may_exceed_100(tmp_path):
    card = _card(tmp_path, [_bonus_item("B1", 1, ("a.national", 1))])
    assert card.base_total == 100
    assert card.bonus == 1
    assert card.total == 101
    (finding,) = card.findings_for("B1")
    assert finding.kind == "bonus"
    assert finding.points == Decimal(1)
    assert "加1分" in finding.message.zh
    assert card.node("B1").score == 1


def test_none(tmp_path):
    card = _card(tmp_path, [_bonus_item("B1", 1, ("a.national", 1))], national=False)
    assert card.bonus == 0
    assert card.total == 100
    assert card.findings == ()


def test_capped_per_item(tmp_path):
    card = _card(
        tmp_path, [_bonus_item("B1", Decimal("1.5"), ("a.national", 1), ("a.provincial", 1))]
    )
    assert card.node("B1").score == Decimal("1.5")
    assert [f.points for f in card.findings_for("B1")] == [Decimal(1), Decimal("0.5")]
    assert card.total == Decimal("101.5")


def test_capped_per_rubric(tmp_path):
    bonus = [_bonus_item("B1", 1, ("a.national", 1)), _bonus_item("B2", 1, ("a.provincial", 1))]
    card = _card(tmp_path, bonus, bonus_cap=Decimal("1.5"))
    assert card.bonus == Decimal("1.5")
    assert card.total == Decimal("101.5")
    assert [card.node(c).score for c in ("B1", "B2")] == [Decimal(1), Decimal("0.5")]
    assert [f.points for f in card.findings if f.kind == "bonus"] == [Decimal(1), Decimal("0.5")]
    assert "加0.5分" in card.findings[-1].message.zh


def test_bonus_rule_outside_a_bonus_item_fails_at_load_time(tmp_path):
    found = rule_problems(
        tmp_path, [rule("R-1", "bonus", {"when": {"fact": "a.national"}, "points": 1})], FACTS
    )
    assert [p.code for p in found] == ["bonus-outside"]


def test_score_rule_on_a_bonus_item_fails_at_load_time(tmp_path):
    doc = single(
        [BASE],
        FACTS,
        max_points=100,
        bonus=[
            item("B1", 1, [rule("R-B", "threshold", {"fact": "x.value", "op": ">=", "value": 1})])
        ],
    )
    (problem,) = problems(tmp_path, doc)
    assert (problem.code, problem.indicator, problem.rule) == ("score-in-bonus", "B1", "R-B")


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"when": {"fact": "a.national"}}, "params.points"),
        ({"when": {"fact": "a.national"}, "points": -1}, "params.points"),
        ({"points": 1}, "params.when"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, path):
    doc = single(
        [BASE], FACTS, max_points=100, bonus=[item("B1", 1, [rule("R-B", "bonus", params)])]
    )
    found = problems(tmp_path, doc)
    assert all((p.indicator, p.rule) == ("B1", "R-B") for p in found), found
    assert_problems(found, (path, "bad-params"))


def test_an_english_message_carries_no_chinese_unit(tmp_path):
    # a bonus for more than 2 schools (所) recognised as demonstration schools
    facts = {**FACTS, "a.schools": fact("count", unit="所")}
    award = item(
        "B1",
        1,
        [rule("R-B", "bonus", {"when": {"fact": "a.schools", "op": ">", "value": 2}, "points": 1})],
    )
    doc = single([BASE], facts, max_points=100, bonus=[award])
    values = {"x.value": 50, "a.national": True, "a.provincial": True, "a.schools": 3}
    card = evaluate(tmp_path, doc, nest(values))
    (found,) = [f for f in card.findings if f.rule == "R-B"]
    assert "高于2所" in found.message.zh
    assert "more than 2: +1" in found.message.en
    assert not any("\u4e00" <= c <= "\u9fff" for c in found.message.en), found.message.en
