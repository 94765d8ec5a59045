"""The claims read from a self-assessment report, as values.

:class:`ReportReading` is what :func:`evalrules._claims.read_report` returns without a rubric:
the report's own tree of scored headings (:class:`ReportHeading`), its stated total
(:class:`ReportTotal`) and the problems of its own arithmetic. :class:`ClaimsReport` is what
:func:`evalrules._claims.read_claims` returns with a rubric: the claims mapped onto rubric
codes, the stated total, the headings that could not be mapped, and every problem the
consistency checks found. It renders itself as plain data (:meth:`ClaimsReport.to_claimed`)
and as a facts-file fragment (:meth:`ClaimsReport.to_yaml`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import attrs

from evalrules._claims._numbers import Reading
from evalrules._claims._parse import Heading

__all__ = [
    "CLAIM_PROBLEM_KINDS",
    "Claim",
    "ClaimProblem",
    "ClaimsReport",
    "ReportHeading",
    "ReportReading",
    "ReportTotal",
    "UnmappedHeading",
]

#: Every :attr:`ClaimProblem.kind`, in the order checks run.
CLAIM_PROBLEM_KINDS: tuple[str, ...] = (
    # The report on its own (with or without a rubric):
    "decimal-lost",  # "05" or 48 of 5: a decimal point probably lost
    "max-sum-mismatch",  # a parent's max differs from the sum of its children's maxima
    "numbering-gap",  # the numbering skips a number: a heading may be missing or unread
    "numbering-repeat",  # the same number twice under one parent
    "total-max-mismatch",  # the stated total max differs from the sum of top-level maxima
    # Mapping onto a rubric:
    "numbering-conflict",  # the heading's number and its title point at different codes
    "by-number-only",  # mapped by its numbering (position) alone; the title does not match
    "weak-title",  # mapped by a weak title match alone
    "duplicate",  # two headings map to the same code
    "missing",  # a rubric code (or the total) has no claim in the report
    "unstated",  # the heading was found, but it carries no score
    "masked",  # the score is masked ("xx", "*"): unknown, not 0
    "max-mismatch",  # the max written in the report differs from the rubric's
    "above-max",  # the claimed score exceeds the rubric's max
    "sum-mismatch",  # a parent's claim differs from the sum of its children's claims
    "total-conflict",  # the report states two different totals
    "total-mismatch",  # the stated total differs from the sum of the first-level claims
)

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Words YAML 1.1 reads as booleans or null; a code spelled like one must be quoted.
_YAML_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null"))


@attrs.frozen
class Claim:
    """A claimed score read from the report and mapped onto a rubric code.

    Attributes:
        code: The rubric code, e.g. ``"3.1"``.
        title: The title as written in the report (normalised).
        max: The max points written in the report; ``None`` when not written or masked.
        claimed: The claimed score, exactly as written; ``None`` when masked or not stated.
        line: 1-based line of the heading in the report.
        confidence: How sure the mapping is: 1.0 when numbering and title agree, lower when
            only one of them decided (see the module docs of ``evalrules._claims``).
        heading: The heading line as written (normalised).
    """

    code: str
    title: str
    max: Decimal | None
    claimed: Decimal | None
    line: int
    confidence: float
    heading: str


@attrs.frozen
class UnmappedHeading:
    """A heading with a score annotation that was not mapped onto any rubric code.

    Attributes:
        line: 1-based line in the report.
        heading: The heading line as written (normalised).
        title: Its title.
        max: The max read, if any.
        claimed: The claimed score read, if any.
        reason: ``"no-match"`` (neither numbering nor title points at a code),
            ``"ambiguous"`` (the title matches two codes equally) or ``"duplicate"``
            (another heading already claims its code).
        number: The heading's numbering as written, if any.
    """

    line: int
    heading: str
    title: str
    max: Decimal | None
    claimed: Decimal | None
    reason: str
    number: str | None = None


@attrs.frozen
class ClaimProblem:
    """One inconsistency found in what was read.

    Attributes:
        code: The rubric code concerned, or ``"total"``.
        kind: One of :data:`CLAIM_PROBLEM_KINDS`.
        message_zh: The problem in simplified Chinese, naming both numbers.
        message_en: The problem in English, naming both numbers.
        expected: What the other side says: the rubric's max, the children's sum, the first
            claim of a duplicate, or, for ``numbering-conflict``, the code the title
            points at.
        found: What the report says: the max or claim written, or, for
            ``numbering-conflict``, the code the numbering points at.
        line: The report line concerned, when there is one.
        number: The heading's numbering as the report writes it (``"(2)"``), when a heading
            is concerned.
        title: The heading's title as the report writes it, when a heading is concerned.
    """

    code: str
    kind: str
    message_zh: str
    message_en: str
    expected: Decimal | str | None = None
    found: Decimal | str | None = None
    line: int | None = None
    number: str | None = None
    title: str | None = None


def _yaml_key(code: str) -> str:
    """Write a code as a YAML key: plain when safe (``A``), quoted otherwise (``"1.1"``)."""
    if _PLAIN_KEY.fullmatch(code) and code.lower() not in _YAML_WORDS:
        return code
    return json.dumps(code, ensure_ascii=False)


def _number(value: Decimal) -> str:
    """Write a number as it was read: ``61.6``, ``5``, ``4.80`` (never in exponent form)."""
    return f"{value:f}"


@attrs.frozen
class ClaimsReport:
    """The claimed scores read from one self-assessment report.

    Attributes:
        rubric: The reference of the rubric the claims were mapped onto.
        claims: One claim per mapped code, in rubric order.
        total: The claimed total as stated in the report; ``None`` when masked or absent.
        total_line: The line the total was read from, if any.
        unmapped: Annotated headings that could not be mapped, in document order.
        problems: Every problem found: mapping problems in document order, then checks in
            rubric order, then the total's.
        reading: The report as read on its own, when the claims were read from a report.
        mapping: For each of ``reading``'s headings, the code it was mapped onto and the
            mapping's confidence (``(None, None)`` when unmapped).
    """

    rubric: str
    claims: tuple[Claim, ...]
    total: Decimal | None
    total_line: int | None
    unmapped: tuple[UnmappedHeading, ...]
    problems: tuple[ClaimProblem, ...]
    reading: ReportReading | None = attrs.field(default=None, eq=False, repr=False)
    mapping: tuple[tuple[str | None, float | None], ...] = attrs.field(default=(), eq=False)

    @property
    def consistent(self) -> bool:
        """True when nothing is unmapped and no check found a problem."""
        return not self.problems and not self.unmapped

    def claim(self, code: str) -> Claim:
        """Return the claim mapped onto ``code``.

        Raises:
            KeyError: if no heading was mapped onto that code.
        """
        for claim in self.claims:
            if claim.code == code:
                return claim
        raise KeyError(code)

    def problems_for(self, code: str) -> tuple[ClaimProblem, ...]:
        """Return the problems concerning ``code`` (or ``"total"``), in order."""
        return tuple(p for p in self.problems if p.code == code)

    def to_claimed(self) -> dict[str, Decimal]:
        """Return the known claims as ``{code: score}`` in rubric order, then ``"total"``.

        Masked and unstated scores are left out: a missing key means "not claimed", which is
        what a facts document can express; ``None`` would read as a broken value.
        """
        claimed = {c.code: c.claimed for c in self.claims if c.claimed is not None}
        if self.total is not None:
            claimed["total"] = self.total
        return claimed

    def to_yaml(self) -> str:
        """Return the claims as a facts-file fragment, ready to merge into a facts document.

        The output is deterministic: codes in rubric order, numbers written as in the report,
        codes quoted where YAML would otherwise read them as numbers. Codes whose score could
        not be read are listed in a comment so the gap stays visible::

            claimed:
              total: 98.6
              indicators:
                A: 61.6
                "1": 5
                "1.1": 1
        """
        lines = ["claimed:"]
        if self.total is not None:
            lines.append(f"  total: {_number(self.total)}")
        else:
            lines.append("  # total: not read from the report")
        known = [(c.code, c.claimed) for c in self.claims if c.claimed is not None]
        unknown = [c.code for c in self.claims if c.claimed is None]
        lines.append("  indicators:" if known else "  indicators: {}")
        lines.extend(f"    {_yaml_key(code)}: {_number(value)}" for code, value in known)
        if unknown:
            lines.append(f"  # not read (masked or not stated): {', '.join(unknown)}")
        return "\n".join(lines) + "\n"


def _known(reading: Reading | None) -> Decimal | None:
    return reading.value if reading is not None else None


@attrs.frozen
class ReportHeading:
    """A scored heading of the report, in the report's own tree (no rubric involved).

    Attributes:
        number: The numbering as written (``"(一)"``, ``"3."``, ``"(2)"``), ``None`` if none.
        title: The title as written (normalised).
        level: 1 for the outermost numbering style the scored headings use, 2 for the next,
            and so on (a heading whose parent level is missing keeps its own level).
        max_reading: The max as read (``None`` when the heading states none).
        claimed_reading: The claimed score as read (``None`` when it states none).
        explanation: The text explaining points gained or lost (得失分说明), if any.
        line: 1-based line of the heading in the document's text.
        parent: Index of the parent heading in :attr:`ReportReading.headings`, if any.
        source: The heading as the parser found it.
    """

    number: str | None
    title: str
    level: int
    max_reading: Reading | None
    claimed_reading: Reading | None
    explanation: str | None
    line: int
    parent: int | None
    source: Heading = attrs.field(eq=False, repr=False)

    @property
    def max(self) -> Decimal | None:
        """The max points as written; ``None`` when not stated or masked."""
        return _known(self.max_reading)

    @property
    def claimed(self) -> Decimal | None:
        """The claimed score as written; ``None`` when not stated or masked."""
        return _known(self.claimed_reading)

    @property
    def masked(self) -> bool:
        """True when the max or the claimed score is masked (``xx``, ``*``)."""
        return any(r is not None and r.masked for r in (self.max_reading, self.claimed_reading))

    def label(self) -> str:
        """The heading as a reviewer finds it: numbering and title, ``(2)来省进京上访情况``."""
        return f"{self.number or ''}{self.title}"


@attrs.frozen
class ReportTotal:
    """The total the report states.

    Attributes:
        claimed_reading: The claimed total as read.
        max_reading: The max stated with it, if any.
        bonus_reading: The bonus points it says are included, if any.
        text: The statement as written.
        line: Its 1-based line.
    """

    claimed_reading: Reading
    max_reading: Reading | None
    bonus_reading: Reading | None
    text: str
    line: int

    @property
    def claimed(self) -> Decimal | None:
        """The claimed total; ``None`` when masked."""
        return self.claimed_reading.value

    @property
    def max(self) -> Decimal | None:
        """The stated max; ``None`` when not stated or masked."""
        return _known(self.max_reading)

    @property
    def bonus(self) -> Decimal | None:
        """The bonus points included in the total; ``None`` when not stated or masked."""
        return _known(self.bonus_reading)

    @property
    def masked(self) -> bool:
        """True when the total (or its max or bonus) is masked."""
        return any(
            r is not None and r.masked
            for r in (self.claimed_reading, self.max_reading, self.bonus_reading)
        )


@attrs.frozen
class ReportReading:
    """A report read on its own: its scored-heading tree, stated total and problems.

    Attributes:
        headings: The scored headings in document order, each pointing at its parent.
        total: The stated total, ``None`` when the report states none.
        problems: The problems of the report's own arithmetic and numbering.
        format: The input format (``"text"``, ``"docx"``, ``"pdf"``, ``"html"``).
        encoding: For text and HTML, the encoding detected.
        source: The file name, if known.
        candidates: Numbered lines that state no score, with the level their numbering
            style has among the scored headings (``None`` when the style is not used by
            any): a rubric mapper may recognise one as a heading whose score is missing.
    """

    headings: tuple[ReportHeading, ...]
    total: ReportTotal | None
    problems: tuple[ClaimProblem, ...]
    format: str = "text"
    encoding: str | None = None
    source: str = ""
    candidates: tuple[tuple[Heading, int | None], ...] = attrs.field(default=(), eq=False)

    def children(self, index: int | None) -> tuple[int, ...]:
        """Return the indexes of the headings whose parent is ``index`` (``None``: the top)."""
        return tuple(i for i, h in enumerate(self.headings) if h.parent == index)

    @property
    def top_claimed(self) -> Decimal | None:
        """The sum of the top-level claims, ``None`` if any is unknown."""
        values = [self.headings[i].claimed for i in self.children(None)]
        if not values or any(v is None for v in values):
            return None
        return sum((v for v in values if v is not None), Decimal(0))

    @property
    def top_max(self) -> Decimal | None:
        """The sum of the top-level maxima, ``None`` if any is unknown."""
        values = [self.headings[i].max for i in self.children(None)]
        if not values or any(v is None for v in values):
            return None
        return sum((v for v in values if v is not None), Decimal(0))
