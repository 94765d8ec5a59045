"""The fact-collection workbook's layout: what the writer (:mod:`._form`) lays out and the
reader (:mod:`._read`) looks for.

The visible sheets are for people; the very hidden sheet :data:`META_SHEET` is for the
reader: the format marker, the rubric's reference, version and digest, and one declaration
per value cell (its path, the fact and key it fills, its cell kind). The reader finds each
value by the path in its row (column :data:`FACT_PATH`), so it does not depend on row numbers.

A table fact (one row per school and stage) has a sheet of its own, named after the table's
label (:func:`sheet_name`): a title, a bilingual header, a row saying what each column takes,
the columns' names (the reader finds each column by its name in :data:`TABLE_NAMES_ROW`),
then one row per unit from :data:`TABLE_FIRST_ROW`. The hidden sheet declares each column
(the table's path, the column, its cell kind, the sheet, its role: key, label or stage).
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils import get_column_letter

__all__ = [
    "CLAIMS_SHEET",
    "CLAIM_PATH",
    "CLAIM_VALUE",
    "DECLARATIONS_ROW",
    "FACTS_SHEET",
    "FACT_PATH",
    "FACT_VALUE",
    "FORMAT",
    "GUIDE_SHEET",
    "META_SHEET",
    "STAMP_KEYS",
    "TABLE_FIRST_ROW",
    "TABLE_NAMES_ROW",
    "cell_name",
    "sheet_name",
]

#: The format marker in the hidden sheet: a workbook without it was not made by evalrules.
FORMAT = "evalrules.facts-workbook/1"

FACTS_SHEET = "填报"
CLAIMS_SHEET = "自评分"
GUIDE_SHEET = "说明"
META_SHEET = "_evalrules"

#: Columns of the facts sheet (1-based): label, unit, value, kind, range, required,
#: indicators, path.
FACT_LABEL, FACT_UNIT, FACT_VALUE, FACT_KIND, FACT_RANGE, FACT_REQUIRED = 1, 2, 3, 4, 5, 6
FACT_INDICATORS, FACT_PATH = 7, 8
#: The facts sheet's header row; values start below it.
FACT_HEADER_ROW = 3

#: Columns of the claims sheet: code, title, max, claimed score, path.
CLAIM_CODE, CLAIM_TITLE, CLAIM_MAX, CLAIM_VALUE, CLAIM_PATH = 1, 2, 3, 4, 5
CLAIM_HEADER_ROW = 3

#: The hidden sheet's stamp, one key per row in column A, its value in column B.
STAMP_KEYS = ("format", "rubric", "version", "digest")
#: The hidden sheet's declarations start on this row: path, fact, key, kind.
DECLARATIONS_ROW = 7

#: A table sheet's header row (the columns' labels, Chinese first, with their units), the
#: row saying what each column takes, the row of the columns' names, the first row of data.
TABLE_HEADER_ROW, TABLE_RULES_ROW, TABLE_NAMES_ROW, TABLE_FIRST_ROW = 3, 4, 5, 6
#: The hidden sheet's declaration columns of a table's column: its sheet and its role.
DECL_SHEET, DECL_ROLE = 5, 6

#: What a sheet name may not hold (Excel's rule), and its longest length.
_SHEET_FORBIDDEN = frozenset("[]:*?/\\")
SHEET_NAME_MAX = 31
#: Names no table sheet may take: the form's own sheets (and Excel's reserved name).
RESERVED_SHEETS = ("填报", "自评分", "说明", "_evalrules", "history")

#: Where the guide shows the rubric (a problem with the stamp is located there).
GUIDE_RUBRIC_CELL = "B3"


def cell_name(sheet: str, row: int, column: int) -> str:
    """``填报!C12``."""
    return f"{sheet}!{get_column_letter(column)}{row}"


def sheet_name(label: str, taken: Iterable[str]) -> str:
    """A valid Excel sheet name for a table labelled ``label``, unlike those in ``taken``.

    Characters Excel refuses (``[]:*?/\\``) and control characters are dropped, an apostrophe
    is not left at either end, the name is cut to 31 characters, and a name already taken
    (compared as Excel does, ignoring case) gets ``(2)``, ``(3)``, ... within the 31.
    The same label and names give the same name.
    """
    cleaned = (
        "".join(ch for ch in label if ch not in _SHEET_FORBIDDEN and ch.isprintable())
        .strip()
        .strip("'")
        .strip()
    )
    base = cleaned or "表格"
    used = {t.casefold() for t in taken} | set(RESERVED_SHEETS)
    name, n = base[:SHEET_NAME_MAX].rstrip("'").strip(), 1
    while name.casefold() in used or not name:
        n += 1
        suffix = f"({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'").strip() + suffix
    return name
