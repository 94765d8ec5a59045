"""Normalising self-assessment report text before it is parsed.

Reports reach reviewers through document-sharing sites and format conversions. The same
report then differs in ways that have nothing to do with its content:

* traditional characters (a site converted it for a Hong Kong or Taiwan audience);
* pinyin inserted after characters, ``區(qū)`` (a site annotated it for readers);
* full-width letters, digits and punctuation, ``（５分，自评分４．８分）``;
* stray zero-width characters, byte-order marks, control characters and terminal escape
  sequences, CR/LF line endings, runs of blanks;
* page markers that a conversion left in the text, alone on a line (``- 3 -``, ``第3页 共12页``)
  or in the middle of a sentence (``校园建筑— 3 —防坠楼``).

:func:`normalise_report` removes these differences and nothing else. It does **not** repair
mojibake (bytes decoded with the wrong code page): the damage is lossy, so any repair would be
a guess. It leaves the garbled run verbatim, where a reviewer can see it. It also does not
touch masked numbers (``xx``, ``*``): they stay in the text, and the parser reads them as
unknown rather than 0.

Each input line gives exactly one output line, so line numbers reported by the parser point
into the original document too.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

__all__ = ["normalise_report"]

# Full-width ASCII variants U+FF01..U+FF5E sit at a fixed offset from ASCII.
_FULL_WIDTH_OFFSET = 0xFEE0
_FOLD = {code: code - _FULL_WIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}
_FOLD.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,  # no-break space
        0xFE50: ord(","),  # small comma
        0xFE52: ord("."),  # small full stop
        0xFE59: ord("("),  # small parentheses
        0xFE5A: ord(")"),
    }
)
# Characters that carry nothing and only break matching: zero-width characters, and control
# characters other than tab and line ends (a terminal would act on them if they were echoed).
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD))
_INVISIBLE.update(
    dict.fromkeys(
        c for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c not in (0x09, 0x0A, 0x0B, 0x0C)
    )
)
# Terminal escape sequences (colour, cursor, window title): removed whole, not only their ESC.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]"
)

# Page markers: "- 3 -", "— 3 —", "-3-", "·3·", "第3页", "第 3 页 共 12 页", "第3页/共12页".
_DASH = "[-—–~·•]"
_PAGE_LINE = re.compile(
    rf"{_DASH}{{1,2}}\s*\d{{1,4}}\s*{_DASH}{{1,2}}"
    r"|第\s*\d{1,4}\s*页(?:\s*[,,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,,/]?\s*第\s*\d{1,4}\s*页"
)
# In running text only the unmistakable forms: a number between long dashes, or between
# hyphens set off by blanks ("- 3 -"), and "第3页 共12页" with both halves.
_PAGE_INLINE = re.compile(
    r"\s*(?:[—–]{1,2}\s*\d{1,4}\s*[—–]{1,2}|(?<![A-Za-z0-9_-])-{1,2}\s+\d{1,4}\s+-{1,2}(?![A-Za-z0-9_-])"
    r"|第\s*\d{1,4}\s*页\s*[,,/]?\s*共\s*\d{1,4}\s*页)\s*"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_BLANKS = re.compile(r"[ \t\f\v]+")

_INITIALS = "zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw]"
_FINALS = (
    "iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn"
    "|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v"
)
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_FINALS})")
# A parenthesised run of lowercase Latin letters (tone marks allowed) right after a CJK
# character: the shape pinyin annotations take. Whether it really is pinyin is decided by
# :func:`_is_pinyin`.
_ANNOTATION = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\(([a-zü\u00e0-\u01dc]{1,6})\)")
_TONE_MARKS = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")
# Below this many tone-marked annotations a toneless "(de)" is more likely an abbreviation
# than a neutral-tone syllable, so it is kept.
_MIN_TONED_FOR_TONELESS = 3


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """Return the traditional-to-simplified converter, built on first use (not at import)."""
    return opencc.OpenCC("t2s")


def _plain_letters(syllable: str) -> str:
    """Drop tone marks: ``qū`` → ``qu``, ``lǜ`` → ``lu`` (only the shape is checked)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _has_tone_mark(syllable: str) -> bool:
    """True when the syllable carries a tone mark, which no English word does."""
    return any(ch in _TONE_MARKS for ch in syllable)


def _is_pinyin(syllable: str, *, toneless_allowed: bool) -> bool:
    """True when ``syllable`` is shaped like one pinyin syllable."""
    if not _SYLLABLE.fullmatch(_plain_letters(syllable)):
        return False
    return toneless_allowed or _has_tone_mark(syllable)


def _strip_pinyin(text: str) -> str:
    """Remove pinyin annotations such as ``(qū)`` that follow a Chinese character."""
    toned = sum(1 for m in _ANNOTATION.finditer(text) if _has_tone_mark(m.group(1)))
    toneless_allowed = toned >= _MIN_TONED_FOR_TONELESS

    def replace(match: re.Match[str]) -> str:
        syllable = match.group(1)
        return "" if _is_pinyin(syllable, toneless_allowed=toneless_allowed) else match.group(0)

    # Removing one annotation can put a second one right after a character ("區(qū)(qū)"),
    # so repeat until nothing changes; each pass only shortens the text.
    while True:
        stripped = _ANNOTATION.sub(replace, text)
        if stripped == text:
            return text
        text = stripped


_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_report(text: str) -> str:
    """Return the report text in one canonical form for parsing.

    In order: Unicode NFC; line endings become ``\\n``; terminal escape sequences, control
    characters (other than tab) and invisible characters are removed;
    full-width ASCII and ideographic spaces fold to half-width; pinyin annotations after
    characters are removed (``區(qū)`` → ``區``); traditional characters become simplified
    (OpenCC ``t2s``); blanks inside a line collapse to one space and lines are stripped;
    page markers are removed (a line that is only a page marker becomes blank).

    The line count never changes. Mojibake and masked numbers (``xx``, ``*``) are kept as
    they are. Normalising twice gives the same text as normalising once.

    Args:
        text: The report as extracted from a document.

    Returns:
        The normalised text, lines joined with ``\\n``.
    """
    # A lone surrogate (text handed in, never a decoded file) cannot be encoded for OpenCC:
    # it is no character, and becomes the replacement character.
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPES.sub("", text)
    text = text.translate(_INVISIBLE).translate(_FOLD)
    text = _strip_pinyin(text)
    text = str(_converter().convert(text))
    return "\n".join(_clean_line(line) for line in text.split("\n"))


def _clean_line(line: str) -> str:
    """Collapse blanks, strip, and drop page markers from one line."""
    line = _BLANKS.sub(" ", line).strip()
    if _PAGE_LINE.fullmatch(line):
        return ""
    if "页" in line or "-" in line or "—" in line or "–" in line:
        line = _PAGE_INLINE.sub(_rejoin, line).strip()
    return line


def _rejoin(match: re.Match[str]) -> str:
    """Replace an inline page marker: nothing between characters, one blank between words."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""
