"""Constructed self-assessment reports for the claims tests, in every input format.

Everything here is made up by the tests (marked "constructed"), not taken from a real
report: each builder writes the same small report — two first-level domains, three scored
indicators, a stated total — as text, .docx (python-docx), PDF (reportlab, a real PDF
writer) or HTML, so that each format is shown to give the same claims.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

#: The constructed report's lines (running text, the seed's phrasings).
LINES: tuple[str, ...] = (
    "某区履行教育职责自评报告(测试用构造数据)",
    "经逐项自查,自评总分为18.5分。",
    "(一)党的领导(10分,自评得分9.5分)",
    "1.党建工作情况(4分,自评分4分)",
    "2.校园安全工作情况(6分,自评分5.5分)",
    "因消防隐患未整改扣0.5分。",
    "(二)政府保障(10分,自评得分9分)",
    "3.教育经费保障情况(10分,自评分9分)",
    "生均公用经费未达标,扣1分。",
)

#: What every format must give: (number, title, level, max, claimed).
EXPECTED = [
    ("(一)", "党的领导", 1, "10", "9.5"),
    ("1.", "党建工作情况", 2, "4", "4"),
    ("2.", "校园安全工作情况", 2, "6", "5.5"),
    ("(二)", "政府保障", 1, "10", "9"),
    ("3.", "教育经费保障情况", 2, "10", "9"),
]

#: A score sheet: header, then rows (一级指标, 二级指标, 分值, 评分细则, 自评得分, 得失分说明).
SHEET: tuple[tuple[str, ...], ...] = (
    ("一级指标", "二级指标", "分值", "评分细则", "自评得分", "得失分说明"),
    ("党的领导(10分)", "党建工作情况", "4", "未落实扣1分", "4", ""),
    ("党的领导(10分)", "校园安全工作情况", "6", "每发现一处隐患扣0.5分", "5.5", "消防隐患扣0.5分"),
    ("政府保障(10分)", "教育经费保障情况", "10", "不达标扣1分", "9", "生均公用经费未达标扣1分"),
    ("合计", "", "20", "", "18.5", ""),
)


def text_report(lines: Sequence[str] = LINES) -> str:
    """The report as plain text."""
    return "\n".join(lines) + "\n"


def docx_report(lines: Sequence[str] = LINES, *, sheet: Sequence[Sequence[str]] = ()) -> bytes:
    """The report as a .docx: paragraphs, then the score sheet as a Word table if given."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if sheet:
        table = document.add_table(rows=len(sheet), cols=len(sheet[0]))
        for r, row in enumerate(sheet):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        # The first-level cells are merged, as in real sheets.
        table.cell(1, 0).merge(table.cell(2, 0))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_report(lines: Sequence[str] = LINES, *, per_page: int = 40, password: str = "") -> bytes:
    """The report as a text PDF written by reportlab (a CID font: no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    encrypt = None
    if password:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, canPrint=0)
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    for start in range(0, len(lines), per_page):
        pdf.setFont("STSong-Light", 11)
        y = 800
        for line in lines[start : start + per_page]:
            pdf.drawString(40, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def html_report(lines: Sequence[str] = LINES, *, sheet: Sequence[Sequence[str]] = ()) -> str:
    """The report as an HTML page; the sheet as a table with a rowspan."""
    body = "".join(f"<p>{line}</p>\n" for line in lines)
    if sheet:
        rows = []
        for r, row in enumerate(sheet):
            cells = list(row)
            if r == 1:
                rows.append(
                    f'<tr><td rowspan="2">{cells[0]}</td>'
                    + "".join(f"<td>{c}</td>" for c in cells[1:])
                    + "</tr>"
                )
            elif r == 2:
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
            else:
                tag = "th" if r == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
        body += "<table>" + "".join(rows) + "</table>"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>自评报告</title>'
        f"<style>p {{margin: 0}}</style></head><body>{body}</body></html>"
    )
