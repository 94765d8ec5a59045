"""Every fixture case under tests/rubrics, and their rule-outcome coverage per rubric.

Each case runs through the kit's ``evalrules_run_case`` fixture, so
``pytest tests/rubrics --evalrules-coverage`` reports which rule outcomes they made fire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules
from evalrules.testing import Case, OutcomeCoverage, collect_cases, run_case

HERE = Path(__file__).parent
CASES = collect_cases(HERE)
PANJIN_2023 = HERE / "panjin-county" / "2023"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, evalrules_run_case) -> None:
    evalrules_run_case(case)


def test_every_item_has_a_case_file(compiled: evalrules.CompiledRubric) -> None:
    leaves = [n.code for n in compiled.rubric.walk() if n.is_leaf]
    files = sorted(p.stem for p in PANJIN_2023.glob("*.yaml"))
    assert len(leaves) == 31
    assert sorted(leaves) == files


def test_every_case_file_exercises_its_own_item(compiled: evalrules.CompiledRubric) -> None:
    rule_items = {rule.code: item.code for item, rule in compiled.rubric.rules()}
    for case in CASES:
        if case.rubric != "panjin-county/2023" or case.expect.error is not None:
            continue
        item = case.file.stem
        named = set(case.expect.scores) | {
            str(f.get("indicator") or rule_items.get(str(f.get("rule"))))
            for f in case.expect.findings
        }
        assert item in named, f"{case.id} checks neither the score nor a finding of {item}"


@pytest.fixture(scope="module")
def coverage(evalrules_engine: evalrules.Engine) -> OutcomeCoverage:
    """The rule outcomes every case makes fire, by rubric."""
    found = OutcomeCoverage()
    for case in CASES:
        run_case(case, evalrules_engine, coverage=found)
    return found


@pytest.mark.parametrize(
    "ref", ["panjin-county/2023", "national-balance/2017", "national-preschool/2020"]
)
def test_rule_outcome_coverage_is_complete(coverage: OutcomeCoverage, ref: str) -> None:
    found = coverage.rubric(ref)
    missing = ", ".join(f"{rule} {outcome}" for rule, outcome in found.missing)
    assert not found.missing, f"outcomes no case makes fire: {missing}\n{coverage.report()}"
    assert not found.undeclared
