"""The ``xlsx`` facts reader: a filled fact-collection workbook back into a facts document.

The package is checked first (:func:`~evalrules._excel._archive.check_package`), then
openpyxl opens it read-only twice, once for the values Excel last calculated and once to see
which cells hold formulas (nothing is calculated, no link is followed, no macro kept). The
very hidden sheet gives the rubric stamp and the declaration of every value cell; each value
is found by the path in its row and read by its kind (:mod:`._cells`). Every cell that cannot
be read is a problem located as ``填报!C12`` with its path, kept on the document like the
envelope's problems, so that evaluation reports them together with every problem of the
facts themselves. The document also carries the rubric's digest (so that evaluation
refuses another rubric) and where each value was read (so that the problems evaluation
finds are located too).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import attrs

from evalrules._excel import _layout as L
from evalrules._excel._archive import check_package
from evalrules._excel._cells import KINDS, MISSING, read_cell
from evalrules._excel._dependency import require_openpyxl
from evalrules._facts._document import FactsDocument
from evalrules._facts._numbers import FACTS_FORMAT
from evalrules._facts._tables import row_name
from evalrules.errors import FactsError, FactsProblem

__all__ = ["MAX_ROWS", "read_workbook"]

#: Rows read from a sheet at most (a form has a few hundred).
MAX_ROWS = 20000


#: Columns of a table sheet read at most (a table has a few dozen).
MAX_COLUMNS = 200


@attrs.frozen
class _Declaration:
    path: str
    fact: str
    key: int | str | None
    kind: str


@attrs.frozen
class _Column:
    """A table column the hidden sheet declares: on ``sheet``, for the table ``table``."""

    table: str
    name: str
    kind: str
    sheet: str
    role: str


def _document_problem(code: str, zh: str, en: str, location: str | None = None) -> FactsProblem:
    return FactsProblem("<document>", code, zh, en, None, location)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _stamp(
    meta: Any,
) -> tuple[dict[str, str], list[_Declaration], list[_Column], list[FactsProblem]]:
    stamp: dict[str, str] = {}
    declarations: list[_Declaration] = []
    columns: list[_Column] = []
    problems: list[FactsProblem] = []
    width = L.DECL_ROLE
    for index, row in enumerate(meta.iter_rows(max_col=width, values_only=True), start=1):
        if index > MAX_ROWS:
            break
        cells = (*row, *([None] * width))[:width]
        if index <= len(L.STAMP_KEYS):
            stamp[_text(cells[0])] = _text(cells[1])
        elif index >= L.DECLARATIONS_ROW and cells[0] is not None:
            path, fact, key, kind, sheet, role = cells
            damaged = kind not in KINDS or not isinstance(path, str) or not isinstance(fact, str)
            if sheet is not None and not damaged:
                if not isinstance(sheet, str) or not isinstance(key, str):
                    damaged = True
                else:
                    columns.append(_Column(fact, key, str(kind), sheet, _text(role)))
                    continue
            if damaged:
                problems.append(
                    _document_problem(
                        "damaged",
                        f"工作簿的隐藏声明表第 {index} 行已损坏",
                        f"row {index} of the workbook's hidden declarations is damaged",
                        f"{L.META_SHEET}!A{index}",
                    )
                )
                continue
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            assert isinstance(path, str)
            assert isinstance(fact, str)
            declarations.append(_Declaration(path, fact, key, str(kind)))
    return stamp, declarations, columns, problems


def _formula_cells(sheet: Any) -> set[tuple[int, int]]:
    found = set()
    for r, row in enumerate(sheet.iter_rows(), start=1):
        if r > MAX_ROWS:
            break
        for c, cell in enumerate(row, start=1):
            if getattr(cell, "data_type", None) == "f":
                found.add((r, c))
    return found


def _rows(sheet: Any, first: int, path_col: int, value_col: int) -> Iterator[tuple[int, Any, Any]]:
    """``(row number, path, value cell)`` of every row below the header holding a path."""
    width = max(path_col, value_col)
    for r, row in enumerate(sheet.iter_rows(min_row=first, max_col=width), start=first):
        if r - first > MAX_ROWS:
            raise FactsError(
                [
                    _document_problem(
                        "too-large",
                        f"工作表 {sheet.title} 超过 {MAX_ROWS} 行",
                        f"sheet {sheet.title} has more than {MAX_ROWS} rows",
                    )
                ]
            )
        cells = (*row, *([None] * width))[:width]
        path_cell = cells[path_col - 1]
        path = getattr(path_cell, "value", None)
        if path is None or (isinstance(path, str) and not path.strip()):
            continue
        yield r, path, cells[value_col - 1]


def _put(target: dict[str, Any], dotted: str, key: int | str | None, value: Any) -> None:
    level = target
    *parents, leaf = dotted.split(".")
    for part in parents:
        level = level.setdefault(part, {})
    if key is None:
        level[leaf] = value
    else:
        level.setdefault(leaf, {})[key] = value


def read_workbook(data: bytes, source: str) -> FactsDocument:
    """Read a filled fact-collection workbook.

    The cells that cannot be read are the document's ``problems``, each located as
    ``Sheet!C12`` with its path: evaluation refuses the document, listing them with every
    other problem of its facts.

    Raises:
        FactsError: if the file is no workbook evalrules can read (not ``.xlsx``, encrypted,
            macro-enabled, too large, damaged, not made by ``evalrules template``).
    """
    check_package(data)
    require_openpyxl(reading=True)
    from openpyxl import load_workbook

    try:
        values = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
        formulas = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
        return _read(values, formulas, source)
    except FactsError:
        raise
    except Exception as exc:
        # openpyxl's parser refuses the XML of a damaged or hostile package in many ways.
        raise FactsError(
            [
                _document_problem(
                    "damaged",
                    f"Excel 工作簿已损坏或含有不安全的内容,无法读取:{type(exc).__name__}: {exc}",
                    f"the Excel workbook is damaged or holds unsafe content and cannot be read: "
                    f"{type(exc).__name__}: {exc}",
                )
            ]
        ) from exc


def _read(values: Any, formulas: Any, source: str) -> FactsDocument:
    if L.META_SHEET not in values.sheetnames:
        raise FactsError(
            [
                _document_problem(
                    "not-a-form",
                    "这个工作簿不是 evalrules 生成的填报表(没有评价方案标记):请用 evalrules "
                    "template 评价方案 --format xlsx -o 填报表.xlsx 生成填报表,再把数据填进去",
                    "this workbook is not a fact-collection workbook made by evalrules (it has "
                    "no rubric stamp): make one with `evalrules template RUBRIC --format xlsx "
                    "-o form.xlsx` and fill that in",
                )
            ]
        )
    stamp, declarations, table_columns, problems = _stamp(values[L.META_SHEET])
    if stamp.get("format") != L.FORMAT:
        raise FactsError(
            [
                _document_problem(
                    "bad-format",
                    f"填报表的格式标记是 {stamp.get('format')!r},本版本读取 {L.FORMAT}",
                    f"the workbook's format marker is {stamp.get('format')!r}; this version "
                    f"reads {L.FORMAT}",
                    f"{L.META_SHEET}!B1",
                )
            ]
        )
    by_path = {d.path: d for d in declarations}
    locations: dict[str, str] = {"rubric": f"{L.GUIDE_SHEET}!{L.GUIDE_RUBRIC_CELL}"}
    facts: dict[str, Any] = {}
    entity: dict[str, Any] = {}
    claimed: dict[str, Any] = {}
    seen: set[str] = set()
    sheets = (
        (L.FACTS_SHEET, L.FACT_HEADER_ROW + 1, L.FACT_PATH, L.FACT_VALUE),
        (L.CLAIMS_SHEET, L.CLAIM_HEADER_ROW + 1, L.CLAIM_PATH, L.CLAIM_VALUE),
    )
    for name, first, path_col, value_col in sheets:
        if name not in values.sheetnames:
            problems.append(
                _document_problem(
                    "missing-sheet",
                    f"缺少工作表“{name}”(被删除或改名了?)",
                    f"the sheet “{name}” is missing (deleted or renamed?)",
                )
            )
            continue
        formula_cells = _formula_cells(formulas[name])
        for row, raw_path, cell in _rows(values[name], first, path_col, value_col):
            where = L.cell_name(name, row, value_col)
            path = str(raw_path).strip()
            decl = by_path.get(path)
            if decl is None or path in seen:
                why = "重复出现" if path in seen else "不是本填报表声明的数据路径"
                why_en = "appears twice" if path in seen else "is not a path this workbook declares"
                problems.append(
                    FactsProblem(
                        path,
                        "unknown-row",
                        f"路径单元格 {L.cell_name(name, row, path_col)} 的“{path}”{why}"
                        "(改动了路径列?)",
                        f"the path “{path}” in {L.cell_name(name, row, path_col)} {why_en} "
                        "(was the path column changed?)",
                        None,
                        where,
                    )
                )
                continue
            seen.add(path)
            locations[path] = where
            value = getattr(cell, "value", None)
            number_format = getattr(cell, "number_format", None) or "General"
            if getattr(cell, "data_type", None) == "e":
                problems.append(
                    FactsProblem(
                        path,
                        "formula-error",
                        f"单元格的公式结果是错误值 {value}",
                        f"the cell's formula gives the error {value}",
                        value,
                        where,
                    )
                )
                continue
            if value is None and (row, value_col) in formula_cells:
                problems.append(
                    FactsProblem(
                        path,
                        "formula-not-calculated",
                        "单元格中的公式没有计算结果(文件由不计算公式的程序生成):请在 Excel 或 "
                        "WPS 中打开并保存后再提交",
                        "the cell's formula has no calculated value (the file was written by a "
                        "program that does not calculate): open and save it in Excel or WPS, "
                        "then send it again",
                        None,
                        where,
                    )
                )
                continue
            result = read_cell(decl.kind, value, number_format)
            if result.code is not None:
                assert result.message is not None
                problems.append(
                    FactsProblem(
                        path, result.code, result.message.zh, result.message.en, value, where
                    )
                )
                continue
            if result.value is MISSING:
                continue
            _place(decl, result.value, facts, entity, claimed)
    for decl in declarations:
        if decl.path not in seen:
            problems.append(
                FactsProblem(
                    decl.path,
                    "missing-row",
                    "填报表中此数据的行不见了(被删除了?)",
                    "the row of this value is gone from the workbook (deleted?)",
                )
            )
    tables: dict[str, list[_Column]] = {}
    for column in table_columns:
        tables.setdefault(column.table, []).append(column)
    for table, columns in tables.items():
        rows = _read_table(values, formulas, table, columns, locations, problems)
        # A sheet without a filled row is a table not given, as an empty cell is a value.
        if rows:
            _put(facts, table, None, rows)
    raw: dict[str, Any] = {"evalrules": FACTS_FORMAT, "rubric": stamp.get("rubric"), "facts": facts}
    if entity:
        raw["entity"] = entity
    if claimed:
        raw["claimed"] = claimed
    doc = FactsDocument.from_mapping(raw, source=source)
    envelope = FactsDocument(facts={}, locations=locations).locate(doc.problems)
    return attrs.evolve(
        doc,
        problems=(*problems, *envelope),
        rubric_digest=stamp.get("digest") or None,
        locations=locations,
    )


def _place(
    decl: _Declaration,
    value: Any,
    facts: dict[str, Any],
    entity: dict[str, Any],
    claimed: dict[str, Any],
) -> None:
    if decl.fact.startswith("entity."):
        entity[decl.fact.removeprefix("entity.")] = value
    elif decl.fact == "claimed.total":
        claimed["total"] = value
    elif decl.fact.startswith("claimed.indicators."):
        claimed.setdefault("indicators", {})[decl.fact.removeprefix("claimed.indicators.")] = value
    else:
        _put(facts, decl.fact, decl.key, value)


# ----------------------------------------------------------------------------- tables


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _row_label(columns: list[_Column], values: dict[str, Any]) -> str:
    """A row's name as it is written on the sheet: its label column, else its key."""
    for role in ("label", "key"):
        for column in columns:
            value = values.get(column.name)
            if column.role == role and isinstance(value, str | int) and str(value).strip():
                return str(value).strip()[:80]
    return ""


def _read_table(
    values: Any,
    formulas: Any,
    table: str,
    columns: list[_Column],
    locations: dict[str, str],
    problems: list[FactsProblem],
) -> list[dict[str, Any]] | None:
    """The rows of a table's sheet, each a mapping of column names to values (empty cells
    left out, empty rows skipped); every cell that cannot be read is a problem at
    ``sheet!cell`` with the row's path (``schools[12].pupils``) and name. ``None`` when the
    sheet is gone; no row when none is filled (the table is then not given)."""
    sheet = columns[0].sheet
    if sheet not in values.sheetnames:
        problems.append(
            FactsProblem(
                table,
                "missing-sheet",
                f"缺少工作表“{sheet}”(被删除或改名了?)",
                f"the sheet “{sheet}” is missing (deleted or renamed?)",
            )
        )
        return None
    ws = values[sheet]
    names: dict[str, int] = {}
    header = next(
        ws.iter_rows(
            min_row=L.TABLE_NAMES_ROW,
            max_row=L.TABLE_NAMES_ROW,
            max_col=MAX_COLUMNS,
            values_only=True,
        ),
        (),
    )
    declared = {c.name: c for c in columns}
    for col, name in enumerate(header, start=1):
        text = _text(name)
        if not text:
            continue
        where = L.cell_name(sheet, L.TABLE_NAMES_ROW, col)
        if text not in declared or text in names:
            why = "重复出现" if text in names else "不是此表格的列"
            why_en = "appears twice" if text in names else "is not a column of this table"
            problems.append(
                FactsProblem(
                    table,
                    "unknown-column",
                    f"列名单元格 {where} 的“{text}”{why}(改动了列名行?)",
                    f"the column name “{text}” in {where} {why_en} (was the names row changed?)",
                    None,
                    where,
                )
            )
            continue
        names[text] = col
    for column in columns:
        if column.name not in names:
            problems.append(
                FactsProblem(
                    f"{table}[].{column.name}",
                    "missing-column",
                    f"工作表“{sheet}”第 {L.TABLE_NAMES_ROW} 行没有列 {column.name}"
                    "(被删除或改名了?)",
                    f"the sheet “{sheet}” has no column {column.name} in row "
                    f"{L.TABLE_NAMES_ROW} (deleted or renamed?)",
                    None,
                    f"{sheet}!{L.TABLE_NAMES_ROW}:{L.TABLE_NAMES_ROW}",
                )
            )
    if not names:
        return []
    locations[table] = L.cell_name(sheet, L.TABLE_FIRST_ROW, 1)
    formula_cells = _formula_cells(formulas[sheet])
    width = max(names.values())
    rows: list[dict[str, Any]] = []
    first = L.TABLE_FIRST_ROW
    for r, cells in enumerate(ws.iter_rows(min_row=first, max_col=width), start=first):
        if r - first >= MAX_ROWS:
            raise FactsError(
                [
                    _document_problem(
                        "too-large",
                        f"工作表 {sheet} 超过 {MAX_ROWS} 行",
                        f"sheet {sheet} has more than {MAX_ROWS} rows",
                    )
                ]
            )
        cells = (*cells, *([None] * width))[:width]
        if all(_blank(getattr(c, "value", None)) for c in cells):
            continue
        index = len(rows)
        row: dict[str, Any] = {}
        bad: list[tuple[str, str, str, str, Any, str]] = []
        for name, col in names.items():
            column = declared[name]
            cell = cells[col - 1]
            path = f"{table}[{index}].{name}"
            where = L.cell_name(sheet, r, col)
            locations[path] = where
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "e":
                bad.append(
                    (
                        path,
                        "formula-error",
                        f"单元格的公式结果是错误值 {value}",
                        f"the cell's formula gives the error {value}",
                        value,
                        where,
                    )
                )
                continue
            if value is None and (r, col) in formula_cells:
                bad.append(
                    (
                        path,
                        "formula-not-calculated",
                        "单元格中的公式没有计算结果:请在 Excel 或 WPS 中打开并保存后再提交",
                        "the cell's formula has no calculated value: open and save it in Excel "
                        "or WPS, then send it again",
                        None,
                        where,
                    )
                )
                continue
            number_format = getattr(cell, "number_format", None) or "General"
            result = read_cell(column.kind, value, number_format)
            if result.code is not None:
                assert result.message is not None
                bad.append((path, result.code, result.message.zh, result.message.en, value, where))
                continue
            if result.value is not MISSING:
                row[name] = result.value
        label = _row_label(columns, row)
        named = row_name(label, table, index)
        for path, code, zh, en, value, where in bad:
            problems.append(
                FactsProblem(path, code, f"{named.zh}:{zh}", f"{named.en}: {en}", value, where)
            )
        locations.setdefault(f"{table}[{index}]", L.cell_name(sheet, r, 1))
        rows.append(row)
    return rows
