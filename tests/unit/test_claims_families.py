"""More members of the phrasing families, and the text a report must not be read into.

Every report here is constructed for the tests, worded afresh (not the seed's phrasings):
each family is tested through several members.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from evalrules._claims import normalise_report, read_report

D = Decimal
BODY = "(一)党的建设(10分,自评分9.5分)\n(二)教育保障(90分,自评分88分)\n"


def _tree(reading):
    return [(h.number, h.title, str(h.max), str(h.claimed)) for h in reading.headings]


# ------------------------------------------------------------------ totals


@pytest.mark.parametrize(
    ("line", "claimed", "bonus", "text"),
    [
        ("自评总分为:97.5分。", "97.5", None, "自评总分为:97.5分"),
        ("经自查,我县自评总得分为:97.5分", "97.5", None, "自评总得分为:97.5分"),
        ("全区自评分合计97.5分。", "97.5", None, "自评分合计97.5分"),
        ("各项总计得分97.5分。", "97.5", None, "总计得分97.5分"),
        ("最终得分97.5分", "97.5", None, "最终得分97.5分"),
        ("综合自评得分为97.5分。", "97.5", None, "自评得分为97.5分"),
        ("自评总分99.5分(含加分2分)。", "99.5", "2", "自评总分99.5分(含加分2分)"),
        ("总得分为99.5分(其中申请加分2分),", "99.5", "2", "总得分为99.5分(其中申请加分2分)"),
        ("自评总分99.5分,其中申请加分2分。", "99.5", "2", "自评总分99.5分,其中申请加分2分"),
    ],
)
def test_total_phrasings_before_the_headings(line, claimed, bonus, text):
    reading = read_report(line + "\n" + BODY)
    assert reading.total is not None
    assert str(reading.total.claimed) == claimed
    assert (str(reading.total.bonus) if reading.total.bonus is not None else None) == bonus
    assert reading.total.text == text
    assert _tree(reading) == [("(一)", "党的建设", "10", "9.5"), ("(二)", "教育保障", "90", "88")]
    assert reading.problems == ()


@pytest.mark.parametrize(
    "sentence",
    ["综合自评得分为97.5分。", "经核算自评得分为97.5分。", "对照细则,自评得分97.5分。"],
)
def test_a_sentence_stating_a_score_is_no_unnumbered_heading(sentence):
    reading = read_report(BODY + sentence + "\n")
    assert [h.number for h in reading.headings] == ["(一)", "(二)"]


def test_an_unnumbered_heading_with_a_bracketed_annotation_is_still_a_heading():
    reading = read_report("党建工作(自评得分5分)\n校园安全(8分,自评分7分)\n")
    assert [(h.title, str(h.claimed)) for h in reading.headings] == [
        ("党建工作", "5"),
        ("校园安全", "7"),
    ]


def test_a_masked_total_says_what_is_masked():
    reading = read_report("自评总分xx分(含加分*分)\n" + BODY)
    messages = [(p.kind, p.message_zh, p.message_en) for p in reading.problems]
    assert messages == [
        (
            "masked",
            "第1行的自评总分被遮盖(“xx”),按未知处理,不按 0 分",
            "line 1: the claimed total is masked (“xx”); read as unknown, not 0",
        ),
        (
            "masked",
            "第1行的加分被遮盖(“*”),按未知处理,不按 0 分",
            "line 1: the bonus is masked (“*”); read as unknown, not 0",
        ),
    ]


# ------------------------------------------------------------------ the max's words


@pytest.mark.parametrize(
    "annotation",
    [
        "(共5分,自评4.5分)",
        "(计5分,自评得分4.5分)",
        "(权重5分,自评得分4.5分)",
        "(赋分5分,自评分4.5分)",
        "(5分/自评4.5分)",
        "(满分5分/自评得分4.5分)",
        "(5分,自评分为:4.5分)",
    ],
)
def test_words_in_front_of_the_max_stay_out_of_the_title(annotation):
    reading = read_report(f"2.教师培训经费落实{annotation}\n")
    assert _tree(reading) == [("2.", "教师培训经费落实", "5", "4.5")]


# ------------------------------------------------------------------ numbering checks


def test_dotted_numbers_count_within_their_prefix():
    text = "\n".join(
        [
            "1.1 党组织建设(3分,自评分3分)",
            "1.2 思政课建设(2分,自评分2分)",
            "2.1 校园安全(4分,自评分4分)",
            "2.2 学生资助(6分,自评分6分)",
            "3.1 教师待遇(5分,自评分5分)",
        ]
    )
    assert [p.kind for p in read_report(text).problems if p.kind.startswith("numbering")] == []


def test_a_dotted_number_repeated_or_skipped_within_its_prefix_is_flagged():
    text = "\n".join(
        [
            "1.1 党组织建设(3分,自评分3分)",
            "1.2 思政课建设(2分,自评分2分)",
            "1.2 意识形态(2分,自评分2分)",
            "2.1 校园安全(4分,自评分4分)",
            "2.3 学生资助(6分,自评分6分)",
        ]
    )
    problems = [(p.kind, p.line) for p in read_report(text).problems if p.kind != "missing"]
    assert problems == [("numbering-repeat", 3), ("numbering-gap", 5)]


# ------------------------------------------------------------------ hostile text


@pytest.mark.parametrize(
    "dirt",
    ["\x1b[31m", "\x1b[2J", "\x1b]0;标题\x07", "\x1b]2;x\x1b\\", "\x9b1m", "\x07", "\x00", "\x7f"],
)
def test_terminal_escapes_and_control_characters_are_removed(dirt):
    text = f"3.学生{dirt}资助工作(6分,自评{dirt}分5.5分)\n自评总分5.5分"
    normalised = normalise_report(text)
    assert normalised.count("\n") == 1
    assert all(ch in "\n" or ch.isprintable() for ch in normalised)
    reading = read_report(text)
    assert _tree(reading) == [("3.", "学生资助工作", "6", "5.5")]


@pytest.mark.parametrize("marker", ["- 7 -", "— 7 —", "第7页 共20页", "-- 12 --"])
def test_a_page_marker_between_two_characters_is_removed(marker):
    reading = read_report(f"(一)党的领导与依法{marker}治教(10分,自评分10分)\n")
    assert [h.title for h in reading.headings] == ["党的领导与依法治教"]


@pytest.mark.parametrize("text", ["2023-7-15", "编号A-7-B", "第7-9条", "3-5名"])
def test_dashes_between_numbers_and_words_are_no_page_marker(text):
    assert normalise_report(text) == text


# ------------------------------------------------------------------ flattened score sheets

#: A constructed score sheet, row by row: number, title, max, rule text, claim, explanation.
ROWS = [
    ("1.", "组织领导", "4", "领导小组未按时调整扣1分", "3.5", "个别成员未及时调整扣0.5分"),
    ("2.", "督导队伍", "3", "督学配备不足每少1人扣0.5分", "3", "已配齐"),
    ("3.", "经费投入", "10", "经费未列入预算扣2分", "8.5", "专项经费拨付滞后扣1.5分"),
    ("4.", "结果运用", "3", "未通报评价结果扣1分", "2.5", "未约谈扣0.5分"),
]


def _flattened(rows, *, per_line, total, header="序号 评价内容 分值 评分标准 自评分 扣分原因"):
    """The sheet as a PDF of a table gives it: ``per_line`` rows a line, a page marker."""
    cells = [" ".join(row) for row in rows]
    lines = ["附件2:督导工作自评表(构造)", header]
    for start in range(0, len(cells), per_line):
        lines.append(" ".join(cells[start : start + per_line]))
        if start == 0:
            lines.append("— 2 —")
    lines.append(total)
    return "\n".join(lines)


@pytest.mark.parametrize("per_line", [1, 2, 4])
@pytest.mark.parametrize(
    ("total", "claimed", "maximum"),
    [
        ("合计 20 17.5", "17.5", "20"),
        ("合计 20分 17.5分", "17.5", "20"),
        ("总计 17.5", "17.5", None),
        ("自评总分17.5分", "17.5", None),
        ("合计 自评得分17.5分", "17.5", None),
    ],
)
def test_a_flattened_sheet_keeps_decimal_claims_and_reads_its_total_row(
    per_line, total, claimed, maximum
):
    reading = read_report(_flattened(ROWS, per_line=per_line, total=total))
    assert [(h.number, h.title, str(h.max), str(h.claimed)) for h in reading.headings] == [
        (n, t, m, c) for n, t, m, _, c, _ in ROWS
    ]
    assert [h.explanation for h in reading.headings] == [row[5] for row in ROWS]
    assert reading.total is not None
    assert str(reading.total.claimed) == claimed
    assert (str(reading.total.max) if reading.total.max is not None else None) == maximum
    assert [p.kind for p in reading.problems] == []


def test_a_flattened_sheet_whose_total_row_disagrees_is_reported():
    reading = read_report(_flattened(ROWS, per_line=2, total="合计 20 18"))
    assert [(p.kind, p.found, p.expected) for p in reading.problems] == [
        ("total-mismatch", D(18), D("17.5"))
    ]


def test_a_flattened_sheet_with_the_claim_column_before_the_max():
    rows = [(n, t, c, m, e) for n, t, m, _, c, e in ROWS]
    text = _flattened(
        rows, per_line=2, total="合计 17.5 20", header="序号 评价内容 自评得分 分值 得失分说明"
    )
    reading = read_report(text)
    assert [(str(h.max), str(h.claimed)) for h in reading.headings] == [
        (m, c) for _, _, m, _, c, _ in ROWS
    ]
    assert reading.total is not None
    assert (reading.total.claimed, reading.total.max) == (D("17.5"), D(20))


def test_words_such_as_he_ji_inside_rule_text_are_no_total_row():
    rows = [(*ROWS[0][:3], "合计扣分不超过4分", *ROWS[0][4:]), *ROWS[1:]]
    reading = read_report(_flattened(rows, per_line=2, total="合计 20 17.5"))
    assert [str(h.claimed) for h in reading.headings] == ["3.5", "3", "8.5", "2.5"]
    assert reading.total is not None
    assert reading.total.claimed == D("17.5")


# ------------------------------------------------------------------ hostile sizes


@pytest.mark.parametrize("run", ["x" * 20000, "1" * 20000, "一" * 20000, "*" * 20000])
def test_a_long_run_of_digits_masks_or_numerals_is_no_score(run):
    # Numbers are bounded runs that start where a run starts: such a line is read once,
    # not tried at every offset (it once took minutes).
    reading = read_report(f"(一)党建(5分,自评分5分)\n{run}\n" + ("x" * 50 + "\n") * 2000)
    assert [(h.title, str(h.claimed)) for h in reading.headings] == [("党建", "5")]


def test_a_number_does_not_start_inside_a_longer_run():
    from evalrules._claims._parse import find_annotations

    assert find_annotations("(12345678分,自评分12345678分)") == []
    assert [a.claimed.text for a in find_annotations("(5分,自评分4.8分)")] == ["4.8"]
