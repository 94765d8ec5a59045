"""Tools that prove a rubric behaves: the same tools evalrules' own test suite uses.

* **Strategies** (hypothesis) drawn from a rubric's fact declarations:
  :func:`valid_facts`, :func:`invalid_facts` (with the problems validation must report),
  :func:`monotonic_cases`.
* **Stock invariants** in one call: :func:`check_invariants` for one facts document,
  :func:`check_scorecard` for a scorecard, :func:`run_invariants`, :func:`run_validation`
  and :func:`run_monotonic` under hypothesis.
* **Assertions** whose failure messages show the scorecard's relevant part:
  :func:`assert_deducts`, :func:`assert_full_marks`, :func:`assert_score`, ...
* **Fixture cases** (YAML files of facts and expected findings): :func:`collect_cases`,
  :func:`run_case`; and **rule-outcome coverage** of the cases run:
  :class:`OutcomeCoverage`.
* A **pytest plugin** (registered through ``pytest11``): the fixtures ``evalrules_engine``,
  ``evalrules_rubric`` and ``evalrules_run_case``, and the options ``--evalrules-rubric``,
  ``--evalrules-coverage`` and ``--evalrules-coverage-fail``.

Names are imported on first use, so ``import evalrules.testing`` (and the pytest plugin)
imports neither hypothesis nor any rubric until a name that needs it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evalrules.testing._assertions import (
        assert_bonus,
        assert_deducts,
        assert_facts_error,
        assert_full_marks,
        assert_grade,
        assert_no_findings,
        assert_not_applicable,
        assert_outcome,
        assert_score,
        assert_total,
        assert_vetoed,
        assert_zero,
        describe_node,
    )
    from evalrules.testing._cases import (
        Case,
        CaseFailure,
        CaseFormatError,
        Expectation,
        ExpectedError,
        collect_cases,
        load_cases,
        run_case,
    )
    from evalrules.testing._coverage import CoverageError, OutcomeCoverage, RubricCoverage
    from evalrules.testing._invariants import (
        INVARIANTS,
        InvariantError,
        Violation,
        check_invariants,
        check_monotonic,
        check_scorecard,
        check_validation,
        run_invariants,
        run_monotonic,
        run_validation,
    )
    from evalrules.testing._strategies import (
        PROBLEM_CODES,
        ExpectedProblem,
        InvalidFacts,
        MonotonicCase,
        invalid_facts,
        monotonic_cases,
        monotonic_declarations,
        valid_facts,
    )

__all__ = [
    "INVARIANTS",
    "PROBLEM_CODES",
    "Case",
    "CaseFailure",
    "CaseFormatError",
    "CoverageError",
    "Expectation",
    "ExpectedError",
    "ExpectedProblem",
    "InvalidFacts",
    "InvariantError",
    "MonotonicCase",
    "OutcomeCoverage",
    "RubricCoverage",
    "Violation",
    "assert_bonus",
    "assert_deducts",
    "assert_facts_error",
    "assert_full_marks",
    "assert_grade",
    "assert_no_findings",
    "assert_not_applicable",
    "assert_outcome",
    "assert_score",
    "assert_total",
    "assert_vetoed",
    "assert_zero",
    "check_invariants",
    "check_monotonic",
    "check_scorecard",
    "check_validation",
    "collect_cases",
    "describe_node",
    "invalid_facts",
    "load_cases",
    "monotonic_cases",
    "monotonic_declarations",
    "run_case",
    "run_invariants",
    "run_monotonic",
    "run_validation",
    "valid_facts",
]

#: Which private module defines each public name.
_HOMES = {
    "_assertions": (
        "assert_bonus",
        "assert_deducts",
        "assert_facts_error",
        "assert_full_marks",
        "assert_grade",
        "assert_no_findings",
        "assert_not_applicable",
        "assert_outcome",
        "assert_score",
        "assert_total",
        "assert_vetoed",
        "assert_zero",
        "describe_node",
    ),
    "_cases": (
        "Case",
        "CaseFailure",
        "CaseFormatError",
        "Expectation",
        "ExpectedError",
        "collect_cases",
        "load_cases",
        "run_case",
    ),
    "_coverage": ("CoverageError", "OutcomeCoverage", "RubricCoverage"),
    "_invariants": (
        "INVARIANTS",
        "InvariantError",
        "Violation",
        "check_invariants",
        "check_monotonic",
        "check_scorecard",
        "check_validation",
        "run_invariants",
        "run_monotonic",
        "run_validation",
    ),
    "_strategies": (
        "PROBLEM_CODES",
        "ExpectedProblem",
        "InvalidFacts",
        "MonotonicCase",
        "invalid_facts",
        "monotonic_cases",
        "monotonic_declarations",
        "valid_facts",
    ),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (hypothesis only when a strategy is)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'evalrules.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"evalrules.testing.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
