"""Reading claimed scores out of self-assessment reports (``evalrules._claims``).

The seed is the 双台子区 2023 report in two versions: ``.txt`` (simplified) and
``.original.txt`` (traditional, with inline pinyin, as a document-sharing site served it).
Synthetic variants are built from the seed inside this file.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from evalrules._claims import (
    CLAIM_PROBLEM_KINDS,
    Claim,
    ClaimProblem,
    ClaimsReport,
    normalise_report,
    read_claims,
)
from evalrules._claims._parse import find_annotation, find_headings, find_totals
from evalrules._rubric._model import GradeBand, Indicator, Rubric, SourceDocument
from evalrules._text import Text

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "data" / "seed"
SHARED_REFERENCE = REPO / ".." / "shared" / "reference"
SEED_NAMES = (
    "shuangtaizi-2023-self-evaluation.txt",
    "shuangtaizi-2023-self-evaluation.original.txt",
)

# --------------------------------------------------------------------------- the rubric tree

# The 2023 Panjin tree (codes, titles, max), as the official scheme words it (docs: domain
# guide, section c). The seed's own headings differ in places ("加强对党教育工作…" for
# "加强党对教育工作…"), so title similarity is exercised, not just string equality.
_TREE: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("1", "加强党对教育工作全面领导情况", "5", (
        ("1.1", "公办学校落实国家和省关于建立中小学校党组织领导的校长负责制工作成效", "1"),
        ("1.2", "民办中小学校党建工作重点任务落实情况", "2"),
        ("1.3", "民主生活会、组织生活会、“三会一课”、党建带团建队建等制度扎实有效落实", "2"),
    )),
    ("2", "校园安全工作情况", "8", (
        ("2.1", "全省教育系统党的二十大重要保障期综合督查情况", "3"),
        ("2.2", "校园建筑防坠楼装置建设任务完成情况", "2"),
        ("2.3", "学生非正常死亡情况", "3"),
    )),
    ("3", "学生体质健康情况", "15", (
        ("3.1", "体质健康指标评分情况", "5"),
        ("3.2", "近视防控工作评分情况", "5"),
        ("3.3", "肥胖防控工作评分情况", "5"),
    )),
    ("4", "规范招生与办学情况", "4", (
        ("4.1", "规范普通高中招生行为情况", "2"),
        ("4.2", "普通高中破解“唯分数”落实情况", "2"),
    )),
    ("5", "“双减”工作推进情况", "10", (
        ("5.1", "义务教育学校落实“双减”政策、减轻学生作业负担", "3"),
        ("5.2", "开展课后服务情况", "2"),
        ("5.3", "积极推进校外培训机构治理", "1"),
        ("5.4", "有效防范化解风险隐患", "2"),
        ("5.5", "校外培训机构预收费全面全额纳入监管", "2"),
    )),
    ("6", "师德师风建设情况", "6", ()),
    ("7", "评价整改落实情况", "15", (
        ("7.1", "2022年幼儿园办园行为督导评估发现问题", "3"),
        ("7.2", "2021年国家义务教育质量监测存在主要问题", "4"),
        ("7.3", "2022年对县区政府履行教育职责评价发现问题", "5"),
        ("7.4", "配齐体音美劳教师,开齐开足开好体音美劳课程情况", "3"),
    )),
    ("8", "教育经费保障情况", "14", (
        ("8.1", "教育支出“两个只增不减”落实情况", "8"),
        ("8.2", "义务教育生均公用经费补助达标情况", "3"),
        ("8.3", "规范教育收费行为", "3"),
    )),
    ("9", "信访稳定情况", "8", (
        ("9.1", "信访积案化解情况", "6"),
        ("9.2", "来省进京上访情况", "2"),
    )),
    ("10", "大校额大班额化解消除情况", "5", (
        ("10.1", "义务教育学校存在大校额情况", "2"),
        ("10.2", "义务教育学校存在大班额情况", "1"),
        ("10.3", "普通高中大校额化解消除情况", "2"),
    )),
    ("11", "学前教育普及普惠发展情况", "4", ()),
    ("12", "义务教育均衡发展推进情况", "6", ()),
)  # fmt: skip
_FIRST_LEVEL = (("A", "党的领导与依法治教", range(0, 7)), ("B", "政府保障与教育发展", range(7, 12)))


def _indicator(code: str, title: str, points: str, children: tuple[Indicator, ...]) -> Indicator:
    """Build a node whose max is ``points`` (checked against its children's sum)."""
    node = Indicator(code=code, title=Text(title), max=Decimal(points), children=children)
    assert not children or node.max == sum((c.max for c in children), Decimal(0))
    return node


def panjin_2023() -> Rubric:
    """Return the 2023 Panjin indicator tree as a rubric, built with the model classes."""
    second = [
        _indicator(code, title, points, tuple(_indicator(*leaf, ()) for leaf in leaves))
        for code, title, points, leaves in _TREE
    ]
    tops = tuple(
        _indicator(
            code, title, str(sum(second[i].max for i in span)), tuple(second[i] for i in span)
        )
        for code, title, span in _FIRST_LEVEL
    )
    return Rubric(
        family="panjin-county",
        year=2023,
        title=Text("2023年对县区人民政府履行教育职责评价"),
        version="test",
        source=SourceDocument(number="盘政教督室〔2023〕31号"),
        precision=Decimal("0.1"),
        rounding="ROUND_HALF_UP",
        grades=(GradeBand("pass", Text("合格"), None),),
        not_applicable="full",
        bonus_cap=None,
        facts=(),
        derived=(),
        cross_checks=(),
        indicators=tops,
    )


RUBRIC = panjin_2023()

# --------------------------------------------------------------------------- expected claims

EXPECTED_FIRST_LEVEL = {"A": "61.6", "B": "37"}
EXPECTED_INDICATORS = {
    "1": "5", "2": "8", "3": "14", "4": "4", "5": "10", "6": "6", "7": "14.6",
    "8": "14", "9": "8", "10": "5", "11": "4", "12": "6",
}  # fmt: skip
EXPECTED_LEAVES = {
    "1.1": "1", "1.2": "2", "1.3": "2",
    "2.1": "3", "2.2": "2", "2.3": "3",
    "3.1": "4.8", "3.2": "4.7", "3.3": "4.5",
    "4.1": "2", "4.2": "2",
    "5.1": "3", "5.2": "2", "5.3": "1", "5.4": "2", "5.5": "2",
    "6": "6",
    "7.1": "3", "7.2": "3.8", "7.3": "4.8", "7.4": "3",
    "8.1": "8", "8.2": "3", "8.3": "3",
    "9.1": "6", "9.2": "2",
    "10.1": "2", "10.2": "1", "10.3": "2",
    "11": "4",
    "12": "6",
}  # fmt: skip
EXPECTED_TOTAL = Decimal("98.6")
EXPECTED_ALL = {**EXPECTED_FIRST_LEVEL, **EXPECTED_INDICATORS, **EXPECTED_LEAVES}
# The heading line of each code in the seed (both versions: normalising keeps lines).
EXPECTED_LINES = {"A": 9, "1": 10, "1.1": 11, "3.1": 26, "6": 48, "B": 59, "12": 81}


def seed(name: str = SEED_NAMES[0]) -> str:
    """Return a seed file's text."""
    return (SEED / name).read_text(encoding="utf-8")


def seed_txt() -> str:
    """Return the simplified seed, the base of the synthetic variants."""
    return seed(SEED_NAMES[0])


def replace_once(text: str, old: str, new: str) -> str:
    """Replace ``old`` exactly once (fails loudly if the seed changed)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def kinds(report: ClaimsReport) -> list[tuple[str, str]]:
    """Return ``(kind, code)`` of every problem."""
    return [(p.kind, p.code) for p in report.problems]


@pytest.fixture(scope="module", params=SEED_NAMES, ids=["txt", "original"])
def seed_report(request: pytest.FixtureRequest) -> ClaimsReport:
    """The claims read from each version of the seed."""
    return read_claims(seed(request.param), RUBRIC)


# --------------------------------------------------------------------------- the seed


def test_the_test_tree_matches_the_seed_counts():
    leaves = [n for n in RUBRIC.walk() if n.is_leaf]
    second = [n for top in RUBRIC.indicators for n in top.children]
    assert (len(leaves), len(second), len(RUBRIC.indicators)) == (31, 12, 2)
    assert RUBRIC.max == Decimal(100)
    assert set(EXPECTED_LEAVES) == {n.code for n in leaves}
    assert set(EXPECTED_INDICATORS) == {n.code for n in second}


def test_in_repo_seed_copies_equal_the_shared_reference():
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"shared reference not beside the repository: {SHARED_REFERENCE}")
    for name in SEED_NAMES:
        assert (SEED / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes(), name


def test_seed_leaf_claims(seed_report):
    read = {code: seed_report.claim(code).claimed for code in EXPECTED_LEAVES}
    assert read == {code: Decimal(v) for code, v in EXPECTED_LEAVES.items()}
    assert len(read) == 31


def test_seed_indicator_claims(seed_report):
    read = {code: seed_report.claim(code).claimed for code in EXPECTED_INDICATORS}
    assert read == {code: Decimal(v) for code, v in EXPECTED_INDICATORS.items()}
    assert len(read) == 12


def test_seed_first_level_claims(seed_report):
    read = {code: seed_report.claim(code).claimed for code in EXPECTED_FIRST_LEVEL}
    assert read == {"A": Decimal("61.6"), "B": Decimal("37")}


def test_seed_total(seed_report):
    assert seed_report.total == EXPECTED_TOTAL
    assert seed_report.total_line == 7


def test_seed_claims_are_exact_decimals_written_as_in_the_text(seed_report):
    for claim in seed_report.claims:
        assert type(claim.claimed) is Decimal
        assert type(claim.max) is Decimal
        assert str(claim.claimed) == EXPECTED_ALL[claim.code]


def test_seed_has_exactly_one_claim_per_rubric_code_in_rubric_order(seed_report):
    assert [c.code for c in seed_report.claims] == [n.code for n in RUBRIC.walk()]


def test_seed_maxes_are_read_and_match_the_rubric(seed_report):
    for claim in seed_report.claims:
        assert claim.max == RUBRIC.indicator(claim.code).max, claim.code


def test_seed_is_consistent_with_no_problems_and_nothing_unmapped(seed_report):
    assert seed_report.problems == ()
    assert seed_report.unmapped == ()
    assert seed_report.consistent


def test_seed_numbering_and_titles_agree_everywhere(seed_report):
    assert {c.code: c.confidence for c in seed_report.claims} == dict.fromkeys(EXPECTED_ALL, 1.0)


def test_seed_heading_lines_and_text(seed_report):
    assert {code: seed_report.claim(code).line for code in EXPECTED_LINES} == EXPECTED_LINES
    claim = seed_report.claim("3.1")
    assert claim.title == "体质健康指标评分情况"
    assert claim.heading == "(1)体质健康指标评分情况。(5分,自评分4.8分)"
    assert seed_report.claim("1").title == "加强对党教育工作全面领导情况"  # as the report words it


def test_both_seed_versions_give_the_same_report():
    txt, original = (read_claims(seed(name), RUBRIC) for name in SEED_NAMES)
    assert txt == original


def test_seed_to_claimed(seed_report):
    claimed = seed_report.to_claimed()
    assert list(claimed) == [n.code for n in RUBRIC.walk()] + ["total"]
    assert claimed == {**{k: Decimal(v) for k, v in EXPECTED_ALL.items()}, "total": EXPECTED_TOTAL}


def _expected_fragment() -> str:
    """The facts-file fragment for the seed, written out by hand."""
    lines = ["claimed:", "  total: 98.6", "  indicators:"]
    for node in RUBRIC.walk():
        key = node.code if node.code.isalpha() else f'"{node.code}"'
        lines.append(f"    {key}: {EXPECTED_ALL[node.code]}")
    return "\n".join(lines) + "\n"


def test_seed_to_yaml_is_the_fragment_in_rubric_order(seed_report):
    text = seed_report.to_yaml()
    assert text == _expected_fragment()
    assert text.splitlines()[:6] == [
        "claimed:",
        "  total: 98.6",
        "  indicators:",
        "    A: 61.6",
        '    "1": 5',
        '    "1.1": 1',
    ]


class _DecimalLoader(yaml.SafeLoader):
    """A YAML loader that reads fractions as exact decimals, as the facts loader does."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node)),
)


def _load(text: str) -> dict:
    return yaml.load(text, Loader=_DecimalLoader)


def test_seed_to_yaml_loads_back_to_the_claims(seed_report):
    data = _load(seed_report.to_yaml())
    assert set(data) == {"claimed"}
    indicators = data["claimed"]["indicators"]
    assert all(isinstance(k, str) for k in indicators)  # "1.1" must not become a float
    loaded = {k: Decimal(v) for k, v in indicators.items()}
    assert loaded == {k: v for k, v in seed_report.to_claimed().items() if k != "total"}
    assert Decimal(data["claimed"]["total"]) == EXPECTED_TOTAL


def test_seed_to_yaml_matches_the_example_facts_document(seed_report):
    example = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
    document = _load(example.read_text(encoding="utf-8"))
    assert _load(seed_report.to_yaml())["claimed"] == document["claimed"]


def test_report_values_are_frozen(seed_report):
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seed_report.total = Decimal(0)  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seed_report.claims[0].claimed = Decimal(0)  # type: ignore[misc]


def test_claim_lookup_of_an_unknown_code_raises_key_error(seed_report):
    with pytest.raises(KeyError, match=r"9\.9"):
        seed_report.claim("9.9")


# --------------------------------------------------------------------------- annotations


@pytest.mark.parametrize(
    ("text", "maximum", "claimed"),
    [
        ("(5分,自评分4.8分)", "5", "4.8"),
        ("(63分,自评得分61.6分)", "63", "61.6"),
        ("(本项满分1分,自评得1分)", "1", "1"),
        ("(分值 5 分,得分 4.8 分)", "5", "4.8"),
        ("(5分查分5分)", "5", "5"),
        ("(自评4.8分,满分5分)", "5", "4.8"),
        ("(5分)(自评分:4.8分)", "5", "4.8"),
        ("【5分,自评4.8分】", "5", "4.8"),
        ("(5分;自查得分4.8分)", "5", "4.8"),
        ("(5分,自评分4.8)", "5", "4.8"),  # the closing 分 dropped
        ("(5,自评分4.8分)", "5", "4.8"),  # the max's 分 dropped
        ("(5分自评分4.8分)", "5", "4.8"),  # the comma dropped
        ("(满分 10 分,自评得分 9.50 分)", "10", "9.50"),
        ("(8分,自评分8 分)", "8", "8"),
        ("(63分,自评总分61.6分)", "63", "61.6"),  # a total word after a max is a claim
    ],
)
def test_annotation_phrasings(text, maximum, claimed):
    annotation = find_annotation("(1)某项指标情况。" + normalise_report(text))
    assert annotation is not None
    assert annotation.max is not None
    assert (annotation.max.value, annotation.claimed.value) == (Decimal(maximum), Decimal(claimed))
    assert str(annotation.claimed.value) == claimed  # as written, trailing zeros kept


@pytest.mark.parametrize(
    ("text", "maximum", "claimed"),
    [
        ("(分值 x 分,得分 x 分)", "x", "x"),
        ("(5分,自评分xx分)", None, "xx"),
        ("(5分,自评分XX分)", None, "XX"),
        ("(5分,自评分*分)", None, "*"),
        ("(5分,自评分**分)", None, "**"),
        ("(5分,自评分4.x分)", None, "4.x"),
        ("(5分,自评分□分)", None, "□"),
        ("(5分,自评分×分)", None, "×"),
        ("(5分,自评分＊分)", None, "*"),  # full-width star, folded
    ],
)
def test_masked_numbers_are_unknown_not_zero(text, maximum, claimed):
    annotation = find_annotation(normalise_report(text))
    assert annotation is not None
    assert annotation.claimed.value is None
    assert annotation.claimed.masked
    assert annotation.claimed.text == claimed
    assert annotation.max is not None
    if maximum is None:
        assert annotation.max.value == Decimal(5)
    else:
        assert annotation.max.masked
        assert annotation.max.text == maximum


def test_annotation_without_a_max():
    annotation = find_annotation("(3)肥胖防控工作评分情况。(自评分4.5分)")
    assert annotation is not None
    assert annotation.max is None
    assert annotation.claimed.value == Decimal("4.5")


@pytest.mark.parametrize(
    "line",
    [
        "(1)体质健康指标评分情况。",  # 评分 in a title, no number after it
        "自评总分为98.6分。",  # a total, not an indicator's claim
        "2022年未发生学生非正常死亡事件。",
        "得分率为85%,普惠率85%。",  # a weak word with no max before it
        "2021年体质健康优良率为28.67%,2022年体质健康优良率为39.78%。",
    ],
)
def test_lines_that_are_no_annotation(line):
    assert find_annotation(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("自评总分为98.6分。", "98.6"),
        ("共涉及2个一级指标、12个二级指标,自评总分为98.6分。", "98.6"),
        ("自评总得分:98.6分", "98.6"),
        ("自评得分合计98.6分", "98.6"),
        ("自评总分 98 分", "98"),
    ],
)
def test_total_phrasings(line, expected):
    (total,) = find_totals(normalise_report(line))
    assert total.value.value == Decimal(expected)


def test_masked_total_is_unknown():
    (total,) = find_totals("自评总分为xx分。")
    assert total.value.value is None
    assert total.value.text == "xx"


def test_a_total_word_inside_a_heading_annotation_is_no_total():
    assert find_totals("(一)党的领导与依法治教(63分,自评总分61.6分)") == ()


# --------------------------------------------------------------------------- headings


def test_seed_headings_found_with_their_numbering_styles():
    headings = [h for h in find_headings(normalise_report(seed_txt())) if h.annotated]
    styles = [h.style for h in headings]
    assert styles.count("cn-paren") == 2
    assert styles.count("arabic") == 12
    assert styles.count("arabic-paren") == 28  # 31 leaves less the three leaf indicators
    assert len(headings) == 42


@pytest.mark.parametrize(
    ("line", "style", "marker", "number", "dotted"),
    [
        ("(一)党的领导与依法治教(63分,自评得分61.6分)", "cn-paren", "(一)", 1, None),
        ("二、政府保障与教育发展(37分,自评得分37分)", "cn-comma", "二、", 2, None),
        ("十二、某项(1分,自评分1分)", "cn-comma", "十二、", 12, None),
        ("第三部分 某项(1分,自评分1分)", "part", "第三部分", 3, None),
        ("3.学生体质健康情况。(15分,自评分14分)", "arabic", "3.", 3, None),
        ("12、义务教育均衡发展推进情况(6分,自评分6分)", "arabic", "12、", 12, None),
        ("3学生体质健康情况。(15分,自评分14分)", "arabic", "3", 3, None),  # dot dropped
        ("(2)近视防控工作评分情况。(5分,自评分4.7分)", "arabic-paren", "(2)", 2, None),
        ("(2近视防控工作评分情况。(5分,自评分4.7分)", "arabic-paren", "(2", 2, None),
        ("2)近视防控工作评分情况。(5分,自评分4.7分)", "arabic-half", "2)", 2, None),
        ("②近视防控工作评分情况。(5分,自评分4.7分)", "circled", "②", 2, None),
        ("3.2 近视防控工作评分情况(5分,自评分4.7分)", "dotted", "3.2", 2, "3.2"),
        ("3.2.1 近视防控(5分,自评分4.7分)", "dotted3", "3.2.1", 1, "3.2.1"),
        ("近视防控工作评分情况(5分,自评分4.7分)", "none", None, None, None),
    ],
)
def test_numbering_markers(line, style, marker, number, dotted):
    (heading,) = find_headings(line)
    assert (heading.style, heading.marker, heading.number, heading.dotted) == (
        style,
        marker,
        number,
        dotted,
    )
    assert heading.annotated


def test_an_annotation_alone_on_a_line_is_no_heading():
    assert find_headings("(5分,自评分4.8分)") == ()


def test_a_wrapped_annotation_joins_its_heading():
    text = "(1)体质健康指标评分情况。\n(5分,自评分4.8分)\n正文。"
    (heading,) = find_headings(text)
    assert (heading.line, heading.title) == (1, "体质健康指标评分情况")
    assert heading.claimed is not None
    assert heading.claimed.value == Decimal("4.8")


def test_prose_starting_with_a_number_is_no_heading():
    assert find_headings("12345政务平台投诉回访情况良好,全年无信访积案现象。") == ()


# --------------------------------------------------------------------------- synthetic variants


def _block(text: str, start: str, end: str) -> str:
    """Return the lines from the one starting with ``start`` up to (not incl.) ``end``."""
    begin = text.index("\n" + start) + 1
    return text[begin : text.index("\n" + end, begin) + 1]


def test_reordered_blocks_keep_their_numbers_and_map_the_same():
    text = seed_txt()
    block3 = _block(text, "3.学生体质健康情况", "4.规范招生与办学情况")
    block4 = _block(text, "4.规范招生与办学情况", "5.“双减”工作推进情况")
    reordered = replace_once(text, block3 + block4, block4 + block3)
    report = read_claims(reordered, RUBRIC)
    assert report.to_claimed() == read_claims(text, RUBRIC).to_claimed()
    assert report.problems == ()
    assert report.claim("4.1").line < report.claim("3.1").line


def test_reordered_first_level_domains_map_the_same():
    text = seed_txt()
    a = _block(text, "(一)党的领导与依法治教", "(二)政府保障与教育发展")
    b = _block(text, "(二)政府保障与教育发展", "三、存在问题")
    report = read_claims(replace_once(text, a + b, b + a), RUBRIC)
    assert report.to_claimed() == read_claims(text, RUBRIC).to_claimed()
    assert report.problems == ()


def test_renumbered_items_are_mapped_by_title_and_the_conflict_reported():
    text = seed_txt()
    item1 = _block(text, "(1)体质健康指标评分情况", "(2)近视防控工作评分情况")
    item2 = _block(text, "(2)近视防控工作评分情况", "(3)肥胖防控工作评分情况")
    swapped = replace_once(
        text, item1 + item2, item2.replace("(2)", "(1)", 1) + item1.replace("(1)", "(2)", 1)
    )
    report = read_claims(swapped, RUBRIC)
    assert report.claim("3.1").claimed == Decimal("4.8")
    assert report.claim("3.2").claimed == Decimal("4.7")
    conflicts = [p for p in report.problems if p.kind == "numbering-conflict"]
    assert [(p.code, p.expected, p.found) for p in conflicts] == [
        ("3.2", "3.2", "3.1"),
        ("3.1", "3.1", "3.2"),
    ]
    assert "3.2" in conflicts[0].message_en
    assert "3.1" in conflicts[0].message_zh
    assert report.claim("3.1").confidence < 1.0
    assert report.claim("3.2").confidence < 1.0
    assert report.claim("3.3").confidence == 1.0
    assert kinds(report) == [("numbering-conflict", "3.2"), ("numbering-conflict", "3.1")]


def test_a_number_contradicting_its_title_is_reported():
    text = replace_once(seed_txt(), "4.规范招生与办学情况", "3.规范招生与办学情况")
    report = read_claims(text, RUBRIC)
    assert report.claim("4").claimed == Decimal(4)
    assert report.claim("4.1").claimed == Decimal(2)
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found) == (
        "numbering-conflict",
        "4",
        "4",
        "3",
    )
    assert problem.line == 32


def test_numbering_restarting_under_the_second_domain():
    text = seed_txt()
    for old, new in (("8.", "1."), ("9.", "2."), ("10.", "3."), ("11.", "4."), ("12.", "5.")):
        line = next(x for x in text.split("\n") if x.startswith(old) and "自评分" in x)
        text = replace_once(text, line, new + line[len(old) :])
    report = read_claims(text, RUBRIC)
    assert report.to_claimed() == read_claims(seed_txt(), RUBRIC).to_claimed()
    assert report.problems == ()
    assert report.claim("8").confidence == 1.0
    assert report.claim("12").line == 81


def _without_markers(text: str) -> str:
    return "\n".join(
        re.sub(r"^(?:\(\d+\)|\d+\.|\([一二]\))", "", line) if "自评" in line else line
        for line in text.split("\n")
    )


def test_missing_numbering_maps_by_title_alone():
    report = read_claims(_without_markers(seed_txt()), RUBRIC)
    assert report.to_claimed() == read_claims(seed_txt(), RUBRIC).to_claimed()
    assert report.unmapped == ()
    assert report.problems == ()
    for claim in report.claims:
        assert 0.5 < claim.confidence < 1.0, claim


def test_a_heading_whose_title_matches_nothing_and_whose_number_is_free_is_unmapped():
    text = replace_once(
        seed_txt(),
        "6.师德师风建设情况",
        "(6)其他加分事项说明。(1分,自评分1分)\n6.师德师风建设情况",
    )
    report = read_claims(text, RUBRIC)
    (unmapped,) = report.unmapped
    assert (unmapped.line, unmapped.reason, unmapped.claimed) == (48, "no-match", Decimal(1))
    assert unmapped.title == "其他加分事项说明"
    assert report.claim("6").claimed == Decimal(6)
    assert report.problems == ()
    assert not report.consistent


def test_an_unnumbered_heading_with_an_unknown_title_is_unmapped():
    text = replace_once(seed_txt(), "三、存在问题", "附加说明事项(2分,自评分2分)\n三、存在问题")
    report = read_claims(text, RUBRIC)
    assert [(u.line, u.reason) for u in report.unmapped] == [(83, "no-match")]


def test_a_missing_annotation_leaves_the_claim_unknown_and_reports_it():
    text = replace_once(
        seed_txt(), "近视防控工作评分情况。(5分,自评分4.7分)", "近视防控工作评分情况。"
    )
    report = read_claims(text, RUBRIC)
    claim = report.claim("3.2")
    assert (claim.claimed, claim.max, claim.line) == (None, None, 28)
    assert kinds(report) == [("unstated", "3.2")]  # and the sum of 3 is not checked
    assert "3.2" not in report.to_claimed()
    assert '"3.2"' not in report.to_yaml()
    assert "# not read (masked or not stated): 3.2" in report.to_yaml()


def test_a_missing_heading_is_reported_as_missing():
    text = replace_once(seed_txt(), "(2)近视防控工作评分情况。(5分,自评分4.7分)\n", "")
    report = read_claims(text, RUBRIC)
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found) == (
        "missing",
        "3.2",
        None,
        None,
    )
    assert "近视防控工作评分情况" in problem.message_zh
    assert "max 5" in problem.message_en


def test_a_masked_claim_is_unknown_not_zero():
    text = replace_once(seed_txt(), "评分情况。(5分,自评分4.8分)", "评分情况。(5分,自评分xx分)")
    report = read_claims(text, RUBRIC)
    assert report.claim("3.1").claimed is None
    assert kinds(report) == [("masked", "3.1")]  # read as 0 it would also break the sum of 3
    assert "xx" in report.problems[0].message_en
    assert "3.1" not in report.to_claimed()
    data = _load(report.to_yaml())
    assert "3.1" not in data["claimed"]["indicators"]
    assert data["claimed"]["indicators"]["3"] == 14


def test_a_masked_total():
    text = replace_once(seed_txt(), "自评总分为98.6分", "自评总分为xx分")
    report = read_claims(text, RUBRIC)
    assert report.total is None
    assert kinds(report) == [("masked", "total")]
    assert "total" not in report.to_claimed()
    assert "# total: not read from the report" in report.to_yaml()


def test_a_wrong_sum_is_reported_with_both_numbers():
    text = replace_once(seed_txt(), "(15分,自评分14分)", "(15分,自评分14.5分)")
    report = read_claims(text, RUBRIC)
    sums = {p.code: (p.expected, p.found) for p in report.problems if p.kind == "sum-mismatch"}
    # 3's children add up to 14; A's children, with 3 at 14.5, to 62.1.
    assert sums == {"3": (Decimal(14), Decimal("14.5")), "A": (Decimal("62.1"), Decimal("61.6"))}
    problem = report.problems_for("3")[0]
    assert "14.5" in problem.message_zh
    assert "4.8+4.7+4.5" in problem.message_zh
    assert "14.5" in problem.message_en
    assert "14" in problem.message_en
    assert kinds(report) == [("sum-mismatch", "A"), ("sum-mismatch", "3")]


def test_a_wrong_leaf_breaks_the_sum_of_its_parent_only():
    text = replace_once(seed_txt(), "(4分,自评分3.8分)", "(4分,自评分3.6分)")
    report = read_claims(text, RUBRIC)
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found) == (
        "sum-mismatch",
        "7",
        Decimal("14.4"),
        Decimal("14.6"),
    )


def test_sums_are_exact_decimal_arithmetic():
    # 4.0 + 4.1 + 4.3 is 12.399999999999999 in floats; exact sums must see 12.4.
    assert 4.0 + 4.1 + 4.3 != 12.4
    text = seed_txt()
    for old, new in (
        ("评分情况。(5分,自评分4.8分)", "评分情况。(5分,自评分4.0分)"),
        ("(5分,自评分4.7分)", "(5分,自评分4.1分)"),
        ("(5分,自评分4.5分)", "(5分,自评分4.3分)"),
        ("(15分,自评分14分)", "(15分,自评分12.4分)"),
        ("(63分,自评得分61.6分)", "(63分,自评得分60.0分)"),
        ("自评总分为98.6分", "自评总分为97.0分"),
    ):
        text = replace_once(text, old, new)
    report = read_claims(text, RUBRIC)
    assert report.problems == ()
    assert report.claim("3.1").claimed == Decimal("4.0")
    assert str(report.claim("3.1").claimed) == "4.0"  # written as in the text
    assert '"3.1": 4.0\n' in report.to_yaml()


def test_a_total_that_is_not_the_sum_of_the_domains():
    text = replace_once(seed_txt(), "自评总分为98.6分", "自评总分为98分")
    report = read_claims(text, RUBRIC)
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found) == (
        "total-mismatch",
        "total",
        Decimal("98.6"),
        Decimal(98),
    )
    assert "61.6+37" in problem.message_en
    assert problem.line == 7


def test_a_max_that_differs_from_the_rubric():
    text = replace_once(seed_txt(), "评分情况。(5分,自评分4.8分)", "评分情况。(6分,自评分4.8分)")
    report = read_claims(text, RUBRIC)
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found) == (
        "max-mismatch",
        "3.1",
        Decimal(5),
        Decimal(6),
    )
    assert problem.line == 26
    assert "6" in problem.message_zh
    assert "5" in problem.message_zh


def test_a_claim_above_its_max():
    text = replace_once(seed_txt(), "工作成效。(1分,自评分1分)", "工作成效。(1分,自评分1.5分)")
    report = read_claims(text, RUBRIC)
    assert ("above-max", "1.1") in kinds(report)
    problem = next(p for p in report.problems if p.kind == "above-max")
    assert (problem.expected, problem.found) == (Decimal(1), Decimal("1.5"))


def test_a_report_without_a_total():
    text = replace_once(seed_txt(), ",自评总分为98.6分", "")
    report = read_claims(text, RUBRIC)
    assert report.total is None
    assert kinds(report) == [("missing", "total")]


def test_two_different_totals_conflict():
    text = replace_once(seed_txt(), "三、存在问题", "综上,自评总分为97.6分。\n三、存在问题")
    report = read_claims(text, RUBRIC)
    assert report.total == EXPECTED_TOTAL  # the first statement is kept
    (problem,) = report.problems
    assert (problem.kind, problem.expected, problem.found, problem.line) == (
        "total-conflict",
        Decimal("98.6"),
        Decimal("97.6"),
        83,
    )


def test_a_duplicated_heading_is_reported_and_the_copy_unmapped():
    text = replace_once(
        seed_txt(), "三、存在问题", "(3)肥胖防控工作评分情况。(5分,自评分4.6分)\n三、存在问题"
    )
    report = read_claims(text, RUBRIC)
    assert report.claim("3.3").claimed == Decimal("4.5")
    (problem,) = report.problems
    assert (problem.kind, problem.code, problem.expected, problem.found, problem.line) == (
        "duplicate",
        "3.3",
        Decimal("4.5"),
        Decimal("4.6"),
        83,
    )
    assert [(u.line, u.reason) for u in report.unmapped] == [(83, "duplicate")]


def test_prose_lists_after_the_claims_are_not_headings():
    # The seed's 三、存在问题 lists "1.学生体质健康优良率没有达标。": numbered, unannotated,
    # and not a rubric title. It must not displace indicator 1.
    report = read_claims(seed_txt(), RUBRIC)
    assert report.claim("1").line == 10


def test_a_wrapped_heading_in_a_report():
    text = replace_once(
        seed_txt(), "(1)体质健康指标评分情况。(5分,自评分4.8分)", "(1)体质健康指标评分情况。\n(5分,"
    )
    text = replace_once(text, "\n(5分,\n", "\n(5分,自评分4.8分)\n")
    report = read_claims(text, RUBRIC)
    assert report.claim("3.1").claimed == Decimal("4.8")
    assert report.problems == ()


def _drop_characters(text: str, *, every: int) -> str:
    """Drop every ``every``-th character of each heading's title (a lossy conversion)."""
    out = []
    for line in text.split("\n"):
        match = re.match(r"^(\(\d+\)|\d+\.|\([一二]\))(.*?)(。?\(\d+分,自评.*)$", line)
        if match:
            marker, title, tail = match.groups()
            title = "".join(ch for i, ch in enumerate(title, 1) if i % every)
            line = marker + title + tail
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("every", [3, 4, 6])
def test_dropped_characters_in_titles(every):
    text = _drop_characters(seed_txt(), every=every)
    assert text != seed_txt()
    report = read_claims(text, RUBRIC)
    assert report.to_claimed() == read_claims(seed_txt(), RUBRIC).to_claimed()
    assert report.unmapped == ()
    assert report.problems == ()


def test_dropped_characters_in_annotations_and_markers():
    text = seed_txt()
    text = replace_once(text, "评分情况。(5分,自评分4.8分)", "评分情况。(5,自评分4.8)")
    text = replace_once(text, "(2)近视防控", "(2近视防控")
    text = replace_once(text, "(5分,自评分4.5分)", "(5分自评4.5分)")
    text = replace_once(text, "9.信访稳定情况", "9信访稳定情况")
    report = read_claims(text, RUBRIC)
    assert report.to_claimed() == read_claims(seed_txt(), RUBRIC).to_claimed()
    assert report.problems == ()


@functools.cache
def _seed_claimed() -> dict[str, Decimal]:
    """The claims read from the simplified seed (read once: reading a report is not cheap)."""
    return read_claims(seed_txt(), RUBRIC).to_claimed()


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_dropping_any_one_character_of_every_title_keeps_every_claim(data):
    lines = seed_txt().split("\n")
    for i, line in enumerate(lines):
        match = re.match(r"^(\(\d+\)|\d+\.|\([一二]\))(.*?)(。?\(\d+分,自评.*)$", line)
        if match:
            marker, title, tail = match.groups()
            k = data.draw(st.integers(0, len(title) - 1))
            lines[i] = marker + title[:k] + title[k + 1 :] + tail
    report = read_claims("\n".join(lines), RUBRIC)
    assert report.to_claimed() == _seed_claimed()
    assert report.problems == ()


def test_full_width_traditional_report_reads_the_same():
    text = seed_txt()
    full_width = "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" and ch not in "\n" else ch for ch in text
    )
    full_width = full_width.replace("党的领导", "黨的領導").replace("双减", "雙減")
    assert full_width != text
    report = read_claims(full_width, RUBRIC)
    assert report == read_claims(text, RUBRIC)


def test_crlf_line_endings_keep_line_numbers():
    report = read_claims(seed_txt().replace("\n", "\r\n"), RUBRIC)
    assert {code: report.claim(code).line for code in EXPECTED_LINES} == EXPECTED_LINES


def test_an_empty_report_reports_every_code_and_the_total_missing():
    report = read_claims("", RUBRIC)
    assert report.claims == ()
    assert kinds(report) == [("missing", n.code) for n in RUBRIC.walk()] + [("missing", "total")]
    assert report.to_yaml() == "claimed:\n  # total: not read from the report\n  indicators: {}\n"
    assert _load(report.to_yaml()) == {"claimed": {"indicators": {}}}


# --------------------------------------------------------------------------- the report values


def test_problem_kinds_are_all_declared():
    text = seed_txt()
    text = replace_once(text, "(15分,自评分14分)", "(16分,自评分16分)")
    text = replace_once(text, "评分情况。(5分,自评分4.8分)", "评分情况。(5分,自评分xx分)")
    text = replace_once(text, "自评总分为98.6分", "自评总分为101分")
    report = read_claims(text, RUBRIC)
    assert {p.kind for p in report.problems} <= set(CLAIM_PROBLEM_KINDS)
    assert {"max-mismatch", "above-max", "masked", "total-mismatch"} <= {
        p.kind for p in report.problems
    }
    for problem in report.problems:
        assert isinstance(problem, ClaimProblem)
        assert problem.message_zh
        assert problem.message_en
        assert "{" not in problem.message_zh + problem.message_en  # every field filled


@pytest.mark.parametrize(
    ("code", "key"),
    [("A", "A"), ("1", '"1"'), ("1.1", '"1.1"'), ("yes", '"yes"'), ("B2", "B2"), ("a b", '"a b"')],
)
def test_yaml_keys_are_quoted_where_yaml_would_misread_them(code, key):
    claim = Claim(code, "t", Decimal(1), Decimal("0.5"), 1, 1.0, "h")
    report = ClaimsReport("x/1", (claim,), None, None, (), ())
    fragment = report.to_yaml()
    assert f"    {key}: 0.5\n" in fragment
    assert _load(fragment)["claimed"]["indicators"] == {code: Decimal("0.5")}


def test_zero_claims_are_kept():
    claim = Claim("2.3", "t", Decimal(3), Decimal(0), 1, 1.0, "h")
    report = ClaimsReport("x/1", (claim,), Decimal(0), 2, (), ())
    assert report.to_claimed() == {"2.3": Decimal(0), "total": Decimal(0)}
    assert '"2.3": 0' in report.to_yaml()
    assert "total: 0" in report.to_yaml()


# --------------------------------------------------------------------------- property tests

_PHRASINGS = (
    "({max}分,自评分{claim}分)",
    "({max}分,自评得分{claim}分)",
    "(本项满分{max}分,自评得{claim}分)",
    "(分值 {max} 分,得分 {claim} 分)",
    "(自评{claim}分,满分{max}分)",
    "({max}分)(自评分:{claim}分)",
)


@st.composite
def claimed_trees(draw: st.DrawFn) -> dict[str, Decimal]:
    """Draw a claim for every leaf (0..max, one decimal); parents are the sums."""
    claims: dict[str, Decimal] = {}

    def visit(node: Indicator) -> Decimal:
        if node.is_leaf:
            tenths = draw(st.integers(0, int(node.max * 10)))
            value = Decimal(tenths) / 10
        else:
            value = sum((visit(c) for c in node.children), Decimal(0))
        claims[node.code] = value
        return value

    claims["total"] = sum((visit(top) for top in RUBRIC.indicators), Decimal(0))
    return claims


def _render(claims: dict[str, Decimal], phrasing: list[int]) -> str:
    """Write a report in the seed's layout with the given claims and phrasings."""
    lines = ["自评报告", f"自评总分为{claims['total']}分。"]
    numerals = "一二"
    for t, top in enumerate(RUBRIC.indicators):
        lines.append(f"({numerals[t]}){top.title.zh}({top.max}分,自评得分{claims[top.code]}分)")
        for second in top.children:
            lines.append(
                f"{second.code}.{second.title.zh}。({second.max}分,自评分{claims[second.code]}分)"
            )
            lines.append("正文。")
            for n, leaf in enumerate(second.children, 1):
                template = _PHRASINGS[phrasing[len(lines) % len(phrasing)]]
                annotation = template.format(max=leaf.max, claim=claims[leaf.code])
                lines.append(f"({n}){leaf.title.zh}。{annotation}")
                lines.append("正文。")
    return "\n".join(lines)


@settings(max_examples=30, deadline=None)
@given(claimed_trees(), st.lists(st.integers(0, len(_PHRASINGS) - 1), min_size=1, max_size=8))
def test_generated_reports_read_back_exactly(claims, phrasing):
    report = read_claims(_render(claims, phrasing), RUBRIC)
    assert report.to_claimed() == claims
    assert report.problems == ()
    assert report.unmapped == ()


@settings(max_examples=30, deadline=None)
@given(
    claimed_trees(),
    st.sampled_from([n.code for n in RUBRIC.walk() if not n.is_leaf]),
    st.integers(1, 30).map(lambda n: Decimal(n) / 10),
)
def test_a_parent_off_its_childrens_sum_is_always_reported(claims, code, delta):
    true_sum = claims[code]
    claims = {**claims, code: true_sum + delta}
    report = read_claims(_render(claims, [0]), RUBRIC)
    mismatch = [p for p in report.problems if p.kind == "sum-mismatch" and p.code == code]
    assert [(p.expected, p.found) for p in mismatch] == [(true_sum, true_sum + delta)]
    assert report.claim(code).claimed == true_sum + delta


# --------------------------------------------------------------------------- the real rubric


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_on_the_real_panjin_2023_rubric(name):
    from evalrules._rubric import _loader as loader

    path = REPO / "rubrics" / "panjin-county" / "2023.yaml"
    rubric = loader.build_rubric(loader.read_rubric_file(path), file=str(path))
    report = read_claims(seed(name), rubric)
    assert report.rubric == "panjin-county/2023"
    assert report.to_claimed() == {
        **{code: Decimal(v) for code, v in EXPECTED_ALL.items()},
        "total": EXPECTED_TOTAL,
    }
    assert report.problems == ()
    assert report.unmapped == ()
    assert [c.code for c in report.claims] == [n.code for n in rubric.walk()]


# --------------------------------------------------------------------------- mapping edge cases


def test_an_unnumbered_title_equally_close_to_two_codes_is_ambiguous():
    text = replace_once(
        seed_txt(),
        "(2)近视防控工作评分情况。(5分,自评分4.7分)",
        "防控工作评分情况。(5分,自评分4.7分)",
    )
    report = read_claims(text, RUBRIC)
    assert [(u.line, u.reason, u.claimed) for u in report.unmapped] == [
        (28, "ambiguous", Decimal("4.7"))
    ]
    assert kinds(report) == [("missing", "3.2")]


def test_a_missing_indicator_heading_is_not_filled_by_a_later_numbered_prose_line():
    # Without "1.加强对党教育工作…", the closing list's "1.学生体质健康优良率没有达标。" is
    # numbered 1 but is prose: indicator 1 stays missing; its items map by title alone.
    text = replace_once(seed_txt(), "1.加强对党教育工作全面领导情况。(5分,自评分5分)\n", "")
    report = read_claims(text, RUBRIC)
    assert kinds(report) == [("missing", "1")]
    assert [report.claim(c).claimed for c in ("1.1", "1.2", "1.3")] == [1, 2, 2]
    assert 0.5 < report.claim("1.1").confidence < 1.0


def test_a_later_unannotated_mention_of_a_claimed_title_is_ignored():
    text = replace_once(seed_txt(), "四、改进措施", "6.师德师风建设情况\n四、改进措施")
    report = read_claims(text, RUBRIC)
    assert report.claim("6").line == 48
    assert report.problems == ()
    assert report.unmapped == ()


def test_an_unannotated_heading_followed_by_an_annotated_one_gives_way():
    text = replace_once(
        seed_txt(),
        "6.师德师风建设情况。(6分,自评分6分)",
        "6.师德师风建设情况\n6.师德师风建设情况。(6分,自评分6分)",
    )
    report = read_claims(text, RUBRIC)
    assert (report.claim("6").line, report.claim("6").claimed) == (49, Decimal(6))
    assert report.problems == ()


def test_restarted_item_numbering_maps_to_the_nth_child():
    # A dotted marker names the code; "(n)" under an indicator whose item codes are not
    # "<indicator>.<n>" takes the n-th child.
    tree = attrs.evolve(
        RUBRIC,
        indicators=(
            _indicator(
                "A",
                "党的领导与依法治教",
                "5",
                (
                    _indicator(
                        "1",
                        "加强党对教育工作全面领导情况",
                        "5",
                        (
                            _indicator("1a", "甲项工作", "2", ()),
                            _indicator("1b", "乙项工作", "3", ()),
                        ),
                    ),
                ),
            ),
        ),
    )
    text = "\n".join(
        [
            "(一)党的领导与依法治教(5分,自评得分4分)",
            "1.加强党对教育工作全面领导情况(5分,自评分4分)",
            "(1)某某(2分,自评分2分)",
            "(2)某某某(3分,自评分2分)",
            "自评总分为4分。",
        ]
    )
    report = read_claims(text, tree)
    assert report.to_claimed() == {
        "A": Decimal(4),
        "1": Decimal(4),
        "1a": Decimal(2),
        "1b": Decimal(2),
        "total": Decimal(4),
    }
    assert report.claim("1a").confidence == 0.5  # by number alone: the titles match nothing
    # A mapping by position alone is never silent.
    assert kinds(report) == [("by-number-only", "1a"), ("by-number-only", "1b")]
    assert report.problems[0].line == 3
    assert "1a" in report.problems[0].message_zh
    assert "甲项工作" in report.problems[0].message_zh


def test_the_fragment_merges_into_a_facts_document(seed_report):
    # The consumer of the fragment: the facts loader reads it back to the same claims.
    facts = pytest.importorskip("evalrules._facts._document")
    documents = pytest.importorskip("evalrules._documents")
    fragment = documents.loads_yaml(seed_report.to_yaml())
    document = facts.FactsDocument.from_mapping({"facts": {}, **fragment})
    assert dict(document.claimed) == seed_report.to_claimed()
