"""Facts validation (issue 5): every problem at once, in the user's own terms.

Most tests mutate the 双台子区 example facts and evaluate them against the 2023 Panjin rubric.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _rubrics import evaluate, fact, minimal, nest, rule, single

import evalrules
from evalrules import FactsDocument
from evalrules._frozen import thaw
from evalrules.errors import FactsError, FactsProblem


@pytest.fixture
def facts(example) -> dict[str, Any]:
    """A fresh, mutable copy of the example's facts."""
    return thaw(example.facts)


def problems_of(compiled, facts, **kwargs) -> tuple[FactsProblem, ...]:
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts, **kwargs)
    found = info.value.problems
    assert isinstance(found, tuple)
    assert all(isinstance(p, FactsProblem) for p in found)
    assert list(found) == sorted(found, key=lambda p: p.path), "problems are sorted by path"
    for p in found:
        assert p.message_zh
        assert p.message_en
        assert p.message_zh != p.message_en
    return found


def by_path(found) -> dict[str, FactsProblem]:
    out = {p.path: p for p in found}
    assert len(out) == len(found), found
    return out


def test_the_example_is_valid(compiled, example):
    assert compiled.evaluate(example).complete


def test_every_problem_at_once_sorted_by_path(compiled, facts):
    facts["pupils"]["primary"] = "12,000"
    facts["party"]["branches"] = -3
    facts["after_school"]["coverage_rate"] = 101
    facts["safety"]["major_accident"] = "false"
    del facts["balance"]
    facts["kindergarten"]["childrn"] = 5232
    found = by_path(problems_of(compiled, facts))
    assert {path: p.code for path, p in found.items()} == {
        "after_school.coverage_rate": "over-100",
        "balance.basic_cv_met": "missing",
        "kindergarten.childrn": "unknown",
        "party.branches": "negative",
        "pupils.primary": "wrong-type",
        "safety.major_accident": "wrong-type",
    }
    text = str(FactsError(tuple(found.values())))
    assert "6 problems" in text


def test_missing_required_fact(compiled, facts):
    del facts["pupils"]["junior"]
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("pupils.junior", "missing", None)
    assert "初中在校生人数" in p.message_zh
    assert "Junior secondary pupils" in p.message_en


def test_missing_group_names_every_fact_in_it(compiled, facts):
    del facts["pupils"]
    found = problems_of(compiled, facts)
    assert [(p.path, p.code) for p in found] == [
        ("pupils.junior", "missing"),
        ("pupils.primary", "missing"),
    ]


def test_number_written_as_text_says_how_to_write_it(compiled, facts):
    facts["pupils"]["primary"] = "12,000"
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("pupils.primary", "wrong-type", "12,000")
    assert "12000" in p.message_en
    assert "12000" in p.message_zh
    assert "no quotes, commas or unit" in p.message_en


@pytest.mark.parametrize(
    ("path", "value", "hint"),
    [
        (("funding", "primary", "public_funds"), "9,245,154.23元", "9245154.23"),
        (("after_school", "coverage_rate"), "100%", "100"),
        (("pupils", "primary"), "10140人", None),  # not a number even without commas
    ],
)
def test_other_numbers_written_as_text(compiled, facts, path, value, hint):
    target = facts
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == (".".join(path), "wrong-type")
    if hint:
        assert f"write {hint}" in p.message_en
    else:
        assert "expected a whole number" in p.message_en


@pytest.mark.parametrize(
    ("text", "truth"), [("false", "false"), ("否", "false"), ("yes", "true"), ("有", "true")]
)
def test_boolean_written_as_text(compiled, facts, text, truth):
    facts["safety"]["major_accident"] = text
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("safety.major_accident", "wrong-type")
    assert f"write {truth} (unquoted)" in p.message_en


def test_count_with_a_fraction(compiled, facts):
    facts["ethics"]["major_cases"] = Decimal("1.5")
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("ethics.major_cases", "not-whole")


def test_boolean_where_a_number_is_needed(compiled, facts):
    facts["pupils"]["primary"] = True
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("pupils.primary", "wrong-type", True)
    assert "not a boolean" in p.message_en


def test_negative_count(compiled, facts):
    facts["party"]["branches"] = -3
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("party.branches", "negative", -3)


def test_negative_money(compiled, facts):
    facts["funding"]["primary"]["public_funds"] = Decimal("-1")
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("funding.primary.public_funds", "negative")


def test_percentage_over_100(compiled, facts):
    facts["after_school"]["coverage_rate"] = Decimal("100.01")
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("after_school.coverage_rate", "over-100")
    assert p.message_zh == "百分数不能超过100"


def test_declared_minimum_below_zero_is_honoured(compiled, facts):
    facts["obesity"]["primary"]["reported_rise"] = Decimal("-4.41")
    assert compiled.evaluate(facts).total == Decimal("98.6")
    facts["obesity"]["primary"]["reported_rise"] = Decimal("-101")
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("obesity.primary.reported_rise", "too-small")


def test_unknown_fact_with_did_you_mean(compiled, facts):
    facts["kindergarten"]["childrn"] = 5232
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("kindergarten.childrn", "unknown", 5232)
    assert "did you mean kindergarten.children?" in p.message_en
    assert "kindergarten.children" in p.message_zh


def test_misspelt_group_with_did_you_mean(compiled, facts):
    facts["pupls"] = facts.pop("pupils")
    found = by_path(problems_of(compiled, facts))
    assert {path: p.code for path, p in found.items()} == {
        "pupils.junior": "missing",
        "pupils.primary": "missing",
        "pupls": "unknown",
    }
    assert "did you mean pupils?" in found["pupls"].message_en


def test_unknown_fact_with_no_near_name(compiled, facts):
    facts["zzz"] = 1
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("zzz", "unknown")
    assert "did you mean" not in p.message_en


def test_group_given_as_a_value(compiled, facts):
    facts["pupils"] = 14667
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("pupils", "wrong-type")
    assert "group" in p.message_en


def test_implausibly_large_value(compiled, facts):
    facts["pupils"]["junior"] = 5_000_000
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("pupils.junior", "implausible", 5_000_000)
    assert "2000000" in p.message_en
    assert "check the unit" in p.message_en


def test_required_if(compiled, facts):
    facts["schools"]["has_high_school"] = True
    found = problems_of(compiled, facts)
    assert [(p.path, p.code) for p in found] == [
        ("high_school.admission_violations", "missing"),
        ("high_school.comprehensive_evaluation_used", "missing"),
        ("high_school.no_score_ranking", "missing"),
        ("high_school.oversized_schools", "missing"),
    ]
    assert "schools.has_high_school is true" in found[0].message_en


def test_required_if_satisfied(compiled, facts):
    facts["schools"]["has_high_school"] = True
    facts["high_school"] = {
        "admission_violations": 1,
        "comprehensive_evaluation_used": True,
        "no_score_ranking": True,
        "oversized_schools": 0,
    }
    card = compiled.evaluate(facts)
    assert card.node("4.1").score == 1
    assert card.node("4.1").status == "scored"


def test_cross_check_part_of(compiled, facts):
    facts["kindergarten"]["public_children"] = 6000
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code, p.value) == ("kindergarten.public_children", "part-of", (6000, 5232))
    assert "6000" in p.message_en
    assert "5232" in p.message_en
    assert "kindergarten.children" in p.message_zh


@pytest.mark.parametrize("explain", [True, False], ids=["explained", "scores-only"])
def test_cross_check_part_one_over_its_whole(compiled, facts, explain):
    # the valid path compares the converted numbers directly; one over is still refused
    facts["kindergarten"]["public_children"] = 5233
    with pytest.raises(FactsError) as caught:
        compiled.evaluate(facts, explain=explain)
    (p,) = caught.value.problems
    assert (p.path, p.code) == ("kindergarten.public_children", "part-of")


def test_cross_check_equal_part_is_fine(compiled, facts):
    facts["kindergarten"]["public_children"] = 5232
    assert compiled.evaluate(facts).node("11").score == 4


# --------------------------------------------------------------------------- NaN, infinity


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf"])
def test_yaml_nan_and_infinity(compiled, example, tmp_path, text):
    body = Path(example.source or "").read_text(encoding="utf-8")
    body = body.replace("rate: 27.02", f"rate: {text}")
    path = tmp_path / "facts.yaml"
    path.write_text(body, encoding="utf-8")
    (p,) = problems_of(compiled, evalrules.load_facts(path))
    assert (p.path, p.code) == ("obesity.primary.rate", "not-finite")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity(compiled, example, tmp_path, constant):
    data = json.loads(json.dumps(_plain(dict(example.facts))))
    data["pupils"]["primary"] = "@@"
    text = json.dumps({"evalrules": "facts/1", "facts": data}).replace('"@@"', constant)
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    (p,) = problems_of(compiled, evalrules.load_facts(path))
    assert (p.path, p.code) == ("pupils.primary", "not-finite")


def test_float_nan_from_a_host_application(compiled, facts):
    facts["ratings"]["fitness"] = float("nan")
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("ratings.fitness", "not-finite")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------------------ series


def test_series_values(compiled, facts):
    facts["fitness"]["good_rate"] = {2021: 28, "abc": 3, 2022: 101}
    found = problems_of(compiled, facts)
    assert [(p.path, p.code) for p in found] == [
        ("fitness.good_rate.2022", "over-100"),
        ("fitness.good_rate.abc", "bad-year"),
    ]


def test_series_given_as_a_number(compiled, facts):
    facts["fitness"]["good_rate"] = 39.78
    (p,) = problems_of(compiled, facts)
    assert (p.path, p.code) == ("fitness.good_rate", "wrong-type")
    assert "{2021: 28.67, 2022: 39.78}" in p.message_en


# ------------------------------------------------------------------------------ claims


def test_claimed_scores_for_unknown_codes_or_above_max(compiled, facts):
    found = by_path(problems_of(compiled, facts, claimed={"99": 3, "1.1": 5, "8.2": 3}))
    assert {path: p.code for path, p in found.items()} == {
        "claimed.indicators.1.1": "over-max",
        "claimed.indicators.99": "unknown-code",
    }
    assert "exceeds the indicator's max 1" in found["claimed.indicators.1.1"].message_en


def test_claim_and_facts_problems_together(compiled, facts):
    facts["party"]["branches"] = -1
    found = problems_of(compiled, facts, claimed={"99": 1})
    assert [(p.path, p.code) for p in found] == [
        ("claimed.indicators.99", "unknown-code"),
        ("party.branches", "negative"),
    ]


@pytest.mark.parametrize(
    ("claimed", "path", "code"),
    [
        ({"total": "98.6"}, "claimed.total", "wrong-type"),
        ({"total": -1}, "claimed.total", "negative"),
        ({"indicators": {"1.1": True}}, "claimed.indicators.1.1", "wrong-type"),
        ({"indicators": [1]}, "claimed.indicators", "wrong-type"),
        ({"totl": 98}, "claimed.totl", "unknown"),
    ],
)
def test_claimed_scores_in_a_document(claimed, path, code):
    # Envelope problems are kept with the document and reported when it is evaluated.
    doc = FactsDocument.from_mapping({"facts": {}, "claimed": claimed})
    assert [(p.path, p.code) for p in doc.problems] == [(path, code)]
    with pytest.raises(FactsError) as info:
        doc.raise_problems()
    assert [(p.path, p.code) for p in info.value.problems] == [(path, code)]


# ----------------------------------------------------------------------- the envelope


def test_a_blank_entity_id_is_not_a_problem_so_the_facts_problems_show():
    # the template leaves id: "" — its facts problems must all be listed at once
    doc = FactsDocument.from_mapping({"entity": {"id": "", "name": ""}, "facts": {}})
    assert doc.entity is None


def test_document_envelope_problems_all_at_once():
    with pytest.raises(FactsError) as info:
        FactsDocument.from_mapping(
            {
                "evalrules": "facts/2",
                "rubrik": "x",
                "entity": {"id": 3.5, "nme": "x"},
                "rubric": 2023,
                "facts": [],
            },
            source="f.yaml",
        ).raise_problems()
    found = {(p.path, p.code) for p in info.value.problems}
    assert found == {
        ("evalrules", "bad-format"),
        ("rubrik", "unknown"),
        ("entity.id", "wrong-type"),
        ("entity.nme", "unknown"),
        ("rubric", "wrong-type"),
        ("facts", "wrong-type"),
    }
    rubrik = next(p for p in info.value.problems if p.path == "rubrik")
    assert "did you mean rubric?" in rubrik.message_en
    assert info.value.source == "f.yaml"


def test_document_that_is_not_a_mapping():
    with pytest.raises(FactsError) as info:
        FactsDocument.from_mapping([1, 2])
    assert [(p.path, p.code) for p in info.value.problems] == [("<document>", "not-a-mapping")]


def test_unreadable_document_is_a_facts_error(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("facts: {a: 1, a: 2}\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        evalrules.load_facts(path)
    (p,) = info.value.problems
    assert (p.path, p.code) == ("line 1", "duplicate-key")
    assert "重复的键" in p.message_zh


def test_numeric_entity_id_is_text():
    doc = FactsDocument.from_mapping({"facts": {}, "entity": {"id": 211102, "name": "双台子区"}})
    assert doc.entity == evalrules.Entity("211102", "双台子区")


# ---------------------------------------------------------------------------- partial mode


def test_partial_mode_missing_facts_make_items_not_assessable(compiled, facts):
    del facts["ratings"]
    del facts["kindergarten"]["children"]
    card = compiled.evaluate(facts, partial=True)
    assert not card.complete
    for code in ("3.1", "3.2", "3.3", "11"):
        assert card.node(code).status == "not_assessable"
        assert card.node(code).score == 0
    assert card.node("3").status == "not_assessable"  # all its items are
    (finding,) = card.findings_for("11")
    assert finding.kind == "not_assessable"
    assert finding.message_id == "not_assessable.missing"
    assert finding.params["missing"] == ("kindergarten.children",)
    assert "kindergarten.children" in finding.message.zh
    assert card.findings_for("3.1")[0].params["missing"] == ("ratings.fitness",)
    # the rest is scored as usual
    assert card.node("8").score == 14
    assert card.total == Decimal("98.6") - Decimal("14.0") - Decimal("4")


def test_partial_mode_without_missing_facts_is_complete(compiled, example):
    card = compiled.evaluate(example, partial=True)
    assert card.complete
    assert card.total == Decimal("98.6")


def test_partial_mode_still_fails_on_type_errors(compiled, facts):
    del facts["ratings"]
    facts["pupils"]["primary"] = "x"
    facts["ethics"]["major_cases"] = -1
    found = problems_of(compiled, facts, partial=True)
    assert [(p.path, p.code) for p in found] == [
        ("ethics.major_cases", "negative"),
        ("pupils.primary", "wrong-type"),
    ]


def test_strict_mode_reports_an_optional_fact_a_rule_needs(tmp_path):
    doc = single(
        [rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50})],
        {"x.value": fact("percent", required=False)},
    )
    with pytest.raises(FactsError) as info:
        evaluate(tmp_path, doc, {})
    (p,) = info.value.problems
    assert (p.path, p.code) == ("x.value", "missing")
    assert "indicator 1" in p.message_en
    card = evaluate(tmp_path, doc, {}, partial=True)
    assert card.node("1").status == "not_assessable"


def test_facts_from_a_host_application_as_floats_are_exact(tmp_path):
    doc = minimal()
    card = evaluate(tmp_path, doc, nest({"x.value": 49.99}))
    assert card.findings[0].evidence.facts == (("x.value", Decimal("49.99")),)
