"""The ``xlsx`` renderer: a scorecard as a score sheet (评分表), print-ready.

One row per scored item; the indicators above it in merged cells on its left (as many
columns as the tree is deep), then the rule wording (评分细则), max (分值), claimed (自评),
computed (核定), each finding's message with its points (扣分说明) and each rule's source
(依据). Below: each first-level indicator's subtotal, the total (claimed and computed),
bonus, vetoes and the grade. A4 landscape, the header rows repeated on every page, fitted
to the page width. Labels in Chinese or English by ``--lang``; the rule wording and sources
need the rubric (``evaluate`` passes it). The same scorecard always gives the same bytes.

A cohort (one summary sheet and a sheet per district) waits for cohort scoring, which
evalrules does not have yet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from evalrules._excel._archive import save_workbook
from evalrules._excel._dependency import require_openpyxl
from evalrules._excel._heights import fit_row_heights
from evalrules._points import format_points, plain
from evalrules._renderers import RenderOptions
from evalrules._renderers._view import (
    aggregate_lines,
    aggregates_heading,
    finding_head,
    grade_text,
    source_text,
    verdict_text,
)
from evalrules._rubric._model import Indicator, Rubric
from evalrules._scorecard._model import Finding, NodeResult, Scorecard
from evalrules._text import Text

__all__ = ["render_scoresheet"]

_LEVELS = (
    Text("一级指标", "Domain"),
    Text("二级指标", "Indicator"),
    Text("三级指标(评分项)", "Item"),
    Text("四级指标", "Level 4"),
    Text("五级指标", "Level 5"),
)
_COLUMNS = (
    Text("评分细则", "Rule"),
    Text("分值", "Max"),
    Text("自评", "Claimed"),
    Text("核定", "Computed"),
    Text("扣分说明", "Deductions explained"),
    Text("依据", "Source"),
)
_WORDS = {
    "title": Text("评分表", "score sheet"),
    "entity": Text("被评对象", "Entity"),
    "rubric": Text("评价方案", "Rubric"),
    "version": Text("版本", "version"),
    "subtotals": Text("各一级指标得分", "Scores by domain"),
    "total": Text("总分", "Total"),
    "base_total": Text("基础分", "Base total"),
    "bonus": Text("加分", "Bonus"),
    "bonus_items": Text("加分项", "Bonus items"),
    "grade": Text("等次", "Grade"),
    "vetoes": Text("否决与降等", "Vetoes and downgrades"),
    "verdict": Text("认定结论", "Verdict"),
    "none": Text("无", "none"),
    "incomplete": Text("部分评分项因缺少数据无法评价", "some items could not be assessed"),
    "not_applicable": Text("不适用", "not applicable"),
    "not_assessable": Text("无法评价", "not assessable"),
    "points": Text("分", " points"),
    "aggregates_sheet": Text("学校数据计算值", "Computed values"),
    "aggregate": Text("指标值", "Value"),
    "exact": Text("精确值", "Exact value"),
    "rests_on": Text("计算依据", "What it rests on"),
    "path": Text("数据路径", "Fact path"),
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key].get(lang)


def _depth(nodes: Sequence[NodeResult]) -> int:
    def depth(node: NodeResult) -> int:
        return 1 + max((depth(c) for c in node.children), default=0)

    return max((depth(n) for n in nodes), default=1)


def _leaves(node: NodeResult, trail: tuple[NodeResult, ...]) -> Iterator[tuple[NodeResult, ...]]:
    if not node.children:
        yield (*trail, node)
    for child in node.children:
        yield from _leaves(child, (*trail, node))


def _number(card: Scorecard, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(format_points(value, card.rubric.precision))


def _number_format(card: Scorecard) -> str:
    exponent = card.rubric.precision.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0" if places == 0 else "0." + "0" * places


def _node_title(card: Scorecard, node: NodeResult, lang: str) -> str:
    title = node.title.get(lang) or node.title.zh
    most = plain(node.max)
    unit = "分" if lang == "zh" else " pts"
    open_, close = ("(", ")") if lang == "zh" else (" (", ")")
    return f"{node.code} {title}{open_}{most}{unit}{close}"


def _explained(card: Scorecard, findings: Sequence[Finding], node: NodeResult, lang: str) -> str:
    lines = []
    for finding in findings:
        lines.append(
            f"[{finding.rule}] {finding_head(card, finding, lang)}:{finding.message.get(lang)}"
            if lang == "zh"
            else f"[{finding.rule}] {finding_head(card, finding, lang)}: "
            f"{finding.message.get(lang)}"
        )
    if not lines and node.status != "scored":
        lines.append(_w(node.status, lang))
    return "\n".join(lines)


def _rules_of(rubric: Rubric | None, code: str) -> Indicator | None:
    if rubric is None:
        return None
    try:
        return rubric.indicator(code)
    except KeyError:
        return None


def _aggregates_sheet(
    workbook: Any,
    card: Scorecard,
    options: RenderOptions,
    bold: Any,
    head_fill: Any,
    border: Any,
    wrap: Any,
) -> None:
    """A second sheet: each value computed over a table's rows (a CV with X̄ and S), the
    exact value as a number, passing or not."""
    lang = options.lang
    ws = workbook.create_sheet(_w("aggregates_sheet", lang))
    ws.cell(1, 1, aggregates_heading(card, lang, options.rubric)[1])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    heads = ("aggregate", "exact", "rests_on", "path")
    for col, key in enumerate(heads, start=1):
        cell = ws.cell(2, col, _w(key, lang))
        cell.font, cell.fill, cell.border = bold, head_fill, border
    for row, (line, value) in enumerate(
        zip(aggregate_lines(card, lang, options.rubric), card.aggregates, strict=True), start=3
    ):
        exact = line.value if value.value is None else value.value  # not computed: say so
        for col, shown in enumerate((line.name, exact, line.detail, line.path), start=1):
            cell = ws.cell(row, col, shown)
            cell.border, cell.alignment = border, wrap
    widths = {1: 40, 2: 14, 3: 60, 4: 36}
    for col, width in widths.items():
        ws.column_dimensions[chr(64 + col)].width = width
    fit_row_heights(ws, widths, first=3)
    ws.freeze_panes = "A3"


def render_scoresheet(card: Scorecard, options: RenderOptions) -> bytes:
    """The score sheet of ``card`` as ``.xlsx`` bytes (deterministic)."""
    require_openpyxl(reading=False)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.writer.excel import ExcelWriter

    lang = options.lang
    rubric = options.rubric
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    bold = Font(bold=True)
    number_format = _number_format(card)

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "评分表" if lang == "zh" else "Score sheet"
    tops = (*card.indicators, *card.bonus_items)
    levels = _depth(tops)
    columns = [
        *(
            _LEVELS[i] if i < len(_LEVELS) else Text(f"{i + 1}级", f"Level {i + 1}")
            for i in range(levels)
        ),
        *_COLUMNS,
    ]
    last = len(columns)
    c_rule, c_max, c_claimed, c_score, c_explained, c_source = range(levels + 1, levels + 7)

    title = (card.rubric.title.get(lang) or card.rubric.title.zh) + " — " + _w("title", lang)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    entity = card.entity.name or card.entity.id
    if card.entity.id and card.entity.name:
        entity = (
            f"{card.entity.name}({card.entity.id})"
            if lang == "zh"
            else (f"{card.entity.name} ({card.entity.id})")
        )
    sep = ";" if lang == "zh" else "; "
    colon = ":" if lang == "zh" else ": "
    ws.cell(
        2,
        1,
        f"{_w('entity', lang)}{colon}{entity or '-'}{sep}{_w('rubric', lang)}{colon}"
        f"{card.rubric.ref} {_w('version', lang)} {card.rubric.version}",
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    for col, text in enumerate(columns, start=1):
        cell = ws.cell(3, col, text.get(lang))
        cell.font = bold
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(row: int, col: int, value: Any, *, number: bool = False) -> Any:
        cell = ws.cell(row, col, value)
        cell.border = border
        cell.alignment = wrap
        if number:
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right", vertical="center")
        return cell

    findings: dict[str, list[Finding]] = {}
    for finding in (*card.findings, *card.vetoes):
        bucket = findings.setdefault(finding.indicator, [])
        if finding not in bucket:
            bucket.append(finding)

    row = 4
    spans: dict[tuple[int, str], list[int]] = {}
    for top in tops:
        for trail in _leaves(top, ()):
            leaf = trail[-1]
            for depth, node in enumerate(trail[:-1]):
                spans.setdefault((depth, node.code), [row, row])[1] = row
                if spans[(depth, node.code)][0] == row:
                    cell = put(row, depth + 1, _node_title(card, node, lang))
                    cell.font = bold
                    # A merged indicator may run over pages: its name stays at the top.
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                else:
                    ws.cell(row, depth + 1).border = border
            leaf_col = len(trail)
            put(row, leaf_col, _node_title(card, leaf, lang))
            for col in range(leaf_col + 1, levels + 1):
                ws.cell(row, col).border = border
            if leaf_col < levels:
                ws.merge_cells(start_row=row, start_column=leaf_col, end_row=row, end_column=levels)
            item = _rules_of(rubric, leaf.code)
            rules = item.rules if item is not None else ()
            put(
                row, c_rule, "\n".join(f"[{r.code}] {r.name.get(lang) or r.name.zh}" for r in rules)
            )
            put(row, c_max, _number(card, leaf.max), number=True)
            put(row, c_claimed, _number(card, leaf.claimed), number=True)
            put(row, c_score, _number(card, leaf.score), number=True)
            put(row, c_explained, _explained(card, findings.get(leaf.code, ()), leaf, lang))
            put(
                row, c_source, "\n".join(f"[{r.code}] {source_text(r.source, lang)}" for r in rules)
            )
            row += 1
    for (depth, _), (first, end) in sorted(spans.items(), key=lambda s: (s[1][0], s[0][0])):
        if end > first:
            ws.merge_cells(
                start_row=first, start_column=depth + 1, end_row=end, end_column=depth + 1
            )

    # The summary: subtotals, total, bonus, vetoes, grade.
    row += 1
    put(row, 1, _w("subtotals", lang)).font = bold
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
    for col in (c_max, c_claimed, c_score):
        put(row, col, columns[col - 1].get(lang)).font = bold
    row += 1
    for top in card.indicators:
        put(row, 1, _node_title(card, top, lang))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
        put(row, c_max, _number(card, top.max), number=True)
        put(row, c_claimed, _number(card, top.claimed), number=True)
        put(row, c_score, _number(card, top.score), number=True)
        row += 1
    claimed_total = next((c.claimed for c in card.claimed or () if c.code == "total"), None)
    if card.bonus_items or card.bonus:
        put(row, 1, _w("base_total", lang))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
        put(row, c_max, _number(card, card.max), number=True)
        put(row, c_claimed, None)
        put(row, c_score, _number(card, card.base_total), number=True)
        row += 1
        put(row, 1, _w("bonus", lang))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
        put(row, c_max, None)
        put(row, c_claimed, None)
        put(row, c_score, _number(card, card.bonus), number=True)
        row += 1
    put(row, 1, _w("total", lang)).font = bold
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
    put(row, c_max, _number(card, card.max), number=True).font = bold
    put(row, c_claimed, _number(card, claimed_total), number=True).font = bold
    put(row, c_score, _number(card, card.total), number=True).font = bold
    if not card.complete:
        put(row, c_explained, _w("incomplete", lang))
    row += 1
    if card.grade.code:  # a rubric without grades has no grade to show
        put(row, 1, _w("grade", lang)).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
        put(row, c_max, grade_text(card, lang, rubric)).font = bold
        ws.merge_cells(start_row=row, start_column=c_max, end_row=row, end_column=c_score)
        row += 1
    if card.verdict is not None:  # a certification rubric's 达标 / 未达标
        put(row, 1, _w("verdict", lang)).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
        put(row, c_max, verdict_text(card, lang, rubric)).font = bold
        ws.merge_cells(start_row=row, start_column=c_max, end_row=row, end_column=last)
        row += 1
    put(row, 1, _w("vetoes", lang))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=c_rule)
    vetoes = "\n".join(f"[{v.rule}] {v.message.get(lang)}" for v in card.vetoes)
    put(row, c_max, vetoes or _w("none", lang))
    ws.merge_cells(start_row=row, start_column=c_max, end_row=row, end_column=last)

    widths = [*([16] * levels), 26, 8, 8, 9, 40, 44]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    fit_row_heights(ws, dict(enumerate(widths, start=1)), first=4)
    ws.freeze_panes = "A4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "3:3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.HeaderFooter.oddFooter.center.text = "&P / &N"
    ws.print_area = f"A1:{chr(64 + last)}{row}"

    if card.aggregates:  # a rubric with tables: every value computed over the rows
        _aggregates_sheet(workbook, card, options, bold, head_fill, border, wrap)

    def write(book: Any, archive: Any) -> None:
        ExcelWriter(book, archive).save()

    return save_workbook(workbook, write)
