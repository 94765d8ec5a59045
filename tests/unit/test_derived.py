"""Derived facts: a closed set of formulas, exact decimals, clear problems, shown as evidence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from _rubrics import evaluate, fact, nest, rule, single

from evalrules import DerivedFact, Text
from evalrules._facts._derived import FORMULAS, compute_derived
from evalrules._points import context
from evalrules.errors import FactsError

D = Decimal
CTX = context()


def _derived(path: str, formula: str, *inputs: str, year: int | None = None) -> DerivedFact:
    return DerivedFact(path, formula, inputs, Text(path, path), year=year)


@pytest.mark.parametrize(
    ("formula", "values", "expected"),
    [
        ("ratio", (D(3), D(4)), D("0.75")),
        ("share", (D(4443), D(5232)), CTX.multiply(CTX.divide(D(4443), D(5232)), D(100))),
        ("share", (D(2616), D(5232)), D(50)),
        ("per_capita", (D("9245154.23"), D(10140)), CTX.divide(D("9245154.23"), D(10140))),
        ("difference", (D("4.8"), D("4.7")), D("0.1")),
        ("sum", (D("4.8"), D("4.7"), D("4.5")), D("14.0")),
    ],
)
def test_formulas_are_exact(formula, values, expected):
    paths = tuple(f"f.v{i}" for i in range(len(values)))
    flat = dict(zip(paths, values, strict=True))
    result, problems = compute_derived([_derived("d.x", formula, *paths)], flat, 2022)
    assert problems == []
    dv = result["d.x"]
    assert dv.value == expected
    assert isinstance(dv.value, Decimal)
    assert dv.formula == formula
    assert dv.inputs == tuple(flat.items())


def test_the_formulas_are_a_closed_set():
    assert set(FORMULAS) == {
        "ratio",
        "share",
        "per_capita",
        "per_hundred",
        "difference",
        "growth",
        "sum",
    }


def test_fifty_percent_is_exactly_fifty():
    result, _ = compute_derived([_derived("d.s", "share", "a", "b")], {"a": 2616, "b": 5232}, 2022)
    assert result["d.s"].value == 50


def test_growth_reads_the_data_year_and_the_year_before():
    series = {2020: D(50), 2021: D(100), 2022: D("111.3")}
    result, problems = compute_derived([_derived("d.g", "growth", "s")], {"s": series}, 2022)
    assert problems == []
    dv = result["d.g"]
    assert dv.value == D("11.3")
    assert dv.inputs == (("s[2021]", D(100)), ("s[2022]", D("111.3")))


def test_growth_with_a_declared_year():
    series = {2020: D(50), 2021: D(100), 2022: D("111.3")}
    result, _ = compute_derived([_derived("d.g", "growth", "s", year=2021)], {"s": series}, 2022)
    assert result["d.g"].value == 100


def test_growth_without_the_years_is_a_problem():
    _, problems = compute_derived([_derived("d.g", "growth", "s")], {"s": {2022: 1}}, 2022)
    (p,) = problems
    assert (p.path, p.code) == ("s", "missing-year")
    assert "2021" in p.message_en
    assert "2022" in p.message_en


@pytest.mark.parametrize(
    ("formula", "flat", "divisor"),
    [
        ("ratio", {"a": 1, "b": 0}, "b"),
        ("share", {"a": 0, "b": 0}, "b"),
        ("per_capita", {"a": D("5.5"), "b": D("0.0")}, "b"),
        ("growth", {"s": {2021: 0, 2022: 5}}, "s[2021]"),
    ],
)
def test_division_by_zero_is_a_clear_problem(formula, flat, divisor):
    inputs = ("s",) if formula == "growth" else ("a", "b")
    _, problems = compute_derived([_derived("d.x", formula, *inputs)], flat, 2022)
    (p,) = problems
    assert (p.path, p.code, p.value) == (divisor, "division-by-zero", 0)
    assert "d.x" in p.message_en  # no description given: the path stands in for one
    assert "为0" in p.message_zh
    # with the facts' descriptions, each is named by it, not by its path
    labels = {"b": Text("在校生数", "pupils"), "s": Text("教育经费", "spending")}
    named = _derived("d.x", formula, *inputs)
    named = attrs.evolve(named, description=Text("生均经费", "spending per pupil"))
    _, problems = compute_derived([named], flat, 2022, labels=labels)
    (p,) = problems
    assert p.path == divisor
    if formula == "growth":
        assert p.message_zh == "“生均经费”无法计算:除数“教育经费(2021年)”为0"
        assert (
            p.message_en
            == "cannot compute 'spending per pupil': the divisor 'spending (2021)' is 0"
        )
    else:
        assert p.message_zh == "“生均经费”无法计算:除数“在校生数”为0"
        assert p.message_en == "cannot compute 'spending per pupil': the divisor 'pupils' is 0"


def test_a_derived_fact_may_use_an_earlier_one():
    declared = [_derived("d.total", "sum", "a", "b"), _derived("d.share", "share", "a", "d.total")]
    result, _ = compute_derived(declared, {"a": 1, "b": 3}, 2022)
    assert result["d.share"].value == 25
    assert result["d.share"].inputs == (("a", 1), ("d.total", D(4)))


def test_missing_inputs_leave_the_derived_fact_out():
    result, problems = compute_derived([_derived("d.r", "ratio", "a", "b")], {"a": 1}, 2022)
    assert result == {}
    assert problems == []


# ------------------------------------------------------------------------ in a scorecard

FACTS = {"k.part": fact("count"), "k.whole": fact("count", required=False)}
DERIVED = {
    "derived.k.share": {
        "formula": "share",
        "inputs": ["k.part", "k.whole"],
        "unit": "%",
        "description": {"zh": "占比", "en": "share"},
    },
}


def _doc() -> dict[str, Any]:
    params = {"fact": "derived.k.share", "op": ">=", "value": 85, "deduct": 2}
    return single([rule("R-1", "threshold", params)], FACTS, max_points=4, derived=DERIVED)


def test_division_by_zero_fails_the_evaluation(tmp_path):
    with pytest.raises(FactsError) as info:
        evaluate(tmp_path, _doc(), nest({"k.part": 0, "k.whole": 0}))
    (p,) = info.value.problems
    assert (p.path, p.code) == ("k.whole", "division-by-zero")


def test_derived_value_is_evidence_with_its_inputs(tmp_path):
    card = evaluate(tmp_path, _doc(), nest({"k.part": 4443, "k.whole": 5232}))
    (finding,) = card.findings
    (dv,) = finding.evidence.derived
    assert (dv.path, dv.formula) == ("derived.k.share", "share")
    assert dv.inputs == (("k.part", 4443), ("k.whole", 5232))
    assert finding.evidence.facts == ()  # the rule read the derived value only
    assert "84.92%" in finding.message.zh


def test_missing_input_of_a_derived_fact_is_named(tmp_path):
    with pytest.raises(FactsError) as info:
        evaluate(tmp_path, _doc(), nest({"k.part": 4443}))
    (p,) = info.value.problems
    assert (p.path, p.code) == ("k.whole", "missing")
    card = evaluate(tmp_path, _doc(), nest({"k.part": 4443}), partial=True)
    assert card.findings[0].params["missing"] == ("k.whole",)
