"""Scores only (``explain=False``) gives the explained path's numbers on every document."""

from __future__ import annotations

import attrs
from _generate import kitchen_sink, scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from _examples import share
from evalrules import CompiledRubric, Scorecard
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
