"""The fact-collection workbook (填报表) of a rubric, blank or filled from a facts document.

Facts are grouped by the indicator that first reads them, in the rubric's order (a fact a
derived fact reads counts for the indicators that read the derived fact); facts no rule
reads come last. Each row gives the label (Chinese; English in a comment), unit, kind,
allowed range, whether it is required (and when), the indicators reading it, the value cell
(unlocked, with data validation) and the fact's path. A year series takes one row per year;
a value of object type (an assessor's judgement) one row per property. The 自评分 sheet
takes the claimed scores, the 说明 sheet says how to fill the workbook, and a very hidden
sheet stamps the rubric (reference, version, digest) and declares every value cell for the
reader. Every sheet but the values is protected (without a password: a guard against slips,
not a lock), and so is the workbook's structure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from evalrules._compiler._compiled import CompiledRubric
from evalrules._excel import _layout as L
from evalrules._excel._archive import save_workbook
from evalrules._excel._cells import (
    CODE,
    PERCENTAGE,
    SCORE,
    TEXT,
    WHOLE,
    YES_NO,
    cell_format,
    cell_parts,
    kind_words,
    write_cell,
)
from evalrules._excel._heights import fit_row_heights
from evalrules._facts._document import FactsDocument
from evalrules._facts._tables import raw_label, row_name
from evalrules._facts._types import FactType
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import FactSpec, Indicator, Rubric, TableSpec
from evalrules._text import Text, natural_order
from evalrules._units import unit_in
from evalrules.errors import FactsError, FactsProblem

__all__ = ["FormRow", "TableColumn", "facts_workbook", "form_rows", "table_columns"]

#: Years a blank form asks for in a year series, counted back from the data year.
SERIES_YEARS = 2
#: Rows a table sheet offers: at least this many, and this many more than a filled one has.
TABLE_BLANK_ROWS, TABLE_SPARE_ROWS = 100, 20
#: Rows a table sheet's data validations cover, at most (a table declares its own maximum).
TABLE_CAPACITY = 5000


@attrs.frozen
class FormRow:
    """One value cell of the form.

    Attributes:
        path: The value's path (``fitness.good_rate.2022``; ``entity.id``).
        fact: The declared fact it fills (``fitness.good_rate``), or the envelope path.
        key: The year of a series, the property of an object value, or ``None``.
        kind: The cell kind (:data:`evalrules._excel._cells.KINDS`).
        spec: The fact's declaration, for facts.
        ftype: The type of the value, for facts.
    """

    path: str
    fact: str
    key: int | str | None
    kind: str
    spec: FactSpec | None = None
    ftype: FactType | None = None


@attrs.frozen
class TableColumn:
    """One column of a table sheet.

    Attributes:
        name: The column's name in the table's rows (``pupils``).
        kind: The cell kind (:data:`evalrules._excel._cells.KINDS`).
        spec: The column's declaration.
        ftype: Its fact type.
        role: ``key``, ``label`` or ``stage`` when the table names the column so, else ``""``.
    """

    name: str
    kind: str
    spec: FactSpec
    ftype: FactType
    role: str = ""


def table_columns(spec: FactSpec, types: Mapping[str, FactType]) -> list[TableColumn]:
    """The columns of a table fact's sheet, in declaration order; ``[]`` when a column's
    values cannot be held in one cell (the table is then not collected in the workbook)."""
    table = spec.table
    if table is None:
        return []
    out = []
    for column in table.columns:
        ftype = types.get(column.type)
        parts = cell_parts(ftype, column) if ftype is not None else ()
        if ftype is None or len(parts) != 1 or parts[0][0] is not None:
            return []
        role = next(
            (
                r
                for r, name in (("key", table.key), ("stage", table.stage), ("label", table.label))
                if name == column.path
            ),
            "",
        )
        out.append(TableColumn(column.path, parts[0][1], column, ftype, role))
    return out


@attrs.frozen
class _Group:
    title: Text
    facts: tuple[FactSpec, ...]


# ------------------------------------------------------------------------------ planning


def _readers(compiled: CompiledRubric) -> dict[str, list[str]]:
    """Fact path → the codes of the items whose rules read it, in rubric order."""
    rubric = compiled.rubric
    derived = {d.path: d.inputs for d in rubric.derived}

    def expand(path: str, seen: frozenset[str] = frozenset()) -> Iterator[str]:
        if path in derived and path not in seen:
            for inner in derived[path]:
                yield from expand(inner, seen | {path})
        else:
            yield path

    readers: dict[str, list[str]] = {}
    for item, rule in rubric.rules():
        for read in compiled.kind(rule).reads(rule.params):
            for path in expand(read):
                codes = readers.setdefault(path, [])
                if item.code not in codes:
                    codes.append(item.code)
    return readers


def _owners(rubric: Rubric) -> dict[str, Indicator]:
    """Item code → the indicator its facts are grouped under: the second-level ancestor
    (二级指标), or the item itself when it sits at the first or second level."""
    owners: dict[str, Indicator] = {}

    def walk(node: Indicator, chain: tuple[Indicator, ...]) -> None:
        chain = (*chain, node)
        if node.is_leaf:
            owners[node.code] = chain[1] if len(chain) > 1 else chain[0]
        for child in node.children:
            walk(child, chain)

    for top in (*rubric.indicators, *rubric.bonus):
        walk(top, ())
    return owners


def _groups(compiled: CompiledRubric, readers: Mapping[str, list[str]]) -> list[_Group]:
    rubric = compiled.rubric
    specs = {s.path: s for s in rubric.facts}
    owners = _owners(rubric)
    placed: dict[str, None] = {}
    groups: dict[str, tuple[Indicator, list[FactSpec]]] = {}
    for item in rubric.walk():
        if not item.is_leaf:
            continue
        owner = owners[item.code]
        for path in (p for p, codes in readers.items() if codes[0] == item.code):
            if path in specs and path not in placed:
                placed[path] = None
                groups.setdefault(owner.code, (owner, []))[1].append(specs[path])
    out = [
        _Group(Text(f"{n.code} {n.title.zh}({plain(n.max)}分)", f"{n.code} {n.title.en}"), tuple(f))
        for n, f in groups.values()
    ]
    rest = tuple(s for s in rubric.facts if s.path not in placed)
    if rest:
        out.append(_Group(Text("其他数据(未被评分细则直接读取)", "Other facts"), rest))
    return out


def _years(rubric: Rubric, spec: FactSpec, filled: Any) -> list[int]:
    data_year = rubric.data_year or rubric.year - 1
    years = {data_year - i for i in range(SERIES_YEARS)}
    for derived in rubric.derived:
        if spec.path in derived.inputs and derived.year is not None:
            years |= {derived.year, derived.year - 1}
    if isinstance(filled, Mapping):
        for key in filled:
            if isinstance(key, int) and not isinstance(key, bool):
                years.add(key)
            elif isinstance(key, str) and key.isdigit():
                years.add(int(key))
    return sorted(years)


def _lookup(facts: Mapping[str, Any], path: str) -> Any:
    level: Any = facts
    for part in path.split("."):
        if not isinstance(level, Mapping) or part not in level:
            return None
        level = level[part]
    return level


def form_rows(
    rubric: Rubric, spec: FactSpec, types: Mapping[str, FactType], filled: Any = None
) -> list[FormRow]:
    """The value cells of one fact (``filled``: its value in a facts document, whose years
    a series' rows include)."""
    if spec.items is not None:
        ftype = types.get(spec.items)
        if ftype is None:
            return []
        parts = cell_parts(ftype, spec)
        if len(parts) != 1:
            return []
        kind = parts[0][1]
        return [
            FormRow(f"{spec.path}.{year}", spec.path, year, kind, spec, ftype)
            for year in _years(rubric, spec, filled)
        ]
    ftype = types.get(spec.type)
    if ftype is None:
        return []
    parts = cell_parts(ftype, spec)
    if parts == ((None, parts[0][1]),) if parts else False:
        return [FormRow(spec.path, spec.path, None, parts[0][1], spec, ftype)]
    return [FormRow(f"{spec.path}.{key}", spec.path, key, kind, spec, ftype) for key, kind in parts]


# ------------------------------------------------------------------------------- words


def _range(row: FormRow) -> tuple[Decimal | None, Decimal | None, bool]:
    """(low, high, high is only a plausibility limit)."""
    spec, ftype = row.spec, row.ftype
    if spec is None or ftype is None or row.kind not in (WHOLE, PERCENTAGE, "number"):
        return None, None, False
    if row.key is not None and spec.items is None:
        return None, None, False
    rules = ftype.rules
    low = spec.minimum if spec.minimum is not None else _opt(rules.get("min"))
    high = spec.maximum
    plausible = False
    if spec.plausible_max is not None and (high is None or spec.plausible_max < high):
        high, plausible = spec.plausible_max, True
    if high is None:
        high = _opt(rules.get("max"))
    return low, high, plausible


def _opt(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _range_words(low: Decimal | None, high: Decimal | None, plausible: bool) -> str:
    if low is not None and high is not None:
        words = f"{plain(low)}–{plain(high)}"
    elif low is not None:
        words = f"≥ {plain(low)}"
    elif high is not None:
        words = f"≤ {plain(high)}"
    else:
        return ""
    return words + ("(超过视为异常)" if plausible else "")


def _required_words(spec: FactSpec, labels: Mapping[str, Text]) -> Text:
    if spec.required_if:
        cond = labels.get(spec.required_if, Text(spec.required_if, spec.required_if))
        return Text(
            f"条件必填:“{cond.zh}”为“是”时必填",
            f"required when “{cond.en or cond.zh}” is yes",
        )
    if spec.required:
        return Text("必填", "required")
    return Text("选填", "optional")


# ------------------------------------------------------------------------------- styles

#: Widths of the facts sheet's columns, in characters.
_FACT_WIDTHS = (42, 8, 16, 12, 18, 26, 14, 40)
_CLAIM_WIDTHS = (10, 50, 8, 12, 30)
_GUIDE_WIDTHS = (18, 110)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_GREY = Font(color="808080", size=9)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Widening a column or a row must stay possible on a protected sheet.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = title_rows


class _Validations:
    """One data validation per distinct rule, in the order first used (deterministic)."""

    def __init__(self, ws: Worksheet) -> None:
        self._ws = ws
        self._made: dict[tuple[Any, ...], DataValidation] = {}

    def add(self, cell: str, key: tuple[Any, ...], make: Any) -> None:
        dv = self._made.get(key)
        if dv is None:
            dv = self._made[key] = make()
            self._ws.add_data_validation(dv)
        dv.add(cell)


def _number_validation(kind: str, low: Decimal | None, high: Decimal | None) -> Any:
    vtype: Literal["whole", "decimal"] = "whole" if kind == WHOLE else "decimal"
    operator: Literal["between", "greaterThanOrEqual", "lessThanOrEqual"]
    f2: str | None
    if low is not None and high is not None:
        operator, f1, f2 = "between", plain(low), plain(high)
        zh, en = f"请输入 {f1} 到 {f2} 之间的数", f"enter a number from {f1} to {f2}"
    elif low is not None:
        operator, f1, f2 = "greaterThanOrEqual", plain(low), None
        zh, en = f"请输入不小于 {f1} 的数", f"enter a number ≥ {f1}"
    elif high is not None:
        operator, f1, f2 = "lessThanOrEqual", plain(high), None
        zh, en = f"请输入不大于 {f1} 的数", f"enter a number ≤ {f1}"
    else:
        operator, f1, f2 = "between", "-1E+300", "1E+300"
        zh, en = "请输入数字", "enter a number"
    if kind == WHOLE:
        zh, en = zh.replace("数", "整数", 1), en.replace("a number", "a whole number")
    if kind == PERCENTAGE:
        zh += "(百分数:85 或 85% 均可)"
        en += " (a percentage: 85 or 85%)"

    def make() -> DataValidation:
        return DataValidation(
            type=vtype,
            operator=operator,
            formula1=f1,
            formula2=f2,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数值不符合要求 / invalid value",
            error=f"{zh} / {en}",
            showInputMessage=True,
            promptTitle=kind_words(kind).zh,
            prompt=zh,
        )

    return make


def _yes_no_validation() -> DataValidation:
    return DataValidation(
        type="list",
        formula1='"是,否"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请选择是或否 / yes or no",
        error="请从下拉列表中选择“是”或“否” / choose 是 (yes) or 否 (no) from the list",
        showInputMessage=True,
        promptTitle="是或否",
        prompt="请选择“是”或“否”",
    )


def _column_title(spec: FactSpec) -> Text:
    """A table column's header: its label with its unit, Chinese then English."""
    zh, en = spec.description.zh, spec.description.en
    unit = (spec.unit or "").strip()
    english = unit_in(unit, "en").strip() if unit else ""
    return Text(
        f"{zh}({unit})" if unit else zh,
        (f"{en} ({english})" if english else en) if en else "",
    )


def _choices(table: TableSpec, column: TableColumn) -> tuple[Any, ...] | None:
    """The values a column may take: the declared ones, or the stage column's stages."""
    if column.spec.values is not None:
        return tuple(column.spec.values)
    if column.role == "stage" and table.stages:
        return tuple(table.stages)
    return None


def _column_rules(table: TableSpec, column: TableColumn) -> Text:
    """What a column takes, in words: required or not, the kind, the range or the values."""
    spec = column.spec
    required = Text("键,必填", "key, required") if column.role == "key" else None
    required = required or _required_words(spec, {})
    kind = kind_words(column.kind)
    zh, en = [required.zh, kind.zh], [required.en, kind.en]
    form = FormRow(column.name, column.name, None, column.kind, spec, column.ftype)
    low, high, plausible = _range(form)
    words = _range_words(low, high, plausible)
    if words:
        zh.append(words)
        en.append(words.replace("(超过视为异常)", " (beyond is implausible)"))
    choices = _choices(table, column)
    if choices is not None:
        if column.role == "stage":
            zh.append(" / ".join(f"{c} {table.stages[c].zh}" for c in choices))
            en.append(" / ".join(f"{c} ({table.stages[c].en})" for c in choices))
        else:
            zh.append(" / ".join(str(c) for c in choices))
            en.append(" / ".join(str(c) for c in choices))
    return Text(";".join(zh), "; ".join(en))


def _table_width(column: TableColumn) -> float:
    """A table column's width: its header's Chinese and English lines, within 10 to 24."""
    from evalrules._renderers._texttable import display_width

    head = _column_title(column.spec)
    widest = max(display_width(head.zh), display_width(head.en) // 2)
    return float(min(max(widest + 2, 10), 24))


def _list_validation(listed: str) -> Any:
    def make() -> DataValidation:
        return DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="不在可选范围内 / not one of the values",
            error=f"请从下拉列表中选择:{listed} / choose one of: {listed}",
            showInputMessage=True,
            promptTitle="从列表中选择",
            prompt=listed,
        )

    return make


def _key_validation(letter: str, stage: str | None, first: int, end: int) -> Any:
    """The key column: text, not repeated (within its stage, when the table has stages)."""
    own = f"{letter}{first}"
    keys = f"${letter}${first}:${letter}${end}"
    if stage is None:
        count = f"COUNTIF({keys},{own})"
        zh, en = "不得重复", "must not repeat"
    else:
        stages = f"${stage}${first}:${stage}${end}"
        count = f"COUNTIFS({keys},{own},{stages},{stage}{first})"
        zh, en = "同一学段内不得重复", "must not repeat within a stage"

    def make() -> DataValidation:
        return DataValidation(
            type="custom",
            formula1=f"{count}<=1",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="键重复 / repeated key",
            error=f"此键{zh} / this key {en}",
            showInputMessage=True,
            promptTitle="键 / key",
            prompt=f"每个单位唯一的代码,{zh}",
        )

    return make


# ------------------------------------------------------------------------------ writing


@attrs.frozen
class _Filled:
    facts: Mapping[str, Any]
    entity_id: str | None
    entity_name: str | None
    claimed: Mapping[str, Decimal]


def _flat_paths(value: Any, prefix: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flat_paths(inner, f"{prefix}.{key}" if prefix else str(key))
    elif prefix:
        yield prefix


def _header(ws: Worksheet, row: int, titles: Sequence[Text]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row, col, title.zh)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.comment = _comment(title.en)


def _comment(text: str) -> Comment | None:
    if not text:
        return None
    comment = Comment(text, "evalrules")
    comment.width, comment.height = 240, 80
    return comment


class _FormWriter:
    def __init__(
        self,
        compiled: CompiledRubric,
        types: Mapping[str, FactType],
        filled: _Filled | None,
    ) -> None:
        self.compiled = compiled
        self.rubric = compiled.rubric
        self.types = types
        self.filled = filled
        self.problems: list[FactsProblem] = []
        self.declarations: list[tuple[str, str, int | str | None, str]] = []
        self.written: set[str] = set()
        self.labels = {s.path: s.description for s in self.rubric.facts}
        self.uncollectable: list[FactSpec] = []
        #: Each table fact collected on a sheet of its own: path → (sheet name, columns).
        self.tables: dict[str, tuple[str, list[TableColumn]]] = {}
        taken: list[str] = []
        for spec in self.rubric.facts:
            columns = table_columns(spec, types)
            if columns:
                name = L.sheet_name(spec.description.zh, taken)
                taken.append(name)
                self.tables[spec.path] = (name, columns)
        #: The hidden sheet's declaration of each table column: table path, column, kind,
        #: sheet, role.
        self.table_declarations: list[tuple[str, str, str, str, str]] = []

    # -- values

    def _value(self, ws: Worksheet, row: int, col: int, form: FormRow, value: Any) -> None:
        cell = ws.cell(row, col)
        cell.number_format = cell_format(form.ftype, form.kind)
        cell.protection = _UNLOCKED
        cell.fill = _INPUT_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=form.kind == TEXT)
        self.declarations.append((form.path, form.fact, form.key, form.kind))
        if value is None:
            return
        written, why = write_cell(form.kind, value)
        if why is not None:
            self.problems.append(
                FactsProblem(
                    form.path,
                    "cannot-write",
                    f"无法写入工作簿:{why.zh}",
                    f"cannot be written into the workbook: it {why.en}",
                    value,
                )
            )
            return
        cell.value = written
        if isinstance(written, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with

    # -- the facts sheet

    def facts_sheet(self, ws: Worksheet) -> None:
        rubric = self.rubric
        ws.title = L.FACTS_SHEET
        last = L.FACT_PATH
        ws.cell(1, 1, f"{rubric.title.zh} — 事实数据填报表").font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        data_year = rubric.data_year or rubric.year - 1
        ws.cell(
            2,
            1,
            f"评价方案 {rubric.ref}(版本 {rubric.version}),数据年度 {data_year}。只填黄色单元格;"
            "空白表示未填报。/ Rubric "
            f"{rubric.ref} (version {rubric.version}), data year {data_year}. Fill in the "
            "yellow cells only; an empty cell is a missing value.",
        ).alignment = _WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
        ws.row_dimensions[2].height = 30
        _header(
            ws,
            L.FACT_HEADER_ROW,
            [
                Text("数据项", "Fact"),
                Text("单位", "Unit"),
                Text("填报值", "Value"),
                Text("类型", "Kind of value"),
                Text("允许范围", "Allowed range"),
                Text("是否必填", "Required"),
                Text("相关指标", "Indicators reading it"),
                Text("数据路径", "Path in a facts file"),
            ],
        )
        for col, width in enumerate(_FACT_WIDTHS, start=1):
            ws.column_dimensions[chr(64 + col)].width = width
        validations = _Validations(ws)
        row = L.FACT_HEADER_ROW + 1
        filled = self.filled
        entity = [
            (
                FormRow("entity.id", "entity.id", None, CODE),
                Text("行政区划代码", "Administrative code"),
                filled.entity_id if filled else None,
            ),
            (
                FormRow("entity.name", "entity.name", None, TEXT),
                Text("被评对象名称", "Name"),
                filled.entity_name if filled else None,
            ),
        ]
        row = self._group_row(ws, row, Text("被评对象(县、区)", "Entity (county or district)"))
        for form, title, value in entity:
            self._label(ws, row, title, form.path)
            ws.cell(row, L.FACT_KIND, kind_words(form.kind).zh)
            ws.cell(row, L.FACT_REQUIRED, "必填" if form.path == "entity.id" else "选填")
            self._value(ws, row, L.FACT_VALUE, form, value)
            row += 1
        readers = _readers(self.compiled)
        facts = filled.facts if filled else {}
        for group in _groups(self.compiled, readers):
            row = self._group_row(ws, row, group.title)
            for spec in group.facts:
                value = _lookup(facts, spec.path)
                if spec.path in self.tables:
                    self._table_pointer(ws, row, spec, readers.get(spec.path, []))
                    row += 1
                    continue
                rows = form_rows(rubric, spec, self.types, value)
                if not rows:
                    self.uncollectable.append(spec)
                    continue
                for form in rows:
                    self._fact_row(ws, row, form, value, readers.get(spec.path, []), validations)
                    row += 1
        self._check_unwritten(facts)
        fit_row_heights(ws, dict(enumerate(_FACT_WIDTHS, start=1)), first=L.FACT_HEADER_ROW)
        ws.freeze_panes = f"A{L.FACT_HEADER_ROW + 1}"
        _print_setup(ws, f"{L.FACT_HEADER_ROW}:{L.FACT_HEADER_ROW}")
        _protect(ws)

    def _group_row(self, ws: Worksheet, row: int, title: Text) -> int:
        cell = ws.cell(row, 1, f"{title.zh} / {title.en}" if title.en else title.zh)
        cell.font = Font(bold=True)
        for col in range(1, L.FACT_PATH + 1):
            ws.cell(row, col).fill = _GROUP_FILL
            ws.cell(row, col).border = _BORDER
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=L.FACT_PATH)
        return row + 1

    def _label(self, ws: Worksheet, row: int, title: Text, path: str, extra: str = "") -> None:
        cell = ws.cell(row, L.FACT_LABEL, title.zh)
        cell.alignment = _WRAP
        cell.border = _BORDER
        cell.comment = _comment(title.en + extra)
        path_cell = ws.cell(row, L.FACT_PATH, path)
        path_cell.font = _GREY
        path_cell.border = _BORDER
        for col in (L.FACT_UNIT, L.FACT_KIND, L.FACT_RANGE, L.FACT_REQUIRED, L.FACT_INDICATORS):
            ws.cell(row, col).border = _BORDER
            ws.cell(row, col).alignment = _WRAP

    def _fact_row(
        self,
        ws: Worksheet,
        row: int,
        form: FormRow,
        value: Any,
        codes: Sequence[str],
        validations: _Validations,
    ) -> None:
        spec = form.spec
        assert spec is not None
        title = spec.description
        if spec.items is not None:
            title = Text(f"{title.zh}({form.key}年)", f"{title.en} ({form.key})")
        elif form.key is not None:
            title = Text(f"{title.zh}:{form.key}", f"{title.en}: {form.key}")
        extra = f"\n来源 / source: {spec.source}" if spec.source else ""
        self._label(ws, row, title, form.path, extra)
        ws.cell(row, L.FACT_UNIT, spec.unit or "")
        words = kind_words(form.kind).zh + ("(按年份)" if spec.items is not None else "")
        ws.cell(row, L.FACT_KIND, words)
        low, high, plausible = _range(form)
        ws.cell(row, L.FACT_RANGE, _range_words(low, high, plausible))
        required = _required_words(spec, self.labels)
        ws.cell(row, L.FACT_REQUIRED, required.zh).comment = _comment(required.en)
        ws.cell(row, L.FACT_INDICATORS, ", ".join(codes))
        if isinstance(value, Mapping) and form.key is not None:
            value = value.get(form.key, value.get(str(form.key)))
        elif form.key is not None:
            value = None
        self._value(ws, row, L.FACT_VALUE, form, value)
        self.written.add(form.path)
        coordinate = ws.cell(row, L.FACT_VALUE).coordinate
        if form.kind == YES_NO:
            validations.add(coordinate, ("yes-no",), _yes_no_validation)
        elif form.kind in (WHOLE, PERCENTAGE, "number"):
            validations.add(
                coordinate,
                (form.kind, low, high),
                _number_validation(form.kind, low, high),
            )

    def _table_pointer(self, ws: Worksheet, row: int, spec: FactSpec, codes: Sequence[str]) -> None:
        """The facts sheet's row of a table fact: where its sheet is (no value cell, no path:
        the reader reads the table from its own sheet)."""
        name = self.tables[spec.path][0]
        self.written.add(spec.path)  # its rows are written (or refused) on its sheet
        self._label(ws, row, spec.description, "")
        ws.cell(row, L.FACT_KIND, "表格(每行一个单位)")
        required = _required_words(spec, self.labels)
        ws.cell(row, L.FACT_REQUIRED, required.zh).comment = _comment(required.en)
        ws.cell(row, L.FACT_INDICATORS, ", ".join(codes))
        cell = ws.cell(row, L.FACT_VALUE, f"见工作表“{name}” / see the sheet {name}")
        cell.alignment = _WRAP
        cell.border = _BORDER
        cell.font = Font(bold=True)
        cell.data_type = "s"

    # -- the table sheets

    def table_sheet(self, ws: Worksheet, spec: FactSpec) -> None:
        """A table fact's sheet: title, bilingual header, what each column takes, the
        columns' names, then one row per unit (filled from the facts when given)."""
        table = spec.table
        assert table is not None
        name, columns = self.tables[spec.path]
        ws.title = name
        last = len(columns)
        title = spec.description
        ws.cell(1, 1, f"{title.zh} — 每行一个单位 / {title.en} — one row each").font = Font(
            bold=True, size=14
        )
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        stages = stages_en = ""
        if table.stage is not None and table.stages:
            listed = "、".join(f"{code} {label.zh}" for code, label in table.stages.items())
            listed_en = ", ".join(f"{code} ({label.en})" for code, label in table.stages.items())
            stages = f"学段(列 {table.stage})填:{listed}。"
            stages_en = f" Stage ({table.stage}): {listed_en}."
        ws.cell(
            2,
            1,
            f"每个单位一行{'(有两个学段的学校每个学段各一行)' if stages else ''};"
            f"{table.key} {'在同一学段内' if stages else ''}不得重复。"
            f"{stages}只填黄色区域,空行不读;可插入行。/ One row per unit"
            f"{' (a school of two stages has a row for each)' if stages else ''}; {table.key} "
            f"must not repeat{' within a stage' if stages else ''}.{stages_en} Fill in the "
            "yellow area; empty rows are not read; rows may be "
            "inserted.",
        ).alignment = _WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
        widths: dict[int, float] = {}
        for col, column in enumerate(columns, start=1):
            letter = get_column_letter(col)
            widths[col] = _table_width(column)
            ws.column_dimensions[letter].width = widths[col]
            head = _column_title(column.spec)
            cell = ws.cell(L.TABLE_HEADER_ROW, col, f"{head.zh}\n{head.en}" if head.en else head.zh)
            cell.font = Font(bold=True)
            cell.fill = _HEAD_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            rules = _column_rules(table, column)
            cell = ws.cell(L.TABLE_RULES_ROW, col, rules.zh)
            cell.font = _GREY
            cell.border = _BORDER
            cell.alignment = _WRAP
            cell.comment = _comment(rules.en)
            cell = ws.cell(L.TABLE_NAMES_ROW, col, column.name)
            cell.font = _GREY
            cell.border = _BORDER
            cell.data_type = "s"
            self.table_declarations.append((spec.path, column.name, column.kind, name, column.role))
        fit_row_heights(ws, widths, first=2)
        filled = _lookup(self.filled.facts, spec.path) if self.filled else None
        rows: Sequence[Any] = ()
        if filled is not None:
            if isinstance(filled, list | tuple):
                rows = filled
            else:
                self.problems.append(
                    FactsProblem(
                        spec.path,
                        "cannot-write",
                        "无法写入工作簿:应为行的列表(每行一个单位)",
                        "cannot be written into the workbook: it must be a list of rows",
                        None,
                    )
                )
        capacity = min(table.max_rows or TABLE_CAPACITY, TABLE_CAPACITY)
        count = min(max(len(rows) + TABLE_SPARE_ROWS, TABLE_BLANK_ROWS), capacity)
        for i in range(count):
            raw = rows[i] if i < len(rows) else None
            self._table_row(ws, L.TABLE_FIRST_ROW + i, spec, table, columns, i, raw)
        for i in range(count, len(rows)):
            self.problems.append(
                FactsProblem(
                    f"{spec.path}[{i}]",
                    "not-written",
                    f"超过工作表的 {capacity} 行,未写入工作簿",
                    f"beyond the sheet's {capacity} rows; it was not written",
                )
            )
        self._table_validations(ws, table, columns, capacity)
        ws.freeze_panes = f"A{L.TABLE_FIRST_ROW}"
        _print_setup(ws, f"{L.TABLE_HEADER_ROW}:{L.TABLE_HEADER_ROW}")
        _protect(ws)
        # Rows are added and removed as the units are: a protected sheet still allows it.
        ws.protection.insertRows = False
        ws.protection.deleteRows = False

    def _table_row(
        self,
        ws: Worksheet,
        row: int,
        spec: FactSpec,
        table: TableSpec,
        columns: Sequence[TableColumn],
        index: int,
        raw: Any,
    ) -> None:
        values: Mapping[str, Any] = {}
        if isinstance(raw, Mapping):
            values = raw
        elif raw is not None:
            self.problems.append(
                FactsProblem(
                    f"{spec.path}[{index}]",
                    "cannot-write",
                    "无法写入工作簿:每行应为列名到值的映射",
                    "cannot be written into the workbook: a row must map column names to values",
                    None,
                )
            )
        name = row_name(raw_label(table, values), spec.path, index)
        known = {c.name for c in columns}
        for key in values:
            if key not in known:
                self.problems.append(
                    FactsProblem(
                        f"{spec.path}[{index}].{key}",
                        "not-written",
                        f"{name.zh}:表格 {spec.path} 没有此列,未写入工作簿",
                        f"{name.en}: the table {spec.path} has no such column; it was not written",
                    )
                )
        for col, column in enumerate(columns, start=1):
            cell = ws.cell(row, col)
            cell.number_format = cell_format(column.ftype, column.kind)
            cell.protection = _UNLOCKED
            cell.fill = _INPUT_FILL
            cell.border = _BORDER
            value = values.get(column.name)
            if value is None:
                continue
            written, why = write_cell(column.kind, value)
            if why is not None:
                self.problems.append(
                    FactsProblem(
                        f"{spec.path}[{index}].{column.name}",
                        "cannot-write",
                        f"{name.zh}:无法写入工作簿:{why.zh}",
                        f"{name.en}: cannot be written into the workbook: it {why.en}",
                        value,
                    )
                )
                continue
            cell.value = written
            if isinstance(written, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with

    def _table_validations(
        self, ws: Worksheet, table: TableSpec, columns: Sequence[TableColumn], capacity: int
    ) -> None:
        validations = _Validations(ws)
        first, end = L.TABLE_FIRST_ROW, L.TABLE_FIRST_ROW + capacity - 1
        letters = {c.name: get_column_letter(i) for i, c in enumerate(columns, start=1)}
        for column in columns:
            letter = letters[column.name]
            cells = f"{letter}{first}:{letter}{end}"
            choices = _choices(table, column)
            if column.role == "key":
                stage = letters.get(table.stage or "")
                validations.add(cells, ("key",), _key_validation(letter, stage, first, end))
            elif choices is not None:
                listed = ",".join(str(c) for c in choices)
                # Excel holds a list of at most 255 characters in the validation itself.
                if len(listed) <= 255 and '"' not in listed:
                    validations.add(cells, ("list", listed), _list_validation(listed))
            elif column.kind == YES_NO:
                validations.add(cells, ("yes-no",), _yes_no_validation)
            elif column.kind in (WHOLE, PERCENTAGE, "number"):
                form = FormRow(
                    column.name, column.name, None, column.kind, column.spec, column.ftype
                )
                low, high, _ = _range(form)
                validations.add(
                    cells, (column.kind, low, high), _number_validation(column.kind, low, high)
                )

    def _check_unwritten(self, facts: Mapping[str, Any]) -> None:
        declared = {spec.path for spec in self.rubric.facts}
        uncollectable = {spec.path for spec in self.uncollectable}
        for path in _flat_paths(facts, ""):
            if path in self.written:
                continue
            parts = path.split(".")
            owner = next(
                (
                    ".".join(parts[:i])
                    for i in range(len(parts), 0, -1)
                    if ".".join(parts[:i]) in declared
                ),
                None,
            )
            if owner is not None and owner in uncollectable:
                zh = "此类数据无法在工作簿中填报"
                en = "facts of this type cannot be collected in a workbook"
            elif owner is not None:
                zh = "工作簿中没有此值的单元格(年份或键不对?)"
                en = "the workbook has no cell for this value (a wrong year or key?)"
            else:
                zh = f"评价方案 {self.rubric.ref} 没有声明此数据"
                en = f"rubric {self.rubric.ref} declares no such fact"
            self.problems.append(
                FactsProblem(
                    f"facts.{path}" if owner is None else path,
                    "not-written",
                    f"{zh},未写入工作簿",
                    f"{en}; it was not written",
                )
            )

    # -- the claims sheet

    def claims_sheet(self, ws: Worksheet) -> None:
        rubric = self.rubric
        ws.title = L.CLAIMS_SHEET
        ws.cell(1, 1, f"{rubric.title.zh} — 自评分(选填)").font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=L.CLAIM_PATH)
        ws.cell(
            2,
            1,
            "各指标的自评得分,可不填;填写后评价结果会逐项对照。/ The district's own "
            "scores (optional); the scorecard sets them against the computed ones.",
        ).alignment = _WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=L.CLAIM_PATH)
        _header(
            ws,
            L.CLAIM_HEADER_ROW,
            [
                Text("指标代码", "Code"),
                Text("指标", "Indicator"),
                Text("分值", "Max points"),
                Text("自评分", "Claimed score"),
                Text("数据路径", "Path in a facts file"),
            ],
        )
        for col, width in zip("ABCDE", _CLAIM_WIDTHS, strict=True):
            ws.column_dimensions[col].width = width
        validations = _Validations(ws)
        claimed = self.filled.claimed if self.filled else {}
        row = L.CLAIM_HEADER_ROW + 1
        depth = _depths(rubric)
        nodes: list[tuple[str, Text, Decimal | None]] = [
            (n.code, n.title, n.max) for n in rubric.walk()
        ]
        nodes.append(("total", Text("总分", "Total"), None))
        codes = {code for code, _, _ in nodes}
        for code, title, most in nodes:
            path = "claimed.total" if code == "total" else f"claimed.indicators.{code}"
            ws.cell(row, L.CLAIM_CODE, "" if code == "total" else code).border = _BORDER
            cell = ws.cell(row, L.CLAIM_TITLE, "  " * depth.get(code, 0) + title.zh)
            cell.border = _BORDER
            cell.comment = _comment(title.en)
            if depth.get(code, 0) == 0:
                cell.font = Font(bold=True)
            ws.cell(row, L.CLAIM_MAX, None if most is None else _exact(most)).border = _BORDER
            path_cell = ws.cell(row, L.CLAIM_PATH, path)
            path_cell.font = _GREY
            form = FormRow(path, path, None, SCORE)
            self._value(ws, row, L.CLAIM_VALUE, form, claimed.get(code))
            coordinate = ws.cell(row, L.CLAIM_VALUE).coordinate
            high = most
            validations.add(
                coordinate, ("score", high), _number_validation("number", Decimal(0), high)
            )
            row += 1
        for code in claimed:
            if code not in codes:
                self.problems.append(
                    FactsProblem(
                        f"claimed.indicators.{code}",
                        "not-written",
                        f"评价方案 {rubric.ref} 没有指标 {code},未写入工作簿",
                        f"rubric {rubric.ref} has no indicator {code}; it was not written",
                    )
                )
        fit_row_heights(ws, dict(enumerate(_CLAIM_WIDTHS, start=1)), first=L.CLAIM_HEADER_ROW)
        ws.freeze_panes = f"A{L.CLAIM_HEADER_ROW + 1}"
        _print_setup(ws, f"{L.CLAIM_HEADER_ROW}:{L.CLAIM_HEADER_ROW}")
        _protect(ws)

    # -- the guide and the stamp

    def guide_sheet(self, ws: Worksheet) -> None:
        rubric = self.rubric
        ws.title = L.GUIDE_SHEET
        ws.column_dimensions["A"].width = _GUIDE_WIDTHS[0]
        ws.column_dimensions["B"].width = _GUIDE_WIDTHS[1]
        ws.cell(1, 1, "填表说明 / How to fill in this workbook").font = Font(bold=True, size=14)
        rows: list[tuple[str, str]] = [
            ("", ""),
            ("评价方案 / rubric", f"{rubric.ref} — {rubric.title.zh}"),
            ("版本 / version", rubric.version),
            ("摘要 / digest", self.compiled.digest),
            ("数据年度 / data year", str(rubric.data_year or rubric.year - 1)),
            ("", ""),
            (
                "填写 / filling",
                "只填“填报”和“自评分”两张表中的黄色单元格,其他单元格已保护(无密码)。"
                "请勿增删行、改动路径列或改名工作表。/ Fill in the yellow cells of the 填报 "
                "and 自评分 sheets only; the other cells are protected (without a password). "
                "Do not add or delete rows, change the path column or rename the sheets.",
            ),
            (
                "空白 / empty",
                "空白单元格表示未填报(缺少数据),不是 0;数值为零请填 0。/ An empty cell "
                "is a missing value, not zero: enter 0 for zero.",
            ),
            (
                "数字 / numbers",
                "直接输入数字,不带单位、千分位逗号或空格;以文字形式保存的数字(左上角有绿色"
                "三角)会被拒绝。/ Type numbers without units, thousands separators or spaces; a "
                "number stored as text is refused.",
            ),
            (
                "百分数 / percentages",
                "类型为“百分数”的数据填百分数的数值:85.5% 填 85.5 或 85.5%(两者相同);"
                "类型为“数字”的比值,85% 即 0.85。/ A percentage is entered as 85.5 or 85.5% (the "
                "same); for a plain number (a ratio), 85% means 0.85.",
            ),
            (
                "是否 / yes-no",
                "从下拉列表选择“是”或“否”;也接受 ✓/✗、√/×、有/无。/ Choose 是 (yes) or "
                "否 (no) from the list; ✓/✗, √/× and 有/无 are accepted too.",
            ),
            (
                "公式 / formulas",
                "可以使用公式,读取的是 Excel 最后计算的结果;请在 Excel 或 WPS 中保存后"
                "再提交(未计算的公式会被拒绝)。/ Formulas may be used: their last calculated value "
                "is read. Save the file in Excel or WPS before sending it (a formula never "
                "calculated is refused).",
            ),
            (
                "提交 / sending",
                "请保存为 .xlsx(不要另存为启用宏的 .xlsm,也不要设置打开密码)。/ Save "
                "as .xlsx (not a macro-enabled .xlsm, and without a password to open).",
            ),
            (
                "评价 / evaluating",
                f"evalrules evaluate 本文件.xlsx   (评价方案 {rubric.ref},由工作簿"
                "自动识别;为其他方案或年度制作的工作簿会被拒绝 / the rubric is read from the "
                "workbook; one made for another rubric or year is refused)",
            ),
        ]
        if self.tables:
            sheets = "、".join(f"“{name}”" for name, _ in self.tables.values())
            sheets_en = ", ".join(name for name, _ in self.tables.values())
            rows.append(
                (
                    "表格 / tables",
                    f"每个学校(幼儿园)一行的数据填在工作表 {sheets} 中:第3行是各列名称和单位,"
                    "第4行说明每列填什么,第5行是列名(请勿改动);从第6行起每个单位一行,可插入行,"
                    "空行不读。/ Records of one row per school (kindergarten) go on the sheets "
                    f"{sheets_en}: row 3 names each column with its unit, row 4 says what it "
                    "takes, row 5 holds the columns' names (do not change them); from row 6, one "
                    "row per unit; rows may be inserted, empty rows are not read.",
                )
            )
        if self.uncollectable:
            paths = ", ".join(s.path for s in self.uncollectable)
            rows.append(
                (
                    "未列入 / not here",
                    f"以下数据的类型无法用单元格填报,请用 YAML 事实数据文件提供:{paths} "
                    f"/ These facts cannot be collected in cells; give them in a YAML facts file: "
                    f"{paths}",
                )
            )
        for i, (key, text) in enumerate(rows, start=2):
            ws.cell(i, 1, key).font = Font(bold=True)
            ws.cell(i, 2, text).alignment = _WRAP
        fit_row_heights(ws, dict(enumerate(_GUIDE_WIDTHS, start=1)), first=2)
        _print_setup(ws, "1:1")
        _protect(ws)

    def meta_sheet(self, ws: Worksheet) -> None:
        rubric = self.rubric
        ws.title = L.META_SHEET
        values = (L.FORMAT, rubric.ref, rubric.version, self.compiled.digest)
        for i, (name, value) in enumerate(zip(L.STAMP_KEYS, values, strict=True), start=1):
            ws.cell(i, 1, name)
            ws.cell(i, 2, value).data_type = "s"
        for col, title in enumerate(("path", "fact", "key", "kind"), start=1):
            ws.cell(L.DECLARATIONS_ROW - 1, col, title)
        for i, (path, fact, key, kind) in enumerate(self.declarations):
            row = L.DECLARATIONS_ROW + i
            ws.cell(row, 1, path).data_type = "s"
            ws.cell(row, 2, fact).data_type = "s"
            ws.cell(row, 3, key)
            ws.cell(row, 4, kind)
        if self.table_declarations:
            ws.cell(L.DECLARATIONS_ROW - 1, L.DECL_SHEET, "sheet")
            ws.cell(L.DECLARATIONS_ROW - 1, L.DECL_ROLE, "role")
        start = L.DECLARATIONS_ROW + len(self.declarations)
        for i, (table, column, kind, sheet, role) in enumerate(self.table_declarations):
            row = start + i
            ws.cell(row, 1, f"{table}[].{column}").data_type = "s"
            ws.cell(row, 2, table).data_type = "s"
            ws.cell(row, 3, column).data_type = "s"
            ws.cell(row, 4, kind)
            ws.cell(row, L.DECL_SHEET, sheet).data_type = "s"
            if role:
                ws.cell(row, L.DECL_ROLE, role)
        ws.sheet_state = "veryHidden"
        _protect(ws)


def _exact(value: Decimal) -> Decimal | int:
    return int(value) if value == value.to_integral_value() else value


def _depths(rubric: Rubric) -> dict[str, int]:
    depths: dict[str, int] = {}

    def walk(nodes: Iterable[Indicator], depth: int) -> None:
        for node in nodes:
            depths[node.code] = depth
            walk(node.children, depth + 1)

    walk((*rubric.indicators, *rubric.bonus), 0)
    return depths


def facts_workbook(
    compiled: CompiledRubric,
    types: Mapping[str, FactType],
    facts: FactsDocument | None = None,
) -> bytes:
    """The fact-collection workbook of a compiled rubric, filled from ``facts`` when given.

    The same rubric and facts always give the same bytes.

    Raises:
        FactsError: listing the problems ``facts`` was read with, and every value of ``facts``
            the workbook cannot hold (an undeclared
            fact, a year or key without a cell, a value of the wrong kind, a number with
            more digits than Excel holds), with the facts document's source.
    """
    filled = None
    if facts is not None:
        entity = facts.entity
        filled = _Filled(
            facts=facts.facts,
            entity_id=entity.id if entity else None,
            entity_name=(entity.name or None) if entity else None,
            claimed=facts.claimed,
        )
    writer = _FormWriter(compiled, types, filled)
    if facts is not None:
        # A value its own file could not give (a bad cell, a bad row) must not vanish.
        writer.problems.extend(facts.problems)
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    sheet = workbook.create_sheet()
    tables = [workbook.create_sheet() for _ in writer.tables]
    claims = workbook.create_sheet()
    meta = workbook.create_sheet()
    writer.facts_sheet(sheet)
    specs = {s.path: s for s in compiled.rubric.facts}
    for ws, path in zip(tables, writer.tables, strict=True):
        writer.table_sheet(ws, specs[path])
    writer.claims_sheet(claims)
    writer.guide_sheet(guide)
    writer.meta_sheet(meta)
    if writer.problems:
        raise FactsError(
            sorted(writer.problems, key=lambda p: natural_order(p.path)),
            source=facts.source if facts is not None else None,
        )
    workbook.active = 1
    workbook.security = WorkbookProtection(lockStructure=True)

    def write(book: Workbook, archive: Any) -> None:
        ExcelWriter(book, archive).save()

    return save_workbook(workbook, write)
