"""Golden files: the 双台子区 example's scorecard as table (zh, en), Markdown and HTML (zh).

The files in ``tests/golden/`` are what a reviewer reads; a change to them is a change of
output to review. After an intended change, regenerate them and review the diff:

    EVALRULES_REGEN_GOLDEN=1 python -m pytest tests/cli/test_golden.py

With that variable set, each test writes its file before comparing (so it passes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
GOLDEN = REPO / "tests" / "golden"

CASES = {
    "shuangtaizi-2023.zh.table.txt": ("--format", "table", "--lang", "zh"),
    "shuangtaizi-2023.en.table.txt": ("--format", "table", "--lang", "en"),
    "shuangtaizi-2023.zh.md": ("--format", "markdown", "--lang", "zh"),
    "shuangtaizi-2023.zh.html": ("--format", "html", "--lang", "zh"),
    "shuangtaizi-2023.en.html": ("--format", "html", "--lang", "en", "--sensitivity"),
    "shuangtaizi-2023.sensitivity.zh.table.txt": ("--format", "table", "--sensitivity"),
    "shuangtaizi-2023.sensitivity.en.md": ("--format", "markdown", "--lang", "en", "--sensitivity"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_output_matches_its_golden_file(run, name):
    result = run("evaluate", EXAMPLE, *CASES[name])
    assert result.exit_code == 0, result.stderr
    path = GOLDEN / name
    if os.environ.get("EVALRULES_REGEN_GOLDEN") == "1":
        path.write_text(result.stdout, encoding="utf-8", newline="\n")
    assert result.stdout == path.read_text(encoding="utf-8")


def test_every_golden_file_has_a_case():
    # xlsx/: the score sheets' cell values, checked by tests/cli/test_cli_excel.py;
    # messages.txt: every builtin template, checked by tests/unit/kinds/test_messages.py.
    files = sorted(p.name for p in GOLDEN.iterdir() if p.is_file() and p.name != "messages.txt")
    assert files == sorted(CASES)
