"""Table facts in the fact-collection workbook: a sheet per table, filled from a facts file
and read back row by row, every bad cell located as sheet!cell with its row's path and name."""

from __future__ import annotations

import io
from pathlib import Path

import attrs
import openpyxl
import pytest
from _workbooks import form

import evalrules
import evalrules_national
from evalrules._excel import _layout as L
from evalrules._excel._read import read_workbook
from evalrules.errors import FactsError

REPO = Path(__file__).resolve().parents[2]
BALANCE = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"
PRESCHOOL = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"
SCHOOLS = "县域义务教育学校"


@pytest.fixture(scope="module")
def national() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


@pytest.fixture(scope="module")
def balance(national):
    return national.load_rubric("national-balance/2017")


@pytest.fixture(scope="module")
def jia(national):
    return national.load_facts(BALANCE)


@pytest.fixture(scope="module")
def filled(national, balance, jia) -> bytes:
    return form(national, balance, jia)


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(national, rubric, data: bytes) -> list[evalrules.FactsProblem]:
    doc = read_workbook(data, "f.xlsx")
    with pytest.raises(FactsError) as info:
        national.compile(rubric).evaluate(doc)
    return list(info.value.problems)


def _column(ws, name: str) -> str:
    for cell in ws[L.TABLE_NAMES_ROW]:
        if cell.value == name:
            return cell.column_letter
    raise AssertionError(f"no column {name}")


# ------------------------------------------------------------------------------- layout


def test_each_table_has_a_sheet_named_after_its_label(filled, balance):
    book = _book(filled)
    assert book.sheetnames == ["说明", "填报", SCHOOLS, "自评分", "_evalrules"]
    ws = book[SCHOOLS]
    names = [c.value for c in ws[L.TABLE_NAMES_ROW]]
    table = next(s for s in balance.facts if s.path == "schools").table
    assert names == [c.path for c in table.columns]
    header = {n: ws.cell(L.TABLE_HEADER_ROW, i).value for i, n in enumerate(names, start=1)}
    assert header["pupils"] == "本学段在校生数(人)\nPupils of this stage"
    assert header["equipment_value"] == "教学仪器设备值(元)\nValue of teaching equipment (yuan)"
    assert header["sports_area"].startswith("体育运动场馆面积(m²)\n")
    # The facts sheet points to the table's sheet.
    pointer = [
        c.value for c in book["填报"]["C"] if isinstance(c.value, str) and SCHOOLS in c.value
    ]
    assert pointer == [f"见工作表“{SCHOOLS}” / see the sheet {SCHOOLS}"]


def test_a_table_sheet_validates_each_column(filled):
    ws = _book(filled)[SCHOOLS]
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            rules[rng.coord] = dv
    first, last = L.TABLE_FIRST_ROW, L.TABLE_FIRST_ROW + 5000 - 1

    def rule(name: str):
        letter = _column(ws, name)
        return rules[f"{letter}{first}:{letter}{last}"]

    assert rule("pupils").type == "whole"
    assert (rule("pupils").formula1, rule("pupils").formula2) == ("0", "10000")
    assert rule("teaching_space").type == "decimal"
    assert rule("stage").formula1 == '"primary,junior"'
    assert rule("category").formula1 == '"primary,junior,nine_year,teaching_point,special"'
    key = rule("code")
    assert key.type == "custom"
    assert (
        key.formula1 == f"COUNTIFS($A${first}:$A${last},A{first},$C${first}:$C${last},C{first})<=1"
    )


def test_sheet_names_are_valid_excel_names():
    taken: list[str] = []
    for label in ("学校[一]:*?/\\", "x" * 40, "x" * 40, "填报", "'引号'", "History", ""):
        name = L.sheet_name(label, taken)
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'")
        assert not name.endswith("'")
        assert name.casefold() not in {t.casefold() for t in taken}
        assert name.casefold() not in L.RESERVED_SHEETS
        taken.append(name)
    assert taken[:3] == ["学校一", "x" * 31, "x" * 28 + "(2)"]
    assert L.sheet_name("学校[一]:*?/\\", []) == "学校一"  # the same label, the same name


def test_the_filled_workbook_is_the_same_bytes_every_time(national, balance, jia, filled):
    assert form(national, balance, jia) == filled


def test_prefilling_refuses_a_row_value_the_sheet_cannot_hold(national, balance, jia):
    rows = [dict(r) for r in jia.facts["schools"]]
    rows[3] = {**rows[3], "pupils": "many", "nickname": "x"}
    bad = attrs.evolve(jia, facts={**jia.facts, "schools": rows})
    with pytest.raises(FactsError) as info:
        form(national, balance, bad)
    where = {(p.path, p.code) for p in info.value.problems}
    assert where == {("schools[3].pupils", "cannot-write"), ("schools[3].nickname", "not-written")}
    assert all(p.message_zh.startswith("实验小学:") for p in info.value.problems)


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    ("ref", "example"),
    [("national-balance/2017", BALANCE), ("national-preschool/2020", PRESCHOOL)],
)
def test_a_table_round_trips_to_the_same_facts_and_scorecard(national, ref, example):
    rubric = national.load_rubric(ref)
    compiled = national.compile(rubric)
    yaml_doc = national.load_facts(example)
    assert any(s.table is not None for s in rubric.facts)
    doc = read_workbook(form(national, rubric, yaml_doc), "jia.xlsx")
    assert doc.problems == ()
    assert doc.facts == yaml_doc.facts
    assert doc.entity == yaml_doc.entity
    # The workbook carries the values, not the notes on how they were obtained: without the
    # notes, the YAML's scorecard is the workbook's, byte for byte.
    plain_yaml = attrs.evolve(yaml_doc, assumed={})
    from_xlsx = compiled.evaluate(doc).to_json()
    assert from_xlsx == compiled.evaluate(plain_yaml).to_json()
    with_notes = compiled.evaluate(yaml_doc)
    assert attrs.evolve(with_notes, assumed=()) == compiled.evaluate(doc)


def test_empty_rows_between_and_after_the_rows_are_not_read(national, balance, jia, filled):
    book = _book(filled)
    ws = book[SCHOOLS]
    ws.insert_rows(L.TABLE_FIRST_ROW + 2, 3)
    doc = read_workbook(_save(book), "f.xlsx")
    assert doc.problems == ()
    assert doc.facts["schools"] == jia.facts["schools"]
    assert doc.locations["schools[2].pupils"] == f"{SCHOOLS}!E{L.TABLE_FIRST_ROW + 5}"


# ---------------------------------------------------------------------------- bad cells


def test_every_bad_cell_is_listed_with_its_cell_path_and_school(national, balance, filled):
    book = _book(filled)
    ws = book[SCHOOLS]
    row = L.TABLE_FIRST_ROW
    col = {n: _column(ws, n) for n in ("code", "stage", "pupils", "max_class_size", "public_funds")}
    ws[f"{col['pupils']}{row}"] = "很多"  # text in a number column
    ws[f"{col['pupils']}{row}"].data_type = "s"
    ws[f"{col['max_class_size']}{row + 1}"] = -3  # out of range
    ws[f"{col['stage']}{row + 2}"] = "senior"  # an unknown stage
    ws[f"{col['code']}{row + 5}"] = "3605"  # 城西小学 given 城东小学's code, same stage
    ws[f"{col['public_funds']}{row + 6}"] = None  # a required cell left blank
    problems = _refusal(national, balance, _save(book))
    found = {(p.location, p.path, p.code) for p in problems}
    assert found == {
        (f"{SCHOOLS}!E{row}", "schools[0].pupils", "wrong-type"),
        (f"{SCHOOLS}!G{row + 1}", "schools[1].max_class_size", "negative"),
        (f"{SCHOOLS}!C{row + 2}", "schools[2].stage", "not-allowed"),
        (f"{SCHOOLS}!A{row + 5}", "schools[5].code", "duplicate-key"),
        (f"{SCHOOLS}!O{row + 6}", "schools[6].public_funds", "missing"),
    }
    names = {p.path: p.message_zh.split(":")[0] for p in problems}
    assert names == {
        "schools[0].pupils": "城关第一小学",
        "schools[1].max_class_size": "城关第二小学",
        "schools[2].stage": "城关第三小学",
        "schools[5].code": "城西小学",
        "schools[6].public_funds": "河口镇中心小学",
    }
    assert all(p.message_en.startswith(names[p.path]) for p in problems)
    assert (
        "schools[4](城东小学)" in next(p for p in problems if p.code == "duplicate-key").message_zh
    )


def test_a_column_taken_off_the_sheet_is_named(national, balance, filled):
    book = _book(filled)
    ws = book[SCHOOLS]
    letter = _column(ws, "training_funds")
    ws[f"{letter}{L.TABLE_NAMES_ROW}"] = "training"
    problems = _refusal(national, balance, _save(book))
    by_code = {p.code: p for p in problems}
    assert by_code["unknown-column"].location == f"{SCHOOLS}!{letter}{L.TABLE_NAMES_ROW}"
    assert by_code["missing-column"].path == "schools[].training_funds"
    assert by_code["missing-column"].location == f"{SCHOOLS}!5:5"
    # Every row then misses the required column, each at its own row.
    missing = [p for p in problems if p.code == "missing"]
    assert len(missing) == 27
    assert {p.path for p in missing} == {f"schools[{i}].training_funds" for i in range(27)}


def test_a_blank_table_sheet_reports_the_table_missing(national, balance):
    problems = _refusal(national, balance, form(national, balance))
    schools = [p for p in problems if p.path == "schools" and p.code == "missing"]
    assert len(schools) == 1
    assert schools[0].message_zh == "缺少必填数据“县域义务教育学校”"
    assert schools[0].location == f"{SCHOOLS}!A{L.TABLE_FIRST_ROW}"


def test_a_deleted_table_sheet_is_named(national, balance, filled):
    book = _book(filled)
    book.security = None
    del book[SCHOOLS]
    doc = read_workbook(_save(book), "f.xlsx")
    assert [(p.path, p.code) for p in doc.problems] == [("schools", "missing-sheet")]


def test_too_many_rows_on_a_table_sheet_is_refused_before_reading_them(filled, monkeypatch):
    from evalrules._excel import _read

    # Above the facts and claims sheets' rows, below the 100 rows the table sheet offers.
    monkeypatch.setattr(_read, "MAX_ROWS", 80)
    with pytest.raises(FactsError) as info:
        read_workbook(filled, "f.xlsx")
    assert [p.code for p in info.value.problems] == ["too-large"]
    assert SCHOOLS in info.value.problems[0].message_zh


def test_rubric_without_tables_gets_no_table_sheet(engine, panjin):
    book = _book(form(engine, panjin))
    assert book.sheetnames == ["说明", "填报", "自评分", "_evalrules"]
