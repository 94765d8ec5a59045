"""Row heights for wrapped text.

Excel grows a row to fit wrapped text only when the row has no height and no merged cell
in it, and LibreOffice often not at all: a printed sheet would cut its text off. The
writers set each row's height from its text instead: the lines each cell needs in its
column (a Chinese character is two columns wide, as in a terminal), by the tallest cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from evalrules._renderers._texttable import display_width

__all__ = ["fit_row_heights"]

#: Points per line of 11-point text, with the spacing Excel uses.
LINE_POINTS = 15.0
#: A column of width w holds about w columns of text, less its padding.
_PADDING = 1


def _lines(text: str, width: float) -> int:
    usable = max(width - _PADDING, 1)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n"))


def fit_row_heights(ws: Any, widths: Mapping[int, float], *, first: int = 1) -> None:
    """Set the height of every row from ``first`` on to fit its wrapped text.

    Only cells that wrap their text count (others run over into the next cell). A merged
    cell's text runs over its columns' widths together and its lines are shared among the
    rows it spans.

    Args:
        ws: The worksheet, its cells and merges written.
        widths: Column index → width in characters.
        first: The first row to size.
    """
    merged: dict[tuple[int, int], tuple[float, int]] = {}
    for rng in ws.merged_cells.ranges:
        width = sum(widths.get(c, 0) for c in range(rng.min_col, rng.max_col + 1))
        merged[(rng.min_row, rng.min_col)] = (width, rng.max_row - rng.min_row + 1)
    for row in ws.iter_rows(min_row=first):
        lines = 1.0
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or not cell.alignment.wrap_text:
                continue
            width, rows = merged.get((cell.row, cell.column), (widths.get(cell.column, 0), 1))
            if not width:
                continue
            lines = max(lines, _lines(cell.value, width) / rows)
        ws.row_dimensions[row[0].row].height = round(math.ceil(lines) * LINE_POINTS, 1)
