"""Reading an HTML report: its blocks as lines, its tables as rows of cells.

Reports saved from a web page or exported as HTML keep their structure in tags: paragraphs,
line breaks, list items and table cells. The standard library's :class:`html.parser.HTMLParser`
reads them (no third-party parser, no network, no scripts run). ``rowspan`` and ``colspan``
are expanded, so a merged cell repeats its text in every row and column it covers, as in a
``.docx``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from evalrules._claims._document import DocumentBuilder, ReportDocument

__all__ = ["charset_of", "read_html"]

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "section",
        "article",
        "blockquote",
        "pre",
        "dt",
        "dd",
    ]
)
_SKIPPED = frozenset(("script", "style", "head", "template", "noscript"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
#: A span larger than this is taken as 1: a cell does not cover a thousand rows.
_MAX_SPAN = 100


def charset_of(data: bytes) -> str | None:
    """Return the charset an HTML file declares in a ``<meta>`` tag, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _span(value: str | None) -> int:
    try:
        span = int(value or "1")
    except ValueError:
        return 1
    return span if 1 <= span <= _MAX_SPAN else 1


class _Reader(HTMLParser):
    """Turns tags into paragraphs and tables, in document order."""

    def __init__(self, builder: DocumentBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.text: list[str] = []
        self.skipping = 0
        # One entry per open table: its rows; each row a list of (text, rowspan, colspan).
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.cell_spans = (1, 1)

    def _flush(self) -> None:
        text = "".join(self.text).strip()
        self.text = []
        if text:
            self.builder.paragraph(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag == "table":
            if self.cell is None:
                self._flush()
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append([])
            values = dict(attrs)
            self.cell = []
            self.cell_spans = (_span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag in _BLOCKS:
            if self.cell is not None:
                self.cell.append(" ")
            else:
                self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in ("td", "th") and self.cell is not None and self.tables:
            rows = self.tables[-1]
            rows[-1].append(("".join(self.cell), *self.cell_spans))
            self.cell = None
        elif tag == "table" and self.tables:
            rows = self.tables.pop()
            if self.tables and self.cell is not None:
                # A table inside a cell: its text joins the cell's.
                self.cell.append(" ".join(text for row in rows for text, _, _ in row))
            else:
                self.builder.table(_grid(rows))
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        while self.tables:
            self.builder.table(_grid(self.tables.pop(0)))


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Expand ``rowspan``/``colspan`` so every row has a cell in every column it covers."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        out: list[str] = []
        column = 0
        cells = iter(row)
        while True:
            while (r, column) in pending:
                out.append(pending.pop((r, column)))
                column += 1
            cell = next(cells, None)
            if cell is None:
                break
            text, rowspan, colspan = cell
            for dc in range(colspan):
                out.append(text)
                for dr in range(1, rowspan):
                    pending[(r + dr, column + dc)] = text
            column += colspan
        grid.append(out)
    return grid


def read_html(text: str, *, source: str, encoding: str | None) -> ReportDocument:
    """Return the document of an HTML report's text."""
    builder = DocumentBuilder(source)
    reader = _Reader(builder)
    reader.feed(text)
    reader.close()
    return builder.build(format="html", encoding=encoding)
