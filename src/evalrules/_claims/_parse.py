"""Finding indicator headings, their score annotations and the stated total in report text.

This module knows the shape of a self-assessment report and nothing of any rubric. It reads
normalised text (see :mod:`evalrules._claims._normalise`) line by line and returns
:class:`Heading` and :class:`StatedTotal` values; :mod:`evalrules._claims._read` maps them
onto a rubric.

A heading is a line that

* starts with a numbering marker: ``(一)`` / ``一、`` (first level), ``1.`` / ``1、``
  (second level), ``(1)`` / ``①`` (third level) or ``1.1`` (a dotted code), and/or
* carries a score annotation: the max and the claimed score in one of the common phrasings,
  ``(5分,自评分4.8分)``, ``(63分,自评得分61.6分)``, ``(本项满分1分,自评得1分)``,
  ``(分值 5 分,得分 4.8 分)``, ``(5分查分5分)``, ``(自评4.8分,满分5分)``.

A numbered line without an annotation is returned too (it may be a heading whose annotation
is missing); the mapper decides by its title whether it is one. An annotation alone on the
line after a numbered line is joined to it (a heading wrapped by a conversion).

Numbers are read exactly as written (``Decimal("4.8")``, ``Decimal("5")``). A masked number
(``x``, ``xx``, ``*``, ``×``, ``□``, ``?``, or a mix such as ``4.x``) is read as unknown,
never as 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

__all__ = ["Heading", "Reading", "StatedTotal", "find_headings", "find_totals"]

_MASK_CHARS = "xX×*□?"
_MASK = f"[{re.escape(_MASK_CHARS)}]"
_FRACTION = rf"(?:\.[\d{re.escape(_MASK_CHARS)}]+)?"
_KNOWN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _num(name: str) -> str:
    """Return a regex group named ``name`` for a number or a masked number."""
    return rf"(?P<{name}>\d+{_FRACTION}|{_MASK}+{_FRACTION})"


# Words in front of the max: "本项满分", "分值", "满分".
_MAX_WORDS = r"(?:本项|本指标|该项)?(?:满分|分值|标准分|总分)?"
# Words in front of the claimed score. Strong words name the self-assessment and can stand
# alone; weak ones ("得分", "查分") only count after a max, because titles use them too.
_STRONG = r"自评(?:总得分|总分|得分|分数|分|得|为)?|自查(?:得分|分|得)?"
_WEAK = r"查分|得分|评分|实得"
_TOTAL_WORD = re.compile(r"总|合计")
# Between the max and the claim: a comma, or a bracket closing and another opening.
_SEP = r"\s*[,;、]?\s*(?:[)\]】]\s*[(\[【]?)?\s*"

_FORWARD = re.compile(
    rf"(?:{_MAX_WORDS}\s*[:为]?\s*{_num('max')}\s*分?{_SEP})?"
    rf"(?P<kw>{_STRONG}|{_WEAK})\s*[:为是]?\s*{_num('claim')}\s*分?"
)
_REVERSED = re.compile(
    rf"(?P<kw>{_STRONG}|得分)\s*[:为是]?\s*{_num('claim')}\s*分?{_SEP}"
    rf"(?:本项)?(?:满分|分值|标准分)\s*[:为]?\s*{_num('max')}\s*分?"
)
_TOTAL = re.compile(
    r"(?:自评|自查)(?:总得分|总分|得分合计|合计得分|得分总计|得分共计|合计|总计)"
    rf"\s*(?:为|是|:)?\s*{_num('total')}\s*分?"
)

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "[一二三四五六七八九十]{1,3}"
_FIRST = re.compile(rf"^(?:\(({_CN})\)?|({_CN})[、.])\s*")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})(?![\d%])\s*[、.]?\s*")
_THIRD = re.compile(r"^\((\d{1,2})(?:\)|(?=[^\d)]))\s*")
_CIRCLED = re.compile(r"^([\u2460-\u2473])\s*")
_SECOND = re.compile(r"^(\d{1,2})[.、](?!\d)\s*")
# "1加强…" (the dot dropped) is a marker only on an annotated line; prose starts with
# numbers too ("12345政务平台").
_SECOND_DOTLESS = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])")

_TITLE_TAIL = re.compile(r"[\s。.,;:、(\[【]+$")
_SENTENCE_END = re.compile(r"[。;]")
#: A line whose title would be longer than this is prose, not a heading.
MAX_TITLE_CHARS = 60


@attrs.frozen
class Reading:
    """A number as read from the text.

    Attributes:
        value: The exact value, or ``None`` when the number is masked.
        text: The characters read, e.g. ``"4.8"`` or ``"xx"``.
    """

    value: Decimal | None
    text: str

    @property
    def masked(self) -> bool:
        """True when the text masks the number (``xx``, ``*``)."""
        return self.value is None


@attrs.frozen
class Annotation:
    """A score annotation found on a line.

    Attributes:
        start: Offset of its first character in the line.
        end: Offset just past its last character.
        max: The max points, or ``None`` when the annotation states none.
        claimed: The claimed score.
    """

    start: int
    end: int
    max: Reading | None
    claimed: Reading


@attrs.frozen
class Heading:
    """A heading found in the report, before it is mapped onto a rubric.

    Attributes:
        line: 1-based line number in the normalised text.
        text: The whole line (with the wrapped annotation line joined, if any).
        level: 1, 2 or 3 from the numbering marker; ``None`` for an unnumbered heading.
        number: The marker's number (``(三)`` → 3, ``5.`` → 5, ``(2)`` → 2).
        dotted: For a dotted marker ``3.2``, the code it spells.
        title: The title as written, without marker, annotation and closing punctuation.
        max: The max points read, or ``None`` when the line has no annotation or no max.
        claimed: The claimed score read, or ``None`` when the line has no annotation.
    """

    line: int
    text: str
    level: int | None
    number: int | None
    dotted: str | None
    title: str
    max: Reading | None
    claimed: Reading | None

    @property
    def annotated(self) -> bool:
        """True when the heading carries a score annotation."""
        return self.claimed is not None


@attrs.frozen
class StatedTotal:
    """A statement of the claimed total, e.g. ``自评总分为98.6分``.

    Attributes:
        line: 1-based line number.
        value: The total read.
        text: The statement as written.
    """

    line: int
    value: Reading
    text: str


def read_number(text: str) -> Reading:
    """Read a number token: exact ``Decimal`` when it is a number, unknown when masked."""
    token = text.strip().rstrip(".")
    if _KNOWN_NUMBER.fullmatch(token):
        return Reading(Decimal(token), token)
    return Reading(None, token)


def _chinese_number(text: str) -> int:
    """Return the value of a Chinese numeral from 一 to 九十九."""
    if "十" not in text:
        return _CN_DIGITS[text[-1]]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def find_annotation(line: str) -> Annotation | None:
    """Return the first score annotation on ``line``, or ``None``.

    A weak claim word (``得分``) and a total word (``自评总分``) count only after a max, so a
    title such as ``体质健康指标评分情况`` or a sentence ``自评总分为98.6分`` is no annotation.
    """
    found: list[Annotation] = []
    for pattern in (_FORWARD, _REVERSED):
        for match in pattern.finditer(line):
            has_max = match.group("max") is not None
            keyword = match.group("kw")
            strong = re.fullmatch(_STRONG, keyword) is not None
            if not has_max and (not strong or _TOTAL_WORD.search(keyword)):
                continue
            found.append(
                Annotation(
                    start=match.start(),
                    end=match.end(),
                    max=read_number(match.group("max")) if has_max else None,
                    claimed=read_number(match.group("claim")),
                )
            )
            break
    if not found:
        return None
    # The earliest wins; at the same place the longer one (it also read the max).
    return min(found, key=lambda a: (a.start, -(a.end - a.start)))


def _marker(line: str, *, annotated: bool) -> tuple[int, int, str | None, int] | None:
    """Return ``(level, number, dotted code, marker length)`` for a numbered line."""
    if m := _FIRST.match(line):
        return 1, _chinese_number(m.group(1) or m.group(2)), None, m.end()
    if m := _DOTTED.match(line):
        return 3, int(m.group(2)), f"{int(m.group(1))}.{int(m.group(2))}", m.end()
    if m := _THIRD.match(line):
        return 3, int(m.group(1)), None, m.end()
    if m := _CIRCLED.match(line):
        return 3, ord(m.group(1)) - 0x2460 + 1, None, m.end()
    if m := _SECOND.match(line):
        return 2, int(m.group(1)), None, m.end()
    if annotated and (m := _SECOND_DOTLESS.match(line)):
        return 2, int(m.group(1)), None, m.end()
    return None


def _clean_title(text: str) -> str:
    """Strip closing punctuation and opening brackets left between title and annotation."""
    return _TITLE_TAIL.sub("", text).strip()


def _leads_with(annotation: Annotation, line: str) -> bool:
    """True when nothing but brackets and punctuation precede the annotation on its line."""
    return not _clean_title(line[: annotation.start]).strip("()[]【】")


def find_headings(text: str) -> tuple[Heading, ...]:
    """Return the headings of normalised report text, in document order."""
    lines = text.split("\n")
    headings: list[Heading] = []
    skip: set[int] = set()
    for index, line in enumerate(lines):
        if index in skip or not line:
            continue
        annotation = find_annotation(line)
        marker = _marker(line, annotated=annotation is not None)
        if marker is not None and annotation is not None and annotation.start < marker[3]:
            # "(5分,自评分4.8分)" opens like a "(5)" marker; it is an annotation alone.
            marker = None
        if marker is None:
            if annotation is None or _leads_with(annotation, line):
                continue
            title = _clean_title(line[: annotation.start])
            if len(title) <= MAX_TITLE_CHARS:
                headings.append(
                    Heading(
                        index + 1, line, None, None, None, title, annotation.max, annotation.claimed
                    )
                )
            continue
        level, number, dotted, length = marker
        full = line
        if annotation is not None:
            title = _clean_title(line[length : annotation.start])
        elif (wrapped := _wrapped_annotation(lines, index)) is not None:
            next_index, annotation = wrapped
            skip.add(next_index)
            full = f"{line}{lines[next_index]}"
            title = _clean_title(line[length:])
        else:
            title = _clean_title(_SENTENCE_END.split(line[length:])[0])
        if len(title) > MAX_TITLE_CHARS:
            continue
        headings.append(
            Heading(
                line=index + 1,
                text=full,
                level=level,
                number=number,
                dotted=dotted,
                title=title,
                max=annotation.max if annotation else None,
                claimed=annotation.claimed if annotation else None,
            )
        )
    return tuple(headings)


def _wrapped_annotation(lines: list[str], index: int) -> tuple[int, Annotation] | None:
    """Return the annotation that a conversion wrapped onto the next non-blank line."""
    for next_index in range(index + 1, len(lines)):
        following = lines[next_index]
        if not following:
            continue
        annotation = find_annotation(following)
        if annotation is not None and _leads_with(annotation, following):
            return next_index, annotation
        return None
    return None


def _total_matches(line: str) -> Iterator[re.Match[str]]:
    """Yield total statements on a line that are not part of a heading's annotation."""
    annotation = find_annotation(line)
    for match in _TOTAL.finditer(line):
        if annotation is not None and annotation.start <= match.start() < annotation.end:
            continue
        yield match


def find_totals(text: str) -> tuple[StatedTotal, ...]:
    """Return every statement of the claimed total, in document order."""
    totals: list[StatedTotal] = []
    for index, line in enumerate(text.split("\n")):
        for match in _total_matches(line):
            totals.append(StatedTotal(index + 1, read_number(match.group("total")), match.group(0)))
    return tuple(totals)
