"""The README's promises: its library example runs and prints what it says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from _environ import clean_env

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before 3.11
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_has_two_quick_start_commands_that_ci_runs():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in README.splitlines() if line.startswith("python3 -m venv .venv")]
    assert len(commands) == 2
    assert "evalrules evaluate rubrics/panjin-county/examples/" in commands[0]
    assert commands[1].endswith(".venv/bin/python -m pytest")
    # .ci/run finds both commands in the README by these patterns and runs them verbatim.
    assert 'eval "$main_job"' in ci
    assert 'eval "$test_job"' in ci


def test_ci_runs_the_slow_tests_the_quick_start_leaves_out():
    # The quick start's pytest deselects the tests marked slow; CI runs them in a step of
    # their own, so that every test runs in CI.
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    assert addopts[addopts.index("-m") + 1] == "not slow"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ".venv/bin/python -m pytest -m slow" in ci


def test_library_example_runs_and_prints_the_example_total(tmp_path):
    (block,) = _python_blocks()
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "98.6 优秀"
    assert "11" in result.stdout  # the 普惠率 alternative is printed


def test_library_example_is_about_twenty_lines():
    (block,) = _python_blocks()
    assert len(block.strip().splitlines()) <= 25


def test_import_has_no_side_effects():
    # import evalrules must not load plugins or read files
    code = (
        "import sys, evalrules; "
        "assert 'evalrules_panjin' not in sys.modules; "
        "assert 'hypothesis' not in sys.modules; "
        "assert evalrules._default is None"
    )
    subprocess.run([sys.executable, "-c", code], env=clean_env(), check=True)
