"""Rejoining lines that a page layout cut: wrapped paragraphs, annotations split by a page break.

A PDF's text layer, and text copied out of one, has one line per printed line: a paragraph
wraps at the page width wherever the line is full, so a total statement (``自评总分`` /
``为98.6分。``), a long heading title (``…课程情`` / ``况(3分,自评分3分)``) or a heading's
score annotation (``…(1`` / ``分,自评分1分)``) is cut in two. A page break adds a page marker
in between (``第 4 页 共 10 页``). The parser reads one line at a time, so each cut is rejoined
first:

* a line that ends inside an open score annotation (``(10分,自评``, an opening bracket with
  nothing but score words after it) is joined with the next line that has text, across page
  markers and blank lines;
* in a document whose lines were wrapped at a page width (many lines nearly as wide as the
  widest), a *full* line that does not end a sentence is joined with the next one, across a
  page marker.

A line never joins one that opens with a numbering marker (``(2)``, ``3.``, ``二、``): that is
the next heading. The joined text is put on the first line and the lines it took become blank,
so every line number still points into the document.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from evalrules._claims._parse import marker_of

__all__ = ["unwrap_lines"]

#: A line at least this share of the document's line width is full: the layout wrapped it.
FULL_SHARE = 0.85
#: A document is wrapped at a page width when at least this share of its lines are full.
WRAPPED_SHARE = 0.3
#: Fewer lines than this say nothing about a layout.
MIN_LINES = 8
#: How many blank lines (or removed page markers) a cut may span.
MAX_GAP = 4
#: A joined paragraph stops growing at this many characters (a page of text is ~1500).
MAX_JOINED = 3000

# Ends of sentences and of annotations: a line ending so is complete.
_COMPLETE = re.compile(r"[。;!?:)\]】》”\"]$")
# An opening bracket and, after it, only what a score annotation opens with.
_OPEN_ANNOTATION = re.compile(
    r"[(\[【][\s\d.xX×*□_分,;、/:为本项指标该此满值标准权重共计自评查得]*$"
)
# Characters printed two columns wide: CJK (and the other East Asian wide blocks), full-width
# forms, and the half-width forms of punctuation that Chinese text sets full-width.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6,;:!?()\U00020000-\U0003fffd]"
)


def _width(line: str) -> int:
    """The printed width of a line: wide characters count twice."""
    return len(line) + len(_WIDE.findall(line))


def _open_annotation(line: str) -> bool:
    """True when ``line`` ends inside a score annotation that the next line completes."""
    match = _OPEN_ANNOTATION.search(line)
    return match is not None and match.start() > 0


def _line_width(widths: Sequence[int]) -> int | None:
    """The width a wrapped document's lines were cut at, or ``None`` when it is not wrapped."""
    if len(widths) < MIN_LINES:
        return None
    ordered = sorted(widths)
    width = ordered[int(0.9 * (len(ordered) - 1))]
    full = sum(1 for w in widths if w >= FULL_SHARE * width)
    return width if full >= WRAPPED_SHARE * len(widths) else None


def _next_text(lines: Sequence[str], raw: Sequence[str], index: int, *, blanks: bool) -> int | None:
    """The index of the next line with text after ``index``, across page markers (and blank
    lines if ``blanks``); ``None`` when there is none within :data:`MAX_GAP` lines."""
    for following in range(index + 1, min(index + 2 + MAX_GAP, len(lines))):
        if lines[following]:
            return following
        if not blanks and not raw[following].strip():
            return None  # a real blank line: the paragraph ended
    return None


def unwrap_lines(
    lines: Sequence[str], raw: Sequence[str], *, protected: Collection[int] = ()
) -> list[str]:
    """Return normalised ``lines`` with the cuts of a page layout rejoined.

    Args:
        lines: The normalised lines (page markers already blank).
        raw: The document's lines before normalising, one per line (to tell a removed page
            marker from a blank line).
        protected: 0-based indexes of lines never joined (table rows, a score sheet).
    """
    out = list(lines)
    if len(raw) != len(out):
        raw = out  # no line-for-line original: a blank line is a blank line
    candidates = [
        i for i, line in enumerate(out) if line and i not in protected and "\t" not in line
    ]
    width = _line_width([_width(out[i]) for i in candidates])
    index = 0
    while index < len(out):
        line = out[index]
        if not line or index in protected or "\t" in line:
            index += 1
            continue
        last = line  # the last printed line joined so far decides whether it was cut
        cursor = index
        while True:
            open_annotation = _open_annotation(last)
            full = width is not None and _width(last) >= FULL_SHARE * width
            if not open_annotation and (not full or _COMPLETE.search(last)):
                break
            if len(out[index]) > MAX_JOINED:
                break
            following = _next_text(out, raw, cursor, blanks=open_annotation)
            if following is None or following in protected:
                break
            text = out[following]
            if "\t" in text or marker_of(text, annotated=True) is not None:
                break
            out[index] = out[index] + text
            for taken in range(cursor + 1, following + 1):
                out[taken] = ""
            last, cursor = text, following
        index = cursor + 1
    return out
