"""Every input format gives the same claims; bad input is a clear error, bounded in time.

The reports are constructed by ``_reports`` (python-docx writes the .docx, reportlab the
PDF); none is a real district's report.
"""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from _reports import EXPECTED, LINES, SHEET, docx_report, html_report, pdf_report, text_report

from evalrules._claims import (
    ReportReadError,
    _document,
    read_report,
    read_report_bytes,
    read_report_file,
)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "data" / "seed" / "shuangtaizi-2023-self-evaluation.txt"


def _tree(reading):
    return [(h.number, h.title, h.level, str(h.max), str(h.claimed)) for h in reading.headings]


FORMATS = {
    "utf-8": ("report.txt", lambda: text_report().encode("utf-8")),
    "utf-8-bom": ("report.txt", lambda: text_report().encode("utf-8-sig")),
    "utf-16": ("report.txt", lambda: text_report().encode("utf-16")),
    "gbk": ("report.txt", lambda: text_report().encode("gbk")),
    "gb18030": ("report.txt", lambda: (text_report() + "㐀\n").encode("gb18030")),
    "docx": ("report.docx", docx_report),
    "pdf": ("report.pdf", pdf_report),
    "html": ("report.html", lambda: html_report().encode("utf-8")),
    "html-gbk": (
        "report.htm",
        lambda: html_report().replace("utf-8", "gbk").encode("gbk"),
    ),
}


@pytest.mark.parametrize("kind", list(FORMATS))
def test_every_format_gives_the_same_tree_total_and_explanations(kind):
    name, make = FORMATS[kind]
    reading = read_report(read_report_bytes(make(), name=name))
    assert _tree(reading) == [(*map(str, e[:2]), e[2], e[3], e[4]) for e in EXPECTED]
    assert reading.total is not None
    assert reading.total.claimed == Decimal("18.5")
    assert reading.problems == ()
    explanations = [h.explanation for h in reading.headings]
    assert explanations[2] == "因消防隐患未整改扣0.5分。"
    assert explanations[4] == "生均公用经费未达标,扣1分。"


@pytest.mark.parametrize(
    ("kind", "encoding"),
    [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_the_encoding_is_detected(kind, encoding):
    name, make = FORMATS[kind]
    assert read_report_bytes(make(), name=name).encoding == encoding


def test_the_format_comes_from_the_content_not_the_name():
    assert read_report_bytes(pdf_report(), name="report.txt").format == "pdf"
    assert read_report_bytes(docx_report(), name="report").format == "docx"


def test_a_pdf_page_break_inside_the_report():
    reading = read_report(read_report_bytes(pdf_report(per_page=4), name="r.pdf"))
    assert _tree(reading)[3:] == [
        ("(二)", "政府保障", 1, "10", "9"),
        ("3.", "教育经费保障情况", 2, "10", "9"),
    ]


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_score_sheet_table_is_read_by_its_columns(kind):
    if kind == "docx":
        data, name = docx_report(LINES[:1], sheet=SHEET), "sheet.docx"
    else:
        data, name = html_report(LINES[:1], sheet=SHEET).encode(), "sheet.html"
    reading = read_report(read_report_bytes(data, name=name))
    assert [(h.title, h.level, h.max, h.claimed) for h in reading.headings] == [
        ("党的领导", 1, Decimal(10), None),
        ("党建工作情况", 2, Decimal(4), Decimal(4)),
        ("校园安全工作情况", 2, Decimal(6), Decimal("5.5")),
        ("政府保障", 1, Decimal(10), None),
        ("教育经费保障情况", 2, Decimal(10), Decimal(9)),
    ]
    assert reading.headings[2].explanation == "消防隐患扣0.5分"
    assert "每发现" not in reading.headings[2].title  # rule text stays out of the title
    assert reading.total is not None
    assert (reading.total.claimed, reading.total.max) == (Decimal("18.5"), Decimal(20))
    assert reading.problems == ()


def test_a_sheet_whose_rows_do_not_add_up_is_reported():
    sheet = [list(r) for r in SHEET]
    sheet[4][4] = "19"
    reading = read_report(read_report_bytes(docx_report(LINES[:1], sheet=sheet), name="s.docx"))
    assert reading.total is not None
    assert reading.total.claimed == Decimal(19)


# ------------------------------------------------------------------ bad input: exit, not crash


def _error(data: bytes, name: str) -> ReportReadError:
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(data, name=name)
    return caught.value


def test_binary_junk_is_refused():
    error = _error(bytes(range(256)) * 64, "junk.txt")
    assert "binary" in str(error)
    assert "二进制" in str(error)


def test_an_empty_file_is_refused():
    assert "empty" in str(_error(b"  \n", "e.txt"))


def test_a_docx_that_is_not_a_zip():
    error = _error("这不是 Word 文件".encode(), "report.docx")
    assert "not a zip" in str(error)


def test_a_zip_without_a_word_body():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "word/document.xml" in str(_error(out.getvalue(), "report.docx"))


def test_a_zip_bomb_docx_is_refused_without_unpacking_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"<w:p/>" * 100_000
            for _ in range(500):  # 300 MB of XML, a few hundred KB compressed
                entry.write(chunk)
    data = out.getvalue()
    assert len(data) < 5_000_000
    started = time.monotonic()
    error = _error(data, "bomb.docx")
    assert time.monotonic() - started < 5
    assert "zip bomb" in str(error)


def test_a_legacy_word_file_is_named():
    error = _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    assert ".doc" in str(error)


def test_a_password_protected_pdf_is_refused():
    error = _error(pdf_report(password="secret"), "locked.pdf")
    assert "encrypted" in str(error)
    assert "加密" in str(error)


def test_a_pdf_without_text_is_refused():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(10, 10, 100, 100)
    pdf.showPage()
    pdf.save()
    assert "OCR" in str(_error(out.getvalue(), "scan.pdf"))


def test_a_broken_pdf_is_refused():
    assert "PDF" in str(_error(b"%PDF-1.7\n garbage", "broken.pdf"))


def test_a_file_named_pdf_that_is_none():
    assert "not a PDF" in str(_error(b"plain text", "fake.pdf"))


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(_document.MAX_FILE_BYTES + 1)
    with pytest.raises(ReportReadError) as caught:
        read_report_file(huge)
    assert "limit" in str(caught.value)


def test_a_large_text_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (_document.MAX_TEXT_BYTES + 1))
    with pytest.raises(ReportReadError):
        read_report_file(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(ReportReadError) as caught:
        read_report_file(tmp_path / "absent.txt")
    assert "no such file" in str(caught.value)


def test_a_missing_extra_names_it(monkeypatch):
    import builtins

    data = docx_report()
    real = builtins.__import__

    def no_docx(name, *args, **kwargs):
        if name == "docx":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    error = _error(data, "r.docx")
    assert "evalrules[reports]" in str(error)


def test_the_seed_file_reads_as_text():
    document = read_report_file(SEED)
    assert (document.format, document.encoding) == ("text", "utf-8")
