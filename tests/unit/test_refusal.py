"""One refusal lists every problem of a facts document: the envelope, the claimed scores, the
facts' types and ranges, unknown keys, conditional requirements, cross checks, derived facts
and the facts the rules need. Nothing waits for another round."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from _rubrics import compile_doc, fact, rule, single

from evalrules import FactsDocument
from evalrules._documents import read_document
from evalrules.errors import FactsError


@pytest.fixture
def raw(example) -> dict[str, Any]:
    """The example document as read from its file: envelope, facts and claimed scores."""
    return copy.deepcopy(read_document(Path(example.source or "")))


def refusal(compiled, data: dict[str, Any], **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(FactsError) as info:
        compiled.evaluate(FactsDocument.from_mapping(data), **kwargs)
    found = info.value.problems
    assert list(found) == sorted(found, key=lambda p: (p.path, p.code))
    for p in found:
        assert p.message_zh
        assert p.message_en
    return [(p.path, p.code) for p in found]


def test_four_mistakes_are_refused_once_naming_all_four(compiled, raw):
    raw["claimed"]["indicators"]["99"] = 1  # a claimed score for an indicator that does not exist
    raw["facts"]["pupils"]["primary"] = "3,256"  # a count given as text
    raw["facts"]["party"]["branches_with_deputy"] = raw["facts"]["party"]["branches"] + 5
    del raw["facts"]["ethics"]["major_cases"]  # a required fact left out
    assert refusal(compiled, raw) == [
        ("claimed.indicators.99", "unknown-code"),
        ("ethics.major_cases", "missing"),
        ("party.branches_with_deputy", "part-of"),
        ("pupils.primary", "wrong-type"),
    ]


def test_an_unknown_key_under_claimed_hides_no_facts_problem(compiled, raw):
    raw["claimed"]["totl"] = raw["claimed"].pop("total")
    raw["facts"]["pupils"]["junior"] = -1
    raw["entity"]["nme"] = "x"
    assert refusal(compiled, raw) == [
        ("claimed.totl", "unknown"),
        ("entity.nme", "unknown"),
        ("pupils.junior", "negative"),
    ]


def test_a_claimed_total_above_max_and_bonus_is_over_max(compiled, raw):
    raw["claimed"]["total"] = 100.5  # panjin-county/2023: 100 points, no bonus items
    raw["claimed"]["indicators"]["1.1"] = 1.5
    assert refusal(compiled, raw) == [
        ("claimed.indicators.1.1", "over-max"),
        ("claimed.total", "over-max"),
    ]
    raw["claimed"]["total"] = 100
    raw["claimed"]["indicators"]["1.1"] = 1
    compiled.evaluate(FactsDocument.from_mapping(raw))


def test_derived_and_conditional_problems_come_with_the_others(compiled, raw):
    raw["facts"]["pupils"]["junior"] = 0  # a divisor of a derived ratio
    raw["facts"]["schools"]["has_high_school"] = True  # makes four facts required
    raw["facts"]["ratings"]["fitness"] = 101
    found = refusal(compiled, raw)
    assert found == [
        ("high_school.admission_violations", "missing"),
        ("high_school.comprehensive_evaluation_used", "missing"),
        ("high_school.no_score_ranking", "missing"),
        ("high_school.oversized_schools", "missing"),
        ("pupils.junior", "division-by-zero"),
        ("ratings.fitness", "over-100"),
    ]


def test_cross_checks_run_on_the_facts_that_validated(compiled, raw):
    kindergarten = raw["facts"]["kindergarten"]
    kindergarten["public_children"] = kindergarten["children"] + 1  # valid values, bad relation
    kindergarten["inclusive_children"] = "many"  # refused: its check cannot run
    assert refusal(compiled, raw) == [
        ("kindergarten.inclusive_children", "wrong-type"),
        ("kindergarten.public_children", "part-of"),
    ]


def test_a_refused_fact_is_not_also_reported_missing(compiled, raw):
    # the rules read pupils.primary through a derived fact; its type problem is the one
    raw["facts"]["pupils"]["primary"] = True
    raw["facts"]["funding"]["primary"]["public_funds"] = {"amount": 1}
    assert refusal(compiled, raw) == [
        ("funding.primary.public_funds", "wrong-type"),
        ("pupils.primary", "wrong-type"),
    ]


def test_facts_the_rules_need_are_listed_with_every_other_problem(tmp_path):
    doc = single(
        [
            rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50, "points": 5}),
            rule("R-2", "threshold", {"fact": "x.count", "op": "<=", "value": 3, "points": 5}),
        ],
        {
            "x.value": fact("percent", required=False),
            "x.count": fact("count"),
        },
    )
    compiled = compile_doc(tmp_path, doc)
    with pytest.raises(FactsError) as info:
        compiled.evaluate(
            FactsDocument.from_mapping(
                {"facts": {"x": {"count": 2.5}}, "claimed": {"total": "ten"}}
            )
        )
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("claimed.total", "wrong-type"),
        ("x.count", "not-whole"),
        ("x.value", "missing"),  # optional, but a rule reads it
    ]
    needed = next(p for p in info.value.problems if p.path == "x.value")
    assert "needed by indicator 1" in needed.message_en
    # partial mode: the missing fact makes the item not assessable; the type error remains
    with pytest.raises(FactsError) as partial:
        compiled.evaluate({"x": {"count": 2.5}}, partial=True)
    assert [(p.path, p.code) for p in partial.value.problems] == [("x.count", "not-whole")]
    card = compiled.evaluate({"x": {"count": 2}}, partial=True)
    assert card.node("1").status == "not_assessable"


def test_a_missing_facts_block_is_one_problem_not_one_per_fact(compiled):
    assert refusal(compiled, {"claimed": {"totl": 1}}) == [
        ("claimed.totl", "unknown"),
        ("facts", "missing"),
    ]
    assert refusal(compiled, {"facts": [1, 2]}) == [("facts", "wrong-type")]


def test_validate_checks_everything_but_what_the_rules_find_missing(compiled, raw):
    raw["facts"]["pupils"]["primary"] = 0
    with pytest.raises(FactsError) as info:
        compiled.validate(raw["facts"])
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("pupils.primary", "division-by-zero")
    ]


def test_a_document_naming_another_rubric_is_refused(compiled, raw):
    raw["rubric"] = "panjin-county/2022"
    with pytest.raises(FactsError) as info:
        compiled.evaluate(FactsDocument.from_mapping(raw))
    (problem,) = info.value.problems
    assert (problem.path, problem.code, problem.value) == (
        "rubric",
        "rubric-mismatch",
        "panjin-county/2022",
    )
    assert "panjin-county/2022" in problem.message_zh
    assert "panjin-county/2023" in problem.message_en
    raw["rubric"] = "other-county"  # a family alone must be this rubric's family
    assert refusal(compiled, raw) == [("rubric", "rubric-mismatch")]


@pytest.mark.parametrize(
    "named", [None, "panjin-county/2023", "panjin-county", "../rubrics/2022.yaml"]
)
def test_a_document_naming_this_rubric_no_rubric_or_a_file_is_scored(compiled, raw, named):
    raw["rubric"] = named
    assert compiled.evaluate(FactsDocument.from_mapping(raw)).rubric.ref == "panjin-county/2023"


def test_a_variant_of_the_named_rubric_accepts_it_another_year_does_not():
    doc = FactsDocument.from_mapping({"rubric": "panjin-county/2023", "facts": {}})
    variant = doc.rubric_problem("panjin-shortfall/2023", "1", "d", extends="panjin-county/2023")
    assert variant is None
    next_year = doc.rubric_problem("panjin-county/2024", "1", "d", extends="panjin-county/2023")
    assert next_year is not None
    assert (next_year.path, next_year.code) == ("rubric", "rubric-mismatch")
