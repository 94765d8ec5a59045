"""Every message of every builtin rule kind, rendered from a real evaluation in both languages:
no template field is left unfilled, and each carries the fields its kind declares for it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import engine, fact, item, nest, rule, single, write

from evalrules._rules._messages import CORE_MESSAGES, parse_template

ENGINE = engine()
BUILTIN = {e.name: e.item for e in ENGINE.rule_kinds if e.origin == "evalrules.kinds"}


def _label(ftype: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {**fact(ftype, **extra), "description": {"zh": zh, "en": en}}


RATE = {"x.rate": _label("percent", "入园率", "Enrolment rate", unit="%")}
COUNT = {"x.open": _label("count", "未整改问题", "Open findings", unit="个")}
FLAGS = {
    "x.meetings": _label("boolean", "按要求召开会议", "Meetings held"),
    "x.plan": _label("boolean", "制定规划", "Plan adopted"),
}
SERIES = {
    "f.spending": _label("series", "教育经费", "Education spending", items="money", unit="万元"),
    "f.revenue": _label("series", "财政经常性收入", "Recurring revenue", items="money"),
}
ACCIDENT = {"s.accident": _label("boolean", "发生重大安全事故", "A major accident")}
TEXT = {"zh": "按要求召开会议", "en": "Meetings held"}

#: message id → (rules, declared facts, facts, item max): a rule that reports that message.
CASES: dict[str, tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any], int]] = {
    "threshold.missed": (
        [rule("R", "threshold", {"fact": "x.rate", "op": ">=", "value": 85, "deduct": 2})],
        RATE,
        {"x.rate": Decimal("84.92")},
        4,
    ),
    "per_incident.counted": (
        [rule("R", "per_incident", {"fact": "x.open", "deduct_each": Decimal("0.2")})],
        COUNT,
        {"x.open": 3},
        2,
    ),
    "per_incident.counted_after_allowance": (
        [rule("R", "per_incident", {"fact": "x.open", "deduct_each": 1, "allow": 1})],
        COUNT,
        {"x.open": 3},
        4,
    ),
    "checklist.unmet": (
        [
            rule(
                "R",
                "checklist",
                {"conditions": [{"id": "m", "fact": "x.meetings", "deduct": 1, "text": TEXT}]},
            )
        ],
        FLAGS,
        {"x.meetings": False, "x.plan": True},
        2,
    ),
    "elements.missing": (
        [
            rule(
                "R",
                "elements",
                {
                    "elements": [
                        {"id": "m", "fact": "x.meetings", "points": 1, "text": dict(TEXT)},
                        {"id": "p", "fact": "x.plan", "points": 1, "text": dict(TEXT)},
                    ]
                },
            )
        ],
        FLAGS,
        {"x.meetings": False, "x.plan": True},
        2,
    ),
    "bands.band": (
        [
            rule(
                "R",
                "bands",
                {
                    "fact": "x.rate",
                    "bands": [
                        {"id": "low", "max": 90, "deduct": 2},
                        {"id": "high", "min": 90, "max": 100, "max_inclusive": True, "deduct": 0},
                    ],
                },
            )
        ],
        RATE,
        {"x.rate": 80},
        2,
    ),
    "linear.scaled": (
        [
            rule(
                "R",
                "linear",
                {
                    "fact": "x.rate",
                    "from": {"value": 60, "points": 0},
                    "to": {"value": 100, "points": 2},
                },
            )
        ],
        RATE,
        {"x.rate": 80},
        2,
    ),
    "zero_out.triggered": (
        [rule("R", "zero_out", {"when": {"fact": "s.accident"}})],
        ACCIDENT,
        {"s.accident": True},
        3,
    ),
    "non_decrease.decreased": (
        [rule("R", "non_decrease", {"fact": "f.spending", "deduct": 2})],
        SERIES,
        {"f.spending": {2022: 100, 2023: 90}, "f.revenue": {2022: 1, 2023: 1}},
        2,
    ),
    "non_decrease.slower": (
        [rule("R", "non_decrease", {"fact": "f.spending", "faster_than": "f.revenue"})],
        SERIES,
        {"f.spending": {2022: 100, 2023: 101}, "f.revenue": {2022: 100, 2023: 110}},
        2,
    ),
    "non_decrease.no_data": (
        [rule("R", "non_decrease", {"fact": "f.spending"})],
        SERIES,
        {"f.spending": {2023: 100}, "f.revenue": {2022: 1, 2023: 1}},
        2,
    ),
    "consecutive_decline.declined": (
        [rule("R", "consecutive_decline", {"fact": "f.spending", "years": 2, "deduct": 2})],
        SERIES,
        {"f.spending": {2021: 120, 2022: 100, 2023: 90}, "f.revenue": {2022: 1, 2023: 1}},
        2,
    ),
    "consecutive_decline.no_data": (
        [rule("R", "consecutive_decline", {"fact": "f.spending", "years": 2})],
        SERIES,
        {"f.spending": {2022: 100, 2023: 90}, "f.revenue": {2022: 1, 2023: 1}},
        2,
    ),
    "not_applicable.when": (
        [
            rule("R-NA", "not_applicable_when", {"when": {"fact": "s.accident"}}),
            rule("R", "threshold", {"fact": "x.rate", "op": ">=", "value": 85}),
        ],
        {**ACCIDENT, **RATE},
        {"s.accident": True, "x.rate": 90},
        2,
    ),
    "veto.triggered": (
        [rule("R", "veto", {"when": {"fact": "s.accident"}, "effect": "lower_one"})],
        ACCIDENT,
        {"s.accident": True},
        2,
    ),
    "external_rating.scaled": (
        [
            rule(
                "R",
                "external_rating",
                {
                    "fact": "x.rate",
                    "scale": 100,
                    "rater": {"zh": "省级评分", "en": "provincial rating"},
                },
            )
        ],
        RATE,
        {"x.rate": 75},
        4,
    ),
    "manual.judged": (
        [rule("R", "manual", {"fact": "j.item"})],
        {"j.item": _label("judgement", "评估人员判断", "Assessor's judgement")},
        {"j.item": {"deduct": Decimal("0.5"), "reason": "台账不全"}},
        2,
    ),
}


def _bonus_case():
    bonus = [item("B1", 1, [rule("R", "bonus", {"when": {"fact": "s.accident"}, "points": 1})])]
    base = rule("R-0", "threshold", {"fact": "x.rate", "op": ">=", "value": 0})
    doc = single([base], {**ACCIDENT, **RATE}, max_points=10, bonus=bonus)
    return doc, {"s.accident": True, "x.rate": 50}


def test_every_message_of_every_builtin_kind_has_a_case():
    assert set(CASES) | {"bonus.awarded"} == {m for k in BUILTIN.values() for m in k.messages}


def _finding(tmp_path, message_id):
    if message_id == "bonus.awarded":
        doc, facts = _bonus_case()
    else:
        rules, declared, facts, max_points = CASES[message_id]
        doc = single(rules, declared, max_points=max_points)
    compiled = ENGINE.compile(ENGINE.load_rubric(write(tmp_path, doc)))
    card = compiled.evaluate(nest(facts))
    (found,) = [f for f in card.findings if f.message_id == message_id]
    return compiled, found


@pytest.mark.parametrize("message_id", sorted([*CASES, "bonus.awarded"]))
def test_the_message_renders_whole_in_both_languages(tmp_path, message_id):
    compiled, found = _finding(tmp_path, message_id)
    for text in (found.message.zh, found.message.en):
        assert text
        assert "{" not in text, text
        assert "}" not in text, text
    assert found.message.zh != found.message.en
    kind = compiled.kind(next(r for _, r in compiled.rubric.rules() if r.code == found.rule))
    assert kind.fields[message_id] <= set(found.params), "a declared field was not passed"
    assert kind.message_fields(message_id) <= set(found.params)


def test_the_cores_own_messages_are_sound_templates():
    for message_id, template in CORE_MESSAGES.items():
        for text in (template.zh, template.en):
            assert parse_template(text)[1] == (), (message_id, text)
