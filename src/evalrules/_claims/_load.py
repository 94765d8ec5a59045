"""Reading a report file of any supported format into a :class:`ReportDocument`.

The format is decided by the file's content first (a PDF starts with ``%PDF-``, a ``.docx`` is
a zip, HTML opens with a tag) and by its name second: a file named ``.docx`` or ``.pdf`` that
is not one is refused, never read as text. Legacy binary Word (``.doc``, ``.wps``) and RTF are
named and refused with what to do instead. Plain text is decoded by
:func:`~evalrules._claims._encoding.decode_text`.
"""

from __future__ import annotations

from pathlib import Path

from evalrules._claims._document import (
    MAX_FILE_BYTES,
    MAX_TEXT_BYTES,
    ReportDocument,
    ReportReadError,
)
from evalrules._claims._encoding import decode_text, looks_binary

__all__ = ["FORMATS", "read_report_bytes", "read_report_file"]

#: The formats a report may come in.
FORMATS = ("text", "docx", "pdf", "html")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_OPENINGS = ("<!doctype html", "<html", "<?xml", "<head", "<body", "<meta", "<table", "<p")


def _refuse(source: str, zh: str, en: str) -> ReportReadError:
    return ReportReadError(source, [f"{zh} / {en}"])


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(head.startswith(opening.encode()) for opening in _HTML_OPENINGS)


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if len(data) > MAX_TEXT_BYTES:
        raise _refuse(
            source,
            f"文本文件有 {len(data)} 字节,超过上限 {MAX_TEXT_BYTES} 字节",
            f"the text file has {len(data)} bytes, more than the limit of {MAX_TEXT_BYTES}",
        )
    decoded = decode_text(data)
    if decoded is None:
        raise _refuse(
            source,
            "不是可读的文本(既不是 UTF-8,也不是 GBK/GB18030,可能是二进制文件)",
            "not readable text (neither UTF-8 nor GBK/GB18030; binary data?)",
        )
    return decoded


def _read_html(data: bytes, source: str) -> ReportDocument:
    from evalrules._claims._html import charset_of, read_html

    charset = charset_of(data)
    if charset is not None and charset not in ("utf-8", "utf8"):
        try:
            text = data.decode("gb18030" if charset in ("gb2312", "gbk") else charset)
        except (LookupError, UnicodeDecodeError):
            text, encoding = _decode(data, source)
        else:
            if looks_binary(text):
                raise _refuse(source, "不是可读的 HTML", "not readable HTML")
            encoding = charset
    else:
        text, encoding = _decode(data, source)
    return read_html(text, source=source, encoding=encoding)


def read_report_bytes(data: bytes, *, name: str = "") -> ReportDocument:
    """Return the document of a report's bytes; ``name`` (a file name) helps decide the format.

    Raises:
        ReportReadError: when the bytes are no report this reader can read, saying why.
    """
    source = name or "report"
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            source,
            f"文件有 {len(data)} 字节,超过上限 {MAX_FILE_BYTES} 字节",
            f"the file has {len(data)} bytes, more than the limit of {MAX_FILE_BYTES}",
        )
    if not data.strip():
        raise _refuse(source, "文件是空的", "the file is empty")
    if data[:1024].lstrip().startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        from evalrules._claims._pdf import read_pdf

        return read_pdf(data, source=source)
    if suffix == ".pdf":
        raise _refuse(source, "文件名是 .pdf,但内容不是 PDF", "named .pdf, but it is not a PDF")
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        from evalrules._claims._docx import read_docx

        return read_docx(data, source=source)
    if data.startswith(_OLE):
        raise _refuse(
            source,
            "这是旧版 Word(.doc/.wps)文件,请另存为 .docx 或文本后再读取",
            "this is a legacy Word file (.doc/.wps); save it as .docx or text first",
        )
    if data.lstrip().startswith(b"{\\rtf"):
        raise _refuse(
            source,
            "这是 RTF 文件,请另存为 .docx 或文本后再读取",
            "this is an RTF file; save it as .docx or text first",
        )
    if suffix in _HTML_SUFFIXES or _looks_html(data):
        return _read_html(data, source)
    text, encoding = _decode(data, source)
    return ReportDocument.from_text(text, source=source, encoding=encoding)


def read_report_file(path: Path) -> ReportDocument:
    """Read the report at ``path`` (size checked before anything is read).

    Raises:
        ReportReadError: when the file is missing, unreadable, too large or no report.
    """
    source = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _refuse(source, "这是一个目录,不是文件", "this is a folder, not a file")
        if size > MAX_FILE_BYTES:
            raise _refuse(
                source,
                f"文件有 {size} 字节,超过上限 {MAX_FILE_BYTES} 字节",
                f"the file has {size} bytes, more than the limit of {MAX_FILE_BYTES}",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _refuse(source, "文件不存在", "no such file") from None
    except OSError as exc:
        raise _refuse(source, "无法读取", f"cannot be read: {exc.strerror or exc}") from None
    try:
        return read_report_bytes(data, name=source)
    except ReportReadError as exc:
        if exc.source:
            raise
        raise ReportReadError(source, exc.problems) from None
