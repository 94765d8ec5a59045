"""The installed ``evalrules`` console script, run as a real process.

Entry-point typos and packaging mistakes only show up here: the in-process tests import
``evalrules._cli`` directly. Each test starts the script (an interpreter, the plugins, the
rubric compiled): they are marked ``slow``, run with ``pytest -m slow`` (as CI does).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
GOLDEN = REPO / "tests" / "golden"
SCRIPT = Path(sys.executable).parent / "evalrules"


def evalrules(*args: object, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "EVALRULES_DEBUG")}
    env.pop("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    assert SCRIPT.is_file(), f"the evalrules console script is not installed at {SCRIPT}"


def test_the_script_prints_the_golden_table():
    result = evalrules("evaluate", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "shuangtaizi-2023.zh.table.txt").read_text(encoding="utf-8")
    assert result.stderr == ""


def test_the_script_exits_1_below_fail_under():
    result = evalrules("evaluate", EXAMPLE, "--fail-under", "99.5")
    assert result.returncode == 1
    assert "99.5" in result.stderr


def test_the_script_reports_facts_errors_without_a_traceback(tmp_path):
    facts = tmp_path / "facts.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("    branches: 19", "    branches: -3")
    facts.write_text(text, encoding="utf-8")
    target = tmp_path / "card.html"
    result = evalrules("evaluate", facts, "--format", "html", "-o", target)
    assert result.returncode == 2
    assert "party.branches" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()
    debug = evalrules("--debug", "evaluate", facts)
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr


def test_the_script_writes_a_file(tmp_path):
    target = tmp_path / "card.md"
    result = evalrules("evaluate", EXAMPLE, "--format", "markdown", "-o", target, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == (GOLDEN / "shuangtaizi-2023.zh.md").read_text(
        encoding="utf-8"
    )


def test_the_script_lists_rubrics():
    result = evalrules("rubrics")
    assert result.returncode == 0
    assert "panjin-county/2023" in result.stdout
