"""Reports cut by a page layout: wrapped at the page width, annotations split by page breaks.

Every report here is constructed for the tests. A PDF's text layer (and text copied out of
one) has one line per printed line, so each report is wrapped here at several page widths,
with page markers between the pages, and must read exactly as the unwrapped report does.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from _reports import pdf_report

from evalrules._claims import ReportDocument, Table, read_report, read_report_bytes
from evalrules._claims._unwrap import unwrap_lines

D = Decimal

#: A constructed report: prose paragraphs, headings of four numbering styles, a total that
#: wraps in most layouts, deductions explained in the body.
REPORT = (
    "某县人民政府关于履行教育职责情况的自查报告(测试用构造数据)",
    "县教育督导委员会办公室:",
    "根据市教育督导委员会的统一部署,我县对照评价细则逐项开展自查,形成自查报告如下。经过逐项核对,"
    "全县共涉及三个一级指标、六个二级指标,自评总分为91.5分。",
    "一、自查得分情况",
    "(一)统筹规划与组织领导(30分,自评得分28.5分)",
    "1.县级教育工作领导小组定期研究部署教育重大事项情况。(12分,自评分12分)",
    "县委常委会和县政府常务会议全年研究教育工作六次,印发年度重点任务清单并逐项落实到位。",
    "2.教育事业发展规划编制与中小学校布局调整落实情况。(18分,自评分16.5分)",
    "规划已编制完成并通过审议,但城区新建小学一所未按期投入使用,扣1.5分。",
    "(二)经费投入与条件保障(50分,自评得分46分)",
    "3.一般公共预算教育支出和按在校学生人数平均的一般公共预算教育支出逐年只增不减情况。"
    "(30分,自评分30分)",
    "4.农村义务教育学校校舍维修改造与教学装备配备达标情况。(20分,自评分16分)",
    "部分农村小学实验室仪器配备不足,扣2分;两所学校校舍维修滞后,扣2分。",
    "(三)教师队伍建设(20分,自评得分17分)",
    "5.教师编制核定与补充情况(10分,自评分8分)",
    "6.义务教育教师平均工资收入水平不低于当地公务员平均工资收入水平情况(10分,自评分9分)",
    "二、存在的主要问题",
    "个别学校教学装备更新滞后,校舍维修资金拨付不够及时。",
)

EXPECTED = [
    ("(一)", "统筹规划与组织领导", "30", "28.5"),
    ("1.", "县级教育工作领导小组定期研究部署教育重大事项情况", "12", "12"),
    ("2.", "教育事业发展规划编制与中小学校布局调整落实情况", "18", "16.5"),
    ("(二)", "经费投入与条件保障", "50", "46"),
    (
        "3.",
        "一般公共预算教育支出和按在校学生人数平均的一般公共预算教育支出逐年只增不减情况",
        "30",
        "30",
    ),
    ("4.", "农村义务教育学校校舍维修改造与教学装备配备达标情况", "20", "16"),
    ("(三)", "教师队伍建设", "20", "17"),
    ("5.", "教师编制核定与补充情况", "10", "8"),
    ("6.", "义务教育教师平均工资收入水平不低于当地公务员平均工资收入水平情况", "10", "9"),
]


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(lines, width: int, *, per_page: int = 0, marker: str = "— {} —") -> list[str]:
    """Print ``lines`` on pages ``width`` columns wide (CJK two columns), as a PDF does."""
    out: list[str] = []
    page = 1
    for line in lines:
        current, used = "", 0
        for ch in line:
            if used + _width(ch) > width:
                out.append(current)
                current, used = "", 0
            current += ch
            used += _width(ch)
        out.append(current)
    if not per_page:
        return out
    paged: list[str] = []
    for start in range(0, len(out), per_page):
        paged.extend(out[start : start + per_page])
        paged.append(marker.format(page))
        page += 1
    return paged


def _tree(reading):
    return [(h.number, h.title, str(h.max), str(h.claimed)) for h in reading.headings]


def test_the_constructed_report_reads_unwrapped():
    reading = read_report("\n".join(REPORT))
    assert _tree(reading) == EXPECTED
    assert reading.total is not None
    assert reading.total.claimed == D("91.5")
    assert reading.problems == ()


@pytest.mark.parametrize("width", [30, 38, 44, 52, 60, 70])
@pytest.mark.parametrize(
    ("per_page", "marker"), [(0, ""), (9, "— {} —"), (11, "第 {} 页 共 9 页"), (7, "- {} -")]
)
def test_a_report_wrapped_at_a_page_width_reads_as_unwrapped(width, per_page, marker):
    wrapped = wrap(REPORT, width, per_page=per_page, marker=marker)
    reading = read_report("\n".join(wrapped))
    assert _tree(reading) == EXPECTED
    assert reading.total is not None
    assert reading.total.claimed == D("91.5")
    assert [p.kind for p in reading.problems] == []
    body = {h.number: h.explanation for h in reading.headings}
    assert body["2."] == "规划已编制完成并通过审议,但城区新建小学一所未按期投入使用,扣1.5分。"
    assert body["4."] == "部分农村小学实验室仪器配备不足,扣2分;两所学校校舍维修滞后,扣2分。"


def test_line_numbers_point_at_the_first_printed_line_of_a_heading():
    wrapped = wrap(REPORT, 38)
    reading = read_report("\n".join(wrapped))
    for heading in reading.headings:
        assert wrapped[heading.line - 1].startswith(heading.number), heading


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("(二)政府保障与教育发展(10分,自评", "分9分)"),
        ("(二)政府保障与教育发展(10分,", "自评分9分)"),
        ("(二)政府保障与教育发展(", "10分,自评分9分)"),
        ("(二)政府保障与教育发展(本项满分10分,自评得", "9分)"),
        ("(二)政府保障与教育发展(10", "分,自查得分9分)"),
    ],
)
@pytest.mark.parametrize("between", [[], ["第 4 页 共 10 页"], ["- 4 -", ""], [""]])
def test_an_annotation_cut_by_a_page_break_is_rejoined(first, second, between):
    head = ["自评总分为19分。", "(一)党的领导(10分,自评分10分)"]
    text = "\n".join([*head, first, *between, second, "经费足额到位。"])
    reading = read_report(text)
    assert _tree(reading) == [
        ("(一)", "党的领导", "10", "10"),
        ("(二)", "政府保障与教育发展", "10", "9"),
    ]
    assert reading.headings[1].line == 3
    assert reading.problems == ()


def test_a_complete_line_is_never_joined_to_the_next_heading():
    lines = wrap(REPORT, 38)
    rejoined = unwrap_lines(lines, lines)
    assert len(rejoined) == len(lines)
    for line in rejoined:
        # No heading ends up in the middle of a joined line.
        for number in ("(二)", "(三)", "二、", "3.", "5."):
            assert number not in line[1:] or line.startswith(number) or "自评总分" in line


def test_lines_of_a_report_written_one_paragraph_per_line_are_left_alone():
    lines = list(REPORT)
    assert unwrap_lines(lines, lines) == lines


def test_a_pdf_wrapped_at_its_page_width_reads_as_its_text():
    pytest.importorskip("reportlab")
    wrapped = wrap(REPORT, 40)
    document = read_report_bytes(pdf_report(wrapped, per_page=12), name="report.pdf")
    reading = read_report(document)
    assert _tree(reading) == EXPECTED
    assert reading.total is not None
    assert reading.total.claimed == D("91.5")
    assert reading.problems == ()


def test_table_rows_are_never_joined():
    # A cell ending in an open bracket is a table's business, not a cut line.
    rows = (("指标", "分值", "自评得分"), ("党的领导(", "10", "9"), ("经费保障", "10", "10"))
    document = ReportDocument(
        lines=("自评总分为19分。", *("\t".join(r) for r in rows)), tables=(Table(2, rows),)
    )
    reading = read_report(document)
    assert [(h.title, str(h.claimed)) for h in reading.headings] == [
        ("党的领导", "9"),
        ("经费保障", "10"),
    ]
