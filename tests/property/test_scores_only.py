"""Scores only (``explain=False``) gives the explained path's numbers on every document."""

from __future__ import annotations

from _generate import scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from _examples import share
from evalrules import CompiledRubric, Scorecard
from evalrules._rubric._loader import build_rubric
from evalrules.errors import FactsError
from evalrules.testing import invalid_facts, valid_facts

SCRIPTED = engine(ScriptedPlugin())


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
    )


def _agree(compiled: CompiledRubric, facts) -> None:
    full = compiled.evaluate(facts)
    quick = compiled.evaluate(facts, explain=False)
    assert _numbers(quick) == _numbers(full)
    assert quick.findings == ()
    assert quick.claimed is None


@given(data=st.data())
@share(2, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_scores_only_equals_explained(compiled, data):
    _agree(compiled, data.draw(valid_facts(compiled)))


@given(data=st.data())
@share(4, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_scores_only_refuses_with_the_same_problems(compiled, data):
    bad = data.draw(invalid_facts(compiled))
    problems = []
    for explain in (True, False):
        try:
            compiled.evaluate(bad.facts, explain=explain)
        except FactsError as exc:
            problems.append(exc.problems)
    assert len(problems) == 2
    assert problems[0] == problems[1]


@given(scripted_rubrics())
@share(2)
def test_generated_rubrics_scores_only_equals_explained(generated):
    doc, facts = generated
    _agree(SCRIPTED.compile(build_rubric(doc)), nest(facts))
