"""The ``bands`` rule kind: every band id is an outcome; the checker flags gaps and overlaps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _rubrics import assert_problems, compile_doc, evaluate, fact, nest, rule, rule_problems, single

from evalrules._rules._builtin import BANDS

FACTS = {"t.rate": fact("ratio", unit="%")}
BANDS_OK = [
    {"id": "low", "max": 90, "deduct": 2},
    {"id": "mid", "min": 90, "max": 95, "deduct": 1},
    {"id": "high", "min": 95, "deduct": 0},
]


def _doc(bands, facts=FACTS):
    return single([rule("R-1", "bands", {"fact": "t.rate", "bands": bands})], facts, max_points=2)


def _card(tmp_path, value, bands=BANDS_OK):
    return evaluate(tmp_path, _doc(bands), nest({"t.rate": value}))


OUTCOMES = {
    "low": (Decimal("89.99"), Decimal(0)),
    "mid": (Decimal("90"), Decimal(1)),  # min is inclusive
    "high": (Decimal("95"), Decimal(2)),  # the previous band's max is exclusive
}


def test_outcomes_are_the_band_ids(tmp_path):
    compiled = compile_doc(tmp_path, _doc(BANDS_OK))
    assert compiled.outcomes() == {"R-1": ("low", "mid", "high")}
    assert BANDS.outcomes == ()
    assert set(OUTCOMES) == set(BANDS.outcomes_for({"bands": BANDS_OK}, Decimal(10)))


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    value, score = OUTCOMES[outcome]
    card = _card(tmp_path, value)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_band_finding_names_the_band(tmp_path):
    card = _card(tmp_path, Decimal("92.5"))
    (finding,) = card.findings
    assert finding.outcome == "mid"
    assert finding.points == Decimal(-1)
    assert "90%(含)至95%(不含)" in finding.message.zh
    assert "90% (inclusive) to 95% (exclusive)" in finding.message.en
    assert "92.5%" in finding.message.zh


def test_a_band_without_deduction_leaves_no_finding(tmp_path):
    assert _card(tmp_path, 99).findings == ()


def test_explicit_inclusive_edges(tmp_path):
    bands = [
        {"id": "low", "max": 90, "max_inclusive": True, "deduct": 2},
        {"id": "high", "min": 90, "min_inclusive": False, "deduct": 0},
    ]
    assert _card(tmp_path, 90, bands).outcomes == (("R-1", "low"),)
    assert _card(tmp_path, Decimal("90.001"), bands).outcomes == (("R-1", "high"),)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [{"id": "low", "max": 80, "deduct": 2}, {"id": "high", "min": 90, "deduct": 0}],
            "gap between bands 'low' and 'high' (80 to 90)",
        ),
        (
            [
                {"id": "low", "max": 90, "deduct": 2},
                {"id": "high", "min": 90, "min_inclusive": False, "deduct": 0},
            ],
            "gap between bands 'low' and 'high' (90 to 90)",
        ),
        (
            [{"id": "low", "max": 95, "deduct": 2}, {"id": "high", "min": 90, "deduct": 0}],
            "bands 'low' and 'high' overlap at 90",
        ),
        (
            [
                {"id": "low", "max": 90, "max_inclusive": True, "deduct": 2},
                {"id": "high", "min": 90, "deduct": 0},
            ],
            "bands 'low' and 'high' overlap at 90",
        ),
        (
            [
                {"id": "low", "min": 10, "max": 90, "deduct": 2},
                {"id": "high", "min": 90, "deduct": 0},
            ],
            "nothing covers values below 10 (band 'low')",
        ),
        (
            [
                {"id": "low", "max": 90, "deduct": 2},
                {"id": "high", "min": 90, "max": 100, "deduct": 0},
            ],
            "nothing covers values above 100 (band 'high')",
        ),
        (
            [{"id": "a", "max": 90, "deduct": 2}, {"id": "a", "min": 90, "deduct": 0}],
            "band id 'a' is used twice",
        ),
        ([{"id": "a", "min": 9, "max": 1, "deduct": 0}], "band 'a' has min 9 above max 1"),
    ],
)
def test_checker_flags_gaps_overlaps_and_uncovered_ranges(tmp_path, bands, message):
    found = rule_problems(
        tmp_path, [rule("R-1", "bands", {"fact": "t.rate", "bands": bands})], FACTS, max_points=2
    )
    assert_problems(found, (None, "bad-params", f"params.bands: {message}"))


def test_bands_may_rely_on_the_facts_declared_range(tmp_path):
    facts = {"t.rate": fact("ratio", minimum=0, maximum=100)}
    bands = [
        {"id": "low", "min": 0, "max": 90, "deduct": 2},
        {"id": "high", "min": 90, "max": 100, "max_inclusive": True, "deduct": 0},
    ]
    card = evaluate(tmp_path, _doc(bands, facts), nest({"t.rate": 100}))
    assert card.outcomes == (("R-1", "high"),)


def test_bands_may_rely_on_the_range_of_a_percentage(tmp_path):
    # a percent is 0..100 by its type; bands covering exactly that range have no gap
    facts = {"t.rate": fact("percent")}
    bands = [
        {"id": "low", "min": 0, "max": 90, "deduct": 2},
        {"id": "high", "min": 90, "max": 100, "max_inclusive": True, "deduct": 0},
    ]
    card = evaluate(tmp_path, _doc(bands, facts), nest({"t.rate": 0}))
    assert card.outcomes == (("R-1", "low"),)


@pytest.mark.parametrize(
    ("bands", "path"),
    [
        ([], "params.bands"),
        ([{"id": "a", "deduct": -1}], "params.bands.0.deduct"),
        ([{"id": "a", "min": "low", "deduct": 0}], "params.bands.0.min"),
        ([{"min": 0, "deduct": 0}], "params.bands.0.id"),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, bands, path):
    found = rule_problems(
        tmp_path, [rule("R-1", "bands", {"fact": "t.rate", "bands": bands})], FACTS, max_points=2
    )
    assert_problems(found, (path, "bad-params"))


def test_bands_need_a_numeric_fact(tmp_path):
    found = rule_problems(
        tmp_path,
        [rule("R-1", "bands", {"fact": "t.rate", "bands": BANDS_OK})],
        {"t.rate": fact("boolean")},
        max_points=2,
    )
    message = "params.fact: t.rate is a boolean, but this rule needs a number (or a derived fact)"
    assert_problems(found, (None, "bad-params", message))


def test_a_first_band_reaching_below_the_range_covers_its_start(tmp_path):
    # a ratio is never below 0, so a band open just above -1 covers everything from 0
    bands = [
        {"id": "low", "min": -1, "min_inclusive": False, "max": 90, "deduct": 2},
        {"id": "high", "min": 90, "deduct": 0},
    ]
    card = evaluate(tmp_path, _doc(bands), nest({"t.rate": 0}))
    assert card.outcomes == (("R-1", "low"),)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("人", "为48人,属“46人(含)以上”档", "is 48, in the band 46 or above: −2."),
        ("平方米", "为48平方米,属“46平方米(含)以上”档", "is 48 m², in the band 46 m² or above"),
        ("万元", "为48万元,属“46万元(含)以上”档", "is 0.48 million yuan, in the band 0.46 million"),
    ],
)
def test_an_english_message_carries_no_chinese_unit(tmp_path, unit, zh, en):
    # the largest class, in 人: 45 or fewer full marks, 46 or more −2
    facts = {"t.rate": fact("count", unit=unit)}
    bands = [{"id": "ok", "max": 46, "deduct": 0}, {"id": "large", "min": 46, "deduct": 2}]
    card = evaluate(tmp_path, _doc(bands, facts), nest({"t.rate": 48}))
    (found,) = card.findings
    assert zh in found.message.zh
    assert en in found.message.en
    assert not _has_cjk(found.message.en), found.message.en
