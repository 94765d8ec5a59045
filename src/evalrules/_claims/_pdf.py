"""Reading a PDF report's text layer, page by page.

pypdf does the reading, imported only when a PDF is read (it is in the ``evalrules[reports]``
extra, not a core dependency). Only PDFs with a text layer can be read: a scanned report has
none and needs OCR first, which is said so. An encrypted PDF is read only when it opens with
an empty password (permissions-only protection, common for official documents); otherwise
it is refused. Reading stops at :data:`~evalrules._claims._document.MAX_PDF_PAGES` pages and
:data:`~evalrules._claims._document.MAX_SECONDS` seconds.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import warnings
from collections.abc import Iterator
from typing import Any

from evalrules._claims._document import (
    MAX_PDF_PAGES,
    MAX_SECONDS,
    DocumentBuilder,
    ReportDocument,
    ReportReadError,
)
from evalrules._claims._docx import EXTRA_HINT

__all__ = ["read_pdf"]


def _import_pypdf() -> Any:
    try:
        import pypdf
    except ImportError:
        raise ReportReadError(
            "",
            [
                f"读取 PDF 需要安装 evalrules[reports]({EXTRA_HINT}) / reading PDF needs the "
                f"evalrules[reports] extra ({EXTRA_HINT})"
            ],
        ) from None
    return pypdf


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence pypdf's warnings about sloppy files while it reads one; restore after."""
    logger = logging.getLogger("pypdf")
    disabled = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


def _fail(source: str, zh: str, en: str) -> ReportReadError:
    return ReportReadError(source, [f"{zh} / {en}"])


def read_pdf(data: bytes, *, source: str) -> ReportDocument:
    """Return the document of a PDF report's bytes."""
    pypdf = _import_pypdf()
    with _quiet():
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except Exception as exc:  # a missing crypto library, a broken dictionary
                    raise _fail(
                        source,
                        "PDF 已加密,无法打开",
                        f"the PDF is encrypted and cannot be opened ({type(exc).__name__}: {exc})",
                    ) from None
                if not opened:
                    raise _fail(
                        source,
                        "PDF 已加密(需要密码),请提供未加密的文件",
                        "the PDF is encrypted with a password; provide an unencrypted copy",
                    )
            pages = reader.pages
            count = len(pages)
        except ReportReadError:
            raise
        except Exception as exc:  # pypdf raises many kinds for a broken file
            raise _fail(
                source, "无法读取 PDF 文件", f"cannot read the PDF: {type(exc).__name__}: {exc}"
            ) from None
        if count > MAX_PDF_PAGES:
            raise _fail(
                source,
                f"PDF 有 {count} 页,超过上限 {MAX_PDF_PAGES} 页",
                f"the PDF has {count} pages, more than {MAX_PDF_PAGES}",
            )
        builder = DocumentBuilder(source)
        started = time.monotonic()
        found_text = False
        for number in range(count):
            if time.monotonic() - started > MAX_SECONDS:
                raise _fail(
                    source,
                    f"提取文字超过 {MAX_SECONDS:.0f} 秒",
                    f"extracting the text took more than {MAX_SECONDS:.0f} s",
                )
            try:
                text = pages[number].extract_text() or ""
            except Exception as exc:
                raise _fail(
                    source,
                    f"第{number + 1}页无法读取",
                    f"page {number + 1} cannot be read: {type(exc).__name__}: {exc}",
                ) from None
            found_text = found_text or bool(text.strip())
            builder.paragraph(text, page=number + 1)
    if not found_text:
        raise _fail(
            source,
            "PDF 中没有文字层(可能是扫描件),请先做文字识别(OCR)",
            "the PDF has no text layer (a scan?); run text recognition (OCR) on it first",
        )
    return builder.build(format="pdf")
