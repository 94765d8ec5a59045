"""The public API, pinned: adding, removing or renaming a public name must be deliberate.

A change here is a change of the 1.0 API: update the set below in the same commit and say so
in CHANGELOG.md.
"""

from __future__ import annotations

import types

import pytest

import evalrules
import evalrules.errors
import evalrules.hookspecs
import evalrules.testing

PUBLIC = {
    evalrules: {
        "Aggregate",
        "AggregateResult",
        "AggregateRows",
        "Aggregation",
        "Alternative",
        "ClaimComparison",
        "CompiledRubric",
        "CrossCheck",
        "CrossCheckKind",
        "DerivedFact",
        "DerivedValue",
        "DescribeContext",
        "Engine",
        "Entity",
        "Evidence",
        "FactSpec",
        "FactType",
        "FactsDocument",
        "FactsReader",
        "Finding",
        "GateResult",
        "Grade",
        "GradeBand",
        "Indicator",
        "Monotonic",
        "NodeResult",
        "PluginInfo",
        "RenderOptions",
        "Renderer",
        "Rubric",
        "RubricInfo",
        "RubricSource",
        "RowExclusion",
        "Rule",
        "RuleContext",
        "RuleKind",
        "Scorecard",
        "SensitivityCase",
        "Source",
        "SourceDocument",
        "TableRow",
        "TableSpec",
        "TableValue",
        "Text",
        "Verdict",
        "VerdictSpec",
        "__version__",
        "aggregation",
        "cross_check_kind",
        "evaluate",
        "fact_type",
        "facts_reader",
        "hookimpl",
        "load_facts",
        "load_rubric",
        "renderer",
        "rubric_source",
        "rule_kind",
        "scorecard_schema",
    },
    evalrules.errors: {
        "EvalrulesError",
        "FactsError",
        "FactsProblem",
        "PluginError",
        "PluginLoadError",
        "RegistryConflictError",
        "RubricError",
        "RubricNotFoundError",
        "RubricProblem",
        "RuleEvaluationError",
    },
    evalrules.hookspecs: {
        "HOOK_PREFIX",
        "PROJECT_NAME",
        "evalrules_modify_scorecard",
        "evalrules_register_aggregations",
        "evalrules_register_cross_checks",
        "evalrules_register_fact_types",
        "evalrules_register_facts_readers",
        "evalrules_register_renderers",
        "evalrules_register_rubrics",
        "evalrules_register_rule_kinds",
        "hookimpl",
        "hookspec",
    },
    evalrules.testing: {
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
    },
}

MODULES = pytest.mark.parametrize("module", list(PUBLIC), ids=lambda m: m.__name__)


@MODULES
def test_all_is_exactly_the_pinned_set(module):
    assert len(module.__all__) == len(set(module.__all__)), "a name is listed twice"
    assert set(module.__all__) == PUBLIC[module]


@MODULES
def test_every_listed_name_resolves(module):
    for name in module.__all__:
        getattr(module, name)


@pytest.mark.parametrize(
    "module", [evalrules, evalrules.errors, evalrules.hookspecs], ids=lambda m: m.__name__
)
def test_no_public_name_outside_all(module):
    # A name without an underscore that the module defines (or re-exports from a private
    # module of evalrules) is public whether listed or not: it must be listed.
    stray = set()
    for name, value in vars(module).items():
        if name.startswith("_") or name == "annotations" or isinstance(value, types.ModuleType):
            continue
        home = getattr(value, "__module__", None) or ""
        if isinstance(value, str) or home.startswith("evalrules"):
            stray.add(name)
    assert stray <= set(module.__all__), sorted(stray - set(module.__all__))
