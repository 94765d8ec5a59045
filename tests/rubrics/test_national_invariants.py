"""The stock invariants and every declared monotonicity of the national rubrics, by hypothesis.

Documents, tables of schools and kindergartens included, are drawn from each rubric's own
declarations; ``HYPOTHESIS_PROFILE=ci`` draws more of them.
"""

from __future__ import annotations

import pytest

import evalrules
import evalrules_national
from _examples import share
from evalrules.testing import (
    monotonic_declarations,
    run_invariants,
    run_monotonic,
    run_validation,
)

_ENGINE = evalrules.Engine(plugins=[evalrules_national], autoload=False)
REFS = sorted(evalrules_national.RUBRICS)
COMPILED = {ref: _ENGINE.compile(_ENGINE.load_rubric(ref)) for ref in REFS}
DECLARATIONS = [
    (ref, rule.code, m.fact) for ref in REFS for _, rule, m in monotonic_declarations(COMPILED[ref])
]


@pytest.mark.parametrize("ref", REFS)
def test_every_stock_invariant_holds(ref):
    run_invariants(COMPILED[ref], settings=share(4))


@pytest.mark.parametrize("ref", REFS)
def test_validation_reports_exactly_the_known_problems(ref):
    run_validation(COMPILED[ref], settings=share(4))


@pytest.mark.parametrize(
    ("ref", "rule", "fact"), DECLARATIONS, ids=[f"{r}:{c}:{f}" for r, c, f in DECLARATIONS]
)
def test_declared_monotonicity_holds(ref, rule, fact):
    assert run_monotonic(COMPILED[ref], rule=rule, fact=fact, settings=share(8)) == 1


def test_every_counted_or_measured_scalar_rule_declares_its_monotonicity():
    declared = {(ref, rule) for ref, rule, _ in DECLARATIONS}
    for ref in REFS:
        for _, rule in COMPILED[ref].rubric.rules():
            if rule.kind == "threshold" and not rule.params["fact"].startswith("derived.cv."):
                path = rule.params["fact"]
                derived = COMPILED[ref].rubric.derived
                aggregate = any(d.path == path and d.aggregate for d in derived)
                reads_table = path.startswith("derived.preschool.") or aggregate
                if not reads_table:
                    assert (ref, rule.code) in declared, (ref, rule.code)
