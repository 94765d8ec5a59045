"""Phrasing families of real reports, read without a rubric, and mapping problems with one.

Every report here is constructed (the phrasings are those seen in reports; the reports are
not). Each family is tested through several members, not one example.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from evalrules._claims import normalise_report, read_claims, read_report
from evalrules._claims._numbers import chinese_number, read_number
from evalrules._claims._parse import find_annotation, find_headings, find_totals

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "data" / "seed"
# shared/ sits beside the clone (CI) or beside the worktrees' folder (a developer's machine).
SHARED = next(
    (p for p in (REPO.parent / "shared" / "reference", REPO.parent.parent / "shared" / "reference")
     if p.is_dir()),
    REPO.parent / "shared" / "reference",
)  # fmt: skip
D = Decimal


def _pair(text: str) -> tuple[Decimal | None, Decimal | None]:
    annotation = find_annotation("(1)某项工作情况" + normalise_report(text))
    assert annotation is not None, text
    return (annotation.max.value if annotation.max else None, annotation.claimed.value)


# ------------------------------------------------------------------ the seed, no rubric


@pytest.mark.parametrize(
    "path",
    [
        SEED / "shuangtaizi-2023-self-evaluation.txt",
        SEED / "shuangtaizi-2023-self-evaluation.original.txt",
        *(
            [SHARED / "shuangtaizi-2023-self-evaluation.txt"]
            if (SHARED / "shuangtaizi-2023-self-evaluation.txt").exists()
            else []
        ),
    ],
)
def test_the_seed_without_a_rubric_gives_42_headings_and_98_6(path):
    reading = read_report(path.read_text(encoding="utf-8"))
    assert len(reading.headings) == 42
    assert all(h.max is not None for h in reading.headings)
    assert all(h.claimed is not None for h in reading.headings)
    assert [h.level for h in reading.headings].count(1) == 2
    assert [h.level for h in reading.headings].count(2) == 12
    assert reading.total is not None
    assert reading.total.claimed == D("98.6")
    assert (reading.top_claimed, reading.top_max) == (D("98.6"), D(100))
    assert reading.problems == ()
    first = reading.headings[0]
    assert (first.number, first.title, first.line, first.max, first.claimed) == (
        "(一)", "党的领导与依法治教", 9, D(63), D("61.6"),
    )  # fmt: skip
    # Children point at their parents.
    assert reading.headings[1].parent == 0
    assert reading.headings[2].parent == 1


# ------------------------------------------------------------------ annotation families


@pytest.mark.parametrize(
    "text",
    [
        "(5分,自评分4.8分)", "(5分,自评分4.8)", "(5,自评分4.8分)", "(5分自评分4.8分)",
        "(5分,自评4.8分)", "5分,自评分4.8分)", "(5分,自评分4.8分", "(5分 自评分 4.8 分)",
    ],
)  # fmt: skip
def test_family_n_points_claimed_m_with_characters_dropped(text):
    assert _pair(text) == (D(5), D("4.8"))


@pytest.mark.parametrize(
    "text",
    [
        "(本项满分5分,自评得4.8分)", "(本项满分5分自评得4.8分)", "(本项满5分,自评得4.8分)",
        "(项满分5分,自评得4.8分)", "(满分5分,自评得4.8分)", "(本项满分5分,评得4.8分)",
    ],
)  # fmt: skip
def test_family_full_marks_of_this_item(text):
    assert _pair(text) == (D(5), D("4.8"))


@pytest.mark.parametrize(
    "text",
    ["(5分,自查得分4.8分)", "(5分,自查得4.8分)", "(5分自查得分4.8分)", "(5分,查分4.8分)"],
)
def test_family_self_check_score(text):
    assert _pair(text) == (D(5), D("4.8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(５分，自评分４．８分)", (D(5), D("4.8"))),
        ("(五分,自评分四点八分)", (D(5), D("4.8"))),
        ("(满分十分,自评得九点五分)", (D(10), D("9.5"))),
        ("(十五分,自评分十四分)", (D(15), D(14))),
    ],
)
def test_full_width_and_chinese_numeral_scores(text, expected):
    assert _pair(text) == expected


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十", 10), ("十二", 12), ("九十八点六", "98.6"), ("一百零二", 102), ("一〇二", 102),
     ("两", 2), ("二十", 20)],
)  # fmt: skip
def test_chinese_numerals(numeral, value):
    assert chinese_number(numeral) == D(str(value))


@pytest.mark.parametrize("mask", ["xxx", "xx", "×", "*", "＊", "□", "X.X", "4.x", "___"])
def test_masked_scores_are_masked_not_missing(mask):
    reading = read_report(f"(一)某项(5分,自评分{mask}分)\n自评总分为{mask}分")
    (heading,) = reading.headings
    assert heading.claimed is None
    assert heading.masked
    assert reading.total is not None
    assert reading.total.masked
    kinds = [p.kind for p in reading.problems]
    assert kinds.count("masked") == 2
    assert "不按 0 分" in reading.problems[0].message_zh


def test_a_lost_decimal_point_in_a_deduction_is_flagged_as_probable():
    reading = read_report("自评总分4.5分\n(一)某项(5分,自评分4.5分)\n得失分说明:材料不全,扣05分。")
    (problem,) = reading.problems
    assert problem.kind == "decimal-lost"
    assert (problem.found, problem.expected) == (D(5), D("0.5"))
    assert "0.5" in problem.message_zh
    assert "05" in problem.message_zh


def test_a_lost_decimal_point_in_a_claim_is_flagged_and_the_sums_use_the_probable_value():
    reading = read_report(
        "自评总分9.8分\n(一)甲(10分,自评得分9.8分)\n1.乙(5分,自评分48分)\n2.丙(5分,自评分5分)"
    )
    assert [p.kind for p in reading.problems] == ["decimal-lost"]
    assert reading.problems[0].expected == D("4.8")
    assert read_number("05").probable == D("0.5")


# ------------------------------------------------------------------ totals


@pytest.mark.parametrize(
    ("line", "claimed", "maximum", "bonus"),
    [
        ("自评总分为98.6分。", "98.6", None, None),
        ("经自评,总得分 118分。", "118", None, None),
        ("自评总分102分,无“一票否决”情况。", "102", None, None),
        ("自评总得分为102分,其中申请加分2分。", "102", None, "2"),
        ("自评总分102分(含加分2分)。", "102", None, "2"),
        ("总分100分,自评得分98.6分。", "98.6", "100", None),
        ("自评得分合计98.6分", "98.6", None, None),
        ("自评总分:九十八点六分", "98.6", None, None),
    ],
)
def test_total_phrasings(line, claimed, maximum, bonus):
    (total,) = find_totals(normalise_report(line))
    assert total.value.value == D(claimed)
    assert (total.max.value if total.max else None) == (D(maximum) if maximum else None)
    assert (total.bonus.value if total.bonus else None) == (D(bonus) if bonus else None)


def test_a_weak_total_without_zong_is_the_total_in_prose():
    text = "经逐项自查,我区自评得分18.5分。\n(一)甲(10分,自评得分9.5分)\n(二)乙(10分,自评得分9分)"
    reading = read_report(text)
    assert reading.total is not None
    assert reading.total.claimed == D("18.5")
    assert reading.problems == ()


def test_a_weak_score_in_a_body_is_no_total():
    text = "(一)甲(10分,自评得分9.5分)\n该项自评得分9.5分。\n(二)乙(10分,自评得分9分)"
    reading = read_report(text)
    assert reading.total is None
    assert [p.kind for p in reading.problems] == ["missing"]


def test_a_masked_total_with_a_masked_bonus():
    reading = read_report("自评总得分为xxx分,其中申请加分x分。\n(一)甲(10分,自评得分9分)")
    assert reading.total is not None
    assert reading.total.masked
    assert reading.total.claimed is None
    assert reading.total.bonus is None
    assert [p.kind for p in reading.problems] == ["masked", "masked"]


def test_the_total_includes_the_stated_bonus():
    text = "自评总得分为21分,其中申请加分2分。\n(一)甲(10分,自评得分10分)\n(二)乙(10分,自评得分9分)"
    assert read_report(text).problems == ()
    wrong = text.replace("21分", "22分")
    (problem,) = read_report(wrong).problems
    assert (problem.kind, problem.expected, problem.found) == ("total-mismatch", D(21), D(22))


# ------------------------------------------------------------------ the report's own checks


def test_consistency_problems_children_maxima_and_total():
    text = "\n".join(
        [
            "自评总分为19分。总分值为21分",
            "(一)甲(10分,自评得分9分)",
            "1.子一(4分,自评分4分)",
            "2.子二(5分,自评分4.5分)",
            "(二)乙(10分,自评得分9分)",
            "3.子三(10分,自评分11分)",
        ]
    )
    kinds = {(p.kind, p.line) for p in read_report(text).problems}
    assert ("above-max", 6) in kinds  # 11 of 10
    assert ("sum-mismatch", 2) in kinds  # 4 + 4.5 = 8.5, not 9
    assert ("max-sum-mismatch", 2) in kinds  # 4 + 5 = 9, not 10
    assert ("sum-mismatch", 5) in kinds  # 11, not 9


def test_numbering_gaps_are_reported():
    reading = read_report(
        "自评总分6分\n(一)甲(6分,自评得分6分)\n(1)子一(2分,自评分2分)\n(3)子三(4分,自评分4分)"
    )
    (problem,) = reading.problems
    assert problem.kind == "numbering-gap"
    assert "(1)" in problem.message_zh
    assert "(3)" in problem.message_zh


def test_levels_follow_the_nesting_order_of_official_numbering():
    text = "一、甲(10分,自评得分10分)\n(一)乙(10分,自评分10分)\n1.丙(10分,自评分10分)"
    assert [h.level for h in read_report(text).headings] == [1, 2, 3]
    # The same styles one level shallower when the report scores no domain.
    assert [
        h.level for h in read_report("(一)乙(10分,自评分10分)\n1.丙(10分,自评分10分)").headings
    ] == [1, 2]


# ------------------------------------------------------------------ layout families


def test_several_headings_on_one_line():
    text = "(一)甲(3分,自评得分3分)(1)子一(1分,自评分1分)已完成。(2)子二(2分,自评分2分)"
    reading = read_report(text)
    assert [(h.number, h.title, h.claimed) for h in reading.headings] == [
        ("(一)", "甲", D(3)), ("(1)", "子一", D(1)), ("(2)", "子二", D(2)),
    ]  # fmt: skip
    assert reading.headings[1].explanation == "已完成。"
    assert [p.kind for p in reading.problems] == ["missing"]  # no total stated


def test_a_heading_cut_by_a_page_marker():
    text = "\n".join(
        [
            "(一)党的领导与依法治教(3分,自评得分3分)",
            "(1)公办学校落实国家和省关于建立中小学校党组织领导的校长负责制",
            "- 3 -",
            "工作成效。(3分,自评分3分)",
        ]
    )
    reading = read_report(text)
    assert reading.headings[1].title.endswith("校长负责制工作成效")
    assert reading.headings[1].claimed == D(3)


def test_a_page_marker_mid_sentence_is_removed():
    reading = read_report("(一)校园建筑防坠— 3 —楼装置建设情况(2分,自评得分2分)")
    assert reading.headings[0].title == "校园建筑防坠楼装置建设情况"


def test_a_score_sheet_flattened_into_running_text():
    text = "\n".join(
        [
            "附件:自评打分表",
            "序号 观测点 分值 评分细则 自评得分 得失分说明",
            "1.1 党建工作情况 2 1.未制定方案扣0.5分;2.未落实扣0.5分 2分 已落实 1.2 校园安全情况 3",
            "每发现一处隐患扣0.5分 2.5分 消防隐患扣0.5分",
            "— 2 —",
            "1.3 经费保障情况 5 不达标不得分 5分 已达标",
        ]
    )
    reading = read_report(text)
    assert [(h.number, h.title, h.max, h.claimed) for h in reading.headings] == [
        ("1.1", "党建工作情况", D(2), D(2)),
        ("1.2", "校园安全情况", D(3), D("2.5")),
        ("1.3", "经费保障情况", D(5), D(5)),
    ]
    assert reading.headings[1].explanation == "消防隐患扣0.5分"
    assert reading.headings[1].line == 3


# ------------------------------------------------------------------ with a rubric


def _rubric_2024_without_9_2():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_claims import RUBRIC, _indicator

    def rebuild(node):
        if node.code == "9":
            return _indicator(
                "9", node.title.zh, "8",
                (_indicator("9.1", "信访积案化解情况", "6", ()),
                 _indicator("9.3", "校园欺凌防治情况", "2", ())),
            )  # fmt: skip
        return attrs.evolve(node, children=tuple(rebuild(c) for c in node.children))

    return attrs.evolve(RUBRIC, indicators=tuple(rebuild(t) for t in RUBRIC.indicators))


def test_a_dropped_item_never_takes_the_next_item_s_code():
    text = (SEED / "shuangtaizi-2023-self-evaluation.txt").read_text(encoding="utf-8")
    report = read_claims(text, _rubric_2024_without_9_2())
    with pytest.raises(KeyError):
        report.claim("9.3")
    (unmapped,) = report.unmapped
    assert (unmapped.number, unmapped.title) == ("(2)", "来省进京上访情况")
    assert ("missing", "9.3") in [(p.kind, p.code) for p in report.problems]


def test_with_a_rubric_every_heading_shows_its_code_and_confidence():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_claims import RUBRIC

    text = (SEED / "shuangtaizi-2023-self-evaluation.txt").read_text(encoding="utf-8")
    report = read_claims(text, RUBRIC)
    assert len(report.mapping) == 42
    assert all(code is not None for code, _ in report.mapping)
    assert all(confidence == 1.0 for _, confidence in report.mapping)
    assert report.mapping[0] == ("A", 1.0)


def test_a_weak_title_match_alone_is_a_problem():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_claims import RUBRIC, replace_once

    text = (SEED / "shuangtaizi-2023-self-evaluation.txt").read_text(encoding="utf-8")
    text = replace_once(text, "6.师德师风建设情况。", "师德师风队伍建设推进落实情况。")
    report = read_claims(text, RUBRIC)
    assert report.claim("6").claimed == D(6)
    (problem,) = [p for p in report.problems if p.kind == "weak-title"]
    assert problem.code == "6"
    assert "请人工核对" in problem.message_zh
    assert "check by hand" in problem.message_en


def test_headings_in_the_tree_keep_text_before_they_are_mapped():
    headings = find_headings(["(一)甲(1分,自评得分1分)"])
    assert headings[0].origin == "text"
