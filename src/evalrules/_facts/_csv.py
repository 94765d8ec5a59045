"""The ``csv`` facts reader: flat facts as ``path,value`` rows, as a spreadsheet exports them.

The first row is the header ``path,value``. Each further row is one value: a fact's dotted
path (``funding.primary.public_funds``, with or without ``facts.``; a year of a series as a
last part, ``fitness.good_rate.2022``), or ``rubric``, ``entity.id``, ``entity.name``,
``claimed.total``, ``claimed.indicators.CODE``. Values are read as a YAML scalar would be,
without a rubric to say their type: whole numbers, exact decimals, ``true``/``false`` (and
是/否, ✓/✗), otherwise text; an empty value is a missing one. A value with a percent sign is
refused, since only the fact's type could say whether ``85%`` means 85 or 0.85 (the
fact-collection workbook, whose cells carry their kind, reads it). The file is UTF-8 (with or
without the byte-order mark Excel writes) or, failing that, GB18030 (Excel's CSV on a
Chinese Windows). Every problem is kept on the document, located by line, and reported by
evaluation with the facts' own problems.

A table fact (one row per school, each with its columns) cannot be given in two columns: a
path with a row in it (``schools[0].pupils``) is refused, and evaluating a CSV file against
a rubric that declares a table fact is refused, pointing to the YAML or JSON facts file and
the Excel fact-collection workbook, which hold tables.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._document import FactsDocument
from evalrules._facts._numbers import FACTS_FORMAT
from evalrules.errors import FactsError, FactsProblem

__all__ = ["read_csv", "sniff_csv"]

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_TRUE = ("true", "是", "✓", "√", "yes")
_FALSE = ("false", "否", "✗", "×", "no")
_HEADER = ("path", "value")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FactsError(
                [
                    FactsProblem(
                        "<document>",
                        "unreadable",
                        f"不是 UTF-8 或 GB18030 编码的文本(第{exc.start}字节)",
                        f"not UTF-8 or GB18030 text (byte {exc.start})",
                    )
                ]
            ) from None


def sniff_csv(data: bytes) -> bool:
    """Whether the first line is the header ``path,value``."""
    head = data[:256]
    try:
        text = head.decode("utf-8-sig", errors="ignore")
    except UnicodeDecodeError:  # pragma: no cover - errors are ignored
        return False
    first = text.splitlines()[0] if text.splitlines() else ""
    cells = [c.strip().strip('"').lower() for c in first.split(",")]
    return tuple(cells[:2]) == _HEADER and all(not c for c in cells[2:])


def _value(text: str) -> Any:
    word = text.strip()
    if _INTEGER.match(word):
        return int(word)
    if _DECIMAL.match(word):
        return Decimal(word)
    if word.lower() in _TRUE:
        return True
    if word.lower() in _FALSE:
        return False
    return text


def read_csv(data: bytes, source: str) -> FactsDocument:
    """Read ``path,value`` rows into a facts document.

    Every bad row (a row without a path, a path given twice or inside another value, a
    percent sign) is a problem of the document, located by line; evaluation lists them with
    every other problem of its facts.

    Raises:
        FactsError: if the file has no ``path,value`` header or is not text.
    """
    rows = list(csv.reader(io.StringIO(_decode(data))))
    problems: list[FactsProblem] = []

    def bad(line: int, path: str, code: str, zh: str, en: str, value: Any = None) -> None:
        problems.append(FactsProblem(path or "<document>", code, zh, en, value, f"line {line}"))

    if not rows or tuple(c.strip().lower() for c in rows[0][:2]) != _HEADER:
        bad(1, "", "no-header", "第一行应为表头 path,value", "the first row must be path,value")
        raise FactsError(problems, source=source)
    raw: dict[str, Any] = {"evalrules": FACTS_FORMAT}
    seen: dict[str, int] = {}
    locations: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        path = row[0].strip()
        value = row[1] if len(row) > 1 else ""
        if any(c.strip() for c in row[2:]):
            bad(line, path, "extra-column", "多出的列(只应有 path,value)", "extra columns")
            continue
        if not path:
            bad(line, "", "no-path", "缺少数据路径", "the row has no path", value)
            continue
        if path in seen:
            bad(
                line,
                path,
                "duplicate",
                f"重复的路径(第 {seen[path]} 行已给出)",
                f"the path is given twice (first on line {seen[path]})",
            )
            continue
        if "[" in path:
            bad(
                line,
                path,
                "table-in-csv",
                "表格数据(每行一个学校的记录)不能用 CSV 提供:请改用 YAML 或 JSON 事实数据文件,"
                "或 Excel 填报表(evalrules template 评价方案 --format xlsx)",
                "a table (records of one row per school) cannot be given in CSV: use a YAML or "
                "JSON facts file, or the Excel workbook (evalrules template RUBRIC --format xlsx)",
            )
            continue
        seen[path] = line
        locations[path.removeprefix("facts.")] = f"line {line}"
        if not value.strip():
            continue
        if "%" in value or "%" in value:
            bad(
                line,
                path,
                "percent-sign",
                "请去掉百分号:百分数类数据写 85,比值写 0.85",
                "drop the percent sign: write 85 for a percentage fact, 0.85 for a ratio",
                value,
            )
            continue
        if path == "rubric":
            raw["rubric"] = value.strip()
            continue
        parsed: Any = value.strip() if path.startswith("entity.") else _value(value)
        if path == "claimed.total":
            raw.setdefault("claimed", {})["total"] = parsed
            continue
        if path.startswith("claimed.indicators."):
            code = path.removeprefix("claimed.indicators.")
            raw.setdefault("claimed", {}).setdefault("indicators", {})[code] = parsed
            continue
        if path.startswith("entity."):
            raw.setdefault("entity", {})[path.removeprefix("entity.")] = parsed
            continue
        parts = path.removeprefix("facts.").split(".")
        level = raw.setdefault("facts", {})
        clash = False
        for part in parts[:-1]:
            level = level.setdefault(part, {})
            if not isinstance(level, dict):
                clash = True
                break
        last: Any = int(parts[-1]) if parts[-1].isdigit() and len(parts) > 1 else parts[-1]
        if clash or isinstance(level.get(last), dict):
            bad(line, path, "conflict", "路径与另一行的值冲突", "the path clashes with another row")
            continue
        level[last] = parsed
    raw.setdefault("facts", {})
    doc = FactsDocument.from_mapping(raw, source=source)
    envelope = FactsDocument(facts={}, locations=locations).locate(doc.problems)
    return attrs.evolve(
        doc, problems=(*problems, *envelope), locations=locations, holds_tables=False
    )
