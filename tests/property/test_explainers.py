"""The compiled explainers give the scorecard the kinds' ``evaluate`` gives, byte for byte.

An explained evaluation runs each builtin kind's rules as explainers compiled with the
rubric (``RuleKind.explainer``) through the plan's explain program
(``evalrules._scoring._explain``); the general path runs every rule through its kind's
``evaluate`` with a ``RuleContext`` and scores each item from the effects. The two must give
the same scorecard: the same findings (their fields, evidence and messages), scores,
outcomes and JSON.
"""

from __future__ import annotations

import attrs
from _generate import kitchen_sink, scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from _examples import share
from evalrules import CompiledRubric, FactsDocument
from evalrules._rubric._loader import build_rubric
from evalrules._text import Text
from evalrules.testing import valid_facts

SCRIPTED = engine(ScriptedPlugin())


def _without_explainers(compiled: CompiledRubric) -> CompiledRubric:
    """``compiled`` with no explain program: every rule through its kind's ``evaluate``."""
    return CompiledRubric._from_plan(attrs.evolve(compiled._plan, explained=None))


def _same(compiled: CompiledRubric, general: CompiledRubric, facts, **kw) -> None:
    fast, slow = compiled.evaluate(facts, **kw), general.evaluate(facts, **kw)
    assert fast.to_json() == slow.to_json()
    assert fast == slow
    assert fast.findings == slow.findings
    for mine, theirs in zip(fast.findings, slow.findings, strict=True):
        assert mine.params == theirs.params
        assert list(mine.params) == list(theirs.params)  # the order the JSON writes
        assert mine.evidence == theirs.evidence
        assert (mine.message.zh, mine.message.en) == (theirs.message.zh, theirs.message.en)


@given(data=st.data())
@share(3, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_explained_equals_the_general_path(compiled, data):
    assert compiled._plan.explained is not None
    _same(compiled, _without_explainers(compiled), data.draw(valid_facts(compiled)))


@given(data=st.data(), assumed=st.booleans())
@share(2, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_panjin_assumed_facts_and_claims_explained_as_the_general_path(compiled, data, assumed):
    facts = data.draw(valid_facts(compiled))
    paths = sorted(compiled.validate(facts))
    marked = {
        path: Text("推算", "back-calculated") for path in (paths[::3] if assumed else paths[:1])
    }
    doc = FactsDocument(facts=facts, assumed=marked, claimed={"total": 90})
    _same(compiled, _without_explainers(compiled), doc)


KITCHEN = engine().compile(build_rubric(kitchen_sink()))
KITCHEN_GENERAL = _without_explainers(KITCHEN)


@given(data=st.data())
@share(3)
def test_every_builtin_kind_explained_as_the_general_path(data):
    # explainers and rules of kinds without one (bands, linear, ...) side by side
    assert KITCHEN._plan.explained is not None
    facts = data.draw(valid_facts(KITCHEN))
    _same(KITCHEN, KITCHEN_GENERAL, facts)
    for path in sorted(facts)[:3]:  # partial, a fact left out: the general path
        some = {k: v for k, v in facts.items() if k != path}
        _same(KITCHEN, KITCHEN_GENERAL, some, partial=True)


@given(scripted_rubrics())
@share(2)
def test_generated_rubrics_explained_as_the_general_path(generated):
    doc, facts = generated
    compiled = SCRIPTED.compile(build_rubric(doc))
    _same(compiled, _without_explainers(compiled), nest(facts))


def test_a_valid_document_takes_the_explain_program(compiled, example, monkeypatch):
    from evalrules._frozen import thaw
    from evalrules._scoring import _evaluate

    vetoed = thaw(example.facts)
    vetoed["safety"]["major_accident"] = True
    general = _without_explainers(compiled)
    expected = [general.evaluate(d) for d in (example, vetoed)]
    assert expected[1].vetoes
    assert any(f.kind == "deduction" for f in expected[0].findings)

    def run_items(*args, **kwargs):
        raise AssertionError("the general explained path ran")

    monkeypatch.setattr(_evaluate, "_run_items", run_items)
    for doc, card in zip((example, vetoed), expected, strict=True):
        assert compiled.evaluate(doc).to_json() == card.to_json()


def test_a_kind_rebuilt_from_a_builtin_one_runs_as_written(compiled):
    # an explainer stands for its kind's evaluate and scorer: without the scorer, none
    bindings = compiled._plan.bindings
    kinds = {
        name: (attrs.evolve(kind, scorer=None), origin)
        for name, (kind, origin) in bindings.kinds.items()
    }
    from evalrules._compiler._compiled import _plan

    plan = _plan(attrs.evolve(bindings, kinds=type(bindings.kinds)(kinds)))
    assert plan.explained is None
    assert all(r.explain is None for _, first, rest in plan.items for r in (*first, *rest))
    assert any(r.explain is not None for _, first, _ in compiled._plan.items for r in first)
