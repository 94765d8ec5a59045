"""Rule-outcome coverage: what fired, what never did, and the report."""

from __future__ import annotations

import pytest

from evalrules.testing import CoverageError, OutcomeCoverage


def test_nothing_recorded(compiled):
    coverage = OutcomeCoverage()
    assert not coverage
    assert coverage.complete
    assert "no cases ran" in coverage.report()
    coverage.check()
    coverage.declare(compiled)
    assert coverage
    panjin = coverage.rubric("panjin-county/2023")
    assert panjin.scorecards == 0
    assert len(panjin.never_ran) == 40
    assert panjin.total == 102
    with pytest.raises(KeyError):
        coverage.rubric("panjin-county/2024")


def test_the_example_leaves_gaps_the_report_lists(compiled, example):
    coverage = OutcomeCoverage()
    coverage.record(compiled, compiled.evaluate(example))
    panjin = coverage.rubric("panjin-county/2023")
    assert ("PJ-11-b", "met") in panjin.fired
    assert ("PJ-11-b", "missed") in panjin.missing
    assert ("PJ-4.1-a", "full") in panjin.missing
    assert "PJ-4.1-a" in panjin.never_ran
    assert not panjin.undeclared
    assert not panjin.complete
    report = coverage.report()
    assert report.splitlines()[0] == "规则结果覆盖 / rule-outcome coverage"
    assert "panjin-county/2023: 36/102 outcomes of 40 rules fired in 1 scorecards (35%)" in report
    assert "  rules that never ran / 从未运行的规则:\n    PJ-1.2-a\n" in report
    assert "    PJ-11-b      missed" in report
    with pytest.raises(CoverageError) as info:
        coverage.check()
    assert str(info.value) == report


def test_undeclared_outcomes_are_reported(compiled, example):
    import attrs

    card = compiled.evaluate(example)
    odd = attrs.evolve(card, outcomes=(*card.outcomes, ("PJ-12-a", "sideways")))
    coverage = OutcomeCoverage()
    coverage.record(compiled, odd)
    assert coverage.rubric("panjin-county/2023").undeclared == (("PJ-12-a", "sideways"),)
    assert "outcomes fired but not declared / 未声明却触发的结果:\n    PJ-12-a  sideways" in (
        coverage.report()
    )


def test_several_rubrics_are_kept_apart(compiled, mini, example):
    coverage = OutcomeCoverage()
    coverage.record(compiled, compiled.evaluate(example))
    coverage.declare(mini)
    assert [c.ref for c in coverage] == ["mini-county/2024", "panjin-county/2023"]
    assert coverage.rubric("mini-county/2024").fired == frozenset()
