"""The cohort-relative kinds: by_place, threshold_else_place, relative_to_mean,
relative_to_best. Ties, missing data, a refused district, evaluation alone, claims.

Every district here is constructed for the test: codes 9001.. and their values are made up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import assert_problems, compile_doc, engine, fact, nest, rule, rule_problems, single

from evalrules import CohortStatistics, Entity, FactsDocument
from evalrules._rules._relative import (
    BY_PLACE,
    RELATIVE_TO_BEST,
    RELATIVE_TO_MEAN,
    THRESHOLD_ELSE_PLACE,
)

RATE = {"x.rate": fact("percent", unit="%", required=False)}
OTHER = {"x.count": fact("count", required=False)}


def _rubric(tmp_path, kind: str, params: dict[str, Any], *, max_points: int = 10, facts=None):
    doc = single(
        [rule("R", kind, params)], {**RATE, **OTHER, **(facts or {})}, max_points=max_points
    )
    return compile_doc(tmp_path, doc)


def _doc(code: str, rate: Any, **more: Any) -> FactsDocument:
    facts = {} if rate is None else {"x.rate": rate}
    facts.update(more)
    # Constructed districts, not reported data.
    return FactsDocument(entity=Entity(code, f"测试区{code}"), facts=nest(facts))


def _scores(cohort) -> dict[str, Decimal]:
    return {m.entity.id: m.card.node("1").score for m in cohort.members}


def _finding(card):
    (found,) = [f for f in card.findings if f.rule == "R"]
    return found


PLACES = {"fact": "x.rate", "places": [10, 8, 6, 4]}


# ---------------------------------------------------------------------------- by_place


def test_points_by_place_highest_first(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [
        _doc("9001", 70),
        _doc("9002", 90),
        _doc("9003", 80),
        _doc("9004", 60),
        _doc("9005", 50),
    ]
    cohort = compiled.evaluate_cohort(docs)
    assert _scores(cohort) == {
        "9002": Decimal("10.0"),
        "9003": Decimal("8.0"),
        "9001": Decimal("6.0"),
        "9004": Decimal("4.0"),
        "9005": Decimal("0.0"),  # beyond the list: 0 by default
    }
    card = cohort.member("9003").card
    assert card.outcomes == (("R", "placed"),)
    found = _finding(card)
    assert "在5个县区中排第2,得8分" in found.message.zh
    assert "2nd of 5 districts: 8 points" in found.message.en
    assert cohort.member("9005").card.outcomes == (("R", "beyond"),)
    assert cohort.member("9002").card.outcomes == (("R", "full"),)


def test_a_finding_shows_no_other_districts_facts(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [_doc("9001", Decimal("71.25")), _doc("9002", Decimal("93.75")), _doc("9003", 80)]
    found = _finding(compiled.evaluate_cohort(docs).member("9001").card)
    for other in ("93.75", "80"):
        assert other not in found.message.zh
        assert other not in found.message.en
    assert "71.25" in found.message.zh
    assert found.evidence.facts == (("x.rate", Decimal("71.25")),)


def test_lower_first_and_beyond(tmp_path):
    compiled = _rubric(
        tmp_path, "by_place", {**PLACES, "direction": "lower_first", "places": [10, 8], "beyond": 5}
    )
    docs = [_doc("9001", 3), _doc("9002", 1), _doc("9003", 2), _doc("9004", 9)]
    assert _scores(compiled.evaluate_cohort(docs)) == {
        "9002": Decimal("10.0"),
        "9003": Decimal("8.0"),
        "9001": Decimal("5.0"),
        "9004": Decimal("5.0"),
    }


def test_ties_share_the_higher_place(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [_doc("9001", 90), _doc("9002", 80), _doc("9003", 80), _doc("9004", 70)]
    cohort = compiled.evaluate_cohort(docs)
    assert _scores(cohort) == {
        "9001": Decimal("10.0"),
        "9002": Decimal("8.0"),
        "9003": Decimal("8.0"),
        "9004": Decimal("4.0"),  # the fourth place: two districts share the second
    }
    assert "排第2" in _finding(cohort.member("9003").card).message.zh
    assert "排第4" in _finding(cohort.member("9004").card).message.zh


def test_missing_data_is_not_ranked_and_the_others_rank_among_themselves(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [_doc("9001", 90), _doc("9002", None, **{"x.count": 1}), _doc("9003", 80)]
    partial = compiled.evaluate_cohort(docs, partial=True)
    assert partial.member("9002").card.node("1").status == "not_assessable"
    assert _scores(partial)["9003"] == Decimal("8.0")
    assert "在2个县区中排第2" in _finding(partial.member("9003").card).message.zh
    # Without partial the district missing the fact is refused; the others as before.
    strict = compiled.evaluate_cohort(docs)
    assert [r.entity.id for r in strict.refused] == ["9002"]
    assert [p.code for p in strict.refused[0].problems] == ["missing"]
    assert _scores(strict) == {"9001": Decimal("10.0"), "9003": Decimal("8.0")}


def test_a_refused_district_takes_no_place(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [_doc("9001", 70), _doc("9002", 95, **{"x.count": "many"}), _doc("9003", 80)]
    cohort = compiled.evaluate_cohort(docs)
    assert [r.entity.id for r in cohort.refused] == ["9002"]
    assert _scores(cohort) == {"9003": Decimal("10.0"), "9001": Decimal("8.0")}
    assert "在2个县区中排第2" in _finding(cohort.member("9001").card).message.zh


def test_a_district_refused_only_when_scored_is_placed_again_without(tmp_path):
    # The fact it is ranked by validates, so the first pass counts it; the count fact it
    # lacks is what the second rule needs: it is refused then, and the others placed again.
    doc = single(
        [
            rule("R", "by_place", PLACES),
            rule("Q", "per_incident", {"fact": "x.count", "deduct_each": 1}),
        ],
        {**RATE, **OTHER},
    )
    compiled = compile_doc(tmp_path, doc)
    docs = [
        _doc("9001", 70, **{"x.count": 0}),
        _doc("9002", 95),
        _doc("9003", 80, **{"x.count": 0}),
    ]
    cohort = compiled.evaluate_cohort(docs)
    assert [r.entity.id for r in cohort.refused] == ["9002"]
    assert _scores(cohort) == {"9003": Decimal("10.0"), "9001": Decimal("8.0")}


def test_alone_the_item_is_not_assessable_with_a_reason(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    card = compiled.evaluate(nest({"x.rate": 90}))
    assert card.node("1").status == "not_assessable"
    assert card.node("1").score == 0
    assert not card.complete
    found = _finding(card)
    assert found.kind == "not_assessable"
    assert "按全市各县区排序计分,单独评价时无法计算" in found.message.zh
    assert "scored by place among the city's districts; it cannot be scored alone" in (
        found.message.en.lower()
    )
    assert card.outcomes == (("R", "alone"),)
    scores_only = compiled.evaluate(nest({"x.rate": 90}), explain=False)
    assert scores_only.node("1") == card.node("1")
    assert scores_only.total == card.total


def test_alone_with_the_cohorts_statistics_it_is_scored(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    stats = CohortStatistics({"R": (("9001", Decimal(95)), ("9002", Decimal(85)))})
    doc = _doc("9003", 90)
    card = compiled.evaluate(doc, cohort=stats)
    assert card.node("1").score == Decimal("8.0")
    # Its own value in the statistics is not counted twice.
    with_self = CohortStatistics({"R": (*stats.values["R"], ("9003", Decimal(90)))})
    assert compiled.evaluate(doc, cohort=with_self) == card


def test_a_claim_on_an_item_scored_alone_depends_on_the_cohort(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    card = compiled.evaluate(nest({"x.rate": 90}), claimed={"1": 8, "total": 8})
    claims = {c.code: c for c in card.claimed or ()}
    assert claims["1"].depends_on_cohort
    assert claims["total"].depends_on_cohort
    assert "取决于全市各县区排序" in claims["1"].reason.zh
    assert "depends on the ranking" in claims["1"].reason.en
    assert '"depends_on_cohort": true' in card.to_json()
    table = engine().render(card, "table", lang="zh")
    assert "待排名核定" in table
    assert "awaits the cohort" in engine().render(card, "markdown", lang="en")
    # Evaluated with the cohort, the claim is set against a real score.
    cohort = compiled.evaluate_cohort(
        [
            FactsDocument(
                entity=Entity("9001", "甲"), facts=nest({"x.rate": 90}), claimed={"1": 8}
            ),
            _doc("9002", 95),
        ]
    )
    (claim,) = cohort.member("9001").card.claimed or ()
    assert claim.agrees
    assert not claim.depends_on_cohort


def test_scores_only_equal_the_explained_scores_in_a_cohort(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    docs = [_doc(f"90{i:02d}", v) for i, v in enumerate([70, 90, 90, 60, 50, 85])]
    cohort = compiled.evaluate_cohort(docs)
    stats = CohortStatistics(
        {"R": tuple(sorted((d.entity.id, Decimal(d.facts["x"]["rate"])) for d in docs))}
    )
    for doc in docs:
        explained = compiled.evaluate(doc, cohort=stats)
        quick = compiled.evaluate(doc, cohort=stats, explain=False)
        assert quick.total == explained.total == cohort.member(doc.entity.id).card.total
        assert quick.indicators == explained.indicators
        assert quick.outcomes == explained.outcomes


# ---------------------------------------------------------------- threshold_else_place


ELSE_PLACE = {"fact": "x.rate", "value": 85, "places": [8, 6, 4, 2]}


def test_threshold_else_place(tmp_path):
    compiled = _rubric(tmp_path, "threshold_else_place", ELSE_PLACE)
    docs = [
        _doc("9001", 90),
        _doc("9002", 85),
        _doc("9003", 80),
        _doc("9004", 60),
        _doc("9005", 84),
    ]
    cohort = compiled.evaluate_cohort(docs)
    assert _scores(cohort) == {
        "9001": Decimal("10.0"),
        "9002": Decimal("10.0"),  # the standard is inclusive
        "9005": Decimal("8.0"),
        "9003": Decimal("6.0"),
        "9004": Decimal("4.0"),
    }
    found = _finding(cohort.member("9003").card)
    assert "低于85%的标准;在未达标的3个县区中排第2,得6分" in found.message.zh
    assert "2nd of the 3 districts below it: 6 points" in found.message.en


def test_threshold_else_place_alone(tmp_path):
    compiled = _rubric(tmp_path, "threshold_else_place", ELSE_PLACE)
    assert compiled.evaluate(nest({"x.rate": 90})).node("1").score == Decimal("10.0")
    below = compiled.evaluate(nest({"x.rate": 80}))
    assert below.node("1").status == "not_assessable"
    assert below.outcomes == (("R", "alone"),)


# -------------------------------------------------------------------- relative_to_mean


def test_relative_to_mean(tmp_path):
    compiled = _rubric(tmp_path, "relative_to_mean", {"fact": "x.rate", "otherwise": 4})
    docs = [_doc("9001", 90), _doc("9002", 70), _doc("9003", 80)]  # mean 80
    cohort = compiled.evaluate_cohort(docs)
    assert _scores(cohort) == {
        "9001": Decimal("10.0"),
        "9003": Decimal("10.0"),
        "9002": Decimal("4.0"),
    }
    found = _finding(cohort.member("9002").card)
    assert "低于3个县区的平均水平,得4分" in found.message.zh
    assert "80" not in found.message.zh  # the mean is not shown
    lower = _rubric(tmp_path, "relative_to_mean", {"fact": "x.rate", "direction": "lower_first"})
    assert _scores(lower.evaluate_cohort(docs)) == {
        "9002": Decimal("10.0"),
        "9003": Decimal("10.0"),
        "9001": Decimal("0.0"),
    }


# -------------------------------------------------------------------- relative_to_best


def test_relative_to_best(tmp_path):
    compiled = _rubric(tmp_path, "relative_to_best", {"fact": "x.rate"})
    docs = [_doc("9001", 90), _doc("9002", 60), _doc("9003", 75)]
    cohort = compiled.evaluate_cohort(docs)
    assert _scores(cohort) == {
        "9001": Decimal("10.0"),
        "9003": Decimal("8.3"),  # 75 / 90 of 10, rounded half up
        "9002": Decimal("6.7"),
    }
    found = _finding(cohort.member("9002").card)
    assert "在3个县区中排第3,按与最好水平之比得6.7分" in found.message.zh
    assert "90" not in found.message.zh


# ----------------------------------------------------------------- checks and words


def test_places_above_the_share_or_rising_are_refused(tmp_path):
    found = rule_problems(
        tmp_path,
        [rule("R", "by_place", {"fact": "x.rate", "places": [8, 12]})],
        RATE,
        max_points=10,
    )
    assert_problems(
        found,
        ("params.places.1", "bad-params", "12 is more than the 10 points this rule governs"),
        ("params.places", "bad-params", "a later place gets more points than an earlier one"),
    )


def test_a_fact_that_is_no_number_is_refused(tmp_path):
    flags = {"x.flag": fact("boolean")}
    found = rule_problems(
        tmp_path, [rule("R", "by_place", {"fact": "x.flag", "places": [10]})], flags
    )
    assert [p.path for p in found] == ["params.fact"]


def test_describe_in_both_languages(tmp_path):
    compiled = _rubric(tmp_path, "by_place", PLACES)
    ((_, r),) = compiled.rubric.rules()
    words = compiled.describe(r)
    assert "从高到低排序,依次得10、8、6、4分,其后各得0分" in words.zh
    assert "highest first: 10, 8, 6, 4 points by place, 0 for every place after" in words.en


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        (BY_PLACE, {"places": [10, 8]}, ("alone", "full", "placed", "beyond")),
        (BY_PLACE, {"places": [10], "beyond": 10}, ("alone", "full")),
        (THRESHOLD_ELSE_PLACE, {"places": [8, 6]}, ("alone", "full", "placed", "beyond")),
        (RELATIVE_TO_MEAN, {"otherwise": 10}, ("alone", "full")),
        (RELATIVE_TO_MEAN, {}, ("alone", "full", "below")),
        (RELATIVE_TO_BEST, {}, ("alone", "full", "share")),
    ],
)
def test_reachable_outcomes(kind, params, expected):
    assert kind.outcomes_for({"fact": "x.rate", **params}, Decimal(10)) == expected


def test_the_kinds_rank_their_fact():
    for kind in (BY_PLACE, THRESHOLD_ELSE_PLACE, RELATIVE_TO_MEAN, RELATIVE_TO_BEST):
        assert kind.ranks is not None
        assert kind.ranks({"fact": "x.rate"}) == "x.rate"


# ------------------------------------------------------------ units in English messages

#: Teachers per 100 pupils, counted in 人: English has no word for it after a number.
TEACHERS = {
    "x.teachers": fact(
        "ratio",
        unit="人",
        required=False,
        description={"zh": "每百名学生拥有专任教师数", "en": "Teachers per 100 pupils"},
    )
}


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize(
    ("kind", "params", "zh", "en"),
    [
        ("by_place", {"places": [10, 8, 6, 4]}, "为5.2人,在3个县区中排第3", "is 5.2, 3rd of 3"),
        ("relative_to_best", {}, "为5.2人,在3个县区中排第3", "is 5.2, 3rd of 3"),
        ("relative_to_mean", {}, "为5.2人,低于3个县区的平均水平", "is 5.2, below the mean"),
        (
            "threshold_else_place",
            {"value": 6, "places": [8, 6]},
            "为5.2人,低于6人的标准",
            "is 5.2, below the standard of 6;",
        ),
    ],
)
def test_an_english_message_carries_no_chinese_unit(tmp_path, kind, params, zh, en):
    compiled = _rubric(tmp_path, kind, {"fact": "x.teachers", **params}, facts=TEACHERS)
    stats = CohortStatistics({"R": (("9001", Decimal("5.6")), ("9002", Decimal("5.4")))})
    card = compiled.evaluate(nest({"x.teachers": Decimal("5.2")}), cohort=stats)
    found = _finding(card)
    assert zh in found.message.zh
    assert en in found.message.en
    assert not _has_cjk(found.message.en), found.message.en
    assert found.params["amount"] == {"zh": "5.2人", "en": "5.2"}
