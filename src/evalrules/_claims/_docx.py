"""Reading a ``.docx`` report: paragraphs and tables in document order.

python-docx does the reading, imported only when a ``.docx`` is read (it is in the
``evalrules[reports]`` extra, not a core dependency). Before python-docx sees the file, the
zip container is checked from its directory alone: a file that is not a zip, is not a Word
document, or would unpack to more than :data:`~evalrules._claims._document.MAX_UNPACKED_BYTES`
(a zip bomb) is refused without unpacking anything. Declared sizes bound what is unpacked:
:mod:`zipfile` never inflates an entry past its declared size.
"""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

from evalrules._claims._document import (
    MAX_SECONDS,
    MAX_UNPACKED_BYTES,
    DocumentBuilder,
    ReportDocument,
    ReportReadError,
)

__all__ = ["EXTRA_HINT", "check_docx_container", "read_docx"]

#: How to install what reading Word and PDF files needs.
EXTRA_HINT = "pip install 'evalrules[reports]'"
#: Entries in a real .docx: a few dozen, a few hundred with many images.
_MAX_ENTRIES = 5000
#: An XML part inflating more than this many times its compressed size is a zip bomb.
_MAX_RATIO = 200


def check_docx_container(data: bytes, source: str) -> None:
    """Refuse ``data`` unless it is a zip holding a Word document of a sane unpacked size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReportReadError(
            source,
            [f"不是有效的 .docx 文件(不是 zip 压缩包) / not a valid .docx (not a zip): {exc}"],
        ) from None
    with archive:
        entries = archive.infolist()
        problems: list[str] = []
        names = {e.filename for e in entries}
        if len(entries) > _MAX_ENTRIES:
            problems.append(
                f"压缩包内有 {len(entries)} 个文件,超过 {_MAX_ENTRIES} 个 / the zip holds "
                f"{len(entries)} entries, more than {_MAX_ENTRIES}"
            )
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            problems.append(
                "压缩包中没有 Word 正文(word/document.xml),不是 .docx 文件 / the zip holds no "
                "Word body (word/document.xml): not a .docx"
            )
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            problems.append(
                f"解压后共 {unpacked} 字节,超过上限 {MAX_UNPACKED_BYTES} 字节(疑似压缩炸弹) / "
                f"it would unpack to {unpacked} bytes, above the limit of {MAX_UNPACKED_BYTES} "
                "(a zip bomb?)"
            )
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")) and entry.file_size > 1024 * 1024:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if ratio > _MAX_RATIO:
                    problems.append(
                        f"{entry.filename} 压缩比 {ratio:.0f} 倍,超过 {_MAX_RATIO} 倍"
                        "(疑似压缩炸弹) / "
                        f"{entry.filename} inflates {ratio:.0f} times, more than {_MAX_RATIO} "
                        "(a zip bomb?)"
                    )
        if problems:
            raise ReportReadError(source, problems)


def _import_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise ReportReadError(
            "",
            [
                f"读取 .docx 需要安装 evalrules[reports]({EXTRA_HINT}) / reading .docx needs "
                f"the evalrules[reports] extra ({EXTRA_HINT})"
            ],
        ) from None
    return docx


def _cell_text(cell: Any) -> str:
    return " ".join(p.text for p in cell.paragraphs)


def read_docx(data: bytes, *, source: str) -> ReportDocument:
    """Return the document of a ``.docx`` report's bytes."""
    check_docx_container(data, source)
    docx = _import_docx()
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise ReportReadError(
            source, [f"无法读取 .docx 文件 / cannot read the .docx: {type(exc).__name__}: {exc}"]
        ) from None
    builder = DocumentBuilder(source)
    started = time.monotonic()
    for block in document.iter_inner_content():
        if time.monotonic() - started > MAX_SECONDS:
            raise ReportReadError(
                source,
                [f"读取超过 {MAX_SECONDS:.0f} 秒 / reading took more than {MAX_SECONDS:.0f} s"],
            )
        if hasattr(block, "rows"):
            builder.table([[_cell_text(c) for c in row.cells] for row in block.rows])
        else:
            builder.paragraph(block.text)
    return builder.build(format="docx")
