"""The stock invariants and every declared monotonicity of the 2023 Panjin rubric, by hypothesis.

Documents are drawn from the rubric's own fact declarations; ``HYPOTHESIS_PROFILE=ci`` draws
more of them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given

import evalrules
import evalrules_panjin
from _examples import share
from evalrules.testing import (
    check_invariants,
    monotonic_declarations,
    run_invariants,
    run_monotonic,
    run_validation,
    valid_facts,
)

_ENGINE = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
DECLARATIONS = [
    (rule.code, m.fact)
    for _, rule, m in monotonic_declarations(
        _ENGINE.compile(_ENGINE.load_rubric("panjin-county/2023"))
    )
]


def test_every_stock_invariant_holds(compiled):
    run_invariants(compiled)


def test_validation_reports_exactly_the_known_problems(compiled):
    run_validation(compiled)


@pytest.mark.parametrize(("rule", "fact"), DECLARATIONS, ids=[f"{r}:{f}" for r, f in DECLARATIONS])
def test_declared_monotonicity_holds(compiled, rule, fact):
    # An eighth of the profile's examples for each of the 28 declarations (the kit's default
    # is a quarter): their pairs are drawn at the rule's own thresholds half the time.
    assert run_monotonic(compiled, rule=rule, fact=fact, settings=share(8)) == 1


def test_the_rubric_declares_monotonicity_for_every_counted_or_measured_rule():
    assert len(DECLARATIONS) == 28
    assert ("PJ-8.2-a", "pupils.primary") in DECLARATIONS


def test_the_invariants_hold_for_the_example(compiled, example):
    card = check_invariants(compiled, example)
    assert card.total == Decimal("98.6")


def test_the_veto_keeps_the_score_whatever_the_facts(compiled):
    # Narrow (the veto's fact is fixed; test_every_stock_invariant_holds draws it true in
    # about half its documents): a share of the profile's examples (tests/_examples.py).
    @share(4)
    @given(valid_facts(compiled, overrides={"safety.major_accident": True}))
    def vetoed(facts):
        card = check_invariants(compiled, facts)
        assert [v.rule for v in card.vetoes] == ["PJ-2.3-veto"]

    vetoed()
