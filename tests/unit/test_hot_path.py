"""What the fast evaluation path builds is what the ordinary constructors build."""

from __future__ import annotations

import copy
import pickle

import attrs
import pytest

from evalrules import Text
from evalrules._rules._messages import Rendered, render


def test_findings_are_what_their_constructors_make(compiled, example):
    card = compiled.evaluate(example)
    assert card.findings
    for finding in card.findings:
        rebuilt = attrs.evolve(finding, message=Text(finding.message.zh, finding.message.en))
        assert rebuilt == finding
        assert hash(rebuilt) == hash(finding)
        assert attrs.evolve(finding.evidence) == finding.evidence
        for name in (a.name for a in attrs.fields(type(finding))):
            assert getattr(rebuilt, name) == getattr(finding, name), name


@pytest.mark.parametrize(
    ("zh", "en", "params"),
    [
        ("扣{points}分:{fact_label}", "lost {points}: {fact_label}", None),
        ("无英文模板{points}", "", None),
        ("{missing}", "{missing}", {"missing": ("a", "b")}),
    ],
)
def test_a_message_rendered_when_read_is_the_rendered_text(zh, en, params):
    fields = params or {"points": 1, "fact_label": {"zh": "达标率", "en": "Rate"}}
    template = Text(zh, en)
    lazy, eager = Rendered(template, fields), render(template, fields)
    assert (lazy.zh, lazy.en) == (eager.zh, eager.en)
    assert lazy == eager
    assert eager == lazy
    assert not lazy != eager  # noqa: SIM202 - the reflected operator is what is tested
    assert hash(lazy) == hash(eager)
    assert lazy.get("en") == eager.get("en")
    assert lazy != Text("other")
    assert pickle.loads(pickle.dumps(lazy)) == eager
    assert copy.deepcopy(lazy) == eager
    assert repr(lazy) == repr(eager)


def test_a_message_renders_each_language_only_when_read():
    class Counting(dict):
        reads = 0

        def items(self):
            Counting.reads += 1
            return super().items()

        def __getitem__(self, key):  # a message shows only the fields its template names
            Counting.reads += 1
            return super().__getitem__(key)

    lazy = Rendered(Text("{points}分", "{points} points"), Counting(points=1))
    assert Counting.reads == 0
    assert lazy.zh == "1分"
    assert Counting.reads == 1
    assert lazy.zh == "1分"
    assert Counting.reads == 1
    assert lazy.en == "1 points"
    assert Counting.reads == 2


def test_every_builtin_rule_of_the_panjin_rubric_runs_compiled(compiled):
    rules = [r for _, first, rest in compiled._plan.items for r in (*first, *rest)]
    assert rules
    assert all(r.score is not None for r in rules)


def test_scores_only_after_a_pickle_round_trip_are_the_same_bytes(compiled, example):
    back = pickle.loads(pickle.dumps(compiled))
    assert all(r.score is not None for _, first, rest in back._plan.items for r in first + rest)
    for explain in (False, True):
        assert (
            back.evaluate(example, explain=explain).to_json()
            == compiled.evaluate(example, explain=explain).to_json()
        )


def test_a_rule_whose_scorer_fails_is_run_through_its_kind(compiled, example):
    """A scorer that raises (here: on every call) leaves the rule to its kind's evaluate:
    the same card, byte for byte."""
    from evalrules._compiler._compiled import CompiledRubric, _plan

    def broken(_params, _share, _max):
        def score(_values):
            raise KeyError("nothing")

        return score

    bindings = compiled._plan.bindings
    kinds = {n: (attrs.evolve(k, scorer=broken), o) for n, (k, o) in bindings.kinds.items()}
    failing = CompiledRubric._from_plan(
        _plan(attrs.evolve(bindings, kinds=type(bindings.kinds)(kinds)))
    )
    assert (
        failing.evaluate(example, explain=False).to_json()
        == compiled.evaluate(example, explain=False).to_json()
    )


def test_a_kind_without_a_scorer_still_scores(compiled, example):
    from evalrules._compiler._compiled import CompiledRubric, _plan

    bindings = compiled._plan.bindings

    kinds = {n: (attrs.evolve(k, scorer=None), o) for n, (k, o) in bindings.kinds.items()}
    general = CompiledRubric._from_plan(
        _plan(attrs.evolve(bindings, kinds=type(bindings.kinds)(kinds)))
    )
    assert all(r.score is None for _, first, rest in general._plan.items for r in first + rest)
    assert (
        general.evaluate(example, explain=False).to_json()
        == compiled.evaluate(example, explain=False).to_json()
    )
