"""The fact-collection workbook: layout, stamp, determinism, and reading it back."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from _workbooks import edit, form, rezip, row_of, with_cached_formula

import evalrules
from evalrules._excel import _layout as L
from evalrules._excel._archive import MAX_UNPACKED_BYTES
from evalrules._excel._read import read_workbook
from evalrules.errors import FactsError

FACTS_PART = "xl/worksheets/sheet2.xml"


@pytest.fixture(scope="module")
def blank(engine, panjin) -> bytes:
    return form(engine, panjin)


@pytest.fixture(scope="module")
def filled(engine, panjin, example) -> bytes:
    return form(engine, panjin, example)


def _problems(data: bytes) -> list:
    """The problems of a workbook: the file's own, or those of the cells it was read with."""
    try:
        doc = read_workbook(data, "f.xlsx")
    except FactsError as exc:
        return list(exc.problems)
    assert doc.problems, "the workbook was read without a problem"
    return list(doc.problems)


# ------------------------------------------------------------------------------- layout


def test_facts_are_grouped_by_indicator_in_rubric_order(blank, panjin):
    ws = openpyxl.load_workbook(io.BytesIO(blank))[L.FACTS_SHEET]
    groups = [
        ws.cell(r, 1).value
        for r in range(L.FACT_HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, L.FACT_PATH).value is None and ws.cell(r, 1).value
    ]
    assert groups[0].startswith("被评对象")
    assert groups[-1].startswith("其他数据")  # facts no rule reads (records kept for reviewers)
    codes = [g.split(" ")[0] for g in groups[1:-1]]
    indicator_order = [n.code for n in panjin.walk()]
    assert codes == sorted(codes, key=indicator_order.index)
    assert codes[:3] == ["1", "2", "3"]


def test_each_row_says_label_unit_kind_range_required_and_readers(blank):
    ws = openpyxl.load_workbook(io.BytesIO(blank))[L.FACTS_SHEET]
    row = row_of(blank, "funding.primary.public_funds")
    assert ws.cell(row, L.FACT_LABEL).value == "小学公用经费下达金额"
    assert "public funds" in ws.cell(row, L.FACT_LABEL).comment.text.lower()
    assert ws.cell(row, L.FACT_UNIT).value == "元"
    assert ws.cell(row, L.FACT_KIND).value == "数字"
    assert ws.cell(row, L.FACT_RANGE).value.startswith("0–")
    assert ws.cell(row, L.FACT_REQUIRED).value == "必填"
    assert ws.cell(row, L.FACT_INDICATORS).value == "8.2"
    conditional = row_of(blank, "private_schools.key_tasks_done")
    assert "区域内有民办中小学校" in ws.cell(conditional, L.FACT_REQUIRED).value


def test_a_series_takes_a_row_per_year(blank):
    ws = openpyxl.load_workbook(io.BytesIO(blank))[L.FACTS_SHEET]
    paths = [ws.cell(r, L.FACT_PATH).value for r in range(1, ws.max_row + 1)]
    assert [p for p in paths if p and p.startswith("fitness.good_rate")] == [
        "fitness.good_rate.2021",
        "fitness.good_rate.2022",
    ]


def test_value_cells_are_unlocked_and_validated_labels_protected(blank):
    ws = openpyxl.load_workbook(io.BytesIO(blank))[L.FACTS_SHEET]
    assert ws.protection.sheet
    row = row_of(blank, "party.branches")
    assert ws.cell(row, L.FACT_VALUE).protection.locked is False
    assert ws.cell(row, L.FACT_LABEL).protection.locked is True
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for cell in rng.cells:
                rules[cell] = dv
    count = rules[(row, L.FACT_VALUE)]
    assert (count.type, count.operator, count.formula1, count.formula2) == (
        "whole",
        "between",
        "0",
        "2000",
    )
    yes_no = rules[(row_of(blank, "safety.major_accident"), L.FACT_VALUE)]
    assert (yes_no.type, yes_no.formula1) == ("list", '"是,否"')
    rate = rules[(row_of(blank, "safety.anti_fall_completion"), L.FACT_VALUE)]
    assert (rate.type, rate.formula1, rate.formula2) == ("decimal", "0", "100")


def test_the_rubric_is_stamped_in_a_very_hidden_sheet(blank, compiled):
    book = openpyxl.load_workbook(io.BytesIO(blank))
    meta = book[L.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    stamp = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 5)}
    assert stamp == {
        "format": L.FORMAT,
        "rubric": "panjin-county/2023",
        "version": compiled.rubric.version,
        "digest": compiled.digest,
    }
    assert book.sheetnames[:3] == [L.GUIDE_SHEET, L.FACTS_SHEET, L.CLAIMS_SHEET]
    guide = book[L.GUIDE_SHEET]
    assert compiled.digest in [guide.cell(r, 2).value for r in range(1, 10)]


def test_the_same_rubric_and_facts_give_the_same_bytes(engine, panjin, example, filled):
    assert form(engine, panjin, example) == filled
    with zipfile.ZipFile(io.BytesIO(filled)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2


# ------------------------------------------------------------------------------ reading


def test_a_filled_workbook_reads_back_as_the_same_document(engine, filled, example, compiled):
    back = read_workbook(filled, "f.xlsx")
    # A workbook holds values, not the notes on how some were obtained (``assumed``).
    example = attrs.evolve(example, assumed={})
    assert back == example
    assert back.rubric_digest == compiled.digest
    assert compiled.evaluate(back) == compiled.evaluate(example)


def test_yes_no_words_and_marks(blank):
    marks = {
        "safety.major_accident": "✗",
        "party.life_meetings_held": "✓",
        "schools.has_high_school": "否",
        "party.three_meetings_one_lesson": True,
    }
    doc = read_workbook(edit(blank, marks), "f.xlsx")
    assert doc.facts["safety"]["major_accident"] is False
    assert doc.facts["party"]["life_meetings_held"] is True
    assert doc.facts["schools"]["has_high_school"] is False
    assert doc.facts["party"]["three_meetings_one_lesson"] is True


def test_percentages_read_per_declared_type(blank):
    data = edit(
        blank,
        {
            "safety.anti_fall_completion": 0.85,
            "myopia.eye_exercises_rate": "85%",
            "after_school.coverage_rate": 0.85,
            "ratings.fitness": 96,
        },
        formats={"safety.anti_fall_completion": "0%"},
    )
    facts = read_workbook(data, "f.xlsx").facts
    assert facts["safety"]["anti_fall_completion"] == Decimal(85)  # Excel's 85 %
    assert facts["myopia"]["eye_exercises_rate"] == Decimal(85)  # the text 85%
    assert facts["after_school"]["coverage_rate"] == Decimal("0.85")  # a plain number
    assert facts["ratings"]["fitness"] == 96


def test_empty_cells_are_missing(blank):
    doc = read_workbook(blank, "f.xlsx")
    assert doc.facts == {}
    assert doc.entity is None


def test_a_number_stored_as_text_is_refused_with_its_cell(blank):
    problems = _problems(edit(blank, {"pupils.primary": "10140", "party.branches": "19 个"}))
    row = row_of(blank, "pupils.primary")
    located = {p.path: p for p in problems}
    assert located["pupils.primary"].location == f"填报!C{row}"
    assert located["pupils.primary"].code == "wrong-type"
    assert "10140" in located["pupils.primary"].message_zh
    assert "party.branches" in located  # every bad cell at once


def test_a_formula_counts_by_its_calculated_value(blank):
    data = edit(blank, {"party.branches": 19})
    row = row_of(blank, "party.branches")
    data = with_cached_formula(data, f"C{row}", "10+9", FACTS_PART)
    assert read_workbook(data, "f.xlsx").facts["party"]["branches"] == 19


def test_a_formula_never_calculated_is_refused(blank):
    problems = _problems(edit(blank, {"party.branches": "=10+9"}))
    assert [(p.path, p.code) for p in problems] == [("party.branches", "formula-not-calculated")]
    assert "Excel" in problems[0].message_zh


def test_evaluation_problems_are_located_at_their_cells(engine, blank, compiled):
    data = edit(blank, {"party.branches": 5, "party.branches_with_deputy": 9})
    doc = read_workbook(data, "f.xlsx")
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    problems = {p.path: p for p in info.value.problems}
    row = row_of(blank, "pupils.primary")
    assert problems["pupils.primary"].location == f"填报!C{row}"
    assert problems["pupils.primary"].code == "missing"
    assert str(problems["pupils.primary"]).startswith(f"填报!C{row} pupils.primary:")


# ----------------------------------------------------------------------------- refusals


def test_a_workbook_for_another_rubric_is_refused(engine, filled, tmp_path):
    other = tmp_path / "other.yaml"
    text = Path(engine.load_rubric("panjin-county/2023").file).read_text(encoding="utf-8")
    source = text.replace('version: "1.0.0"', 'version: "1.0.1"')
    other.write_text(source, encoding="utf-8")
    changed = engine.compile(engine.load_rubric(other))
    doc = read_workbook(filled, "f.xlsx")
    with pytest.raises(FactsError) as info:
        changed.evaluate(doc)
    (problem,) = info.value.problems
    assert problem.code == "rubric-mismatch"
    assert problem.location == "说明!B3"
    assert "evalrules template panjin-county/2023 --format xlsx --from" in problem.message_en


def test_a_plain_workbook_is_not_a_form():
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    (problem,) = _problems(out.getvalue())
    assert problem.code == "not-a-form"
    assert "evalrules template" in problem.message_zh


def test_macro_enabled_workbooks_are_refused(blank):
    def macro(xml: bytes) -> bytes:
        return xml.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml", 1)

    (problem,) = _problems(rezip(blank, {"[Content_Types].xml": macro}))
    assert problem.code == "macro-enabled"
    (problem,) = _problems(rezip(blank, {"xl/vbaProject.bin": b"\x00" * 64}))
    assert problem.code == "macro-enabled"


def test_encrypted_and_old_xls_files_are_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    (problem,) = _problems(ole + "EncryptedPackage".encode("utf-16-le"))
    assert problem.code == "encrypted"
    (problem,) = _problems(ole + b"Workbook")
    assert problem.code == "not-xlsx"
    assert ".xls" in problem.message_zh


def test_files_that_are_no_workbook_are_refused():
    assert _problems(b"path,value\n")[0].code == "not-xlsx"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    assert _problems(docx.getvalue())[0].code == "not-xlsx"
    assert _problems(b"PK\x03\x04 broken")[0].code == "not-xlsx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(blank):
    bomb = rezip(blank, {"xl/media/huge.bin": b"\x00" * (MAX_UNPACKED_BYTES + 1)})
    assert len(bomb) < 2 * 1024 * 1024  # within the engine's file limit
    (problem,) = _problems(bomb)
    assert problem.code == "too-large"


def test_the_engine_reads_workbooks_by_suffix_and_by_content(engine, filled, example, tmp_path):
    (tmp_path / "f.xlsx").write_bytes(filled)
    (tmp_path / "f.bin").write_bytes(filled)
    example = attrs.evolve(example, assumed={})  # a workbook holds no notes on values
    assert engine.load_facts(tmp_path / "f.xlsx") == example
    assert engine.load_facts(tmp_path / "f.bin") == example
    (tmp_path / "f.xlsm").write_bytes(rezip(filled, {"xl/vbaProject.bin": b"\x00"}))
    with pytest.raises(FactsError, match="macro"):
        engine.load_facts(tmp_path / "f.xlsm")


# ------------------------------------------------------------------------ other values


def test_bad_cells_and_the_facts_problems_are_reported_together(filled, compiled):
    data = edit(filled, {"pupils.primary": "10140", "party.branches": 5, "pupils.junior": None})
    doc = read_workbook(data, "f.xlsx")
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    found = {(p.path, p.code, p.location) for p in info.value.problems}
    assert ("pupils.primary", "wrong-type", f"填报!C{row_of(filled, 'pupils.primary')}") in found
    assert ("pupils.junior", "missing", f"填报!C{row_of(filled, 'pupils.junior')}") in found
    part = {p.path for p in info.value.problems if p.code != "missing"}
    assert "party.branches_with_deputy" in part or "party.branches" in part  # 10 of 5 branches


def test_a_value_the_workbook_cannot_hold_is_refused_when_filling(engine, panjin, example):
    doc = evalrules.FactsDocument(
        facts={**example.facts, "pupils": {"primary": 10140, "junior": "4527"}},
        rubric=example.rubric,
    )
    with pytest.raises(FactsError) as info:
        form(engine, panjin, doc)
    assert [(p.path, p.code) for p in info.value.problems] == [("pupils.junior", "cannot-write")]
