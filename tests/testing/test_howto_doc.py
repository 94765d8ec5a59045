"""The how-to "Test your rubric": its project is written as shown and its tests pass.

Every Python, YAML and TOML block whose first line names a file (``# tests/conftest.py``) is
written to that file in a fresh project, which pytest then runs: every Python block of the
page must name its file, so every one is executed. The console blocks' shown output is
compared with the real one.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import Phase, settings

import evalrules
import evalrules_panjin
from evalrules.testing import InvariantError, run_monotonic

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
from docs_markdown import DOCS, REPO, console_sessions, fenced_blocks, shown_in_order

PAGE = DOCS / "how-to" / "test-your-rubric.md"
TEXT = PAGE.read_text(encoding="utf-8")
BLOCKS = fenced_blocks(TEXT)
_NAMED = re.compile(r"^# ([\w./-]+\.(?:py|yaml|toml))\n")

pytestmark = pytest.mark.usefixtures("restore_hypothesis_profile")

#: The page's test modules share names with this suite's; importlib mode keeps them apart.
RUN = ("-p", "no:cacheprovider", "--import-mode=importlib")

settings.register_profile("howto-tiny", max_examples=3, deadline=None, database=None)


def _files():
    files = {}
    for _, body in BLOCKS:
        named = _NAMED.match(body)
        if named:
            files[named.group(1)] = body
    return files


@pytest.fixture
def project(pytester, monkeypatch):
    """The page's project: its files, and the repository's rubric folder."""
    for name, body in _files().items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    (pytester.path / "rubrics").symlink_to(REPO / "rubrics")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "howto-tiny")
    return pytester


def test_every_python_block_names_its_file():
    python = [body for lang, body in BLOCKS if lang == "python"]
    assert len(python) == 4
    for body in python:
        assert _NAMED.match(body), body.splitlines()[0]
    assert set(_files()) == {
        "pyproject.toml",
        "tests/conftest.py",
        "tests/rubrics/panjin-county/2023/8.2.yaml",
        "tests/rubrics/test_cases.py",
        "tests/test_scoring.py",
        "tests/test_properties.py",
    }


def test_the_projects_tests_pass(project):
    result = project.runpytest(*RUN)
    result.assert_outcomes(passed=4 + 3 + 4)
    assert result.ret == 0


def test_the_coverage_report_is_as_shown(project):
    [(command, shown)] = [s for s in console_sessions(TEXT) if "--evalrules-coverage" in s[0]]
    assert command == "pytest tests/rubrics --evalrules-coverage"
    result = project.runpytest("tests/rubrics", "--evalrules-coverage", *RUN)
    assert result.ret == 0
    assert shown_in_order(shown, result.stdout.str()) == []


def test_the_free_property_tests_are_as_shown(project):
    [(command, shown)] = [s for s in console_sessions(TEXT) if "--evalrules-rubric" in s[0]]
    assert command == "pytest --evalrules-rubric panjin-county/2023"
    result = project.runpytest(
        "--evalrules-rubric",
        "panjin-county/2023",
        "-k",
        "evalrules and (invariants or validation or PJ-1.1-a)",
        "-v",
        *RUN,
    )
    result.assert_outcomes(passed=4)
    found = [re.sub(r"\s+\[\s*\d+%\]$", "", line).strip() for line in result.stdout.lines]
    assert shown_in_order(shown, "\n".join(found)) == []


def test_the_monotonicity_example_is_the_rubrics(compiled):
    [snippet] = [
        body
        for lang, body in BLOCKS
        if lang == "yaml" and body.startswith("# (a rule in the rubric file)")
    ]
    [rule] = yaml.safe_load(snippet)
    actual = next(r for _, r in compiled.rubric.rules() if r.code == rule["code"])
    assert rule["kind"] == actual.kind
    assert rule["params"] == dict(actual.params)
    assert [(m["fact"], m["direction"]) for m in rule["monotonic"]] == [
        (m.fact, m.direction) for m in actual.monotonic
    ]


def test_a_wrong_declaration_fails_as_shown(tmp_path):
    rubric = (REPO / "rubrics" / "panjin-county" / "2023.yaml").read_text(encoding="utf-8")
    declared = "monotonic: [{fact: funding.education_spending_growth, direction: helps}]"
    assert declared in rubric
    path = tmp_path / "2023.yaml"
    path.write_text(rubric.replace(declared, declared.replace("helps", "hurts")), encoding="utf-8")
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    wrong = engine.compile(engine.load_rubric(path))
    with pytest.raises(InvariantError) as info:
        run_monotonic(
            wrong,
            rule="PJ-8.1-a",
            settings=settings(
                max_examples=100, database=None, derandomize=True, phases=[Phase.generate]
            ),
        )
    [shown] = [body for lang, body in BLOCKS if lang == "text" and "[monotonic]" in body]
    # The exact pair is hypothesis' choice; the page shows one, the shape must match.
    fact = "funding.education_spending_growth"
    shape = re.compile(
        rf"^(.* but item 8\.1 scores) (\S+) with {fact} = (\S+) and (\S+) with {fact} = (\S+)$"
    )
    for text in (shown.strip(), str(info.value.violations[0]).splitlines()[0]):
        prefix, low_score, low, high_score, high = shape.match(text).groups()
        assert prefix == (
            "[monotonic] at 8.1: rule PJ-8.1-a declares that funding.education_spending_growth "
            "hurts, but item 8.1 scores"
        )
        assert Decimal(low) < Decimal(high)
        assert Decimal(low_score) < Decimal(high_score)
