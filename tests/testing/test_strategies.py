"""The strategies: valid documents validate and evaluate; invalid ones report known problems."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import evalrules
from _examples import share
from evalrules.errors import FactsError
from evalrules.testing import (
    PROBLEM_CODES,
    ExpectedProblem,
    InvalidFacts,
    InvariantError,
    check_validation,
    invalid_facts,
    monotonic_cases,
    monotonic_declarations,
    valid_facts,
)


def _flat(facts, prefix=""):
    out = {}
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not (value and all(isinstance(k, int) for k in value)):
            if set(value) == {"deduct", "reason"}:
                out[path] = value
            else:
                out.update(_flat(value, path + "."))
        else:
            out[path] = value
    return out


def _evaluates(rubric, partial):
    @given(valid_facts(rubric, partial=partial))
    def evaluates(facts):
        rubric.validate(facts, partial=partial)
        rubric.evaluate(facts, partial=partial)

    evaluates()


@pytest.mark.parametrize("partial", [False, True], ids=["complete", "partial"])
def test_valid_documents_validate_and_evaluate(compiled, mini, partial):
    _evaluates(compiled, partial)
    _evaluates(mini, partial)


def test_values_respect_types_ranges_and_relations(compiled):
    specs = {s.path: s for s in compiled.rubric.facts}

    @given(valid_facts(compiled))
    def respects(facts):
        flat = _flat(facts)
        for path, value in flat.items():
            spec = specs[path]
            if spec.type == "count":
                assert isinstance(value, int)
                assert value >= 0
            if spec.type in ("money", "percent", "ratio"):
                assert isinstance(value, Decimal)
                assert value >= (spec.minimum if spec.minimum is not None else 0)
            if spec.type == "percent":
                assert value <= 100
            if spec.plausible_max is not None:
                assert value <= spec.plausible_max
            if spec.type == "series":
                assert all(2019 <= year <= 2022 for year in value)
        assert flat["kindergarten.public_children"] <= flat["kindergarten.children"]
        assert flat["kindergarten.inclusive_children"] <= flat["kindergarten.children"]
        assert flat["party.branches_with_deputy"] <= flat["party.branches"]
        for divisor in ("party.branches", "pupils.primary", "pupils.junior"):
            assert flat[divisor] > 0
        if flat["schools.has_high_school"]:
            assert "high_school.oversized_schools" in flat
        for part, whole in (
            ("kindergarten.private_inclusive_count", "kindergarten.inclusive_count"),
            ("kindergarten.inclusive_count", "kindergarten.count"),
        ):
            if part in flat and whole in flat:
                assert flat[part] <= flat[whole]

    respects()


def test_a_growth_formula_gets_both_years_and_a_nonzero_base(mini):
    # Narrow (one series of one rubric): a share of the profile's examples (tests/_examples.py).
    @share(4)
    @given(valid_facts(mini))
    def growth(facts):
        assert {2022, 2023} <= set(facts["spending"])
        assert facts["spending"][2022] > 0

    growth()


def test_overrides_fix_remove_or_draw_facts(compiled):
    # Narrow (the overridden facts are the subject): a share of the profile's examples.
    @share(4)
    @given(
        valid_facts(
            compiled,
            overrides={
                "kindergarten.children": 100,
                "safety.major_accident": True,
                "kindergarten.count": None,
                "ethics.major_cases": st.integers(3, 5),
            },
        )
    )
    def overridden(facts):
        kindergarten = facts["kindergarten"]
        assert kindergarten["children"] == 100
        assert kindergarten["public_children"] <= 100
        assert "count" not in kindergarten
        assert facts["safety"]["major_accident"] is True
        assert 3 <= facts["ethics"]["major_cases"] <= 5
        card = compiled.evaluate(facts)
        assert card.node("6").score == 0
        assert card.vetoes

    overridden()


def test_an_overridden_part_raises_its_whole(compiled):
    # Narrow (one part, one whole): a share of the profile's examples.
    @share(4)
    @given(valid_facts(compiled, overrides={"kindergarten.public_children": 900000}))
    def raised(facts):
        assert facts["kindergarten"]["children"] >= 900000
        compiled.validate(facts)

    raised()


def test_an_override_of_an_undeclared_fact_is_refused(compiled):
    with pytest.raises(
        ValueError, match=r"kindergarten\.childs \(did you mean kindergarten\.children\?\)"
    ):
        valid_facts(compiled, overrides={"kindergarten.childs": 1})


def test_overrides_that_leave_no_valid_value_are_refused(compiled):
    # Used as given, the part needs a whole above the whole's plausible maximum.
    strategy = valid_facts(compiled, overrides={"kindergarten.public_children": 2000000})

    @settings(max_examples=5, phases=[Phase.generate])
    @given(strategy)
    def impossible(facts):
        raise AssertionError("unreachable: the strategy cannot draw")

    with pytest.raises(ValueError, match=re.escape("no valid value for kindergarten.children")):
        impossible()


def _plugin_type_engine():
    class Grade:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_fact_types():
            return [
                evalrules.fact_type(
                    "letter",
                    description=evalrules.Text("等级", "A letter grade"),
                    accepts=lambda v: v in ("A", "B", "C"),
                    json_schema={"enum": ["A", "B", "C"]},
                    expected=evalrules.Text("A、B 或 C", "A, B or C"),
                )
            ]

    return evalrules.Engine(plugins=[Grade()], autoload=False)


def test_a_plugins_fact_type_needs_a_strategy(tmp_path):
    rubric = tmp_path / "letters.yaml"
    rubric.write_text(
        """\
evalrules: rubric/1
family: letters
year: 2024
version: "1"
title: {zh: 等级, en: Letters}
source: {number: "1"}
total: 1
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades: [{code: pass, label: {zh: 合格, en: Pass}}]
facts:
  rating: {type: letter, description: {zh: 等级, en: Rating}}
indicators:
  - code: A
    title: {zh: 甲, en: A}
    max: 1
    rules:
      - code: L-1
        kind: threshold
        name: {zh: 等级不是A, en: Not an A}
        params: {fact: rating, op: "==", value: A}
        source: {inferred: true, why: test}
""",
        encoding="utf-8",
    )
    engine = _plugin_type_engine()
    letters = engine.compile(engine.load_rubric(rubric))

    @settings(max_examples=5, phases=[Phase.generate])
    @given(valid_facts(letters))
    def no_strategy(facts):
        raise AssertionError("unreachable: the type has no strategy")

    with pytest.raises(TypeError, match=r"no strategy for fact type 'letter' \(fact rating\)"):
        no_strategy()

    @share(4)  # three letters to draw
    @given(valid_facts(letters, types={"letter": st.sampled_from("ABC")}))
    def with_strategy(facts):
        card = letters.evaluate(facts)
        assert card.total == (1 if facts["rating"] == "A" else 0)

    with_strategy()


@pytest.mark.parametrize("name", ["compiled", "mini"])
def test_invalid_documents_report_exactly_their_problems(request, name):
    rubric = request.getfixturevalue(name)

    @given(invalid_facts(rubric))
    def reports(invalid):
        assert invalid.problems
        assert list(invalid.problems) == sorted(invalid.problems, key=lambda p: (p.path, p.code))
        check_validation(rubric, invalid)

    reports()


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("wrong-type", "judgements.item_5"),
        ("not-whole", "staff.teachers"),
        ("negative", "staff.qualified"),
        ("too-small", "growth_rate"),
        ("over-100", "lab.rate"),
        ("too-large", "pupils_per_teacher"),
        ("implausible", "staff.teachers"),
        ("missing", "lab.rate"),
        ("unknown", "note_typo"),
        ("part-of", "staff.qualified"),
        ("not-finite", "budget"),
        ("not-finite", "coverage"),
        ("bad-year", "spending.2323"),
    ],
)
def test_every_kind_of_problem_is_drawn(mini, code, path):
    assert code in PROBLEM_CODES
    strategy = invalid_facts(mini, codes=[code])

    @settings(max_examples=20)
    @given(strategy)
    def only_that_kind(invalid):
        assert {p.code for p in invalid.problems} == {code}
        check_validation(mini, invalid)

    only_that_kind()
    found = find(
        strategy,
        lambda invalid: ExpectedProblem(path, code) in invalid.problems,
        settings=settings(
            max_examples=1000, database=None, phases=[Phase.generate], derandomize=True
        ),
    )
    check_validation(mini, found)


def test_problem_codes_must_be_known(mini):
    with pytest.raises(ValueError, match=r"unknown problem codes \['typo'\]"):
        invalid_facts(mini, codes=["typo", "missing"])
    with pytest.raises(ValueError, match="at least one"):
        invalid_facts(mini, codes=[])


def test_a_problem_the_rubric_cannot_have_is_refused(compiled):
    # Panjin declares no maximum below a type's own and no series it could break with
    # a year: its only series (fitness.good_rate) is optional and may be drawn empty, but
    # "too-large" has no fact at all.
    @settings(max_examples=5, phases=[Phase.generate])
    @given(invalid_facts(compiled, codes=["too-large"]))
    def impossible(invalid):
        raise AssertionError("unreachable: nothing can be too large")

    with pytest.raises(ValueError, match=r"no way to make the problems \['too-large'\]"):
        impossible()


def test_max_problems_must_be_positive(compiled):
    with pytest.raises(ValueError, match="at least 1"):
        invalid_facts(compiled, max_problems=0)


def test_a_wrong_expectation_is_reported(compiled, example):
    facts = {k: v for k, v in example.facts.items() if k != "pupils"}
    wrong = InvalidFacts(facts, (ExpectedProblem("pupils.primary", "missing"),))
    with pytest.raises(InvariantError) as info:
        check_validation(compiled, wrong)
    assert [str(v) for v in info.value.violations] == [
        "[validation] at pupils.junior: problem 'missing' reported but not expected"
    ]
    with pytest.raises(FactsError):
        compiled.validate(facts)


def test_monotonic_cases_differ_in_one_fact(compiled):
    # Narrow (one declaration), as run_monotonic gives each a quarter of the examples.
    @share(4)
    @given(monotonic_cases(compiled, "PJ-8.2-a", "pupils.primary"))
    def pair(case):
        assert case.low < case.high
        assert case.facts_low["pupils"]["primary"] == case.low
        assert case.facts_high["pupils"]["primary"] == case.high
        low, high = _flat(case.facts_low), _flat(case.facts_high)
        assert {p for p in low if low[p] != high.get(p)} == {"pupils.primary"}
        assert set(low) == set(high)
        compiled.validate(case.facts_low)
        compiled.validate(case.facts_high)

    pair()


def test_monotonic_cases_of_a_part_stay_within_the_whole(compiled):
    # Narrow (one declaration), as run_monotonic gives each a quarter of the examples.
    @share(4)
    @given(monotonic_cases(compiled, "PJ-11-a", "kindergarten.public_children"))
    def pair(case):
        assert case.high <= case.facts_high["kindergarten"]["children"]

    pair()


def test_a_boolean_is_ordered_false_then_true(mini):
    # Narrow (one declaration), as run_monotonic gives each a quarter of the examples.
    @share(4)
    @given(monotonic_cases(mini, "MC-6-zero"))
    def pair(case):
        assert (case.low, case.high) == (False, True)

    pair()


def test_monotonic_cases_name_what_is_missing(compiled, mini):
    with pytest.raises(LookupError, match="PJ-12-a declares no monotonicity"):
        monotonic_cases(compiled, "PJ-12-a")
    with pytest.raises(LookupError, match="several monotonic facts"):
        monotonic_cases(compiled, "PJ-8.2-a")
    with pytest.raises(LookupError, match=re.escape("for ratings.fitness")):
        monotonic_cases(compiled, "PJ-8.2-a", "ratings.fitness")


# ------------------------------------------------ a plugin's check declared at_most


def _not_above(values):
    low, high = values
    return None if Decimal(str(low)) <= Decimal(str(high)) else ("超出", "above")


class _NotAbove:
    @staticmethod
    @evalrules.hookimpl
    def evalrules_register_cross_checks():
        return [
            evalrules.cross_check_kind(
                "not_above",
                description=evalrules.Text("不超过", "Not above"),
                arity=2,
                check=_not_above,
                at_most=True,
            )
        ]


@pytest.fixture(scope="module")
def not_above(tmp_path_factory):
    mini = Path(__file__).parent / "data" / "mini-county-2024.yaml"
    text = mini.read_text(encoding="utf-8").replace("{kind: part_of,", "{kind: not_above,")
    path = tmp_path_factory.mktemp("not-above") / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    engine = evalrules.Engine(plugins=[_NotAbove()], autoload=False)
    return engine.compile(engine.load_rubric(path))


def test_a_plugins_at_most_check_is_drawn_held_and_broken(not_above):
    assert [c.kind for c in not_above.rubric.cross_checks] == ["not_above"]

    @settings(max_examples=20)
    @given(valid_facts(not_above), invalid_facts(not_above, codes=["not-above"]))
    def held_and_broken(facts, invalid):
        not_above.validate(facts)
        assert {(p.path, p.code) for p in invalid.problems} == {("staff.qualified", "not-above")}
        check_validation(not_above, invalid)

    held_and_broken()


def test_at_most_relates_two_facts():
    with pytest.raises(ValueError, match="at_most relates two facts"):
        evalrules.cross_check_kind(
            "between",
            description=evalrules.Text("介于", "Between"),
            arity=3,
            check=_not_above,
            at_most=True,
        )


@pytest.mark.parametrize(
    ("draw", "name"),
    [
        (lambda r: valid_facts(r), "valid_facts"),
        (lambda r: invalid_facts(r), "invalid_facts"),
        (lambda r: monotonic_declarations(r), "monotonic_declarations"),
    ],
)
def test_a_rubric_not_compiled_is_refused_saying_what_to_pass(draw, name):
    engine = evalrules.Engine()
    rubric = engine.load_rubric("national-balance/2017")
    with pytest.raises(TypeError, match=rf"{name}\(\) takes a CompiledRubric, not Rubric") as e:
        draw(rubric)
    assert "engine.compile(rubric)" in str(e.value)
    with pytest.raises(TypeError, match=re.escape("engine.load_rubric('national-balance/2017')")):
        draw("national-balance/2017")
