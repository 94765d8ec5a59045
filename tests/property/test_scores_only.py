"""Scores only (``explain=False``) gives the explained path's numbers on every document."""

from __future__ import annotations

import attrs
from _generate import kitchen_sink, scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from _examples import share
from evalrules import CohortStatistics, CompiledRubric, Scorecard
from evalrules._compiler._compiled import _plan
from evalrules._rubric._loader import build_rubric
from evalrules.errors import FactsError
from evalrules.testing import invalid_facts, valid_facts

SCRIPTED = engine(ScriptedPlugin())


def _without_scorers(compiled: CompiledRubric) -> CompiledRubric:
    """``compiled`` with every rule run through its kind's ``evaluate``, as a plugin's kind
    without a ``scorer`` is: the general path the compiled scorers must match."""
    bindings = compiled._plan.bindings
    kinds = {
        name: (attrs.evolve(kind, scorer=None), origin)
        for name, (kind, origin) in bindings.kinds.items()
    }
    plain = attrs.evolve(bindings, kinds=type(bindings.kinds)(kinds))
    return CompiledRubric._from_plan(_plan(plain))


def _numbers(card: Scorecard) -> tuple:
    return (
        card.total,
        card.base_total,
        card.bonus,
        card.max,
        card.grade,
        card.vetoes,
        card.complete,
        tuple((n.code, n.score, n.status) for n in card.walk()),
        card.outcomes,
        _decided(card),
    )


def _decided(card: Scorecard) -> tuple:
    """A verdict as scores decide it (the reasons are findings' words, which scores only
    does not make)."""
    if card.verdict is None:
        return ()
    gates = (*card.verdict.failed, *card.verdict.undecided)
    return (card.verdict.code, tuple((g.code, g.rule, g.score, g.max) for g in gates))


def _agree(compiled: CompiledRubric, facts, general: CompiledRubric | None = None) -> None:
    full = compiled.evaluate(facts)
    quick = compiled.evaluate(facts, explain=False)
    assert _numbers(quick) == _numbers(full)
    assert quick.findings == ()
    assert quick.claimed is None
    if general is not None:  # the compiled scorers give the general path's card, byte for byte
        assert quick.to_json() == general.evaluate(facts, explain=False).to_json()
        # explained too: a rule whose scorer finds the standard met skips its evaluate
        assert full.to_json() == general.evaluate(facts).to_json()
        assert full == general.evaluate(facts)


@given(data=st.data())
@share(2, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_scores_only_equals_explained(compiled, data):
    _agree(compiled, data.draw(valid_facts(compiled)), _without_scorers(compiled))


KITCHEN = engine().compile(build_rubric(kitchen_sink()))
KITCHEN_GENERAL = _without_scorers(KITCHEN)


@given(data=st.data())
@share(2)
def test_every_builtin_kind_scores_only_equals_explained(data):
    facts = data.draw(valid_facts(KITCHEN))
    _agree(KITCHEN, facts, KITCHEN_GENERAL)
    # partial, with a fact left out: its rules fall back to the general path
    for path in sorted(facts)[:3]:
        some = {k: v for k, v in facts.items() if k != path}
        quick = KITCHEN.evaluate(some, explain=False, partial=True)
        assert (
            quick.to_json() == KITCHEN_GENERAL.evaluate(some, explain=False, partial=True).to_json()
        )


#: The kitchen sink's cohort-relative rules.
RANKED = ("R-12", "R-13", "R-14", "R-15")


@given(
    data=st.data(),
    others=st.lists(
        st.decimals(min_value=-5, max_value=150, places=2, allow_nan=False), max_size=5
    ),
)
@share(2)
def test_cohort_relative_kinds_score_only_as_explained(data, others):
    facts = data.draw(valid_facts(KITCHEN))
    values = tuple((f"9{i:03d}", v) for i, v in enumerate(others))
    stats = CohortStatistics(dict.fromkeys(RANKED, values))
    for rubric in (KITCHEN, KITCHEN_GENERAL):
        full = rubric.evaluate(facts, cohort=stats)
        quick = rubric.evaluate(facts, cohort=stats, explain=False)
        assert _numbers(quick) == _numbers(full)
    placed = KITCHEN.evaluate(facts, cohort=stats)
    assert all(placed.node(c).status == "scored" for c in ("12", "13", "14", "15"))


@given(data=st.data())
@share(4, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_scores_only_refuses_with_the_same_problems(compiled, data):
    bad = data.draw(invalid_facts(compiled))
    problems = []
    for rubric, explain in (
        (compiled, True),
        (compiled, False),
        (_without_scorers(compiled), False),
    ):
        try:
            rubric.evaluate(bad.facts, explain=explain)
        except FactsError as exc:
            problems.append(exc.problems)
    assert len(problems) == 3
    assert problems[0] == problems[1] == problems[2]


@given(scripted_rubrics())
@share(2)
def test_generated_rubrics_scores_only_equals_explained(generated):
    doc, facts = generated
    _agree(SCRIPTED.compile(build_rubric(doc)), nest(facts))


def test_valid_documents_take_the_scores_program(compiled, example, monkeypatch):
    # The program (evalrules._scoring._fast) scores the example, and a veto that holds,
    # without the general scores-only path, which is made to fail here.
    from evalrules._frozen import thaw
    from evalrules._scoring import _evaluate

    general_path = _without_scorers(compiled)
    vetoed = thaw(example.facts)
    vetoed["safety"]["major_accident"] = True
    expected = [general_path.evaluate(d, explain=False) for d in (example, vetoed)]
    assert expected[1].vetoes
    assert not expected[0].vetoes

    def general(*args, **kwargs):
        raise AssertionError("the general scores-only path ran")

    monkeypatch.setattr(_evaluate, "_run_scores", general)
    assert compiled._plan.scores is not None
    assert compiled.evaluate(example, explain=False) == expected[0]
    assert compiled.evaluate(vetoed, explain=False) == expected[1]
    assert compiled.evaluate(vetoed, explain=False).to_json() == expected[1].to_json()


def _through_evaluate(compiled: CompiledRubric, facts, **kwargs) -> Scorecard:
    """Scores only through ``_evaluate.evaluate``, the path that refuses and words
    everything, without the scores-only entry (``evalrules._scoring._scores``)."""
    from evalrules._scoring._evaluate import evaluate

    return evaluate(compiled, compiled._plan, facts, explain=False, **kwargs)


def _same_card(compiled: CompiledRubric, facts, **kwargs) -> None:
    # twice: the second time a veto that held is taken from what the first run kept
    for _ in range(2):
        entry = compiled.evaluate(facts, explain=False, **kwargs)
        general = _through_evaluate(compiled, facts, **kwargs)
        assert entry == general
        assert entry.to_json() == general.to_json()


@given(data=st.data())
@share(2, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_scores_only_entry_gives_the_general_card(compiled, data):
    _same_card(compiled, data.draw(valid_facts(compiled)))


@given(data=st.data())
@share(2)
def test_every_builtin_kind_scores_only_entry_gives_the_general_card(data):
    facts = data.draw(valid_facts(KITCHEN))
    _same_card(KITCHEN, facts)
    _same_card(KITCHEN, facts, partial=True)


def test_documents_take_the_scores_only_entry(compiled, example, monkeypatch):
    # A facts document with claimed scores and assumed facts, and a veto that holds (run,
    # then kept), are scored without _evaluate.evaluate, which is made to fail here.
    from evalrules._frozen import thaw
    from evalrules._scoring import _evaluate

    vetoed = thaw(example.facts)
    vetoed["safety"]["major_accident"] = True
    expected = [_through_evaluate(compiled, d) for d in (example, vetoed, vetoed)]
    assert expected[0].assumed
    assert example.claimed
    assert expected[1].vetoes

    def general(*args, **kwargs):
        raise AssertionError("_evaluate.evaluate ran")

    monkeypatch.setattr(_evaluate, "evaluate", general)
    got = [compiled.evaluate(d, explain=False) for d in (example, vetoed, vetoed)]
    assert got == expected
    assert [c.to_json() for c in got] == [c.to_json() for c in expected]


def _tables_with_where() -> CompiledRubric:
    """The constructed rubric over school records (tests/unit/tables) with its row rules
    scoped by ``where``: each_row to the 九年一贯制 schools and those of over 100 pupils,
    k_of_n to the junior rows and the small schools."""
    from pathlib import Path

    from evalrules._documents import read_document
    from evalrules._frozen import thaw

    raw = thaw(read_document(Path(__file__).parents[1] / "unit" / "tables" / "rubric.yaml"))
    children = raw["indicators"][0]["children"]
    children[1]["rules"][0]["params"]["where"] = {
        "any": [
            {"column": "category", "op": "in", "value": ["nine_year"]},
            {"column": "pupils", "op": ">", "value": 100},
        ]
    }
    children[2]["rules"][0]["params"]["where"] = {
        "any": [
            {"column": "stage", "op": "==", "value": "junior"},
            {"column": "pupils", "op": "<=", "value": 100},
        ]
    }
    return engine().compile(build_rubric(raw))


TABLES = _tables_with_where()
TABLES_GENERAL = _without_scorers(TABLES)


@given(data=st.data())
@share(2)
def test_row_rules_scoped_by_where_score_only_as_explained(data):
    _agree(TABLES, data.draw(valid_facts(TABLES)), TABLES_GENERAL)


def _no_counted_row() -> CompiledRubric:
    """The constructed rubric whose aggregates of each kind may have no counted row
    (tests/unit/tables/no_counted_row.yaml)."""
    from pathlib import Path

    from evalrules._documents import read_document
    from evalrules._frozen import thaw

    path = Path(__file__).parents[1] / "unit" / "tables" / "no_counted_row.yaml"
    return engine().compile(build_rubric(thaw(read_document(path))))


NO_ROWS = _no_counted_row()
NO_ROWS_GENERAL = _without_scorers(NO_ROWS)


@given(
    data=st.data(),
    stage=st.sampled_from(["primary", "junior"]),
    how=st.sampled_from(["removed", "excluded"]),
)
@share(2)
def test_aggregates_without_counted_rows_score_only_as_explained(data, stage, how):
    # Every row of one stage removed or excluded (a special school): its aggregates are not
    # computed and the items reading them are not applicable, on every path alike.
    for rubric, general in ((NO_ROWS, NO_ROWS_GENERAL), (TABLES, TABLES_GENERAL)):
        facts = data.draw(valid_facts(rubric))
        rows = facts["schools"]
        if how == "removed":
            facts["schools"] = [r for r in rows if r["stage"] != stage]
        else:
            for r in rows:
                if r["stage"] == stage:
                    r["category"] = "special"
        _agree(rubric, facts, general)
        if rubric is NO_ROWS or stage == "primary":  # TABLES has primary aggregates only
            card = rubric.evaluate(facts)
            assert any(dv.value is None and dv.not_computed for dv in card.aggregates)
