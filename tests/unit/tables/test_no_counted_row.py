"""An aggregate with no counted row (no school of the stage, every row excluded, no row for
a share's denominator) is not computed, and every item whose rule reads it is not
applicable under that item's policy, saying why in Chinese and English; a mean of 0 is
still refused. Explained and scores only agree; a certification gate that is not
applicable does not fail the verdict.

Every school below is constructed for the tests; none is real data."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import evalrules
from evalrules.errors import FactsError

ROWS: list[dict[str, Any]] = [
    {"code": "P1", "name": "第一小学", "stage": "primary", "category": "primary",
     "pupils": 400, "teachers": 24, "equipped": True},
    {"code": "P2", "name": "第二小学", "stage": "primary", "category": "primary",
     "pupils": 300, "teachers": 20, "equipped": True},
    {"code": "J1", "name": "第一初中", "stage": "junior", "category": "junior",
     "pupils": 500, "teachers": 40, "equipped": True},
    {"code": "J2", "name": "第二初中", "stage": "junior", "category": "junior",
     "pupils": 400, "teachers": 30, "equipped": False},
    {"code": "S1", "name": "特殊教育学校", "stage": "junior", "category": "special",
     "pupils": 60, "teachers": 12, "equipped": True},
]  # fmt: skip

#: The items reading an aggregate that is not computed without junior rows, and the policy
#: each is not applicable under (the item's, else the rubric's full marks).
NOT_COMPUTED = {"A1": "full", "A2": "zero", "A3": "exclude", "A4": "full", "A5": "full"}


@pytest.fixture(scope="module")
def compiled() -> evalrules.CompiledRubric:
    engine = evalrules.Engine(autoload=False)
    return engine.compile(engine.load_rubric(Path(__file__).parent / "no_counted_row.yaml"))


def _facts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schools": copy.deepcopy(rows)}


def _without_junior() -> dict[str, Any]:
    return _facts([r for r in ROWS if r["stage"] != "junior"])


def _every_junior_excluded() -> dict[str, Any]:
    rows = copy.deepcopy(ROWS)
    for r in rows:
        if r["stage"] == "junior":
            r["category"] = "special"
    return _facts(rows)


CASES = {"no junior row": _without_junior, "every junior row excluded": _every_junior_excluded}


# ------------------------------------------------------------------------- computing


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_each_kind_without_counted_rows(compiled, make):
    from evalrules._facts._derived import derive

    flat = compiled.validate(make())
    values, not_computed, problems = derive(
        compiled.rubric.derived, flat, 2023, compiled._validator.aggregations
    )
    assert problems == []
    # cv, weighted_mean, share_where (no denominator), min, max: nothing to compute from;
    # a formula over one of them neither
    assert sorted(not_computed) == sorted(
        f"derived.junior.{n}" for n in ("cv", "mean", "share", "min", "max", "spread")
    )
    for dv in not_computed.values():
        assert dv.value is None
        assert dv.not_computed == evalrules.Text(
            "没有纳入计算的初中学校", "No junior secondary school is counted"
        )
    assert not_computed["derived.junior.cv"].breakdown == (("n", 0),)
    # sum and count of no row are 0, a value
    assert values["derived.junior.pupils"].value == 0
    assert values["derived.junior.schools"].value == 0
    assert values["derived.primary.cv"].value is not None


def test_a_stage_without_label_or_a_table_without_stages_is_worded_plainly():
    from evalrules._facts._aggregations import no_rows
    from evalrules._facts._tables import TableValue

    assert no_rows(TableValue("schools", ()), None) == evalrules.Text(
        "没有纳入计算的学校", "No school is counted"
    )
    assert no_rows(TableValue("schools", ()), "senior") == evalrules.Text(
        "没有纳入计算的senior学校", "No senior school is counted"
    )


def test_a_mean_of_zero_is_still_refused(compiled):
    doc = _facts(ROWS)
    for r in doc["schools"]:
        if r["stage"] == "junior":
            r["teachers"] = 0
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    found = [(p.path, p.code, p.message_zh) for p in info.value.problems]
    assert found == [
        (
            "schools",
            "not-computable",
            "“初中每百名学生拥有专任教师数差异系数”无法计算:平均值为0",
        )
    ]


# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_the_items_reading_it_are_not_applicable_under_their_policy(compiled, make):
    card = compiled.evaluate(make())
    for code, policy in NOT_COMPUTED.items():
        node = card.node(code)
        assert node.status == "not_applicable", code
        assert node.score == (node.max if policy == "full" else 0), code
        (finding,) = card.findings_for(code)
        assert finding.kind == "not_applicable"
        assert finding.effect == policy
        assert finding.message_id == "not_applicable.not_computed"
        assert finding.outcome == "not_computed"
        assert finding.points == (-node.max if policy == "zero" else 0)
        (shown,) = finding.evidence.derived
        assert shown.value is None
        assert shown.not_computed is not None
    # the formula over the maximum and minimum is not computed either
    assert card.node("A6").status == "not_applicable"
    # sum and count of no row are values, held to their standard
    assert card.node("A7").status == card.node("A8").status == "scored"
    assert card.node("A7").score == card.node("A8").score == 0
    # A3 (10 points) is excluded: the base total is rescaled over the other 90
    scored = sum((card.node(c).score for c in ("A", "B")), Decimal(0))
    assert card.total == (scored * 100 / 90).quantize(Decimal("0.1"))
    # none of the not-computed rules reached an outcome of its own
    assert {r for r, _ in card.outcomes} == {"T-A7", "T-A8", "T-B"}


def test_the_message_says_why_and_what_the_policy_gives_first_in_chinese(compiled):
    card = compiled.evaluate(_without_junior())
    messages = {f.indicator: f.message for f in card.findings}
    assert messages["A1"].zh == (
        "没有纳入计算的初中学校,“初中每百名学生拥有专任教师数差异系数”不适用,本项按满分计。"
    )
    assert messages["A1"].en == (
        "No junior secondary school is counted, so “Junior: CV of teachers per 100 pupils” "
        "does not apply; the item scores full marks."
    )
    assert messages["A2"].zh.endswith("不适用,本项按0分计。")
    assert messages["A2"].en.endswith("does not apply; the item scores zero points.")
    assert messages["A3"].zh.endswith("不适用,本项不计分,总分按适用项折算。")
    assert messages["A3"].en.endswith(
        "does not apply; the item is left out and the total is rescaled to the items that apply."
    )


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_scores_only_agrees_with_the_explained_evaluation(compiled, make):
    explained = compiled.evaluate(make())
    fast = compiled.evaluate(make(), explain=False)
    assert fast.indicators == explained.indicators
    assert (fast.total, fast.base_total, fast.grade) == (
        explained.total,
        explained.base_total,
        explained.grade,
    )
    assert fast.verdict == explained.verdict
    assert fast.outcomes == explained.outcomes
    assert fast.findings == ()


def test_every_item_whose_rule_reads_it_is_not_applicable_in_a_batch(compiled):
    docs = [_facts(ROWS), _without_junior(), _every_junior_excluded()]
    cards = list(compiled.evaluate_many(docs, explain=False))
    assert [c.node("A1").status for c in cards] == ["scored", "not_applicable", "not_applicable"]


# ---------------------------------------------------------------------- the scorecard


def test_the_aggregates_list_shows_it_not_computed_with_why(compiled):
    card = compiled.evaluate(_without_junior())
    shown = {dv.path: dv for dv in card.aggregates}
    assert shown["derived.junior.cv"].value is None
    assert shown["derived.junior.cv"].not_computed.zh == "没有纳入计算的初中学校"
    assert shown["derived.primary.cv"].value is not None
    data = json.loads(card.to_json())
    jsonschema.Draft202012Validator(evalrules.scorecard_schema()).validate(data)
    written = {a["fact"]: a for a in data["aggregates"]}
    assert written["derived.junior.cv"]["value"] is None
    assert written["derived.junior.cv"]["not_computed"] == {
        "zh": "没有纳入计算的初中学校",
        "en": "No junior secondary school is counted",
    }
    assert "not_computed" not in written["derived.primary.cv"]
    assert evalrules.Scorecard.from_json(card.to_json()) == card
    engine = evalrules.Engine(autoload=False)
    for lang, says in (("zh", "未计算"), ("en", "not computed")):
        for name in ("table", "markdown", "html"):
            text = engine.render(card, name, lang=lang, rubric=compiled.rubric, width=200)
            assert isinstance(text, str)
            assert says in text, (name, lang)
            reason = "没有纳入计算的初中学校" if lang == "zh" else "No junior secondary school"
            assert reason in text, (name, lang)


# ------------------------------------------------------------------------ the verdict


def test_a_gate_not_applicable_does_not_fail_the_verdict(compiled):
    # A1, A2 (zero points), A3 (excluded), A4 and A5 are gates and not applicable; B is met.
    card = compiled.evaluate(_without_junior())
    assert card.node("A2").score == 0
    assert card.verdict is not None
    assert card.verdict.code == "passed"
    assert compiled.evaluate(_without_junior(), explain=False).verdict == card.verdict
    # a gate that is scored and loses points still fails it
    rows = [r for r in ROWS if r["stage"] != "junior"]
    rows[0]["teachers"] = 200
    failed = compiled.evaluate(_facts(rows))
    assert failed.verdict is not None
    assert [g.code for g in failed.verdict.failed] == ["B"]
