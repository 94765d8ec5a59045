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


def test_parts_larger_than_their_wholes_are_refused_in_the_preschool_records(run, tmp_path):
    def parts(i, line):
        if i == 0:
            line = re.sub(r"compliant_classes: [0-9]+", "compliant_classes: 99", line)
        if i == 2:
            line = re.sub(r"licensed_teachers: [0-9]+", "licensed_teachers: 499", line)
        return line

    result = run("evaluate", _edited(tmp_path, PRESCHOOL, parts))
    assert result.exit_code == 2
    found = _problems(result)
    assert [p.split(":", 1)[0] for p in found] == [
        "- kindergartens[0].compliant_classes",
        "- kindergartens[2].licensed_teachers",
    ]
    assert "“班额达标的班级数”(99个)大于“班级数”(" in found[0]
    assert "“持有教师资格证的专任教师数”(499人)大于“专任教师数”(" in found[1]
    assert all(p.endswith("[part-of]") for p in found)


def test_school_records_that_disagree_are_refused_in_row_order(run, tmp_path):
    def wrong(i, line):
        if i == 1:  # 城关第二小学: training funds twice its public funds
            return re.sub(r"training_funds: [0-9]+", "training_funds: 4526720", line)
        if i == 18:  # 城南九年一贯制学校: 100 pupils in all, against 1680 + 960 on its rows
            return re.sub(r"school_pupils: [0-9]+", "school_pupils: 100", line)
        if i in (3, 10, 12):
            return re.sub(r"max_class_size: [0-9]+", "max_class_size: -1", line)
        return line

    result = run("evaluate", _edited(tmp_path, BALANCE, wrong))
    assert result.exit_code == 2
    found = [p.split(":", 1)[0] for p in _problems(result)]
    assert found == [
        "- schools[1].training_funds",
        "- schools[3].max_class_size",
        "- schools[10].max_class_size",
        "- schools[12].max_class_size",
        "- schools[18].school_pupils",
    ]
    text = result.stderr
    assert (
        "城南九年一贯制学校:“全校两学段合计在校生数”为100人,不等于学校代码3631各行“本学段在校生数”"
        "之和2640人(schools[18] 1680人 + schools[19] 960人)"
    ) in text
    assert "城关第二小学:“教师培训经费”(4526720元)大于“年度公用经费预算总额”(2263360元)" in text
