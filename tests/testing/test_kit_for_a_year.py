"""The test kit for a year's plugin: coverage counts the rules the year adds or changes,
strategies draw the optional facts a rule reads, assertion frames are hidden, and
``--evalrules-rubric`` without hypothesis says once what to install."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import evalrules
import evalrules_panjin
from evalrules._diagnostics import check_rubric
from evalrules.testing import OutcomeCoverage, run_invariants, valid_facts
from evalrules.testing._coverage import inherited_rules

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_2024 = REPO / "docs/examples/evalrules-panjin-2024/src/evalrules_panjin_2024/2024.yaml"
EXAMPLE_FACTS = REPO / "docs/examples/evalrules-panjin-2024/tests/example-2024.facts.yaml"

#: A one-item rubric whose rule reads a fact declared optional.
OPTIONAL = """\
evalrules: rubric/1
family: optional-read
year: 2024
version: "1"
title: {zh: 可选数据, en: Optional fact}
source: {number: "1"}
total: 4
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades: [{code: pass, label: {zh: 合格, en: Pass}}]
facts:
  cases: {type: count, required: false, plausible_max: 100, description: {zh: 案件数, en: Cases}}
indicators:
  - code: A
    title: {zh: 甲, en: A}
    max: 4
    rules:
      - code: O-1
        kind: per_incident
        name: {zh: 案件, en: Cases}
        params: {fact: cases, deduct_each: 1}
        source: {inferred: true, why: test}
"""


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin], autoload=False)


def test_coverage_of_an_extension_counts_the_rules_it_adds_or_changes(engine):
    rubric = engine.load_rubric(EXAMPLE_2024)
    base = engine.load_rubric("panjin-county/2023")
    inherited = set(inherited_rules(base, rubric))
    added = {"PJ-11-c", "PJ-2.3-veto-b", "PJ-5.6-a"}
    # PJ-2.3-a and PJ-11-a are restated in `replace` with a new source: changed, counted.
    counted = {r.code for _, r in rubric.rules()} - inherited
    assert counted == added | {"PJ-2.3-a", "PJ-11-a"}
    coverage = OutcomeCoverage()
    compiled = engine.compile(rubric)
    coverage.declare(compiled, inherited=sorted(inherited), base=base.ref)
    coverage.record(compiled, compiled.evaluate(evalrules.load_facts(EXAMPLE_FACTS)))
    cov = coverage.rubric("panjin-county/2024")
    assert {rule for rule, _ in cov.declared} == counted
    assert not cov.undeclared  # an inherited rule's outcome is not "undeclared"
    report = coverage.report()
    assert f"of {len(counted)} rules fired" in report
    assert f"{len(inherited)} rules taken unchanged from panjin-county/2023" in report


def test_a_rubric_without_extends_counts_every_rule(engine):
    base = engine.load_rubric("panjin-county/2023")
    assert len(inherited_rules(base, base)) == len(list(base.rules()))


def test_strategies_draw_the_optional_facts_a_rule_reads(tmp_path):
    path = tmp_path / "optional.yaml"
    path.write_text(OPTIONAL, encoding="utf-8")
    engine = evalrules.Engine(autoload=False)
    compiled = engine.compile(engine.load_rubric(path))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid_facts(compiled))
    def complete(doc):
        assert "cases" in doc
        compiled.evaluate(doc)  # never "fact … is missing"

    complete()
    quick = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    run_invariants(compiled, settings=quick)
    # check accepts the rubric and warns about the declaration the strategies work around.
    rubric, found = check_rubric(engine, str(path))
    assert rubric is not None
    assert [(d.severity, d.code, d.rule) for d in found] == [
        ("warning", "optional-fact-read", "O-1")
    ]


def test_a_failing_assertion_shows_the_callers_line(pytester):
    facts = str(REPO / "rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml")
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import evalrules
            from evalrules.testing import assert_score

            def test_it():
                facts = evalrules.load_facts({facts!r})
                card = evalrules.Engine().evaluate("panjin-county/2023", facts)
                assert_score(card, "8.2", 2)
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert 'assert_score(card, "8.2", 2)' in text
    assert "_assertions.py" not in text


#: Runs pytest in a process where hypothesis cannot be imported (as if not installed).
WITHOUT_HYPOTHESIS = """\
import sys

MISSING = sys.argv.pop(1)

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name == MISSING or name.startswith(MISSING + "."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, NotInstalled())
import pytest

sys.exit(pytest.main(["-p", "no:hypothesispytest", "-p", "no:cacheprovider", *sys.argv[1:]]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["hypothesis", "jsonschema"])
def test_evalrules_rubric_without_the_test_extra_says_once_what_to_install(tmp_path, missing):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    (tmp_path / "run.py").write_text(WITHOUT_HYPOTHESIS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVALRULES_", "PYTEST_"))}
    done = subprocess.run(
        [
            sys.executable,
            "run.py",
            missing,
            "--evalrules-rubric",
            "panjin-county/2023",
            "test_nothing.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert out.count(f"needs {missing}: pip install 'evalrules[test]'") == 1, out
    assert "ModuleNotFoundError" not in out


def test_the_test_extra_carries_what_the_kit_imports():
    # The message above names evalrules[test]; it must be enough for the generated checks.
    tomllib = pytest.importorskip("tomllib")

    from evalrules.testing._pytest_plugin import _KIT_MODULES

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    test = project["project"]["optional-dependencies"]["test"]
    names = {re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0] for requirement in test}
    assert {"pytest", *_KIT_MODULES} <= names, test
