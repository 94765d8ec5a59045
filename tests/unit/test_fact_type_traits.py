"""Traits on FactType: how a type compares, its shape, its strategy, step and cell format.

The core asks these, so a plugin's type is treated as a builtin one: it can be compared in
a threshold, be the condition of ``required_if``, and be drawn by the test kit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import attempt, fact, minimal, rule, single, write
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
from evalrules import Text
from evalrules._facts._types import BUILTIN_TYPES, COMPARISONS, SHAPES
from evalrules.errors import FactsError, RubricError
from evalrules.testing import invalid_facts, valid_facts

BUILTIN = {t.name: t for t in BUILTIN_TYPES}


@pytest.mark.parametrize(
    ("name", "compares", "shape", "step", "cell_format"),
    [
        ("count", "numbers", "scalar", Decimal(1), "0"),
        ("money", "numbers", "scalar", Decimal("0.01"), "0.00"),
        ("percent", "numbers", "scalar", Decimal("0.01"), "0.00"),
        ("ratio", "numbers", "scalar", Decimal("0.0001"), "0.0000"),
        ("boolean", "equality", "scalar", None, None),
        ("text", "equality", "scalar", None, "@"),
        ("judgement", "none", "scalar", None, None),
        ("series", "none", "series", None, None),
    ],
)
def test_builtin_types_declare_their_traits(name, compares, shape, step, cell_format):
    ftype = BUILTIN[name]
    assert (ftype.compares, ftype.shape, ftype.step, ftype.cell_format) == (
        compares,
        shape,
        step,
        cell_format,
    )
    assert ftype.numeric == (compares == "numbers")
    assert ftype.is_series == (shape == "series")
    assert ftype.is_scalar == (shape == "scalar")
    assert not ftype.is_table


@pytest.mark.parametrize("ftype", [t for t in BUILTIN_TYPES if t.strategy is not None])
def test_a_builtin_strategy_draws_values_its_type_accepts_within_bounds(ftype):
    low, high = (Decimal(3), Decimal("7.5")) if ftype.numeric else (None, None)
    assert ftype.strategy is not None

    @settings(max_examples=30)
    @given(ftype.strategy(low, high))
    def check(value):
        assert ftype.accepts(value)
        if ftype.numeric:
            assert low <= value <= high

    check()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"compares": "sometimes"}, "compares must be one of"),
        ({"shape": "tree"}, "shape must be one of"),
        ({"step": 0}, "step must be a positive number"),
        ({"step": "NaN"}, "step must be a positive number"),
    ],
)
def test_fact_type_refuses_unknown_traits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _letter(**kwargs)
    assert set(COMPARISONS) == {"numbers", "ordered", "equality", "none"}
    assert set(SHAPES) == {"scalar", "series", "table"}


# ----------------------------------------------------------------- a plugin's fact type


def _letter(**traits: Any) -> evalrules.FactType:
    return evalrules.fact_type(
        "letter",
        description=Text("等级", "A letter grade"),
        accepts=lambda v: v in ("A", "B", "C"),
        json_schema={"enum": ["A", "B", "C"]},
        expected=Text("A、B 或 C", "A, B or C"),
        **traits,
    )


def _yes_no() -> evalrules.FactType:
    return evalrules.fact_type(
        "yes_no",
        description=Text("是或否", "Yes or no"),
        accepts=lambda v: isinstance(v, bool),
        json_schema={"type": "boolean"},
        expected=Text("是或否", "yes or no"),
    )


def _engine(*types: evalrules.FactType) -> evalrules.Engine:
    class Types:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_fact_types():
            return list(types)

    return evalrules.Engine(plugins=[Types()], autoload=False)


def _load(tmp_path, engine: evalrules.Engine, doc: dict[str, Any]) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric(write(tmp_path, doc)))


def _rating_rubric(op: str, value: Any) -> dict[str, Any]:
    return single(
        [rule("R-1", "threshold", {"fact": "rating", "op": op, "value": value})],
        {"rating": fact("letter")},
    )


def test_an_ordered_plugin_type_compares_with_every_operator(tmp_path):
    compiled = _load(tmp_path, _engine(_letter(compares="ordered")), _rating_rubric("<=", "B"))
    assert compiled.evaluate({"rating": "A"}).total == 10
    assert compiled.evaluate({"rating": "C"}).total == 0


def test_a_plugin_type_compared_the_way_it_cannot_fails_at_load_time(tmp_path):
    engine = _engine(_letter())  # equality only, by default
    _, error = attempt(lambda: _load(tmp_path, engine, _rating_rubric(">=", "B")), RubricError)
    assert error is not None
    assert any(
        "rating is a letter; operator >= needs a number" in p.message for p in error.problems
    )
    _, error = attempt(lambda: _load(tmp_path, engine, _rating_rubric("==", "D")), RubricError)
    assert error is not None
    assert any("compare it with A, B or C, not 'D'" in p.message for p in error.problems)
    compiled = _load(tmp_path, engine, _rating_rubric("==", "A"))
    assert compiled.evaluate({"rating": "A"}).total == 10


def test_a_plugin_yes_no_type_can_make_facts_required(tmp_path):
    doc = minimal()
    doc["facts"]["x.open"] = fact("yes_no")
    doc["facts"]["x.value"]["required_if"] = "x.open"
    compiled = _load(tmp_path, _engine(_yes_no()), doc)
    with pytest.raises(FactsError) as info:
        compiled.evaluate({"x": {"open": True}})
    assert [(p.path, p.code) for p in info.value.problems] == [("x.value", "missing")]


def test_a_table_type_needs_columns_and_only_it_takes_them(tmp_path):
    table = evalrules.fact_type(
        "schools",
        description=Text("学校明细", "Schools"),
        accepts=lambda v: isinstance(v, list),
        json_schema={"type": "array"},
        expected=Text("学校列表", "a list of schools"),
        shape="table",
    )
    doc = minimal()
    doc["facts"]["x.schools"] = fact("schools")
    columns = {"code": fact("text")}
    doc["facts"]["x.other"] = {**fact("count"), "columns": columns, "key": "code"}
    _, error = attempt(lambda: _load(tmp_path, _engine(table), doc), RubricError)
    assert error is not None
    assert [(p.code, p.path) for p in error.problems] == [
        ("missing", "facts.x.schools.columns"),
        ("unknown-key", "facts.x.other.columns"),
    ]


@pytest.mark.parametrize(
    ("declaration", "code", "where"),
    [
        ({"type": "series", "items": "series"}, "unknown-fact-type", "items"),
        ({"type": "series", "items": "percentage"}, "unknown-fact-type", "items"),
        ({"type": "percent", "items": "percent"}, "unknown-key", "items"),
        ({"type": "series", "items": 3}, "wrong-type", "items"),
    ],
)
def test_items_are_checked_against_the_types_shape(tmp_path, declaration, code, where):
    doc = minimal()
    doc["facts"]["x.years"] = {**fact("count"), **declaration}
    _, error = attempt(lambda: _load(tmp_path, _engine(), doc), RubricError)
    assert error is not None
    assert [(p.code, p.path) for p in error.problems] == [(code, f"facts.x.years.{where}")]


def test_the_test_kit_draws_a_plugin_type_with_its_strategy(tmp_path):
    def letters(low, high):
        from hypothesis import strategies as st

        return st.sampled_from("ABC")

    engine = _engine(_letter(strategy=letters))
    compiled = _load(tmp_path, engine, _rating_rubric("==", "A"))

    @settings(max_examples=20)
    @given(valid_facts(compiled), invalid_facts(compiled))
    def check(facts, invalid):
        assert facts["rating"] in ("A", "B", "C")
        assert compiled.evaluate(facts).total in (0, 10)
        with pytest.raises(FactsError) as info:
            compiled.evaluate(invalid.facts)
        got = sorted((p.path, p.code) for p in info.value.problems)
        assert got == sorted((p.path, p.code) for p in invalid.problems)

    check()


def test_a_numbers_plugin_type_gets_ranges_and_number_strategies(tmp_path):
    def tenths(low, high):
        from hypothesis import strategies as st

        return st.decimals(min_value=low, max_value=high, places=1, allow_nan=False)

    permille = evalrules.fact_type(
        "permille",
        description=Text("千分率", "Per thousand"),
        accepts=lambda v: isinstance(v, int | Decimal) and not isinstance(v, bool),
        rules={"min": 0, "max": 1000},
        json_schema={"type": "number", "minimum": 0, "maximum": 1000},
        expected=Text("0到1000的数字", "a number from 0 to 1000"),
        compares="numbers",
        strategy=tenths,
        step="0.1",
    )
    doc = single(
        [rule("R-1", "threshold", {"fact": "x.rate", "op": ">=", "value": 500})],
        {"x.rate": fact("permille", plausible_max=900)},
    )
    compiled = _load(tmp_path, _engine(permille), doc)
    schema = _engine(permille).facts_schema(compiled.rubric)
    assert schema["properties"]["facts"]["properties"]["x"]["properties"]["rate"]["maximum"] == 900

    @settings(max_examples=30)
    @given(valid_facts(compiled), st.data())
    def check(facts, data):
        assert Decimal(0) <= facts["x"]["rate"] <= 900
        compiled.evaluate(facts)

    check()
