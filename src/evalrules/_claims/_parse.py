"""Finding scored headings, their score annotations and the stated total in report text.

This module knows the shape of a self-assessment report written as running text and nothing
of any rubric. It reads normalised lines (see :mod:`evalrules._claims._normalise`) and returns
:class:`Heading` and :class:`StatedTotal` values.

A heading is a numbered title and/or a score annotation:

* numbering markers, in the order official documents nest them (GB/T 9704):
  ``第一部分``, ``一、``, ``(一)``, ``1.`` / ``1、``, ``1.1``, ``1.1.1``, ``(1)``, ``1)``, ``①``;
  each is a *style*, and the style is what later decides the heading's level;
* score annotations, in the phrasings reports use: ``(5分,自评分4.8分)``,
  ``(63分,自评得分61.6分)``, ``(本项满分1分,自评得1分)``, ``(5分,自查得分4.8分)``,
  ``(分值 5 分,得分 4.8 分)``, ``(自评4.8分,满分5分)``, and copies of these with characters
  dropped (``(5,自评分4.8)``, ``(5分自评4.8分``, ``(本项满1分,自评得1分)``).

Several headings may share a line (a conversion joined them); a heading may be wrapped onto
the next line, or cut by a page break. Text after a heading's annotation, and sentences of its
body that state points gained or lost (``扣0.2分``, ``不得分``, ``得失分说明:…``), are its
explanation.

Numbers are read by :mod:`evalrules._claims._numbers`: exact decimals, Chinese numerals,
masked numbers as unknown (never 0), and a lost decimal point kept as written with its probable
value.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

import attrs

from evalrules._claims._numbers import NUMBER, Reading, chinese_number, read_number

__all__ = [
    "MAX_TITLE_CHARS",
    "STYLE_RANK",
    "Annotation",
    "Heading",
    "StatedTotal",
    "find_annotation",
    "find_annotations",
    "find_headings",
    "find_totals",
    "marker_of",
]

#: A line whose title would be longer than this is prose, not a heading.
MAX_TITLE_CHARS = 60
#: Explanations are cut at this many characters (a reviewer reads them in a table).
MAX_EXPLANATION_CHARS = 600


def _num(name: str) -> str:
    """Return a regex group named ``name`` for a number as :data:`NUMBER` reads one."""
    return rf"(?P<{name}>{NUMBER})"


# Words in front of the max: "本项满分", "分值", "满分"; "项满分", "满" when characters dropped.
_MAX_WORDS = r"(?:本项|本指标|该项|此项|项)?(?:满分|分值|标准分|总分|权重|赋分|满|共|计)?"
# Words in front of the claimed score. Strong words name the self-assessment and can stand
# alone; weak ones ("得分", "查分") only count after a max, because titles use them too.
_STRONG = (
    r"自评(?:总得分|总分|得分|分数|打分|分|得|为)?|自查(?:得分|分|得)?"
    rf"|自(?:得分|分|得)(?=\s*[:为]?\s*{NUMBER})"
)
_WEAK = r"查分|得分|评分|实得|评得|查得|得(?=\s*[:为]?\s*\d)"
_TOTAL_WORD = re.compile(r"总|合计")
# Between the max and the claim: a comma, or a bracket closing and another opening.
_SEP = r"\s*[,;、/]?\s*(?:[)\]】]\s*[(\[【]?)?\s*"

_FORWARD = re.compile(
    rf"(?:{_MAX_WORDS}\s*[:为]?\s*{_num('max')}\s*分?{_SEP})?"
    rf"(?P<kw>{_STRONG}|{_WEAK})\s*(?:[:为是]\s*){{0,2}}{_num('claim')}\s*分?"
)
_REVERSED = re.compile(
    rf"(?P<kw>{_STRONG}|得分)\s*(?:[:为是]\s*){{0,2}}{_num('claim')}\s*分?{_SEP}"
    rf"(?:本项)?(?:满分|分值|标准分)\s*[:为]?\s*{_num('max')}\s*分?"
)
# A bracketed max alone, "(5分)", "(本项5分)", "(满分5分)": a heading whose claim is elsewhere
# (a score sheet's column) or missing.
_MAX_ONLY = re.compile(rf"[(\[【]\s*{_MAX_WORDS}\s*[:为]?\s*{_num('max')}\s*分\s*[)\]】]")

_CN = "[一二三四五六七八九十]{1,3}"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第({_CN})(?:部分|章|节|项|条)[、.:\s]?\s*")),
    ("cn-comma", re.compile(rf"^({_CN})[、.]\s*")),
    ("cn-paren", re.compile(rf"^\(({_CN})\)?\s*")),
    ("dotted3", re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,2})(?![\d%])\s*[、.]?\s*")),
    ("dotted", re.compile(r"^(\d{1,2})\.(\d{1,2})(?![\d%.])\s*[、.]?\s*")),
    ("arabic-paren", re.compile(r"^\((\d{1,2})(?:\)|(?=[^\d)]))\s*")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*")),
    ("arabic-half", re.compile(r"^(\d{1,2})\)\s*")),
    ("arabic", re.compile(r"^(\d{1,2})[.、](?!\d)\s*")),
)
#: The nesting order of the numbering styles in official documents: a lower rank is an outer
#: level. Levels in a report are assigned by rank among the styles its scored headings use.
STYLE_RANK: dict[str, int] = {
    "part": 0,
    "cn-comma": 1,
    "cn-paren": 2,
    "arabic": 3,
    "dotted": 4,
    "dotted3": 5,
    "arabic-paren": 6,
    "arabic-half": 7,
    "circled": 8,
    "none": 9,
}
# "1加强…" (the dot dropped) is a marker only on an annotated line; prose starts with
# numbers too ("12345政务平台").
_ARABIC_DOTLESS = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])(?!分)")

_TITLE_TAIL = re.compile(r"[\s。.,;:、(\[【]+$")
_SENTENCE_END = re.compile(r"[。;!?]")
_SENTENCE = re.compile(r"[^。;!?]+[。;!?]?")
# Where a heading may start inside a line: after a sentence or an annotation ends, or a blank.
_BOUNDARY = re.compile(r"(?:(?<=[。;!?)\]】\s])|^)(?=[(第一二三四五六七八九十\d\u2460-\u2473])")
# Sentences that explain points gained or lost.
_EXPLAINS = re.compile(
    rf"[扣减失加]\s*(?:了)?\s*{NUMBER}\s*分|扣分|失分|不得分|未得分|扣除|得满分|得全分|全部得分"
)
_EXPLANATION_LABEL = re.compile(
    r"^(?:得失分(?:情况)?说明|得分说明|扣分(?:情况|原因|说明|理由|依据)|失分(?:原因|说明|情况)"
    r"|自评说明|说明)\s*[::]\s*"
)

# Totals. The claim words: "自评总分", "总得分", "自评得分合计" (strong: they say "total");
# "自评得分", "自查得分", "自评分" (weak: they may be an indicator's score in its body text).
_TOTAL_KW = (
    r"(?:自评|自查)\s*(?:总得分|总分|得分合计|合计得分|得分总计|得分共计|分合计|分总计|合计|总计"
    r"|得分|分数|分)"
    r"|总得分|得分合计|合计得分|总计得分|最终得分"
)
_TOTAL = re.compile(
    rf"(?:(?:满分|总分值|总分)\s*(?:为|是|:)?\s*{_num('max')}\s*分\s*[,;]?\s*(?:其中|经)?\s*)?"
    rf"(?P<kw>{_TOTAL_KW})\s*(?:(?:为|是|:|达到|共计|共|计)\s*){{0,2}}{_num('total')}\s*分?"
    rf"(?:\s*[,;(]?\s*(?:其中|含)\s*(?:申请|自评|附|附加)?\s*加分(?:项)?(?:得分|分值)?"
    rf"\s*(?:为|:)?\s*{_num('bonus')}\s*分)?"
)


@attrs.frozen
class Annotation:
    """A score annotation found on a line.

    Attributes:
        start: Offset of its first character in the line.
        end: Offset just past its last character.
        max: The max points, or ``None`` when the annotation states none.
        claimed: The claimed score; ``None`` for a max alone (``(5分)``).
    """

    start: int
    end: int
    max: Reading | None
    claimed: Reading | None


@attrs.frozen
class Heading:
    """A scored (or possibly scored) heading found in the report, before any rubric.

    Attributes:
        line: 1-based line number in the document's text.
        text: The heading as written (normalised), with a wrapped part joined.
        marker: The numbering as written, e.g. ``"(一)"``, ``"3."``, ``"(2)"``, ``"3.2"``;
            ``None`` for an unnumbered heading.
        style: The numbering style (a key of :data:`STYLE_RANK`); ``"none"`` when unnumbered.
        number: The marker's number (``(三)`` → 3, ``5.`` → 5, ``(2)`` → 2, ``3.2`` → 2).
        dotted: For a dotted marker ``3.2``, the code it spells.
        title: The title as written, without marker, annotation and closing punctuation.
        max: The max points read, or ``None`` when the heading states none.
        claimed: The claimed score read, or ``None`` when the heading states none.
        explanation: The text explaining points gained or lost, when there is some.
        column: For a heading read from a score sheet's columns, which indicator column
            (0 = the outermost) it came from; ``None`` in running text.
        origin: ``"text"`` (running text), ``"table"`` (a table read by its columns) or
            ``"sheet-text"`` (a score sheet flattened into running text).
    """

    line: int
    text: str
    marker: str | None
    style: str
    number: int | None
    dotted: str | None
    title: str
    max: Reading | None
    claimed: Reading | None
    explanation: str | None = None
    column: int | None = None
    origin: str = "text"

    @property
    def annotated(self) -> bool:
        """True when the heading carries a claimed score (known or masked)."""
        return self.claimed is not None

    @property
    def scored(self) -> bool:
        """True when the heading states a max or a claimed score."""
        return self.claimed is not None or self.max is not None

    @property
    def level(self) -> int | None:
        """The level the numbering style suggests on its own (1 = outermost); ``None``
        when unnumbered. A report's own levels are assigned by
        :func:`evalrules._claims._tree.build_tree`, by rank among the styles it uses."""
        if self.style == "none":
            return None
        return STYLE_RANK[self.style] + 1


@attrs.frozen
class StatedTotal:
    """A statement of the claimed total, e.g. ``自评总分为98.6分``.

    Attributes:
        line: 1-based line number.
        value: The total read.
        text: The statement as written.
        max: The max stated with it (``总分100分,自评得分98.6分``), if any.
        bonus: The bonus points stated within it (``其中申请加分2分``), if any.
        strong: True when its words say "total" (``自评总分``, ``总得分``, ``合计``); a weak
            statement (``自评得分98分``) may be an indicator's score in body text.
    """

    line: int
    value: Reading
    text: str
    max: Reading | None = None
    bonus: Reading | None = None
    strong: bool = True


def _is_strong(keyword: str) -> bool:
    return re.fullmatch(_STRONG, keyword) is not None


def find_annotations(line: str) -> list[Annotation]:
    """Return every score annotation on ``line``, in order, none overlapping.

    A weak claim word (``得分``) and a total word (``自评总分``) count only after a max, so a
    title such as ``体质健康指标评分情况`` or a sentence ``自评总分为98.6分`` is no annotation.
    A bracketed max alone (``(5分)``) is an annotation without a claim.
    """
    claimed: list[Annotation] = []
    for pattern in (_FORWARD, _REVERSED):
        for match in pattern.finditer(line):
            has_max = match.group("max") is not None
            keyword = match.group("kw")
            if not has_max and (not _is_strong(keyword) or _TOTAL_WORD.search(keyword)):
                continue
            claimed.append(
                Annotation(
                    start=match.start(),
                    end=_past_bracket(line, match.end()),
                    max=read_number(match.group("max")) if has_max else None,
                    claimed=read_number(match.group("claim")),
                )
            )
    # The earliest wins; at the same place the longer one (it also read the max).
    claimed.sort(key=lambda a: (a.start, -(a.end - a.start)))
    kept: list[Annotation] = []
    for annotation in claimed:
        if not kept or annotation.start >= kept[-1].end:
            kept.append(annotation)
    for match in _MAX_ONLY.finditer(line):
        if not any(match.start() < a.end and a.start < match.end() for a in kept):
            kept.append(
                Annotation(match.start(), match.end(), read_number(match.group("max")), None)
            )
    return sorted(kept, key=lambda a: a.start)


def _past_bracket(line: str, end: int) -> int:
    """Move past the bracket that closes an annotation, when there is one."""
    rest = line[end:]
    stripped = rest.lstrip()
    if stripped[:1] in (")", "]", "】"):
        return end + len(rest) - len(stripped) + 1
    return end


def find_annotation(line: str) -> Annotation | None:
    """Return the first annotation on ``line`` that states a claimed score, or ``None``."""
    for annotation in find_annotations(line):
        if annotation.claimed is not None:
            return annotation
    return None


def marker_of(text: str, *, annotated: bool) -> tuple[str, str, int, str | None, int] | None:
    """Return ``(style, marker as written, number, dotted code, length)`` for numbered text."""
    for style, pattern in _MARKERS:
        m = pattern.match(text)
        if m is None:
            continue
        if text[m.end() : m.end() + 1] == "分" or text[len(m.group(0).rstrip()) :][:1] == "分":
            return None  # "(5分,…": a score, not a numbering marker
        written = text[: m.end()].strip()
        if style in ("part", "cn-comma", "cn-paren"):
            value = chinese_number(m.group(1))
            if value is None:
                return None
            return style, written, int(value), None, m.end()
        if style == "dotted3":
            dotted = ".".join(str(int(g)) for g in m.groups())
            return style, written, int(m.group(3)), dotted, m.end()
        if style == "dotted":
            return style, written, int(m.group(2)), f"{int(m.group(1))}.{int(m.group(2))}", m.end()
        if style == "circled":
            return style, written, ord(m.group(1)) - 0x2460 + 1, None, m.end()
        return style, written, int(m.group(1)), None, m.end()
    if annotated and (m := _ARABIC_DOTLESS.match(text)):
        return "arabic", m.group(1), int(m.group(1)), None, m.end()
    return None


def clean_title(text: str) -> str:
    """Strip closing punctuation and opening brackets left between title and annotation."""
    return _TITLE_TAIL.sub("", text).strip()


# Words that make the text before an annotation a sentence about the total, not a title.
_PROSE_TITLE = re.compile(
    r"(?:^|[,,])经(?:过|自|对|核|查|统计|测算|综合)|综上|合计|总计|共计|最终|全区|我区|本区|全县|我县"
    r"|本县|全市|我市|本市|全镇|我镇|总分|总得分"
)


def _explanation_of(text: str) -> str | None:
    """Return the explanation in text that follows a heading's annotation, if any."""
    text = text.strip().lstrip("。,;:、)]】 ").strip()
    if not text:
        return None
    text = _EXPLANATION_LABEL.sub("", text)
    return text[:MAX_EXPLANATION_CHARS] or None


@attrs.define
class _Found:
    """A heading being assembled: where it is, and the rest of its segment."""

    heading: Heading
    rest: str
    span: tuple[int, int] = (0, 0)


def _segments(line: str, index: int) -> list[_Found]:
    """Return the annotated headings on one line (several when a conversion joined them)."""
    annotations = [a for a in find_annotations(line) if a.claimed is not None]
    found: list[_Found] = []
    previous_end = 0
    for position, annotation in enumerate(annotations):
        start = _heading_start(line, previous_end, annotation.start, first=position == 0)
        if start is None:
            continue
        head = line[start : annotation.start]
        marker = marker_of(head, annotated=True)
        if marker is not None and annotation.start < start + marker[4]:
            marker = None  # "(5分,自评分4.8分)" opens like a "(5)" marker: an annotation alone
        if marker is None:
            if not clean_title(head).strip("()[]【】") or _PROSE_TITLE.search(head):
                continue
            if annotation.max is None and not head.rstrip().endswith(("(", "[", "【")):
                continue  # "综合自评得分为97.5分": a sentence, not an unnumbered heading
            style, written, number, dotted, length = "none", None, None, None, 0
        else:
            style, written, number, dotted, length = marker
        title = clean_title(head[length:])
        if len(title) > MAX_TITLE_CHARS or (marker is None and _SENTENCE_END.search(title)):
            continue
        if found:
            found[-1].rest = line[previous_end:start]
        heading = Heading(
            line=index + 1,
            text=line[start : annotation.end].strip(),
            marker=written,
            style=style,
            number=number,
            dotted=dotted,
            title=title,
            max=annotation.max,
            claimed=annotation.claimed,
        )
        found.append(_Found(heading, "", (start, annotation.end)))
        previous_end = annotation.end
    if found:
        found[-1].rest = line[previous_end:]
    return found


def _heading_start(line: str, lower: int, upper: int, *, first: bool) -> int | None:
    """Return where the heading whose annotation starts at ``upper`` begins.

    The first heading of a line begins at the line's start. A later one begins at the earliest
    boundary after the previous annotation where a numbering marker opens a title that runs,
    without a sentence ending, up to the annotation.
    """
    if first:
        return lower
    for match in _BOUNDARY.finditer(line, lower, upper):
        start = match.start()
        marker = marker_of(line[start:upper], annotated=True)
        if marker is None:
            continue
        title = clean_title(line[start + marker[4] : upper])
        if title and len(title) <= MAX_TITLE_CHARS and not _SENTENCE_END.search(title):
            return start
    return None


#: A line at least this long was probably wrapped by a conversion (a page is ~35 characters
#: wide); a shorter numbered line followed by an unnumbered heading is two headings.
_WRAPPED_LINE = 20
#: A continuation this short ends a title ("工作成效。(1分,…)") rather than being one.
_SHORT_TAIL = 6


def _continuation(lines: Sequence[str], index: int) -> tuple[int, str, Annotation] | None:
    """Return the line that completes a numbered heading cut by a wrap or a page break.

    The next non-blank line either is the annotation alone (``(5分,自评分4.8分)``), or ends
    the title and carries the annotation (``工作成效。(1分,自评分1分)``).
    """
    for next_index in range(index + 1, min(index + 4, len(lines))):
        following = lines[next_index]
        if not following:
            continue
        annotation = find_annotation(following)
        if annotation is None or marker_of(following, annotated=True) is not None:
            return None
        head = clean_title(following[: annotation.start])
        if _SENTENCE_END.search(head) or len(head) > MAX_TITLE_CHARS:
            return None
        if len(head) > _SHORT_TAIL and len(lines[index]) < _WRAPPED_LINE:
            return None  # two headings, not one wrapped: the first line is short
        return next_index, following, annotation
    return None


def _unannotated(line: str, index: int) -> Heading | None:
    """Return a numbered line without a claim (it may be a heading whose score is missing)."""
    marker = marker_of(line, annotated=False)
    if marker is None:
        return None
    style, written, number, dotted, length = marker
    annotations = find_annotations(line)
    if any(a.claimed is not None for a in annotations):
        return None  # its annotation was no heading's (prose mentioning a score)
    maximum = annotations[0] if annotations and annotations[0].claimed is None else None
    if maximum is not None:
        title = clean_title(line[length : maximum.start])
    else:
        title = clean_title(_SENTENCE_END.split(line[length:])[0])
    if not title or len(title) > MAX_TITLE_CHARS:
        return None
    return Heading(
        line=index + 1,
        text=line,
        marker=written,
        style=style,
        number=number,
        dotted=dotted,
        title=title,
        max=maximum.max if maximum is not None else None,
        claimed=None,
    )


def find_headings(lines: Sequence[str], *, skip: Iterable[int] = ()) -> tuple[Heading, ...]:
    """Return the headings of normalised lines, in document order.

    Annotated headings come with their explanation; numbered lines without a claim are
    returned too (a mapper may recognise one as a heading whose score is missing). Lines whose
    0-based index is in ``skip`` (a score sheet read elsewhere) are left out.
    """
    if isinstance(lines, str):
        lines = lines.split("\n")
    skipped = set(skip)
    found: list[_Found] = []
    joined: set[int] = set()
    for index, line in enumerate(lines):
        if index in skipped or index in joined or not line:
            continue
        segments = _segments(line, index)
        if segments:
            found.extend(segments)
            continue
        heading = _unannotated(line, index)
        if heading is None:
            continue
        if (wrapped := _continuation(lines, index)) is not None:
            next_index, following, annotation = wrapped
            if next_index not in skipped:
                joined.add(next_index)
                head = clean_title(following[: annotation.start])
                title = clean_title(heading.title + head) if head else heading.title
                if len(title) <= MAX_TITLE_CHARS:
                    text = f"{line}{following[: annotation.end]}"
                    heading = attrs.evolve(
                        heading,
                        text=text,
                        title=title,
                        max=annotation.max,
                        claimed=annotation.claimed,
                    )
                    found.append(_Found(heading, following[annotation.end :]))
                    continue
        found.append(_Found(heading, ""))
    return tuple(_with_explanations(found, lines, skipped))


def _body_ends(line: str) -> bool:
    """True for a line that closes a heading's body: a section heading (``三、存在问题``)."""
    marker = marker_of(line, annotated=False)
    return marker is not None and marker[0] in ("part", "cn-comma")


def _with_explanations(
    found: list[_Found], lines: Sequence[str], skipped: set[int]
) -> list[Heading]:
    """Attach to each annotated heading the text that explains its points."""
    out: list[Heading] = []
    annotated_lines = sorted({f.heading.line for f in found})
    for item in found:
        heading = item.heading
        if not heading.annotated:
            out.append(heading)
            continue
        explanation = _explanation_of(item.rest)
        if explanation is None:
            explanation = _body_explanation(heading.line, annotated_lines, lines, skipped)
        out.append(attrs.evolve(heading, explanation=explanation))
    return out


def _body_explanation(
    line: int, heading_lines: Sequence[int], lines: Sequence[str], skipped: set[int]
) -> str | None:
    """Return the body sentences under the heading on ``line`` that explain its points."""
    following = bisect.bisect_right(heading_lines, line)
    end = min(
        heading_lines[following] - 1 if following < len(heading_lines) else len(lines), line + 40
    )
    parts: list[str] = []
    for index in range(line, end):
        text = lines[index]
        if index in skipped or not text:
            continue
        if _body_ends(text):
            break
        if labelled := _EXPLANATION_LABEL.match(text):
            parts.append(text[labelled.end() :])
            continue
        parts.extend(s.strip() for s in _SENTENCE.findall(text) if _EXPLAINS.search(s))
    text = "".join(parts).strip()
    return text[:MAX_EXPLANATION_CHARS] or None


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    """True when ``position`` lies inside one of the ``(start, end)`` spans."""
    return any(start <= position < end for start, end in spans)


def find_totals(lines: Sequence[str] | str) -> tuple[StatedTotal, ...]:
    """Return every statement of the claimed total, in document order.

    A statement inside a heading's annotation (``(63分,自评总分61.6分)``) is no total.
    """
    if isinstance(lines, str):
        lines = lines.split("\n")
    totals: list[StatedTotal] = []
    for index, line in enumerate(lines):
        if not line or ("分" not in line and "计" not in line):
            continue
        spans = [found.span for found in _segments(line, index)]
        for match in _TOTAL.finditer(line):
            if _inside(match.start("kw"), spans):
                continue
            keyword = match.group("kw")
            text = match.group(0)
            if text.count("(") > text.count(")"):
                text = line[match.start() : _past_bracket(line, match.end())]
            totals.append(
                StatedTotal(
                    line=index + 1,
                    value=read_number(match.group("total")),
                    text=text,
                    max=read_number(match.group("max")) if match.group("max") else None,
                    bonus=read_number(match.group("bonus")) if match.group("bonus") else None,
                    strong=bool(re.search("总|合计|最终", keyword)),
                )
            )
    return tuple(totals)
