"""The ``non_decrease`` rule kind (只增不减): year-over-year, faster_than, a missing year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, evaluate, fact, nest, rule, rule_problems, single

from evalrules import Scorecard
from evalrules._rules._builtin import NON_DECREASE

FACTS = {
    "f.spending": fact("series", items="money", unit="万元"),
    "f.revenue": fact("series", items="money", unit="万元"),
}


def _card(tmp_path, spending, revenue=None, params=None, **top):
    params = params or {"fact": "f.spending", "deduct": 4}
    doc = single([rule("R-1", "non_decrease", params)], FACTS, max_points=8, **top)
    facts = {"f.spending": spending, "f.revenue": revenue or {2022: 1, 2023: 1}}
    return evaluate(tmp_path, doc, nest(facts))


# the rubric's year is 2024, so the data year is 2023 (year - 1) unless it says otherwise
OUTCOMES = {
    "met": ({2022: 100, 2023: 100}, Decimal(8)),  # equal is not a decrease
    "missed": ({2022: 100, 2023: Decimal("99.99")}, Decimal(4)),
    "no_data": ({2023: 100}, Decimal(4)),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(NON_DECREASE.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    series, score = OUTCOMES[outcome]
    card = _card(tmp_path, series)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_reads_the_data_year_and_the_year_before(tmp_path):
    # a fall between 2021 and 2022 is not this evaluation's business
    card = _card(tmp_path, {2021: 500, 2022: 100, 2023: 120})
    assert card.outcomes == (("R-1", "met"),)


def test_data_year_declared_by_the_rubric(tmp_path):
    card = _card(tmp_path, {2021: 500, 2022: 100, 2023: 120}, data_year=2022)
    assert card.outcomes == (("R-1", "missed"),)
    (finding,) = card.findings
    assert "2022" in finding.message.zh
    assert "500" in finding.message.zh
    assert finding.evidence.facts[0][0] == "f.spending"


def test_year_parameter(tmp_path):
    params = {"fact": "f.spending", "deduct": 4, "year": 2022}
    card = _card(tmp_path, {2021: 500, 2022: 100, 2023: 120}, params=params)
    assert card.outcomes == (("R-1", "missed"),)


@pytest.mark.parametrize(("series", "year"), [({2023: 100}, "2022"), ({2022: 100}, "2023")])
def test_missing_year_deducts_and_names_the_year(tmp_path, series, year):
    card = _card(tmp_path, series)
    (finding,) = card.findings
    assert finding.message_id == "non_decrease.no_data"
    assert finding.params["year"] == int(year)
    assert year in finding.message.zh
    assert finding.points == Decimal(-4)


@pytest.mark.parametrize(
    ("spending", "revenue", "outcome"),
    [
        ({2022: 100, 2023: 112}, {2022: 100, 2023: 111}, "met"),
        ({2022: 100, 2023: 111}, {2022: 100, 2023: 111}, "missed"),  # equal growth is not faster
        ({2022: 100, 2023: 105}, {2022: 200, 2023: 230}, "missed"),
        ({2022: 100, 2023: 99}, {2022: 100, 2023: 90}, "met"),  # a smaller fall is faster
        ({2022: 100, 2023: 112}, {2023: 111}, "no_data"),
        ({2022: 100, 2023: 112}, {2022: 0, 2023: 111}, "no_data"),
    ],
)
def test_faster_than(tmp_path, spending, revenue, outcome):
    params = {"fact": "f.spending", "faster_than": "f.revenue", "deduct": 4}
    card = _card(tmp_path, spending, revenue, params=params)
    assert card.outcomes == (("R-1", outcome),)
    if outcome == "missed":
        (finding,) = card.findings
        assert finding.message_id == "non_decrease.slower"
        assert "%" in finding.message.zh
        # both series are evidence
        assert [path for path, _ in finding.evidence.facts] == ["f.revenue", "f.spending"]


@pytest.mark.parametrize(
    ("params", "facts", "problem"),
    [
        (
            {"fact": "f.count"},
            {"f.count": fact("count")},
            (None, "bad-params", "params.fact: f.count is a count, not a year series"),
        ),
        (
            {"fact": "f.spending", "faster_than": "f.count"},
            {"f.count": fact("count")},
            (None, "bad-params", "params.faster_than: f.count is a count, not a year series"),
        ),
        ({"fact": "f.spending", "year": 1800}, {}, ("params.year", "bad-params")),
        ({"fact": "f.spending", "year": Decimal("2023.5")}, {}, ("params.year", "bad-params")),
        ({"fact": "f.spending", "faster_than": ""}, {}, ("params.faster_than", "bad-params")),
        ({"fact": "f.spending", "deduct": -4}, {}, ("params.deduct", "bad-params")),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, facts, problem):
    found = rule_problems(
        tmp_path, [rule("R-1", "non_decrease", params)], {**FACTS, **facts}, max_points=8
    )
    assert_problems(found, problem)


def test_a_derived_fact_is_not_a_series(tmp_path):
    facts = {**FACTS, "f.a": fact("money"), "f.b": fact("money")}
    derived = {
        "derived.f.d": {
            "formula": "difference",
            "inputs": ["f.a", "f.b"],
            "description": {"zh": "差", "en": "difference"},
        }
    }
    found = rule_problems(
        tmp_path,
        [rule("R-1", "non_decrease", {"fact": "derived.f.d"})],
        facts,
        max_points=8,
        derived=derived,
    )
    message = "params.fact: derived.f.d is a derived number, not a year series"
    assert_problems(found, (None, "bad-params", message))


def test_series_evidence_survives_the_json_form(tmp_path):
    card = _card(tmp_path, {2022: 100, 2023: 90})
    (finding,) = card.findings
    assert finding.evidence.facts == (("f.spending", {2022: 100, 2023: 90}),)
    assert Scorecard.from_dict(card.to_dict()) == card
