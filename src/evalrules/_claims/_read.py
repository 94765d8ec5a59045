"""Mapping report headings onto a rubric's codes, and checking what was read.

Two witnesses decide which code a heading belongs to:

* **numbering**: ``(一)``/``(二)`` are the first and second first-level indicators; ``5.`` is
  indicator ``5`` (or, when numbering restarts under a first-level indicator, its fifth
  child); ``(2)`` under indicator ``3`` is ``3.2`` (or that indicator's second child);
  ``3.2`` spells the code;
* **title**: :class:`difflib.SequenceMatcher` ratio between the heading's title and each
  rubric title at the heading's level, both reduced to letters, digits and characters.

Confidence: 1.0 when both name the same code; ``0.9`` when the title is close to the
numbered code though another title is a little closer; ``0.9 × ratio`` when only the title
decides (no usable number); ``0.5`` when only the number decides (the title matches
nothing); ``0.6 × ratio`` when a strong title overrides a disagreeing number; ``0.4`` when
the number is kept against a weak disagreeing title. Every disagreement is reported as a
``numbering-conflict`` problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from evalrules._claims._normalise import normalise_report
from evalrules._claims._parse import Heading, Reading, StatedTotal, find_headings, find_totals
from evalrules._claims._report import Claim, ClaimProblem, ClaimsReport, UnmappedHeading
from evalrules._points import plain
from evalrules._rubric._model import Indicator, Rubric
from evalrules._text import Text

__all__ = ["read_claims"]

#: A title at least this similar to a rubric title can map a heading.
TITLE_MIN = 0.6
#: A title at least this similar can override the numbering, and makes an unannotated
#: numbered line a heading (below it, the line is prose such as a list of problems).
TITLE_STRONG = 0.75
#: How much closer the title must be to another code than to the numbered one to override.
TITLE_MARGIN = 0.15
#: Two codes whose titles match within this are indistinguishable by title alone.
TITLE_TIE = 0.05

AGREE = 1.0
NUMBER_WITH_CLOSE_TITLE = 0.9
TITLE_ONLY_FACTOR = 0.9
NUMBER_ONLY = 0.5
TITLE_OVER_NUMBER_FACTOR = 0.6
NUMBER_OVER_TITLE = 0.4

_NOT_WORD = re.compile(r"[\W_]+")

# Message templates, kept apart from the problem kinds (see the house style).
_MESSAGES: dict[str, Text] = {
    "numbering-conflict": Text(
        "第{line}行“{title}”按编号是 {by_number},按标题是 {by_title},采用 {chosen}",
        "line {line}: “{title}” is {by_number} by its numbering but {by_title} by its title; "
        "read as {chosen}",
    ),
    "duplicate": Text(
        "{code} 出现两次:采用第{kept_line}行({expected} 分),舍弃第{line}行({found} 分)",
        "{code} appears twice: kept line {kept_line} ({expected}), dropped line {line} ({found})",
    ),
    "missing": Text(
        "报告中没有 {code}“{title}”(满分 {max} 分)的自评分",
        "no claimed score for {code} “{title}” (max {max}) in the report",
    ),
    "missing-total": Text(
        "报告中没有自评总分",
        "the report states no claimed total",
    ),
    "unstated": Text(
        "第{line}行是 {code} 的标题,但没有写自评分",
        "line {line} is the heading of {code} but states no claimed score",
    ),
    "masked": Text(
        "第{line}行 {code} 的{what_zh}被遮盖(“{text}”),按未知处理,不按 0 分",
        "line {line}: the {what_en} of {code} is masked (“{text}”); read as unknown, not 0",
    ),
    "max-mismatch": Text(
        "第{line}行 {code} 的分值写作 {found} 分,评价方案为 {expected} 分",
        "line {line}: the max of {code} is written as {found}, the rubric says {expected}",
    ),
    "above-max": Text(
        "{code} 自评 {found} 分,超过满分 {expected} 分",
        "{code} claims {found}, above its max of {expected}",
    ),
    "sum-mismatch": Text(
        "{code} 自评 {found} 分,下级指标自评分合计 {expected} 分({parts})",
        "{code} claims {found} but its children's claims add up to {expected} ({parts})",
    ),
    "total-conflict": Text(
        "报告给出两个自评总分:第{kept_line}行 {expected} 分,第{line}行 {found} 分",
        "the report states two totals: {expected} on line {kept_line}, {found} on line {line}",
    ),
    "total-mismatch": Text(
        "自评总分 {found} 分,一级指标自评分合计 {expected} 分({parts})",
        "the claimed total is {found} but the first-level claims add up to {expected} ({parts})",
    ),
}


def _problem(
    kind: str,
    code: str,
    *,
    template: str | None = None,
    expected: Decimal | str | None = None,
    found: Decimal | str | None = None,
    line: int | None = None,
    **fields: object,
) -> ClaimProblem:
    """Build a problem, rendering both messages from the templates of ``template or kind``."""
    message = _MESSAGES[template or kind]
    values = {
        "code": code,
        "line": line,
        "expected": _show(expected),
        "found": _show(found),
        **fields,
    }
    return ClaimProblem(
        code=code,
        kind=kind,
        message_zh=message.zh.format(**values),
        message_en=message.en.format(**values),
        expected=expected,
        found=found,
        line=line,
    )


def _show(value: Decimal | str | None) -> str:
    """Write a value for a message: numbers without trailing zeros."""
    if isinstance(value, Decimal):
        return plain(value)
    return "" if value is None else value


def _comparable(title: str) -> str:
    """Reduce a title to the characters that carry meaning (no punctuation or blanks)."""
    return _NOT_WORD.sub("", title)


def _similarity(a: str, b: str) -> float:
    """Return the difflib ratio of two comparable titles."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@attrs.frozen
class _Node:
    """A rubric indicator, indexed for mapping."""

    indicator: Indicator
    depth: int
    parent: str | None
    key: str  # the title reduced by _comparable


class _Index:
    """The rubric's indicator tree by code, with depths and parents."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.nodes: dict[str, _Node] = {}
        for top in rubric.indicators:
            self._add(top, 1, None)

    def _add(self, indicator: Indicator, depth: int, parent: str | None) -> None:
        """Index ``indicator`` and its descendants, in document order."""
        key = _comparable(indicator.title.zh)
        self.nodes[indicator.code] = _Node(indicator, depth, parent, key)
        for child in indicator.children:
            self._add(child, depth + 1, indicator.code)

    def child(self, parent: str | None, number: int, *, depth: int) -> str | None:
        """Return the code numbered ``number`` under ``parent``.

        The code itself is tried first (``5`` under ``A``; ``3.2`` under ``3``); when the
        numbering restarts it is the ``number``-th child. Without a parent, a code of the
        right depth spelled ``number`` is taken.
        """
        if parent is None:
            code = str(number)
            node = self.nodes.get(code)
            return code if node is not None and node.depth == depth else None
        children = self.nodes[parent].indicator.children
        for spelled in (str(number), f"{parent}.{number}"):
            if any(c.code == spelled for c in children):
                return spelled
        if 1 <= number <= len(children):
            return children[number - 1].code
        return None

    def by_title(self, title: str, depth: int | None) -> list[tuple[float, str]]:
        """Return ``(ratio, code)`` for every node, best first (ties in rubric order)."""
        key = _comparable(title)
        nodes = [
            (code, node)
            for code, node in self.nodes.items()
            if depth is None or node.depth == depth
        ]
        if depth is not None and not any(_similarity(key, n.key) >= TITLE_MIN for _, n in nodes):
            nodes = list(self.nodes.items())
        scored = [(_similarity(key, node.key), code) for code, node in nodes]
        order = {code: i for i, code in enumerate(self.nodes)}
        return sorted(scored, key=lambda rc: (-rc[0], order[rc[1]]))

    def ratio(self, title: str, code: str) -> float:
        """Return how similar ``title`` is to the title of ``code``."""
        return _similarity(_comparable(title), self.nodes[code].key)


@attrs.frozen
class _Mapping:
    """Where a heading was mapped, how surely, and whether its witnesses disagreed."""

    code: str | None
    confidence: float
    by_number: str | None
    by_title: str | None
    reason: str = ""

    @property
    def conflict(self) -> bool:
        """True when numbering and title both named a code and the codes differ."""
        return (
            self.code is not None
            and self.by_number is not None
            and self.by_title is not None
            and self.by_number != self.by_title
        )


class _Mapper:
    """Maps headings in document order, carrying the numbering context between them."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self.first: str | None = None
        self.second: str | None = None

    def number_code(self, heading: Heading) -> str | None:
        """Return the code the heading's numbering points at, in the current context."""
        if heading.dotted is not None:
            return heading.dotted if heading.dotted in self.index.nodes else None
        if heading.level is None or heading.number is None:
            return None
        if heading.level == 1:
            tops = self.index.rubric.indicators
            return tops[heading.number - 1].code if heading.number <= len(tops) else None
        if heading.level == 2:
            return self.index.child(self.first, heading.number, depth=2) or self.index.child(
                None, heading.number, depth=2
            )
        if self.second is None:
            return None
        return self.index.child(self.second, heading.number, depth=3)

    def depth(self, heading: Heading) -> int | None:
        """Return the rubric depth the heading's marker suggests."""
        return 3 if heading.dotted is not None else heading.level

    def map(self, heading: Heading) -> _Mapping | None:
        """Map one heading; ``None`` when an unannotated line is prose, not a heading."""
        ranked = self.index.by_title(heading.title, self.depth(heading))
        best_ratio, best = ranked[0] if ranked else (0.0, "")
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if not heading.annotated and best_ratio < TITLE_STRONG:
            return None
        by_title = best if best_ratio >= TITLE_MIN else None
        by_number = self.number_code(heading)
        mapping = self._decide(heading, by_number, by_title, best_ratio, runner_up)
        self._follow(heading, mapping.code)
        return mapping

    def _decide(
        self,
        heading: Heading,
        by_number: str | None,
        by_title: str | None,
        best_ratio: float,
        runner_up: float,
    ) -> _Mapping:
        """Weigh the two witnesses (see the module docs for the confidence levels)."""
        if by_number is None and by_title is None:
            return _Mapping(None, 0.0, None, None, "no-match")
        if by_number is None:
            assert by_title is not None
            if best_ratio - runner_up < TITLE_TIE:
                return _Mapping(None, 0.0, None, by_title, "ambiguous")
            return _Mapping(by_title, TITLE_ONLY_FACTOR * best_ratio, None, by_title)
        if by_title is None:
            return _Mapping(by_number, NUMBER_ONLY, by_number, None)
        if by_title == by_number:
            return _Mapping(by_number, AGREE, by_number, by_title)
        number_ratio = self.index.ratio(heading.title, by_number)
        if best_ratio - number_ratio < TITLE_MARGIN:
            if number_ratio >= TITLE_MIN:
                # The title fits the numbered code too: no real disagreement.
                return _Mapping(by_number, NUMBER_WITH_CLOSE_TITLE, by_number, by_number)
            return _Mapping(by_number, NUMBER_OVER_TITLE, by_number, by_title)
        if best_ratio >= TITLE_STRONG:
            return _Mapping(by_title, TITLE_OVER_NUMBER_FACTOR * best_ratio, by_number, by_title)
        return _Mapping(by_number, NUMBER_OVER_TITLE, by_number, by_title)

    def _follow(self, heading: Heading, code: str | None) -> None:
        """Update the numbering context after a heading mapped onto ``code``."""
        if code is None:
            if heading.level == 1:
                self.first, self.second = None, None
            elif heading.level == 2:
                self.second = None
            return
        node = self.index.nodes[code]
        if node.depth == 1:
            self.first, self.second = code, None
        elif node.depth == 2:
            self.first, self.second = node.parent, code
        else:
            self.second = node.parent
            parent = self.index.nodes.get(node.parent or "")
            self.first = parent.parent if parent is not None else self.first


def _value(reading: Reading | None) -> Decimal | None:
    """Return the exact value of a reading, ``None`` when absent or masked."""
    return reading.value if reading is not None else None


def _claim(heading: Heading, code: str, confidence: float) -> Claim:
    """Build the claim a mapped heading makes."""
    return Claim(
        code=code,
        title=heading.title,
        max=_value(heading.max),
        claimed=_value(heading.claimed),
        line=heading.line,
        confidence=round(confidence, 3),
        heading=heading.text,
    )


def _unmapped(heading: Heading, reason: str) -> UnmappedHeading:
    """Record an annotated heading that maps onto no code."""
    return UnmappedHeading(
        line=heading.line,
        heading=heading.text,
        title=heading.title,
        max=_value(heading.max),
        claimed=_value(heading.claimed),
        reason=reason,
    )


def _map_headings(
    index: _Index, headings: Sequence[Heading]
) -> tuple[dict[str, tuple[Claim, Heading]], list[UnmappedHeading], list[ClaimProblem]]:
    """Map every heading; return claims by code, unmapped headings and mapping problems."""
    mapper = _Mapper(index)
    claims: dict[str, tuple[Claim, Heading]] = {}
    unmapped: list[UnmappedHeading] = []
    problems: list[ClaimProblem] = []
    for heading in headings:
        mapping = mapper.map(heading)
        if mapping is None:
            continue
        if mapping.code is None:
            if heading.annotated:
                unmapped.append(_unmapped(heading, mapping.reason))
            continue
        if mapping.conflict:
            problems.append(
                _problem(
                    "numbering-conflict",
                    mapping.code,
                    expected=mapping.by_title,
                    found=mapping.by_number,
                    line=heading.line,
                    title=heading.title,
                    by_number=mapping.by_number,
                    by_title=mapping.by_title,
                    chosen=mapping.code,
                )
            )
        claim = _claim(heading, mapping.code, mapping.confidence)
        previous = claims.get(mapping.code)
        if previous is None or (heading.annotated and not previous[1].annotated):
            claims[mapping.code] = (claim, heading)
            continue
        if not heading.annotated:
            continue  # a later mention of a title already claimed: prose, not a heading
        kept, dropped = previous, (claim, heading)
        if claim.confidence > previous[0].confidence:
            kept, dropped = dropped, kept
        claims[mapping.code] = kept
        unmapped.append(_unmapped(dropped[1], "duplicate"))
        problems.append(
            _problem(
                "duplicate",
                mapping.code,
                expected=kept[0].claimed,
                found=dropped[0].claimed,
                line=dropped[0].line,
                kept_line=kept[0].line,
            )
        )
    unmapped.sort(key=lambda u: u.line)
    return claims, unmapped, problems


def _parts(values: Iterable[Decimal]) -> str:
    """Write the addends of a sum: ``5+8+14``."""
    return "+".join(plain(v) for v in values)


def _check_claim(node: _Node, entry: tuple[Claim, Heading] | None) -> list[ClaimProblem]:
    """Check one code's claim: present, readable, max as in the rubric, within the max."""
    indicator = node.indicator
    code = indicator.code
    if entry is None:
        return [_problem("missing", code, title=indicator.title.zh, max=plain(indicator.max))]
    claim, heading = entry
    problems: list[ClaimProblem] = []
    if not heading.annotated:
        problems.append(_problem("unstated", code, line=claim.line))
    for reading, what_zh, what_en in (
        (heading.max, "分值", "max"),
        (heading.claimed, "自评分", "claimed score"),
    ):
        if reading is not None and reading.masked:
            problems.append(
                _problem(
                    "masked",
                    code,
                    line=claim.line,
                    text=reading.text,
                    what_zh=what_zh,
                    what_en=what_en,
                )
            )
    if claim.max is not None and claim.max != indicator.max:
        problems.append(
            _problem("max-mismatch", code, expected=indicator.max, found=claim.max, line=claim.line)
        )
    if claim.claimed is not None and claim.claimed > indicator.max:
        problems.append(
            _problem(
                "above-max", code, expected=indicator.max, found=claim.claimed, line=claim.line
            )
        )
    return problems


def _check_sum(
    indicator: Indicator, claims: dict[str, tuple[Claim, Heading]]
) -> list[ClaimProblem]:
    """Check that a parent's claim is the sum of its children's, when all are known."""
    entry = claims.get(indicator.code)
    if not indicator.children or entry is None or entry[0].claimed is None:
        return []
    parts: list[Decimal] = []
    for child in indicator.children:
        child_entry = claims.get(child.code)
        value = child_entry[0].claimed if child_entry is not None else None
        if value is None:
            return []  # reported as missing or masked already; the sum cannot be checked
        parts.append(value)
    total = sum(parts, Decimal(0))
    if total == entry[0].claimed:
        return []
    return [
        _problem(
            "sum-mismatch",
            indicator.code,
            expected=total,
            found=entry[0].claimed,
            line=entry[0].line,
            parts=_parts(parts),
        )
    ]


def _check_total(
    index: _Index, totals: Sequence[StatedTotal], claims: dict[str, tuple[Claim, Heading]]
) -> list[ClaimProblem]:
    """Check the stated total: present, readable, single, within the max, the parts' sum."""
    if not totals:
        return [_problem("missing", "total", template="missing-total")]
    first = totals[0]
    problems: list[ClaimProblem] = []
    if first.value.masked:
        problems.append(
            _problem(
                "masked",
                "total",
                line=first.line,
                text=first.value.text,
                what_zh="自评总分",
                what_en="claimed total",
            )
        )
    seen = {first.value.value}
    for other in totals[1:]:
        if other.value.value not in seen:
            seen.add(other.value.value)
            problems.append(
                _problem(
                    "total-conflict",
                    "total",
                    expected=first.value.value,
                    found=other.value.value,
                    line=other.line,
                    kept_line=first.line,
                )
            )
    total = first.value.value
    if total is None:
        return problems
    rubric_max = index.rubric.max
    if total > rubric_max:
        problems.append(
            _problem("above-max", "total", expected=rubric_max, found=total, line=first.line)
        )
    parts: list[Decimal] = []
    for top in index.rubric.indicators:
        entry = claims.get(top.code)
        if entry is None or entry[0].claimed is None:
            return problems
        parts.append(entry[0].claimed)
    expected = sum(parts, Decimal(0))
    if expected != total:
        problems.append(
            _problem(
                "total-mismatch",
                "total",
                expected=expected,
                found=total,
                line=first.line,
                parts=_parts(parts),
            )
        )
    return problems


def read_claims(text: str, rubric: Rubric) -> ClaimsReport:
    """Read the claimed scores out of a self-assessment report and check them.

    The text is normalised first (:func:`~evalrules._claims.normalise_report`), so it may
    be traditional, pinyin-annotated or full-width. Headings are mapped onto ``rubric``'s
    indicator codes by numbering and by title; the claims are then checked: every code
    claimed, maxes as in the rubric, no claim above its max, children adding up to their
    parent, first-level claims adding up to the stated total. Problems are results, not
    exceptions: this function raises only for a broken argument.

    Args:
        text: The report text (any of the forms :func:`normalise_report` accepts).
        rubric: The rubric whose codes the claims are mapped onto.

    Returns:
        The claims in rubric order, the total, unmapped headings and every problem found.
    """
    normalised = normalise_report(text)
    index = _Index(rubric)
    claims, unmapped, problems = _map_headings(index, find_headings(normalised))
    for code, node in index.nodes.items():
        problems.extend(_check_claim(node, claims.get(code)))
        problems.extend(_check_sum(node.indicator, claims))
    totals = find_totals(normalised)
    problems.extend(_check_total(index, totals, claims))
    stated = totals[0] if totals else None
    return ClaimsReport(
        rubric=rubric.ref,
        claims=tuple(claims[code][0] for code in index.nodes if code in claims),
        total=stated.value.value if stated is not None else None,
        total_line=stated.line if stated is not None else None,
        unmapped=tuple(unmapped),
        problems=tuple(problems),
    )
