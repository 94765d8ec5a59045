"""The wording of every claims problem, in Chinese and English, kept apart from its kind.

A problem's kind (``sum-mismatch``) is its identity; its wording is a template with named
fields, rendered in both languages when the problem is built. The Chinese is written for a
supervision-office reviewer (督导室): it names the line, the heading as the report numbers it,
and both numbers being compared, so the reviewer can find the place and judge it.
"""

from __future__ import annotations

from decimal import Decimal

from evalrules._claims._report import ClaimProblem
from evalrules._points import plain
from evalrules._text import Text

__all__ = ["MESSAGES", "problem", "show"]

MESSAGES: dict[str, Text] = {
    # --- the report on its own
    "sum-mismatch": Text(
        "第{line}行“{where}”自评 {found} 分,其下级指标自评分合计 {expected} 分({parts}),两者不一致",
        "line {line}: “{where}” claims {found}, but its sub-items' claims add up to {expected} "
        "({parts})",
    ),
    "max-sum-mismatch": Text(
        "第{line}行“{where}”分值 {found} 分,其下级指标分值合计 {expected} 分({parts}),两者不一致",
        "line {line}: the max of “{where}” is {found}, but its sub-items' maxima add up to "
        "{expected} ({parts})",
    ),
    "above-max-own": Text(
        "第{line}行“{where}”自评 {found} 分,超过本项分值 {expected} 分",
        "line {line}: “{where}” claims {found}, above its own max of {expected}",
    ),
    "decimal-lost": Text(
        "第{line}行“{where}”的{what_zh}写作“{text}”,疑为 {probable} 分(小数点可能丢失),"
        "核对时按 {probable} 分计,请与原件核实",
        "line {line}: the {what_en} of “{where}” is written “{text}”, probably {probable} "
        "(a decimal point seems lost); checked as {probable}, confirm with the original",
    ),
    "masked-own": Text(
        "第{line}行“{where}”的{what_zh}被遮盖(“{text}”),按未知处理,不按 0 分",
        "line {line}: the {what_en} of “{where}” is masked (“{text}”); read as unknown, not 0",
    ),
    "unstated-own": Text(
        "第{line}行“{where}”有分值 {max} 分,但没有写自评分",
        "line {line}: “{where}” states a max of {max} but no claimed score",
    ),
    "numbering-gap": Text(
        "“{where}”下的编号从 {before} 跳到 {after},中间的标题可能缺失或未能读出",
        "under “{where}” the numbering jumps from {before} to {after}: a heading in between "
        "is missing or could not be read",
    ),
    "numbering-repeat": Text(
        "“{where}”下编号 {number} 出现两次(第{kept_line}行和第{line}行)",
        "under “{where}” the number {number} appears twice (lines {kept_line} and {line})",
    ),
    "numbering-gap-top": Text(
        "一级标题的编号从 {before} 跳到 {after},中间的标题可能缺失或未能读出",
        "the top-level numbering jumps from {before} to {after}: a heading in between is "
        "missing or could not be read",
    ),
    "numbering-repeat-top": Text(
        "一级标题编号 {number} 出现两次(第{kept_line}行和第{line}行)",
        "the top-level number {number} appears twice (lines {kept_line} and {line})",
    ),
    "total-sum-mismatch": Text(
        "自评总分 {found} 分,各一级指标自评分合计 {expected} 分({parts}),两者不一致",
        "the claimed total is {found}, but the top-level claims add up to {expected} ({parts})",
    ),
    "total-max-mismatch": Text(
        "报告写明总分值 {found} 分,各一级指标分值合计 {expected} 分({parts}),两者不一致",
        "the report states a total max of {found}, but the top-level maxima add up to "
        "{expected} ({parts})",
    ),
    "total-above-max": Text(
        "自评总分 {found} 分(不含加分)超过总分值 {expected} 分",
        "the claimed total of {found} (without bonus) is above the total max of {expected}",
    ),
    "masked-total": Text(
        "第{line}行的{what_zh}被遮盖(“{text}”),按未知处理,不按 0 分",
        "line {line}: the {what_en} is masked (“{text}”); read as unknown, not 0",
    ),
    # --- against a rubric
    "numbering-conflict": Text(
        "第{line}行“{title}”按编号是 {by_number},按标题是 {by_title},采用 {chosen}",
        "line {line}: “{title}” is {by_number} by its numbering but {by_title} by its title; "
        "read as {chosen}",
    ),
    "by-number-only": Text(
        "第{line}行“{title}”仅按编号位置对应到 {code}“{rubric_title}”,标题与评价方案不符,"
        "请人工核对",
        "line {line}: “{title}” is mapped to {code} “{rubric_title}” by its numbering alone; "
        "the titles do not match, check by hand",
    ),
    "weak-title": Text(
        "第{line}行“{title}”仅按标题近似对应到 {code}“{rubric_title}”(相似度 {ratio}),请人工核对",
        "line {line}: “{title}” is mapped to {code} “{rubric_title}” by a weak title match "
        "alone (similarity {ratio}); check by hand",
    ),
    "duplicate": Text(
        "{code} 出现两次:采用第{kept_line}行({expected} 分),舍弃第{line}行({found} 分)",
        "{code} appears twice: kept line {kept_line} ({expected}), dropped line {line} ({found})",
    ),
    "missing": Text(
        "报告中没有 {code}“{title}”(满分 {max} 分)的自评分",
        "no claimed score for {code} “{title}” (max {max}) in the report",
    ),
    "missing-total": Text(
        "报告中没有自评总分",
        "the report states no claimed total",
    ),
    "unstated": Text(
        "第{line}行是 {code} 的标题,但没有写自评分",
        "line {line} is the heading of {code} but states no claimed score",
    ),
    "masked": Text(
        "第{line}行 {code} 的{what_zh}被遮盖(“{text}”),按未知处理,不按 0 分",
        "line {line}: the {what_en} of {code} is masked (“{text}”); read as unknown, not 0",
    ),
    "max-mismatch": Text(
        "第{line}行 {code} 的分值写作 {found} 分,评价方案为 {expected} 分",
        "line {line}: the max of {code} is written as {found}, the rubric says {expected}",
    ),
    "above-max": Text(
        "{code} 自评 {found} 分,超过满分 {expected} 分",
        "{code} claims {found}, above its max of {expected}",
    ),
    "rubric-sum-mismatch": Text(
        "{code} 自评 {found} 分,下级指标自评分合计 {expected} 分({parts})",
        "{code} claims {found} but its children's claims add up to {expected} ({parts})",
    ),
    "total-conflict": Text(
        "报告给出两个自评总分:第{kept_line}行 {expected} 分,第{line}行 {found} 分",
        "the report states two totals: {expected} on line {kept_line}, {found} on line {line}",
    ),
    "total-mismatch": Text(
        "自评总分 {found} 分,一级指标自评分合计 {expected} 分({parts})",
        "the claimed total is {found} but the first-level claims add up to {expected} ({parts})",
    ),
}


def show(value: object) -> str:
    """Write a value for a message: numbers without trailing zeros, ``None`` as nothing."""
    if isinstance(value, Decimal):
        return plain(value)
    return "" if value is None else str(value)


def problem(
    kind: str,
    code: str,
    *,
    template: str | None = None,
    expected: Decimal | str | None = None,
    found: Decimal | str | None = None,
    line: int | None = None,
    number: str | None = None,
    title: str | None = None,
    **fields: object,
) -> ClaimProblem:
    """Build a problem, rendering both messages from the templates of ``template or kind``."""
    message = MESSAGES[template or kind]
    values = {
        "code": code,
        "line": line,
        "title": title or "",
        "number": number or "",
        **{k: show(v) for k, v in fields.items()},
        "expected": show(expected),
        "found": show(found),
    }
    return ClaimProblem(
        code=code,
        kind=kind,
        message_zh=message.zh.format(**values),
        message_en=message.en.format(**values),
        expected=expected,
        found=found,
        line=line,
        number=number,
        title=title,
    )
