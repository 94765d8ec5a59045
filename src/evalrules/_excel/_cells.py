"""How a fact's value goes into a workbook cell and comes back out, by the fact's type.

A fact type says nothing about spreadsheets by name: its JSON Schema says what a value is
(``integer``, ``number``, ``boolean``, ``string``, or an ``object`` of such properties), and
from that each cell gets a *kind*, written into the workbook beside the cell's path so that
the reader needs no rubric to read the cells back:

* ``whole`` (integers), ``number`` and ``percentage`` (numbers on a 0–100 scale: a type whose
  own range is 0–100, or a fact whose unit is ``%``): number cells. ``85%`` — Excel's own
  percentage, 0.85 shown with a ``%`` format, or the text ``85%`` — is 85 for a
  ``percentage`` and 0.85 for a ``number``; a plain ``0.85`` is 0.85 for both. Any other text
  in a number cell is refused: a number stored as text is how copied data goes wrong.
* ``yes-no`` (booleans): 是/否, ✓/✗ (√/×), 有/无, yes/no, true/false, or Excel's TRUE/FALSE.
* ``text``: as written; ``code`` (the administrative code) and ``score`` (a claimed score)
  for the document's envelope.

An empty cell is a missing value. A formula counts by the value Excel last calculated for
it; one without a calculated value (a file written by a program that does not calculate)
is an error, as is a formula's error value (``#DIV/0!``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from evalrules._facts._types import FactType
from evalrules._rubric._model import FactSpec
from evalrules._text import Text

__all__ = [
    "KINDS",
    "MISSING",
    "CellRead",
    "cell_format",
    "cell_parts",
    "read_cell",
    "write_cell",
]

WHOLE, NUMBER, PERCENTAGE, YES_NO, TEXT, CODE, SCORE = (
    "whole",
    "number",
    "percentage",
    "yes-no",
    "words",
    "code",
    "score",
)
#: Every cell kind, as written into the workbook's declarations.
KINDS = (WHOLE, NUMBER, PERCENTAGE, YES_NO, TEXT, CODE, SCORE)
_NUMBERS = (WHOLE, NUMBER, PERCENTAGE, SCORE)

#: Excel holds 15 significant decimal digits; a number needing more would change.
EXCEL_DIGITS = 15

_YES = ("是", "✓", "√", "✔", "有", "yes", "true")
_NO = ("否", "✗", "×", "✘", "无", "没有", "no", "false")
YES, NO = "是", "否"

# Characters XML 1.0 (and so a workbook) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PERCENT_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\s*[%％]$")

_FORMATS = {
    WHOLE: "0",
    NUMBER: "General",
    PERCENTAGE: "General",
    SCORE: "General",
    YES_NO: "General",
    TEXT: "@",
    CODE: "@",
}


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: What an empty cell reads as.
MISSING: Any = _Missing()


def _kind_of(schema: Mapping[str, Any], hundred: bool) -> str | None:
    jtype = schema.get("type")
    if jtype == "integer":
        return WHOLE
    if jtype == "number":
        return PERCENTAGE if hundred else NUMBER
    if jtype == "boolean":
        return YES_NO
    if jtype == "string":
        return TEXT
    return None


def _hundred(ftype: FactType, spec: FactSpec) -> bool:
    """Whether values are on a 0–100 scale, so that 85 % is 85."""
    rules = ftype.rules
    own = rules.get("min") == 0 and rules.get("max") == 100
    return own or (spec.unit or "").strip() in ("%", "％")


def cell_parts(ftype: FactType, spec: FactSpec) -> tuple[tuple[str | None, str], ...]:
    """The cells one value of a fact takes, as ``(key, kind)``: ``((None, kind),)`` for a
    value that is one cell; one cell per property for a type whose values are objects of
    scalar properties (an assessor's judgement: its deduction and its reason); ``()`` for a
    value no cell can hold."""
    kind = _kind_of(ftype.json_schema, _hundred(ftype, spec))
    if kind is not None:
        return ((None, kind),)
    properties = ftype.json_schema.get("properties")
    if ftype.json_schema.get("type") != "object" or not isinstance(properties, Mapping):
        return ()
    parts = []
    for key, schema in properties.items():
        sub = _kind_of(schema, False) if isinstance(schema, Mapping) else None
        if sub is None:
            return ()
        parts.append((str(key), sub))
    return tuple(parts)


def cell_format(ftype: FactType | None, kind: str) -> str:
    """The number format of a value cell of ``kind`` for a fact of ``ftype``.

    The fact type's own ``cell_format`` trait, or the kind's (general for numbers, whole
    numbers without decimals, text as text).
    """
    own = ftype.cell_format if ftype is not None else None
    return own or _FORMATS[kind]


# ----------------------------------------------------------------------------- writing


def _excel_number(value: Decimal) -> Decimal | None:
    """``value`` as Excel can hold it exactly, or ``None``."""
    if not value.is_finite():
        return None
    digits = len(value.normalize().as_tuple().digits)
    if digits > EXCEL_DIGITS or abs(value) >= Decimal("1e300"):
        return None
    return Decimal(format(value, "f")) if value == value.to_integral_value() else value


def write_cell(kind: str, value: Any) -> tuple[Any, Text | None]:
    """The cell value for a fact's value: ``(cell value, None)``, or ``(None, why not)``."""
    if value is None:
        return None, None
    if kind == YES_NO:
        if isinstance(value, bool):
            return (YES if value else NO), None
        return None, Text("应为是或否", "must be yes or no")
    if kind in (TEXT, CODE):
        if kind == CODE and isinstance(value, int) and not isinstance(value, bool):
            return str(value), None
        if not isinstance(value, str):
            return None, Text("应为文字", "must be text")
        if _ILLEGAL.search(value):
            return None, Text(
                "含有工作簿无法保存的控制字符", "holds control characters a workbook cannot hold"
            )
        if len(value) > 32767:
            return None, Text(
                "超过 Excel 单元格的 32767 个字符",
                "is longer than an Excel cell's 32767 characters",
            )
        return value, None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return None, Text("应为数字", "must be a number")
    if kind == WHOLE:
        if isinstance(value, int):
            if abs(value) >= 10**EXCEL_DIGITS:
                return None, Text(
                    "超过 Excel 能精确保存的15位数字", "has more than the 15 digits Excel holds"
                )
            return value, None
        return None, Text("应为整数", "must be a whole number")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    exact = _excel_number(number)
    if exact is None:
        return None, Text(
            "超过 Excel 能精确保存的15位有效数字",
            "has more than the 15 significant digits Excel holds",
        )
    return exact, None


# ----------------------------------------------------------------------------- reading


@attrs.frozen
class CellRead:
    """What a cell held: the value (or :data:`MISSING`), or why it cannot be read.

    Attributes:
        value: The value, in the facts document's own terms.
        code: The problem code when the cell cannot be read, else ``None``.
        message: Why it cannot be read.
    """

    value: Any = None
    code: str | None = None
    message: Text | None = None


def _bad(code: str, zh: str, en: str) -> CellRead:
    return CellRead(MISSING, code, Text(zh, en))


def _decimal(value: int | float) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _shown(value: Any) -> str:
    return str(value) if not isinstance(value, float) else repr(value)


def _text_in_number_cell(text: str) -> CellRead:
    return _bad(
        "wrong-type",
        f"单元格中是文字“{text}”,不是数字:请删除文字前的撇号(')或空格、千分位逗号和单位,"
        "或把单元格格式改为“常规”或“数值”后重新输入",
        f"the cell holds the text “{text}”, not a number: remove any leading apostrophe, "
        "spaces, thousands separators and units, or set the cell's format to General or "
        "Number and type it again",
    )


def _read_number(kind: str, value: Any, number_format: str) -> CellRead:
    if isinstance(value, str):
        text = value.strip()
        match = _PERCENT_TEXT.match(text.replace(" ", ""))
        if match and kind in (NUMBER, PERCENTAGE, SCORE):
            try:
                number = Decimal(text.rstrip("%％ ").strip())
            except InvalidOperation:
                return _text_in_number_cell(value)
            return CellRead(number if kind == PERCENTAGE else number / 100)
        return _text_in_number_cell(value)
    if isinstance(value, bool):
        return _bad(
            "wrong-type",
            f"应为数字,而不是逻辑值 {'TRUE' if value else 'FALSE'}",
            f"expected a number, not the logical value {'TRUE' if value else 'FALSE'}",
        )
    if not isinstance(value, int | float):
        return _bad(
            "wrong-type",
            f"应为数字,而不是{_shown(value)}(日期或时间?)",
            f"expected a number, not {_shown(value)} (a date or a time?)",
        )
    if isinstance(value, float) and not math.isfinite(value):
        return _bad("wrong-type", "应为有限的数字", "expected a finite number")
    number = _decimal(value)
    if "%" in number_format and kind == PERCENTAGE:
        # Excel stores 85 % as 0.85 and shows it with a percent format.
        number = number * 100
        number = number.normalize() if number == number.to_integral_value() else number
    if kind == WHOLE:
        if number != number.to_integral_value():
            return _bad(
                "not-whole",
                f"应为整数,而不是{_shown(value)}",
                f"must be a whole number, not {_shown(value)}",
            )
        return CellRead(int(number))
    return CellRead(_tidy(number))


def _tidy(number: Decimal) -> Decimal:
    """Drop the exponent a percentage's ×100 leaves (``8.5E+1`` → ``85``)."""
    if number == number.to_integral_value() and number.as_tuple().exponent > 0:  # type: ignore[operator]
        return number.quantize(Decimal(1))
    return number


def read_cell(kind: str, value: Any, number_format: str = "General") -> CellRead:
    """Read a cell's (calculated) value as a value of ``kind``.

    Args:
        kind: One of :data:`KINDS`.
        value: The cell's value as openpyxl gives it (``None`` when empty).
        number_format: The cell's number format (``0.00%`` marks a fraction shown as a
            percentage).
    """
    if value is None or (isinstance(value, str) and value == ""):
        return CellRead(MISSING)
    if isinstance(value, str) and kind != TEXT and not value.strip():
        return CellRead(MISSING)
    if isinstance(value, datetime | date | time | timedelta) and kind != TEXT:
        return _bad(
            "wrong-type",
            f"单元格中是日期或时间({value}),不是{_WORDS[kind].zh}",
            f"the cell holds a date or a time ({value}), not {_WORDS[kind].en}",
        )
    if kind in _NUMBERS:
        return _read_number(kind, value, number_format)
    if kind == YES_NO:
        if isinstance(value, bool):
            return CellRead(value)
        word = str(value).strip().lower() if isinstance(value, str) else None
        if word in _YES:
            return CellRead(True)
        if word in _NO:
            return CellRead(False)
        return _bad(
            "wrong-type",
            f"应填“是”或“否”(也可写 ✓/✗),而不是“{_shown(value)}”",
            f"expected 是 (yes) or 否 (no), or ✓/✗, not “{_shown(value)}”",
        )
    if kind == CODE:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = _decimal(value)
            if number == number.to_integral_value():
                return CellRead(str(int(number)))
        if isinstance(value, str):
            return CellRead(value.strip())
        return _bad("wrong-type", "应为行政区划代码", "expected an administrative code")
    # TEXT
    if isinstance(value, str):
        return CellRead(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return CellRead(str(_tidy(_decimal(value))))
    return _bad(
        "wrong-type", f"应为文字,而不是{_shown(value)}", f"expected text, not {_shown(value)}"
    )


_WORDS = {
    WHOLE: Text("整数", "a whole number"),
    NUMBER: Text("数字", "a number"),
    PERCENTAGE: Text("百分数", "a percentage"),
    SCORE: Text("分数", "a score"),
    YES_NO: Text("是或否", "yes or no"),
    TEXT: Text("文字", "a text"),
    CODE: Text("代码", "a code"),
}


def kind_words(kind: str) -> Text:
    """What a cell of ``kind`` takes, in words (for the form's 类型 column)."""
    return _WORDS[kind]
