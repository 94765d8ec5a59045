"""The fact-collection workbook's layout: what the writer (:mod:`._form`) lays out and the
reader (:mod:`._read`) looks for.

The visible sheets are for people; the very hidden sheet :data:`META_SHEET` is for the
reader: the format marker, the rubric's reference, version and digest, and one declaration
per value cell (its path, the fact and key it fills, its cell kind). The reader finds each
value by the path in its row (column :data:`FACT_PATH`), so it does not depend on row numbers.
"""

from __future__ import annotations

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
    "cell_name",
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

#: Where the guide shows the rubric (a problem with the stamp is located there).
GUIDE_RUBRIC_CELL = "B3"


def cell_name(sheet: str, row: int, column: int) -> str:
    """``填报!C12``."""
    return f"{sheet}!{get_column_letter(column)}{row}"
