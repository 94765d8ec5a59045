"""The ``consecutive_decline`` rule kind (连续N年下降): a run of falls, a level year, a
missing year, the years read, and its parameters checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import CONSECUTIVE_DECLINE

FACTS = {"f.pupils": fact("series", items="count", unit="人")}


def _card(tmp_path, series, *, years=3, **top):
    params = {"fact": "f.pupils", "years": years, "deduct": 2}
    doc = single([rule("R-1", "consecutive_decline", params)], FACTS, max_points=4, **top)
    return evaluate(tmp_path, doc, nest({"f.pupils": series}))


# The rubric's year is 2024, so the data year is 2023: three falls are 2020→21→22→23.
OUTCOMES = {
    "missed": ({2020: 400, 2021: 390, 2022: 380, 2023: 379}, Decimal(2)),
    "met": ({2020: 400, 2021: 390, 2022: 390, 2023: 379}, Decimal(4)),  # a level year
    "no_data": ({2021: 390, 2022: 380, 2023: 379}, Decimal(2)),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(CONSECUTIVE_DECLINE.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    series, score = OUTCOMES[outcome]
    card = _card(tmp_path, series)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_the_finding_names_the_run(tmp_path):
    card = _card(tmp_path, OUTCOMES["missed"][0])
    (finding,) = card.findings
    assert finding.message.zh.endswith("由2020年的400人降至2023年的379人,连续3年下降,扣2分。")
    assert "fell 3 years in a row, from 400 in 2020 to 379 in 2023" in finding.message.en
    assert finding.params["first"] == 2020


def test_a_missing_year_is_named(tmp_path):
    card = _card(tmp_path, OUTCOMES["no_data"][0])
    (finding,) = card.findings
    assert "2020" in finding.message.zh
    assert finding.outcome == "no_data"


def test_only_the_years_before_the_data_year_count(tmp_path):
    # Falls before 2021 are outside a two-year run ending in 2023; 2022→2023 rises.
    series = {2019: 500, 2020: 400, 2021: 300, 2022: 200, 2023: 210}
    assert _card(tmp_path, series, years=2).outcomes == (("R-1", "met"),)
    # The rubric may name the data year: the run 2020→2021→2022 then counts.
    assert _card(tmp_path, series, years=2, data_year=2022).outcomes == (("R-1", "missed"),)


def test_one_year_is_a_single_fall(tmp_path):
    assert _card(tmp_path, {2022: 10, 2023: 9}, years=1).outcomes == (("R-1", "missed"),)
    assert _card(tmp_path, {2022: 10, 2023: 10}, years=1).outcomes == (("R-1", "met"),)


def test_its_parameters_are_checked(tmp_path):
    found = rule_problems(
        tmp_path,
        [rule("R-1", "consecutive_decline", {"fact": "f.count", "years": 0})],
        {"f.count": fact("count")},
    )
    assert_problems(found, ("params.years", "bad-params"))
    found = rule_problems(
        tmp_path,
        [rule("R-1", "consecutive_decline", {"fact": "f.count", "years": 2})],
        {"f.count": fact("count")},
    )
    assert_problems(
        found, (None, "bad-params", "params.fact: f.count is a count, not a year series")
    )
