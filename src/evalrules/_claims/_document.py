"""A self-assessment report as text: its lines, its tables, and where it came from.

Every input format (plain text in any of its encodings, ``.docx``, PDF, HTML) is turned into a
:class:`ReportDocument`: the lines a reader sees, in document order, and the tables with
their cells, so that a score sheet can be read by its columns. Line numbers in everything
the claims reader reports are 1-based indexes into :attr:`ReportDocument.lines`: for text
files the file's own lines, for ``.docx`` its paragraphs and table rows, for PDF the lines
of the extracted text, for HTML its blocks and table rows.

A report that cannot be read raises :class:`ReportReadError`, listing every reason; reading
is bounded in size and time by the limits below, so hostile input (a zip bomb, a PDF that
never ends) fails quickly instead of exhausting the machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from evalrules.errors import EvalrulesError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_SECONDS",
    "MAX_TEXT_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_UNPACKED_BYTES",
    "ReportDocument",
    "ReportReadError",
    "Table",
]

_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")

#: The largest report file read at all (a ``.docx`` with photos is rarely above 30 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The largest plain-text or HTML report (a 300-page report is about 1 MB of text).
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: The most characters of text taken from any report.
MAX_TEXT_CHARS = 4_000_000
#: The most bytes a ``.docx`` may unpack to, all its parts together.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: The most pages read from a PDF.
MAX_PDF_PAGES = 2000
#: How long extracting a PDF's or a ``.docx``'s text may take.
MAX_SECONDS = 60.0


class ReportReadError(EvalrulesError, ValueError):
    """A report file that cannot be read as a report, with every reason found.

    Attributes:
        source: The file (or name) that was read.
        problems: What is wrong, each in Chinese and English (``中文 / English``).
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


@attrs.frozen
class Table:
    """A table of the report, cell texts by row (a merged cell repeats its text).

    Attributes:
        line: The 1-based line of its first row in :attr:`ReportDocument.lines`; row ``i``
            is line ``line + i``.
        rows: The cells of each row, as text (paragraphs inside a cell joined by a blank).
    """

    line: int
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class ReportDocument:
    """A report's text, ready for the claims reader.

    Attributes:
        lines: Paragraphs and table rows in document order (a row's cells joined by tabs).
        tables: The tables, each pointing at its rows' lines.
        format: ``"text"``, ``"docx"``, ``"pdf"`` or ``"html"``.
        encoding: For text and HTML, the encoding the bytes were decoded with.
        pages: For PDF, the page (1-based) of each line; empty otherwise.
        source: The file name, for messages.
    """

    lines: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    format: str = "text"
    encoding: str | None = None
    pages: tuple[int, ...] = ()
    source: str = ""

    @classmethod
    def from_text(
        cls, text: str, *, source: str = "", encoding: str | None = None
    ) -> ReportDocument:
        """Return the document of plain text: one line per line of the text (ended by LF,
        CR LF, CR, NEL or a Unicode line or paragraph separator, as the normaliser ends them)."""
        lines = _LINE_BREAKS.split(text)
        return cls(lines=tuple(lines), encoding=encoding, source=source)

    @property
    def text(self) -> str:
        """The lines joined with newlines."""
        return "\n".join(self.lines)


class DocumentBuilder:
    """Collects paragraphs and tables in order, keeping the text within its limit."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = []
        self.tables: list[Table] = []
        self.pages: list[int] = []
        self._chars = 0

    def _count(self, text: str) -> None:
        self._chars += len(text) + 1
        if self._chars > MAX_TEXT_CHARS:
            raise ReportReadError(
                self.source,
                [
                    f"文字超过 {MAX_TEXT_CHARS} 个字符,不像一份自评报告 / more than "
                    f"{MAX_TEXT_CHARS} characters of text, which is no self-assessment report"
                ],
            )

    def paragraph(self, text: str, *, page: int | None = None) -> None:
        """Add one paragraph (newlines inside it become separate lines)."""
        for line in _LINE_BREAKS.split(text):
            self._count(line)
            self.lines.append(line)
            if page is not None:
                self.pages.append(page)

    def table(self, rows: Sequence[Sequence[str]]) -> None:
        """Add a table: one line per row, cells joined by tabs."""
        cleaned = tuple(tuple(" ".join(cell.split()) for cell in row) for row in rows)
        if not cleaned:
            return
        first = len(self.lines) + 1
        for row in cleaned:
            line = "\t".join(row)
            self._count(line)
            self.lines.append(line)
        self.tables.append(Table(first, cleaned))

    def build(self, *, format: str, encoding: str | None = None) -> ReportDocument:
        """Return the document collected so far."""
        return ReportDocument(
            lines=tuple(self.lines),
            tables=tuple(self.tables),
            format=format,
            encoding=encoding,
            pages=tuple(self.pages) if len(self.pages) == len(self.lines) else (),
            source=self.source,
        )
