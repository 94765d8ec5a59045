"""Mapping a report's headings onto a rubric's codes, and checking what was read.

The report is first read on its own (:func:`~evalrules._claims.read_report`): a tree of
scored headings with the report's own levels. Each report level is then matched to a rubric
depth by the titles that match strongly (a report that scores only indicators and items has
its level 1 at depth 2). Two witnesses then decide which code a heading belongs to:

* **numbering**: ``(一)``/``(二)`` are the first and second first-level indicators; ``5.`` is
  indicator ``5``; ``(2)`` under indicator ``9`` is ``9.2``; ``3.2`` spells the code. When the
  numbering restarts under a parent whose codes are numbered otherwise (``1.``–``5.`` under
  ``B`` for codes 8–12, or items coded ``1a``, ``1b``) the ``n``-th child is taken, by
  position. A number that falls in a gap of the codes (``(2)`` under ``9`` when the rubric has
  ``9.1`` and ``9.3``) points at nothing: the item was dropped, and taking the next one by
  position would put the score on the wrong item;
* **title**: :class:`difflib.SequenceMatcher` ratio between the heading's title and each
  rubric title at the heading's depth, both reduced to letters, digits and characters.

Confidence: 1.0 when both name the same code; ``0.9`` when the title is close to the
numbered code though another title is a little closer; ``0.9 × ratio`` when only the title
decides (no usable number); ``0.5`` when only the number decides (the title matches
nothing); ``0.6 × ratio`` when a strong title overrides a disagreeing number; ``0.4`` when
the number is kept against a weak disagreeing title. Nothing uncertain is silent: a
disagreement is a ``numbering-conflict`` problem, a mapping by numbering alone a
``by-number-only`` problem, a mapping by a weak title alone a ``weak-title`` problem, two
headings on one code a ``duplicate``; headings mapped nowhere are listed as unmapped.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from evalrules._claims._document import ReportDocument
from evalrules._claims._messages import problem as _problem
from evalrules._claims._parse import Heading
from evalrules._claims._report import (
    Claim,
    ClaimProblem,
    ClaimsReport,
    ReportReading,
    UnmappedHeading,
)
from evalrules._claims._tree import read_report
from evalrules._points import plain
from evalrules._rubric._model import Indicator, Rubric

__all__ = ["map_report", "read_claims"]

#: A title at least this similar to a rubric title can map a heading.
TITLE_MIN = 0.6
#: A title at least this similar can override the numbering, and makes an unscored
#: numbered line a heading (below it, the line is prose such as a list of problems). A
#: heading mapped by its title alone with a ratio below this is a ``weak-title`` problem.
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
_LOCAL_NUMBER = re.compile(r"(?:.*\.)?(\d+)")


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
    aliases: tuple[str, ...] = ()  # other wordings of the title, reduced likewise

    def similarity(self, key: str) -> float:
        """How similar a reduced title is to this node's title or one of its aliases."""
        return max(_similarity(key, k) for k in (self.key, *self.aliases))


class _Index:
    """The rubric's indicator tree by code, with depths and parents."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.nodes: dict[str, _Node] = {}
        for top in rubric.indicators:
            self._add(top, 1, None)
        self.order = {code: i for i, code in enumerate(self.nodes)}

    def _add(self, indicator: Indicator, depth: int, parent: str | None) -> None:
        """Index ``indicator`` and its descendants, in document order."""
        key = _comparable(indicator.title.zh)
        aliases = tuple(_comparable(a) for a in indicator.title_aliases)
        self.nodes[indicator.code] = _Node(indicator, depth, parent, key, aliases)
        for child in indicator.children:
            self._add(child, depth + 1, indicator.code)

    def child(self, parent: str | None, number: int, *, depth: int) -> str | None:
        """Return the code numbered ``number`` under ``parent``.

        The code itself is tried first (``5`` under ``A``; ``3.2`` under ``3``). When the
        numbering restarts (the children are numbered beyond ``number``, or not numbered
        at all) it is the ``number``-th child. A number inside the children's numbering
        that no child has is a gap (a dropped item): nothing. Without a parent, a code of
        the right depth spelled ``number`` is taken.
        """
        if parent is None:
            code = str(number)
            node = self.nodes.get(code)
            return code if node is not None and node.depth == depth else None
        children = self.nodes[parent].indicator.children
        for spelled in (str(number), f"{parent}.{number}"):
            if any(c.code == spelled for c in children):
                return spelled
        local = [_LOCAL_NUMBER.fullmatch(c.code) for c in children]
        if local and all(m is not None for m in local):
            numbers = [int(m.group(1)) for m in local if m is not None]
            if number >= min(numbers):
                return None  # a gap in the codes, or beyond them
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
        if depth is not None and not any(n.similarity(key) >= TITLE_MIN for _, n in nodes):
            nodes = list(self.nodes.items())
        scored = [(node.similarity(key), code) for code, node in nodes]
        return sorted(scored, key=lambda rc: (-rc[0], self.order[rc[1]]))

    def ratio(self, title: str, code: str) -> float:
        """Return how similar ``title`` is to the title of ``code``."""
        return self.nodes[code].similarity(_comparable(title))


@attrs.frozen
class _Mapping:
    """Where a heading was mapped, how surely, and whether its witnesses disagreed."""

    code: str | None
    confidence: float
    by_number: str | None
    by_title: str | None
    reason: str = ""
    ratio: float = 0.0

    @property
    def conflict(self) -> bool:
        """True when numbering and title both named a code and the codes differ."""
        return (
            self.code is not None
            and self.by_number is not None
            and self.by_title is not None
            and self.by_number != self.by_title
        )


@attrs.frozen
class _Item:
    """A heading to map: scored (with its index in the reading) or an unscored candidate."""

    heading: Heading
    level: int | None
    index: int | None  # into ReportReading.headings; None for a candidate


def _depths(index: _Index, items: Sequence[_Item]) -> dict[int, int]:
    """Match each report level to the rubric depth its strongly matching titles have."""
    votes: dict[int, Counter[int]] = {}
    for item in items:
        if item.index is None or item.level is None:
            continue
        ratio, code = index.by_title(item.heading.title, None)[0]
        if ratio >= TITLE_STRONG:
            votes.setdefault(item.level, Counter())[index.nodes[code].depth] += 1
    depths = {level: counter.most_common(1)[0][0] for level, counter in votes.items()}
    offsets = Counter(d - level for level, d in depths.items())
    offset = offsets.most_common(1)[0][0] if offsets else 0
    for item in items:
        if item.level is not None and item.level not in depths:
            depths[item.level] = item.level + offset
    return depths


class _Mapper:
    """Maps headings in document order, carrying the numbering context between them."""

    def __init__(self, index: _Index, depths: dict[int, int]) -> None:
        self.index = index
        self.depths = depths
        self.context: dict[int, str] = {}  # depth -> code of the latest heading there

    def depth(self, item: _Item) -> int | None:
        """Return the rubric depth the heading sits at."""
        heading = item.heading
        if heading.dotted is not None and heading.dotted in self.index.nodes:
            return self.index.nodes[heading.dotted].depth
        if item.level is None or (heading.style == "none" and heading.column is None):
            return None  # an unnumbered heading's level is a guess: its title decides
        return self.depths.get(item.level, item.level)

    def number_code(self, item: _Item, depth: int | None) -> str | None:
        """Return the code the heading's numbering points at, in the current context."""
        heading = item.heading
        if heading.dotted is not None:
            return heading.dotted if heading.dotted in self.index.nodes else None
        if depth is None or heading.number is None or heading.style == "none":
            return None
        if depth == 1:
            tops = self.index.rubric.indicators
            spelled = str(heading.number)
            if any(t.code == spelled for t in tops):
                return spelled
            return tops[heading.number - 1].code if 1 <= heading.number <= len(tops) else None
        parent = self.context.get(depth - 1)
        found = self.index.child(parent, heading.number, depth=depth)
        if found is None and parent is not None:
            node = self.index.nodes.get(str(heading.number))
            if node is not None and node.depth == depth and node.parent != parent:
                return None
        return found

    def map(self, item: _Item) -> _Mapping | None:
        """Map one heading; ``None`` when an unscored line is prose, not a heading."""
        heading = item.heading
        depth = self.depth(item)
        ranked = self.index.by_title(heading.title, depth)
        best_ratio, best = ranked[0] if ranked else (0.0, "")
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if not heading.scored and best_ratio < TITLE_STRONG:
            return None
        by_title = best if best_ratio >= TITLE_MIN else None
        by_number = self.number_code(item, depth)
        mapping = self._decide(heading, by_number, by_title, best_ratio, runner_up)
        self._follow(mapping.code)
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
            return _Mapping(
                by_title, TITLE_ONLY_FACTOR * best_ratio, None, by_title, "", best_ratio
            )
        if by_title is None:
            ratio = self.index.ratio(heading.title, by_number)
            return _Mapping(by_number, NUMBER_ONLY, by_number, None, "", ratio)
        if by_title == by_number:
            return _Mapping(by_number, AGREE, by_number, by_title, "", best_ratio)
        number_ratio = self.index.ratio(heading.title, by_number)
        if best_ratio - number_ratio < TITLE_MARGIN:
            if number_ratio >= TITLE_MIN:
                # The title fits the numbered code too: no real disagreement.
                return _Mapping(
                    by_number, NUMBER_WITH_CLOSE_TITLE, by_number, by_number, "", number_ratio
                )
            return _Mapping(by_number, NUMBER_OVER_TITLE, by_number, by_title, "", number_ratio)
        if best_ratio >= TITLE_STRONG:
            return _Mapping(
                by_title, TITLE_OVER_NUMBER_FACTOR * best_ratio, by_number, by_title, "", best_ratio
            )
        return _Mapping(by_number, NUMBER_OVER_TITLE, by_number, by_title, "", number_ratio)

    def _follow(self, code: str | None) -> None:
        """Update the numbering context after a heading mapped onto ``code``."""
        if code is None:
            return
        node = self.index.nodes[code]
        self.context = {d: c for d, c in self.context.items() if d < node.depth}
        self.context[node.depth] = code
        parent = node.parent
        while parent is not None:
            up = self.index.nodes[parent]
            self.context[up.depth] = parent
            parent = up.parent


def _value(reading: object) -> Decimal | None:
    """Return the exact value of a reading, ``None`` when absent or masked."""
    value = getattr(reading, "value", None)
    return value if isinstance(value, Decimal) else None


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
    """Record a scored heading that maps onto no code."""
    return UnmappedHeading(
        line=heading.line,
        heading=heading.text,
        title=heading.title,
        max=_value(heading.max),
        claimed=_value(heading.claimed),
        reason=reason,
        number=heading.marker,
    )


@attrs.define
class _Result:
    """What mapping gave: claims by code, the mapping of each scored heading, problems."""

    claims: dict[str, tuple[Claim, Heading]] = attrs.Factory(dict)
    unmapped: list[UnmappedHeading] = attrs.Factory(list)
    problems: list[ClaimProblem] = attrs.Factory(list)
    mapping: dict[int, tuple[str | None, float | None]] = attrs.Factory(dict)
    owner: dict[str, int | None] = attrs.Factory(dict)


def _doubt(index: _Index, heading: Heading, mapping: _Mapping) -> ClaimProblem | None:
    """Return the problem a mapping that neither witness confirms is, if it is one."""
    assert mapping.code is not None
    node = index.nodes[mapping.code]
    fields: dict[str, Any] = {
        "line": heading.line,
        "number": heading.marker,
        "title": heading.title,
        "rubric_title": node.indicator.title.zh,
    }
    if mapping.by_title is None and mapping.by_number is not None:
        return _problem("by-number-only", mapping.code, found=mapping.code, **fields)
    if mapping.by_number is None and mapping.ratio < TITLE_STRONG:
        return _problem(
            "weak-title", mapping.code, found=mapping.code, ratio=f"{mapping.ratio:.2f}", **fields
        )
    return None


def _map_headings(index: _Index, items: Sequence[_Item]) -> _Result:
    """Map every heading; return claims by code, unmapped headings and mapping problems."""
    mapper = _Mapper(index, _depths(index, items))
    result = _Result()
    for item in items:
        heading = item.heading
        mapping = mapper.map(item)
        if mapping is None:
            continue
        if mapping.code is None:
            if heading.scored:
                result.unmapped.append(_unmapped(heading, mapping.reason))
                if item.index is not None:
                    result.mapping[item.index] = (None, None)
            continue
        if mapping.conflict:
            result.problems.append(
                _problem(
                    "numbering-conflict",
                    mapping.code,
                    expected=mapping.by_title,
                    found=mapping.by_number,
                    line=heading.line,
                    number=heading.marker,
                    title=heading.title,
                    by_number=mapping.by_number,
                    by_title=mapping.by_title,
                    chosen=mapping.code,
                )
            )
        elif (doubt := _doubt(index, heading, mapping)) is not None:
            result.problems.append(doubt)
        claim = _claim(heading, mapping.code, mapping.confidence)
        previous = result.claims.get(mapping.code)
        if item.index is not None:
            result.mapping[item.index] = (mapping.code, claim.confidence)
        if previous is None or (heading.scored and not previous[1].scored):
            result.claims[mapping.code] = (claim, heading)
            result.owner[mapping.code] = item.index
            continue
        if not heading.scored:
            continue  # a later mention of a title already claimed: prose, not a heading
        kept, dropped = previous, (claim, heading)
        if claim.confidence > previous[0].confidence:
            kept, dropped = dropped, kept
        result.claims[mapping.code] = kept
        result.unmapped.append(_unmapped(dropped[1], "duplicate"))
        if dropped[1] is heading:
            if item.index is not None:
                result.mapping[item.index] = (None, None)
        else:
            owner = result.owner.get(mapping.code)
            if owner is not None:
                result.mapping[owner] = (None, None)
            result.owner[mapping.code] = item.index
        result.problems.append(
            _problem(
                "duplicate",
                mapping.code,
                expected=kept[0].claimed,
                found=dropped[0].claimed,
                line=dropped[0].line,
                kept_line=kept[0].line,
                number=dropped[1].marker,
                title=dropped[1].title,
            )
        )
    result.unmapped.sort(key=lambda u: u.line)
    return result


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
    where: dict[str, Any] = {"line": claim.line, "number": heading.marker, "title": heading.title}
    if not heading.annotated:
        problems.append(_problem("unstated", code, **where))
    for reading, what_zh, what_en in (
        (heading.max, "分值", "max"),
        (heading.claimed, "自评分", "claimed score"),
    ):
        if reading is not None and reading.masked:
            problems.append(
                _problem(
                    "masked", code, text=reading.text, what_zh=what_zh, what_en=what_en, **where
                )
            )
    if claim.max is not None and claim.max != indicator.max:
        problems.append(
            _problem("max-mismatch", code, expected=indicator.max, found=claim.max, **where)
        )
    if claim.claimed is not None and claim.claimed > indicator.max:
        problems.append(
            _problem("above-max", code, expected=indicator.max, found=claim.claimed, **where)
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
            template="rubric-sum-mismatch",
            expected=total,
            found=entry[0].claimed,
            line=entry[0].line,
            number=entry[1].marker,
            title=entry[1].title,
            parts=_parts(parts),
        )
    ]


_TOTAL_KINDS = ("masked", "total-conflict", "missing")


def _check_total(
    index: _Index, reading: ReportReading, claims: dict[str, tuple[Claim, Heading]]
) -> list[ClaimProblem]:
    """Check the stated total: present, readable, single, within the max, the parts' sum."""
    problems = [p for p in reading.problems if p.code == "total" and p.kind in _TOTAL_KINDS]
    stated = reading.total
    if stated is None or stated.claimed is None:
        return problems
    total = stated.claimed
    bonus = stated.bonus or Decimal(0)
    rubric_max = index.rubric.max
    if total - bonus > rubric_max:
        problems.append(
            _problem("above-max", "total", expected=rubric_max, found=total, line=stated.line)
        )
    parts: list[Decimal] = []
    for top in index.rubric.indicators:
        entry = claims.get(top.code)
        if entry is None or entry[0].claimed is None:
            return problems
        parts.append(entry[0].claimed)
    expected = sum(parts, Decimal(0))
    if expected != total and expected + bonus != total:
        problems.append(
            _problem(
                "total-mismatch",
                "total",
                expected=expected + bonus if stated.bonus else expected,
                found=total,
                line=stated.line,
                parts=_parts(parts + ([bonus] if stated.bonus else [])),
            )
        )
    return problems


def map_report(reading: ReportReading, rubric: Rubric) -> ClaimsReport:
    """Map a report read on its own onto ``rubric``'s codes, and check the claims.

    Every scored heading is mapped (or listed as unmapped) and every rubric code checked:
    claimed, maxes as in the rubric, no claim above its max, children adding up to their
    parent, first-level claims (plus any stated bonus) adding up to the stated total.
    A lost decimal point found in the report is kept among the problems.
    """
    index = _Index(rubric)
    items = [
        *(_Item(h.source, h.level, i) for i, h in enumerate(reading.headings)),
        *(_Item(h, level, None) for h, level in reading.candidates),
    ]
    items.sort(key=lambda item: (item.heading.line, item.index is None))
    result = _map_headings(index, items)
    problems = list(result.problems)
    for code, node in index.nodes.items():
        problems.extend(_check_claim(node, result.claims.get(code)))
        problems.extend(_check_sum(node.indicator, result.claims))
    problems.extend(_check_total(index, reading, result.claims))
    codes = {line_index: code for line_index, (code, _) in result.mapping.items()}
    for found in reading.problems:
        if found.kind == "decimal-lost":
            position = next(
                (i for i, h in enumerate(reading.headings) if h.line == found.line), None
            )
            mapped = codes.get(position) if position is not None else None
            problems.append(attrs.evolve(found, code=mapped if mapped is not None else found.code))
    stated = reading.total
    return ClaimsReport(
        rubric=rubric.ref,
        claims=tuple(result.claims[code][0] for code in index.nodes if code in result.claims),
        total=stated.claimed if stated is not None else None,
        total_line=stated.line if stated is not None else None,
        unmapped=tuple(result.unmapped),
        problems=tuple(problems),
        reading=reading,
        mapping=tuple(result.mapping.get(i, (None, None)) for i in range(len(reading.headings))),
    )


def read_claims(text: str | ReportDocument | ReportReading, rubric: Rubric) -> ClaimsReport:
    """Read the claimed scores out of a self-assessment report and check them against a rubric.

    The text is normalised first (:func:`~evalrules._claims.normalise_report`), so it may
    be traditional, pinyin-annotated or full-width. The report is read on its own
    (:func:`~evalrules._claims.read_report`), then its headings are mapped onto ``rubric``'s
    indicator codes by numbering and by title (:func:`map_report`). Problems are results,
    not exceptions: this function raises only for a broken argument.

    Args:
        text: The report text (any of the forms :func:`normalise_report` accepts), a
            document read from a file, or a report already read.
        rubric: The rubric whose codes the claims are mapped onto.

    Returns:
        The claims in rubric order, the total, unmapped headings and every problem found.
    """
    reading = text if isinstance(text, ReportReading) else read_report(text)
    return map_report(reading, rubric)
