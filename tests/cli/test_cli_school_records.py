"""``evalrules evaluate`` on the school-level records of the national rubrics: a blank cell, a
table with no row, a row whose parts exceed their whole, and the order of a refusal's rows.
Every county, school and kindergarten here is constructed from the examples; none is real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BALANCE = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"
PRESCHOOL = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"
ROW = re.compile(r"^    - \{code: ")


def _edited(tmp_path: Path, source: Path, edit) -> Path:
    """``source`` with each row line passed through ``edit(index, line)`` (``None`` drops
    the row)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    out, index = [], 0
    for line in lines:
        if ROW.match(line):
            line = edit(index, line)
            index += 1
            if line is None:
                continue
        out.append(line)
    path = tmp_path / source.name
    path.write_text("".join(out), encoding="utf-8")
    return path


def _problems(result) -> list[str]:
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize(
    ("source", "table", "zh"),
    [
        (BALANCE, "schools", "“县域义务教育学校”至少应填报1行,现为0行"),
        (PRESCHOOL, "kindergartens", "“县域幼儿园”至少应填报1行,现为0行"),
    ],
    ids=["national-balance", "national-preschool"],
)
def test_a_table_with_no_row_is_refused_not_certified(run, tmp_path, source, table, zh):
    path = _edited(tmp_path, source, lambda i, line: None)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"  {table}:\n", f"  {table}: []\n"), encoding="utf-8")
    result = run("evaluate", path)
    assert result.exit_code == 2, result.stdout
    (problem,) = _problems(result)
    assert problem.startswith(f"- {table}: {zh} / ")
    assert problem.endswith("[too-few-rows]")


def test_a_blank_cell_is_missing_and_a_blank_optional_cell_is_not_given(run, tmp_path):
    def blank(i, line):
        if i == 4:  # 城东小学
            return re.sub(r"pupils: [0-9]+", "pupils: null", line, count=1)
        if i == 20:  # a nine-year school's row: its optional whole-school pupils left blank
            return re.sub(r"school_pupils: [0-9]+", "school_pupils: null", line)
        return line

    result = run("evaluate", _edited(tmp_path, BALANCE, blank))
    assert result.exit_code == 2
    (problem,) = _problems(result)
    assert problem == (
        "- schools[4].pupils: 城东小学:缺少必填数据“本学段在校生数” / 城东小学: required fact "
        "“Pupils of this stage” is missing [missing]"
    )
    assert "ValidationError" not in result.stderr
