"""evalrules template --format xlsx, evaluate F.xlsx and evaluate --format xlsx."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "unit"))
from _workbooks import edit, row_of  # noqa: E402

EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
GOLDEN = REPO / "tests" / "golden"


def _card(run, facts: Path) -> dict:
    result = run("evaluate", facts, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def workbook(run, tmp_path) -> Path:
    out = tmp_path / "facts.xlsx"
    result = run("template", "panjin-county/2023", "--format", "xlsx", "--from", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


def test_the_example_as_a_workbook_scores_as_the_yaml(run, workbook):
    from_yaml, from_xlsx = _card(run, EXAMPLE), _card(run, workbook)
    assert from_xlsx["total"] == from_yaml["total"] == 98.6
    # The workbook holds the values, not the notes on the back-calculated ones: its findings
    # read those ratings as reported, the YAML's say they are back-calculated.
    assumed_ids = [f["message_id"] for f in from_yaml["findings"]]
    assert assumed_ids.count("external_rating.assumed") == 3
    assert "external_rating.assumed" not in [f["message_id"] for f in from_xlsx["findings"]]

    def as_reported(findings: list[dict]) -> list[dict]:
        out = []
        for f in findings:
            if f["message_id"] == "external_rating.assumed":
                f = {**f, "message_id": "external_rating.scaled", "message": None}
            elif f["message_id"] == "external_rating.scaled":
                f = {**f, "message": None}
            out.append(f)
        return out

    assert as_reported(from_xlsx["findings"]) == as_reported(from_yaml["findings"])
    # The workbook holds the values; the notes on the back-calculated ones stay in the YAML.
    assert [a["fact"] for a in from_yaml.pop("assumed")] == [
        "ratings.fitness",
        "ratings.myopia",
        "ratings.obesity",
    ]
    from_xlsx["findings"] = as_reported(from_xlsx["findings"])
    from_yaml["findings"] = as_reported(from_yaml["findings"])
    assert from_xlsx == from_yaml


def test_a_number_cell_turned_into_text_is_refused_naming_the_cell(run, workbook, tmp_path):
    data = workbook.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(data, {"pupils.primary": "10140"}))
    result = run("evaluate", bad)
    assert result.exit_code == 2
    row = row_of(data, "pupils.primary")
    assert f"填报!C{row} pupils.primary" in result.stderr
    assert "10140" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_blank_workbook_lists_every_missing_fact_at_its_cell(run, tmp_path):
    out = tmp_path / "blank.xlsx"
    assert run("template", "panjin-county/2023", "--format", "xlsx", "-o", out).exit_code == 0
    result = run("evaluate", out)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - 填报!C")]
    assert len(lines) > 40
    assert all("[missing]" in line for line in lines)


def test_template_bytes_are_the_same_every_time(run, workbook, tmp_path):
    again = tmp_path / "again.xlsx"
    args = ("template", "panjin-county/2023", "--format", "xlsx", "--from", EXAMPLE, "-o", again)
    assert run(*args).exit_code == 0
    assert again.read_bytes() == workbook.read_bytes()


def test_from_needs_the_xlsx_format(run):
    result = run("template", "panjin-county/2023", "--from", EXAMPLE)
    assert result.exit_code == 2
    assert "--from needs --format xlsx" in result.stderr


def test_from_refuses_facts_the_workbook_cannot_hold(run, edit_example, tmp_path):
    facts = edit_example("  party:\n", "  nonsense: {x: 1}\n  party:\n")
    result = run(
        "template",
        "panjin-county/2023",
        "--format",
        "xlsx",
        "--from",
        facts,
        "-o",
        tmp_path / "f.xlsx",
    )
    assert result.exit_code == 2
    assert "facts.nonsense.x" in result.stderr
    assert not (tmp_path / "f.xlsx").exists()


def test_a_macro_enabled_file_is_refused(run, workbook, tmp_path):
    import zipfile

    xlsm = tmp_path / "facts.xlsm"
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(xlsm, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 16)
    result = run("evaluate", xlsm)
    assert result.exit_code == 2
    assert "macro-enabled" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_csv_of_flat_facts_is_read(run, tmp_path):
    csv = tmp_path / "facts.csv"
    csv.write_text("path,value\nrubric,panjin-county/2023\nparty.branches,19 %\n", "utf-8")
    result = run("evaluate", csv)
    assert result.exit_code == 2
    assert "line 3 party.branches" in result.stderr
    assert "[percent-sign]" in result.stderr


# ---------------------------------------------------------------------------- score sheet


def _sheet(run, tmp_path, *args) -> openpyxl.worksheet.worksheet.Worksheet:
    out = tmp_path / "card.xlsx"
    result = run("evaluate", EXAMPLE, "--format", "xlsx", "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(out).active


def _dump(ws) -> str:
    lines = []
    for row in ws.iter_rows():
        cells = [f"{c.coordinate}={c.value!r}" for c in row if c.value is not None]
        if cells:
            lines.append(" | ".join(cells))
    lines.append("merged: " + ", ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_score_sheet_cell_values_match_the_golden_file(run, tmp_path, lang):
    text = _dump(_sheet(run, tmp_path, "--lang", lang))
    golden = GOLDEN / "xlsx" / f"shuangtaizi-2023.{lang}.scoresheet.txt"
    if os.environ.get("EVALRULES_REGEN_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_score_sheet_golden_file_has_a_case():
    names = sorted(p.name for p in (GOLDEN / "xlsx").iterdir())
    assert names == [f"shuangtaizi-2023.{lang}.scoresheet.txt" for lang in ("en", "zh")]


def test_score_sheet_holds_the_computed_and_claimed_totals(run, tmp_path):
    ws = _sheet(run, tmp_path)
    headers = [c.value for c in ws[3]]
    total = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "总分")
    values = {headers[i]: total[i].value for i in range(len(headers)) if headers[i]}
    assert (values["分值"], values["自评"], values["核定"]) == (100, 98.6, 98.6)
    grade = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "等次")
    assert "优秀" in [c.value for c in grade]


def test_score_sheet_is_print_ready(run, tmp_path):
    ws = _sheet(run, tmp_path)
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$3"


def test_score_sheet_bytes_are_the_same_every_time(run, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (first, second):
        assert run("evaluate", EXAMPLE, "--format", "xlsx", "-o", out).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_score_sheet_of_a_rubric_with_bonus_and_veto(run, tiny, tmp_path):
    rubric, facts = tiny
    out = tmp_path / "card.xlsx"
    result = run(
        "evaluate", facts, "--rubric", rubric, "--format", "xlsx", "-o", out, "--lang", "en"
    )
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
    firsts = [r[0].value for r in ws.iter_rows(min_row=4)]
    assert {"Base total", "Bonus", "Total", "Grade", "Vetoes and downgrades"} <= set(firsts)
    text = _dump(ws)
    assert "T-1-veto" in text
    assert "资料不全" in text  # the assessor's reason


NATIONAL = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"


def test_a_table_fact_round_trips_through_the_workbook(run, tmp_path):
    out = tmp_path / "jia.xlsx"
    args = ("template", "national-balance/2017", "--format", "xlsx", "--from", NATIONAL)
    assert run(*args, "-o", out).exit_code == 0
    from_yaml, from_xlsx = _card(run, NATIONAL), _card(run, out)
    # The notes on how the example's values were made stay in the YAML; all else is the same.
    assert from_yaml.pop("assumed")
    assert from_xlsx == from_yaml
    again = tmp_path / "again.xlsx"
    assert run(*args, "-o", again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_bad_school_cell_is_refused_naming_sheet_cell_path_and_school(run, tmp_path):
    out = tmp_path / "jia.xlsx"
    args = ("template", "national-balance/2017", "--format", "xlsx", "--from", NATIONAL)
    assert run(*args, "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    book["县域义务教育学校"]["E19"] = "1,500"
    book["县域义务教育学校"]["E19"].data_type = "s"
    book.save(out)
    result = run("evaluate", out)
    assert result.exit_code == 2
    assert "县域义务教育学校!E19 schools[13].pupils: 城关第一初级中学:单元格中是文字“1,500”" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_csv_cannot_give_a_table(run, tmp_path):
    csv = tmp_path / "facts.csv"
    csv.write_text(
        "path,value\nrubric,national-balance/2017\npay.teachers_average,98000\n"
        "schools[0].pupils,1860\n",
        "utf-8",
    )
    result = run("evaluate", csv)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "[table-in-csv]" in line]
    assert len(lines) == 2
    assert lines[0].startswith("  - schools: “县域义务教育学校”是表格数据(每行一个单位),不能用 CSV")
    assert "use a YAML or JSON facts file, or the Excel workbook" in lines[0]
    assert lines[1].startswith("  - line 4 schools[0].pupils: 表格数据")
    # The table is not reported again as missing.
    assert not [line for line in result.stderr.splitlines() if "  - schools: " in line][1:]
