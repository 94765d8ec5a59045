"""Normalising self-assessment report text before it is parsed.

Reports reach reviewers through document-sharing sites and format conversions. The same
report then differs in ways that have nothing to do with its content:

* traditional characters (a site converted it for a Hong Kong or Taiwan audience);
* pinyin inserted after characters, ``區(qū)`` (a site annotated it for readers);
* full-width letters, digits and punctuation, ``（５分，自评分４．８分）``;
* stray zero-width characters, byte-order marks, CR/LF line endings, runs of blanks.

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
# Characters that carry nothing and only break matching.
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD))

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


def normalise_report(text: str) -> str:
    """Return the report text in one canonical form for parsing.

    In order: Unicode NFC; line endings become ``\\n``; invisible characters are removed;
    full-width ASCII and ideographic spaces fold to half-width; pinyin annotations after
    characters are removed (``區(qū)`` → ``區``); traditional characters become simplified
    (OpenCC ``t2s``); blanks inside a line collapse to one space and lines are stripped.

    The line count never changes. Mojibake and masked numbers (``xx``, ``*``) are kept as
    they are. Normalising twice gives the same text as normalising once.

    Args:
        text: The report as extracted from a document.

    Returns:
        The normalised text, lines joined with ``\\n``.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_INVISIBLE).translate(_FOLD)
    text = _strip_pinyin(text)
    text = str(_converter().convert(text))
    return "\n".join(_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
