"""The pytest plugin, run by pytester: fixtures, markers, generated items, coverage report.

pytester runs in this process and the plugin is loaded through its ``pytest11`` entry point
(evalrules is installed), as in a rubric author's project.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("restore_hypothesis_profile")

#: A hypothesis profile small enough for the runs below.
TINY_PROFILE = """\
from hypothesis import settings

# derandomize: four examples must find the same counterexample on every run, not by luck.
settings.register_profile(
    "evalrules-tiny", max_examples=4, deadline=None, database=None, derandomize=True
)
settings.load_profile("evalrules-tiny")
"""

#: A plugin shipping a one-item rubric whose monotonicity declaration is wrong.
BAD_PLUGIN = '''\
from pathlib import Path

import evalrules

RUBRIC = """\\
evalrules: rubric/1
family: wrong-way
year: 2024
version: "1"
title: {zh: 方向错误, en: Wrong way}
source: {number: "1"}
total: 4
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades: [{code: pass, label: {zh: 合格, en: Pass}}]
facts:
  cases: {type: count, plausible_max: 100, description: {zh: 案件数, en: Cases}}
indicators:
  - code: A
    title: {zh: 甲, en: A}
    max: 4
    rules:
      - code: W-1
        kind: threshold
        name: {zh: 案件过多, en: Too many cases}
        params: {fact: cases, op: "<=", value: 2}
        source: {inferred: true, why: test}
        monotonic: [{fact: cases, direction: helps}]
"""


@evalrules.hookimpl
def evalrules_register_rubrics():
    path = Path(__file__).with_name("wrong-way-2024.yaml")
    path.write_text(RUBRIC, encoding="utf-8")
    return [evalrules.rubric_source("wrong-way/2024", path)]
'''


@pytest.fixture
def tiny_profile(pytester):
    pytester.makeconftest(TINY_PROFILE)
    return pytester


def test_the_options_and_ini_settings_are_listed(pytester):
    result = pytester.runpytest("--help")
    text = result.stdout.str()
    for option in (
        "--evalrules-rubric=REF",
        "--evalrules-coverage ",
        "--evalrules-coverage-fail",
        "evalrules_plugins (linelist)",
        "evalrules_rubric (string)",
    ):
        assert option in text, option


def test_the_marker_is_registered(pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.evalrules_rubric(ref):*"])


def test_the_engine_holds_the_installed_plugins(pytester):
    pytester.makepyfile(
        """
        def test_engine(evalrules_engine, evalrules_engine_again):
            names = [p.name for p in evalrules_engine.plugins()]
            assert "evalrules-panjin[panjin]" in names
            assert evalrules_engine is evalrules_engine_again

        import pytest

        @pytest.fixture
        def evalrules_engine_again(evalrules_engine):
            return evalrules_engine
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_the_ini_option_names_the_engines_plugins(pytester):
    pytester.makeini("[pytest]\nevalrules_plugins =\n    evalrules_panjin\n")
    pytester.makepyfile(
        """
        def test_engine(evalrules_engine):
            names = [p.name for p in evalrules_engine.plugins() if not p.builtin]
            assert names == ["evalrules_panjin"]
            assert evalrules_engine.rubric_sources.names() == ("panjin-county/2023",)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_plugin_that_does_not_import_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nevalrules_plugins = evalrules_nowhere:plugin\n")
    pytester.makepyfile("def test_engine(evalrules_engine):\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        ["*evalrules_plugins: cannot import 'evalrules_nowhere:plugin': ModuleNotFoundError*"]
    )
    result.assert_outcomes(errors=1)


def test_the_rubric_fixture_follows_marker_ini_and_option(pytester):
    pytester.makeini("[pytest]\nevalrules_rubric = panjin-county/2023\n")
    pytester.makepyfile(
        """
        import pytest

        from evalrules.testing import assert_full_marks

        @pytest.mark.evalrules_rubric("panjin-county/2023")
        def test_marker(evalrules_rubric):
            assert evalrules_rubric.rubric.ref == "panjin-county/2023"
            assert len(evalrules_rubric.outcomes()) == 40

        def test_ini(evalrules_rubric):
            assert evalrules_rubric.rubric.year == 2023

        @pytest.mark.evalrules_rubric("panjin-county/1999")
        def test_not_installed(evalrules_rubric):
            pass

        @pytest.mark.evalrules_rubric()
        def test_marker_without_reference(evalrules_rubric):
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*RubricNotFoundError*panjin-county/1999*",
            "*use @pytest.mark.evalrules_rubric('family/year')*",
        ]
    )


def test_the_rubric_fixture_needs_a_rubric(pytester):
    pytester.makepyfile("def test_none(evalrules_rubric):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*evalrules_rubric: name the rubric with*"])
    result = pytester.runpytest("--evalrules-rubric", "panjin-county/2023", "-k", "test_none")
    result.assert_outcomes(passed=1)


def test_the_rubric_option_adds_the_stock_checks(tiny_profile):
    result = tiny_profile.runpytest(
        "--evalrules-rubric", "panjin-county/2023", "--collect-only", "-q"
    )
    lines = [line for line in result.stdout.lines if line.startswith("evalrules[")]
    assert lines[:3] == [
        "evalrules[panjin-county/2023]::invariants",
        "evalrules[panjin-county/2023]::validation",
        "evalrules[panjin-county/2023]::monotonic[PJ-1.1-a:party.branches_with_deputy]",
    ]
    assert len(lines) == 2 + 28
    result = tiny_profile.runpytest(
        "--evalrules-rubric",
        "panjin-county/2023",
        "-k",
        "invariants or validation or PJ-8.2-a",
        "-v",
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["*evalrules[[]panjin-county/2023[]]::monotonic[[]PJ-8.2-a:pupils.primary[]] PASSED*"]
    )


def test_a_rubric_that_is_not_installed_fails_one_item(tiny_profile):
    result = tiny_profile.runpytest("--evalrules-rubric", "nowhere/2023")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*evalrules[[]nowhere/2023[]]::load*", "*no rubric 'nowhere/2023' is installed*"]
    )


def test_a_wrong_declaration_fails_with_its_counterexample(tiny_profile):
    tiny_profile.makepyfile(wrongway=BAD_PLUGIN)
    tiny_profile.syspathinsert()
    tiny_profile.makeini("[pytest]\nevalrules_plugins = wrongway\n")
    result = tiny_profile.runpytest("--evalrules-rubric", "wrong-way/2024")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*InvariantError: 1 invariant violation*",
            "*[[]monotonic[]] at A: rule W-1 declares that cases helps, but item A scores 4.0*",
            "Failing test case: monotonic(",
        ]
    )


CASES_TEST = """\
from pathlib import Path

import pytest

from evalrules.testing import collect_cases

CASES = collect_cases(Path(__file__).parent / "cases")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case, evalrules_run_case):
    evalrules_run_case(case)
"""


def _cases(pytester, *expectations):
    example = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
    body = "".join(
        f"  - name: case {i}\n    set: {changes}\n    expect: {expect}\n"
        for i, (changes, expect) in enumerate(expectations)
    )
    pytester.mkdir("cases")
    (pytester.path / "cases" / "12.yaml").write_text(
        f"rubric: panjin-county/2023\nbase: {example}\ncases:\n{body}", encoding="utf-8"
    )
    pytester.makepyfile(test_plugin_cases=CASES_TEST)


def test_coverage_is_reported_and_can_fail_the_run(pytester):
    _cases(pytester, ("{}", '{scores: {"12": 6}}'))
    result = pytester.runpytest("--evalrules-coverage")
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*evalrules rule-outcome coverage*",
            "规则结果覆盖 / rule-outcome coverage",
            "panjin-county/2023: 36/102 outcomes of 40 rules fired in 1 scorecards*",
            "*PJ-12-a      missed",
        ]
    )
    result = pytester.runpytest("--evalrules-coverage-fail")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*coverage is incomplete: failing (--evalrules-coverage-fail)*"])


def test_without_the_options_nothing_is_reported(pytester):
    _cases(pytester, ("{}", '{scores: {"12": 6}}'))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "rule-outcome coverage" not in result.stdout.str()


def test_the_report_says_when_no_case_ran(pytester):
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("--evalrules-coverage-fail")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*no fixture cases ran through evalrules_run_case*"])


def test_complete_coverage_passes_the_failing_flag(pytester):
    pytester.makepyfile(wrongway=BAD_PLUGIN)
    pytester.syspathinsert()
    pytester.makeini("[pytest]\nevalrules_plugins = wrongway\n")
    pytester.mkdir("cases")
    (pytester.path / "cases" / "A.yaml").write_text(
        textwrap.dedent(
            """\
            rubric: wrong-way/2024
            cases:
              - name: two cases are allowed
                set: {cases: 2}
                expect: {scores: {A: 4}, outcomes: [[W-1, met]]}
              - name: three are not
                set: {cases: 3}
                expect:
                  findings: [{rule: W-1, kind: deduction, points: -4, outcome: missed}]
            """
        ),
        encoding="utf-8",
    )
    pytester.makepyfile(test_plugin_cases=CASES_TEST)
    result = pytester.runpytest("--evalrules-coverage-fail")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["wrong-way/2024: 2/2 outcomes of 1 rules fired in 2 scorecards*"])
