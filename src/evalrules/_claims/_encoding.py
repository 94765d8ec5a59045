"""Decoding a plain-text report: UTF-8, UTF-16 with a byte-order mark, GBK or GB18030.

Reports arrive as UTF-8 from current software and as GBK (or its superset GB18030) from
older office software and Windows machines set to Chinese. The encoding is detected, not
guessed from the file name: a byte-order mark decides first; then strict UTF-8 (which random
GBK bytes almost never pass); then GBK, then GB18030. Bytes that decode to control
characters are binary data, not a report.
"""

from __future__ import annotations

import codecs
import unicodedata

__all__ = ["decode_text", "looks_binary"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Above this share of control characters, decoded text is binary data.
_MAX_CONTROL_SHARE = 0.01


def looks_binary(text: str) -> bool:
    """True when ``text`` holds a NUL or more control characters than text ever has."""
    if "\x00" in text:
        return True
    sample = text[:200_000]
    if not sample:
        return False
    controls = sum(
        1
        for ch in sample
        if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cc", "Co", "Cn")
    )
    return controls / len(sample) > _MAX_CONTROL_SHARE


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Return ``(text, encoding)`` for the bytes of a text report, or ``None`` if none fits.

    The encoding is one of ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gbk`` and ``gb18030``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if looks_binary(text) else (text, encoding)
    for encoding in ("utf-8", "gbk", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            return None
        return text, encoding
    return None
