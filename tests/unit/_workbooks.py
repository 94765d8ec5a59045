"""Helpers for the workbook tests: build a form, change cells as a person would, find rows."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

import openpyxl

import evalrules
from evalrules._excel import _layout as L
from evalrules._excel._form import facts_workbook


def form(engine: evalrules.Engine, rubric: Any, facts: evalrules.FactsDocument | None = None):
    types = {r.name: r.item for r in engine.fact_types}
    return facts_workbook(engine.compile(rubric), types, facts)


def row_of(data: bytes, path: str, sheet: str = L.FACTS_SHEET) -> int:
    """The row of ``path`` on a sheet of the form."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[sheet]
    column = L.FACT_PATH if sheet == L.FACTS_SHEET else L.CLAIM_PATH
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, column).value == path:
            return row
    raise AssertionError(f"no row for {path}")


def edit(
    data: bytes,
    values: Mapping[str, Any],
    *,
    formats: Mapping[str, str] | None = None,
    sheet: str = L.FACTS_SHEET,
) -> bytes:
    """The form with the value cells of ``values`` (path → cell value) set, as typed in
    Excel; ``formats``: path → number format."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[sheet]
    path_col = L.FACT_PATH if sheet == L.FACTS_SHEET else L.CLAIM_PATH
    value_col = L.FACT_VALUE if sheet == L.FACTS_SHEET else L.CLAIM_VALUE
    rows = {ws.cell(r, path_col).value: r for r in range(1, ws.max_row + 1)}
    for path, value in values.items():
        cell = ws.cell(rows[path], value_col)
        cell.value = value
        if isinstance(value, str) and not value.startswith("="):
            cell.data_type = "s"
    for path, number_format in (formats or {}).items():
        ws.cell(rows[path], value_col).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: Mapping[str, Any]) -> bytes:
    """The package with entries replaced: name → ``bytes`` or ``callable(old) -> bytes``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            new = change.get(info.filename)
            if new is not None:
                content = new(content) if callable(new) else new
            dst.writestr(info, content)
        for name, new in change.items():
            if name not in src.namelist() and not callable(new):
                dst.writestr(name, new, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_cached_formula(data: bytes, cell: str, formula: str, sheet_part: str) -> bytes:
    """Give a number cell a formula next to its value, as Excel saves a calculated one."""

    def change(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        pattern = re.compile(rf'(<c r="{cell}"[^>]*>)(<v>[^<]*</v>)')
        assert pattern.search(text), f"{cell} has no value"
        return pattern.sub(rf"\1<f>{formula}</f>\2", text, count=1).encode("utf-8")

    return rezip(data, {sheet_part: change})
