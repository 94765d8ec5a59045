"""The how-to "Evaluate a cohort", its sections on the printable report and the example
cohort: the command it gives writes the page it describes, and the table of the example
cohort gives each unit's total and grade as ``evalrules evaluate`` scores it alone."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner
from docs_markdown import DOCS, REPO

import evalrules
from evalrules import _cli as cli

HOWTO = DOCS / "how-to" / "evaluate-a-cohort.md"
TEXT = HOWTO.read_text(encoding="utf-8")
REPORT = TEXT.split("## 6. The printable report")[1].split("\n## ")[0]
EXAMPLE = TEXT.split("## 7. The example cohort")[1].split("\n## ")[0]
COHORT = REPO / "rubrics" / "panjin-county" / "examples" / "cohort"


def test_the_report_command_writes_the_page_described(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    (command,) = re.findall(r"`(evalrules cohort [^`]+--format html[^`]*)`", REPORT)
    args = shlex.split(command)[1:]
    out = tmp_path / "cohort.html"
    args[args.index("-o") + 1] = str(out)
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<table class="ranking">' in page
    assert page.count('<section class="member"') == 4
    assert "按总分为优秀,经等次调整" in page  # the grade changed by a veto, as the page says
    assert "自评97.7" in page  # a differing claim beside its bar
    # the font stack the page names, in that order
    fonts = re.findall(r"[A-Z][\w ]+? SC|Microsoft YaHei|WenQuanYi Micro Hei|SimSun", REPORT)
    positions = [page.index(f'"{font}"') for font in fonts]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "row",
    [line for line in EXAMPLE.splitlines() if line.startswith("| `2111")],
    ids=lambda row: row.split("`")[1],
)
def test_the_example_table_gives_each_units_total_and_grade(compiled, row):
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    name, facts, total, grade = cells[0].strip("`"), cells[2], cells[3], cells[4]
    doc = evalrules.load_facts(COHORT / name)
    card = compiled.evaluate(doc)
    assert str(card.total) == total
    assert card.grade.label.zh == grade
    assert card.entity.name == cells[1]
    # "constructed" in the table exactly when the file's notes say its facts are
    constructed = bool(doc.assumed) and all("构造" in n.zh for n in doc.assumed.values())
    assert ("constructed" in facts) == constructed
