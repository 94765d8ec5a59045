"""The ``veto`` rule kind: the grade changes, the score does not."""

from __future__ import annotations

import pytest
from _rubrics import assert_problems, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import VETO

FACTS = {"x.value": fact("percent"), "s.accident": fact("boolean")}
# the total equals x.value: 0 → 0 points, 100 → 100 points
BASE = rule(
    "R-1",
    "linear",
    {"fact": "x.value", "from": {"value": 0, "points": 0}, "to": {"value": 100, "points": 100}},
)


def _card(tmp_path, accident: bool, effect="lower_one", total=95):
    veto = rule("R-V", "veto", {"when": {"fact": "s.accident"}, "effect": effect})
    doc = single([BASE, veto], FACTS, max_points=100)
    return evaluate(tmp_path, doc, nest({"x.value": total, "s.accident": accident}))


OUTCOMES = {"clear": (False, "excellent"), "vetoed": (True, "good")}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(VETO.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    accident, grade = OUTCOMES[outcome]
    card = _card(tmp_path, accident)
    assert card.outcomes[-1] == ("R-V", outcome)
    assert card.grade.code == grade
    assert card.total == 95  # the score is never touched


def test_veto_finding(tmp_path):
    card = _card(tmp_path, True)
    (veto,) = card.vetoes
    assert veto in card.findings
    assert veto.kind == "veto"
    assert veto.effect == "lower_one"
    assert veto.points == 0
    assert "降低一个等次" in veto.message.zh
    assert "降低一个等次" in veto.message.zh
    assert veto.evidence.facts == (("s.accident", True),)
    assert card.grade.base == "excellent"


@pytest.mark.parametrize(
    ("effect", "total", "base", "grade"),
    [
        ("force_fail", 95, "excellent", "fail"),
        ("force_fail", 50, "fail", "fail"),
        ("lower_one", 95, "excellent", "good"),
        ("lower_one", 85, "good", "pass"),
        ("lower_one", 60, "pass", "fail"),
        ("lower_one", 50, "fail", "fail"),  # nothing below the lowest grade
        ("cap_below_top", 95, "excellent", "good"),
        ("cap_below_top", 85, "good", "good"),  # already below the top
        ("cap_below_top", 70, "pass", "pass"),
    ],
)
def test_effects(tmp_path, effect, total, base, grade):
    card = _card(tmp_path, True, effect=effect, total=total)
    assert card.total == total
    assert (card.grade.base, card.grade.code) == (base, grade)


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"when": {"fact": "s.accident"}}, "params.effect"),
        ({"when": {"fact": "s.accident"}, "effect": "demote"}, "params.effect"),
        ({"effect": "force_fail"}, "params.when"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, path):
    found = rule_problems(tmp_path, [BASE, rule("R-V", "veto", params)], FACTS, max_points=100)
    assert_problems(found, (path, "bad-params"))


def test_an_english_message_carries_no_chinese_unit(tmp_path):
    # a veto when any pupil (人) was admitted by examination
    facts = {**FACTS, "s.by_exam": fact("count", unit="人")}
    when = {"fact": "s.by_exam", "op": ">", "value": 0}
    veto = rule("R-V", "veto", {"when": when, "effect": "lower_one"})
    doc = single([BASE, veto], facts, max_points=100)
    card = evaluate(tmp_path, doc, nest({"x.value": 95, "s.accident": False, "s.by_exam": 3}))
    (found,) = [f for f in card.findings if f.rule == "R-V"]
    assert "高于0人" in found.message.zh
    assert "more than 0:" in found.message.en
    assert not any("\u4e00" <= c <= "\u9fff" for c in found.message.en), found.message.en
