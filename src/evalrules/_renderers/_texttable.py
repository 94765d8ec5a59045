"""Fixed-width text tables for terminals: CJK-aware widths, wrapping, optional ANSI colour.

A Chinese character takes two terminal columns, a Latin letter one, a combining mark none;
``len()`` counts all three as one, which is why tables of Chinese titles built with
``str.ljust`` come out ragged. Widths here come from :func:`unicodedata.east_asian_width`.
Ambiguous-width characters (``“`` ``—`` ``≠``) count as one column, as most terminals outside
East Asian locales draw them; the renderers avoid them in column positions for that reason.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import attrs

from evalrules._escape import escape_text

__all__ = [
    "Cell",
    "char_width",
    "clean",
    "display_width",
    "grid",
    "longest_unit",
    "paint",
    "paragraph",
    "wrap",
]

#: ANSI styles by name. Colour is applied after padding, so it never affects alignment.
STYLES: dict[str, str] = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Closing punctuation that must not start a line (禁则): it stays with the text before it.
_CLOSING = (
    "\uff09\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u300d\u300f\u3011\u3015\u300b\u3009"
    "\u201d\u2019),.;:!?"
)
_WIDE = (
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
#: Opening marks, which never end a line: each goes with what follows it.
_OPENING = "\u201c\u2018\uff08\u300c\u300e\u3010\u3014\u300a"
# The units a line may break between: a run of narrow non-space characters (a Latin word, a
# number), or a single wide character, each with the opening marks before it and the
# closing punctuation and spaces after it; or a run of spaces.
_TOKEN = re.compile(
    rf"[{_OPENING}]*(?:[^\s{_WIDE}{_OPENING}]+|[^\s{_OPENING}])[{_CLOSING}]*\s*"
    rf"|[{_OPENING}]+\s*|\s+"
)


def clean(text: str) -> str:
    """``text`` with control characters (ESC, BEL, CR, ...), bidirectional marks and lone
    surrogates shown as ``\\u001b`` escapes (:func:`evalrules._escape.escape_text`): a facts
    file must not be able to move the cursor, clear the screen or recolour a reviewer's
    terminal."""
    return escape_text(text)


@functools.lru_cache(maxsize=4096)  # a table is a few hundred distinct characters, many times
def char_width(char: str) -> int:
    """Terminal columns of one character: 2 for wide and full-width, 0 for combining marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` occupies on one line."""
    if text.isascii():
        return len(text)  # every ASCII character, control characters too, is one column
    return sum(map(char_width, text))


def longest_unit(text: str) -> int:
    """Columns of the widest piece of ``text`` that :func:`wrap` does not break: a Latin
    word or number, or one Chinese character with the closing marks after it."""
    return max((display_width(t.rstrip()) for t in _TOKEN.findall(clean(text))), default=0)


def _split_long(token: str, width: int) -> list[str]:
    pieces: list[str] = []
    current, used = "", 0
    for char in token:
        w = char_width(char)
        if used + w > width and current:
            carry = ""
            if char in _CLOSING:
                # Closing punctuation takes the character it closes (and any closing marks
                # between them) to the next line, when they fit there.
                cut = len(current) - len(current.rstrip(_CLOSING)) + 1
                if len(current) > cut and display_width(current[-cut:]) + w <= width:
                    current, carry = current[:-cut], current[-cut:]
                elif (
                    cut > 1
                    and char_width(current[1 - cut]) == 1
                    and display_width(current[1 - cut :]) + w <= width
                ):
                    # The line is that one character and its marks: the marks come along
                    # (a narrow mark may start a line, a wide one may not).
                    current, carry = current[: 1 - cut], current[1 - cut :]
            pieces.append(current)
            current, used = carry, display_width(carry)
        current += char
        used += w
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns.

    Lines break between Chinese characters anywhere and between Latin words at spaces; a
    word longer than the width is cut. Newlines in the text start new lines.
    """
    text = clean(text)
    if width <= 0:
        return text.split("\n")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0
        for token in _TOKEN.findall(paragraph):
            w = display_width(token.rstrip())
            if used + w > width:
                # Break here; indentation that leaves no room for the text is dropped.
                if current.strip():
                    lines.append(current.rstrip())
                current, used = "", 0
                token = token.lstrip()
                w = display_width(token.rstrip())
                if not token:
                    continue
            if w > width:
                word = token.rstrip()
                *full, rest = _split_long(word, width)
                lines.extend(full)
                current = rest + token[len(word) :]
                used = display_width(current)
                continue
            current += token
            used += display_width(token)
        lines.append(current.rstrip())
    return lines


def paragraph(text: str, first: str, rest: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` columns after a first-line prefix, with a hanging indent.

    ``first`` may hold ANSI codes; they take no columns. Every line gets the room the longer
    prefix leaves, so no line runs past ``width``.
    """
    prefix = max(display_width(_ANSI.sub("", first)), display_width(rest))
    room = max(20, width - prefix)
    lines = wrap(text, room)
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def paint(text: str, style: str | None, color: bool) -> str:
    """Wrap ``text`` in ANSI codes for ``style`` (``"bold red"``) when ``color`` is on."""
    if not color or not style or not text:
        return text
    codes = ";".join(STYLES[s] for s in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


@attrs.frozen
class Cell:
    """A table cell: its text and an optional style name (used only with colour)."""

    text: str
    style: str | None = None


def _pad(text: str, width: int, align: str) -> str:
    gap = max(0, width - display_width(text))
    return (" " * gap + text) if align == "right" else (text + " " * gap)


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell | str]],
    *,
    aligns: Sequence[str] = (),
    widths: Sequence[int | None] = (),
    color: bool = False,
    indent: str = "",
) -> list[str]:
    """Lay out a table: a header line, a rule, then the rows, columns two spaces apart.

    Args:
        headers: Column headings.
        rows: Cells (text or :class:`Cell`); a cell's text may hold newlines.
        aligns: ``"left"`` (default) or ``"right"`` per column.
        widths: Most columns a column may take (its text wraps beyond); ``None`` for no limit.
        color: Apply cell styles as ANSI colour.
        indent: Put in front of every line.

    Returns:
        The lines, without trailing spaces.
    """
    ncols = len(headers)
    cells = [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows]
    limits = [widths[i] if i < len(widths) else None for i in range(ncols)]
    wrapped = [[wrap(cell.text, limits[i] or 0) for i, cell in enumerate(row)] for row in cells]
    col = [display_width(h) for h in headers]
    for row in wrapped:
        for i, lines in enumerate(row):
            col[i] = max(col[i], *(display_width(line) for line in lines))
    align = [aligns[i] if i < len(aligns) else "left" for i in range(ncols)]

    def line(parts: Sequence[str]) -> str:
        return (indent + "  ".join(parts)).rstrip()

    out = [
        line([paint(_pad(h, col[i], align[i]), "bold", color) for i, h in enumerate(headers)]),
        line(["-" * w for w in col]),
    ]
    for row_cells, row_lines in zip(cells, wrapped, strict=True):
        height = max(len(lines) for lines in row_lines)
        for k in range(height):
            parts = []
            for i, lines in enumerate(row_lines):
                text = lines[k] if k < len(lines) else ""
                parts.append(paint(_pad(text, col[i], align[i]), row_cells[i].style, color))
            out.append(line(parts))
    return out
