"""The report's own tree of scored headings, its stated total, and the checks of its arithmetic.

No rubric is involved: the tree is what the report itself says. Levels come from the
numbering styles its scored headings use, ranked in the order official documents nest them
(``一、`` > ``(一)`` > ``1.`` > ``1.1`` > ``(1)`` > ``①``; see
:data:`~evalrules._claims._parse.STYLE_RANK`): the outermost style used is level 1, the next
level 2, and so on. A score sheet's indicator columns give the levels of its rows. An
unnumbered heading sits one level below the numbered heading before it.

The checks are those a reviewer does by hand: a parent's claim is the sum of its children's,
a parent's max the sum of theirs, no claim above its max, the total the sum of the top level
(plus the bonus the report says it includes), the total max the sum of the top-level maxima;
masked numbers are unknown, not 0; a lost decimal point is flagged with its probable value;
numbering that skips or repeats a number under one parent is flagged, since a heading there
may be missing or unread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from evalrules._claims._document import ReportDocument, Table
from evalrules._claims._messages import problem
from evalrules._claims._normalise import normalise_report
from evalrules._claims._numbers import Reading, lost_decimal, read_number
from evalrules._claims._parse import (
    STYLE_RANK,
    Heading,
    StatedTotal,
    find_headings,
    find_totals,
)
from evalrules._claims._report import (
    ClaimProblem,
    ReportHeading,
    ReportReading,
    ReportTotal,
)
from evalrules._claims._sheet import (
    Sheet,
    find_sheet_header,
    read_flattened_sheet,
    read_table,
)
from evalrules._claims._unwrap import unwrap_lines
from evalrules._points import plain

__all__ = ["read_report"]


def _normalise_table(table: Table) -> Table:
    """Normalise every cell of a table (one conversion call for the whole table)."""
    cells = [cell.replace("\n", " ") for row in table.rows for cell in row]
    flat = normalise_report("\n".join(cells)).split("\n")
    rows: list[tuple[str, ...]] = []
    position = 0
    for row in table.rows:
        rows.append(tuple(flat[position : position + len(row)]))
        position += len(row)
    return Table(table.line, tuple(rows))


def _levels(headings: Sequence[Heading]) -> list[int]:
    """Assign each scored heading its level in the report's own tree."""
    ranks = sorted(
        {STYLE_RANK[h.style] for h in headings if h.style != "none" and h.column is None}
    )
    by_rank = {rank: level for level, rank in enumerate(ranks, start=1)}
    levels: list[int] = []
    previous_numbered = 0
    for heading in headings:
        if heading.column is not None:
            level = heading.column + 1
            previous_numbered = level
        elif heading.style == "none":
            level = previous_numbered + 1
        else:
            level = by_rank[STYLE_RANK[heading.style]]
            previous_numbered = level
        levels.append(level)
    return levels


def style_levels(headings: Sequence[Heading]) -> dict[str, int]:
    """Return the level each numbering style has among the scored headings."""
    ranks = sorted(
        {STYLE_RANK[h.style] for h in headings if h.style != "none" and h.column is None}
    )
    by_rank = {rank: level for level, rank in enumerate(ranks, start=1)}
    return {style: by_rank[rank] for style, rank in STYLE_RANK.items() if rank in by_rank}


def _tree(headings: Sequence[Heading]) -> list[ReportHeading]:
    """Link each heading to its parent: the nearest heading before it at a lower level."""
    out: list[ReportHeading] = []
    stack: list[tuple[int, int]] = []  # (level, index)
    for index, (heading, level) in enumerate(zip(headings, _levels(headings), strict=True)):
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        out.append(
            ReportHeading(
                number=heading.marker,
                title=heading.title,
                level=level,
                max_reading=heading.max,
                claimed_reading=heading.claimed,
                explanation=heading.explanation,
                line=heading.line,
                parent=parent,
                source=heading,
            )
        )
        stack.append((level, index))
    return out


# --------------------------------------------------------------------------- the total


def _weak_total_ok(total: StatedTotal, headings: Sequence[ReportHeading]) -> bool:
    """Accept "自评得分98分" as the total when it cannot be an indicator's score."""
    value = total.value.value
    if not headings or total.line < headings[0].line:
        return True
    if value is None:
        return False
    tops = [h for h in headings if h.parent is None]
    maxima = [h.max for h in headings if h.max is not None]
    if any(h.line == total.line for h in headings):
        return False
    if maxima:
        biggest = max(maxima)
        return value > biggest or (len(tops) == 1 and value >= biggest)
    claims = [h.claimed for h in headings if h.claimed is not None]
    return bool(claims) and value > max(claims)


def _choose_totals(
    totals: Sequence[StatedTotal], headings: Sequence[ReportHeading]
) -> list[StatedTotal]:
    strong = [t for t in totals if t.strong]
    if strong:
        return strong
    return [t for t in totals if _weak_total_ok(t, headings)]


def _parts(values: Sequence[Decimal]) -> str:
    return "+".join(plain(v) for v in values)


# --------------------------------------------------------------------------- checks


def _what(kind: str) -> tuple[str, str]:
    return {
        "max": ("分值", "max"),
        "claimed": ("自评分", "claimed score"),
        "explanation": ("扣分", "deduction"),
    }[kind]


#: What a masked part of the stated total is called in a message.
_TOTAL_WHAT = {
    "total": ("自评总分", "claimed total"),
    "max": ("总分值", "total max"),
    "bonus": ("加分", "bonus"),
}


def effective(reading: Reading | None) -> Decimal | None:
    """The value a check uses: the probable value of a lost decimal point, else the value."""
    if reading is None:
        return None
    return reading.probable if reading.probable is not None else reading.value


def _heading_checks(headings: Sequence[ReportHeading]) -> list[ClaimProblem]:
    problems: list[ClaimProblem] = []
    parents = {h.parent for h in headings}
    for position, heading in enumerate(headings):
        where = heading.label()
        own: dict[str, Any] = {
            "line": heading.line,
            "number": heading.number,
            "title": heading.title,
        }
        for what, reading in (("max", heading.max_reading), ("claimed", heading.claimed_reading)):
            if reading is None:
                continue
            what_zh, what_en = _what(what)
            if reading.masked:
                problems.append(
                    problem(
                        "masked",
                        "",
                        template="masked-own",
                        where=where,
                        text=reading.text,
                        what_zh=what_zh,
                        what_en=what_en,
                        **own,
                    )
                )
            elif reading.probable is not None:
                problems.append(
                    problem(
                        "decimal-lost",
                        "",
                        where=where,
                        text=reading.text,
                        probable=reading.probable,
                        what_zh=what_zh,
                        what_en=what_en,
                        found=reading.value,
                        expected=reading.probable,
                        **own,
                    )
                )
        maximum, claimed = effective(heading.max_reading), effective(heading.claimed_reading)
        if (
            heading.claimed_reading is None
            and heading.max_reading is not None
            and position not in parents  # a sheet leaves a parent's claim to its rows
        ):
            problems.append(
                problem("unstated", "", template="unstated-own", where=where, max=maximum, **own)
            )
        if maximum is not None and claimed is not None and claimed > maximum:
            probable = lost_decimal(claimed, maximum)
            if probable is not None and heading.claimed_reading is not None:
                problems.append(
                    problem(
                        "decimal-lost",
                        "",
                        where=where,
                        text=heading.claimed_reading.text,
                        probable=probable,
                        what_zh="自评分",
                        what_en="claimed score",
                        found=claimed,
                        expected=probable,
                        **own,
                    )
                )
            else:
                problems.append(
                    problem(
                        "above-max",
                        "",
                        template="above-max-own",
                        where=where,
                        expected=maximum,
                        found=claimed,
                        **own,
                    )
                )
        for deduction in _deductions(heading.explanation):
            problems.append(
                problem(
                    "decimal-lost",
                    "",
                    where=where,
                    text=f"扣{deduction.text}分",
                    probable=deduction.probable,
                    what_zh="扣分",
                    what_en="deduction",
                    found=deduction.value,
                    expected=deduction.probable,
                    **own,
                )
            )
    return problems


def _deductions(explanation: str | None) -> list[Reading]:
    """Deductions in an explanation written with a lost decimal point (``扣05分``)."""
    if not explanation:
        return []
    out = []
    for match in re.finditer(r"[扣减失]\s*(0\d+)\s*分", explanation):
        out.append(read_number(match.group(1)))
    return out


def _value_for_sum(heading: ReportHeading, what: str) -> Decimal | None:
    reading = heading.max_reading if what == "max" else heading.claimed_reading
    value = effective(reading)
    if what == "claimed" and heading.max_reading is not None and value is not None:
        maximum = effective(heading.max_reading)
        if maximum is not None and (probable := lost_decimal(value, maximum)) is not None:
            return probable
    return value


def _children(headings: Sequence[ReportHeading]) -> dict[int | None, list[ReportHeading]]:
    """The headings under each parent (``None``: the top level), in document order."""
    by_parent: dict[int | None, list[ReportHeading]] = {}
    for heading in headings:
        by_parent.setdefault(heading.parent, []).append(heading)
    return by_parent


def _sum_checks(reading_headings: Sequence[ReportHeading]) -> list[ClaimProblem]:
    problems: list[ClaimProblem] = []
    by_parent = _children(reading_headings)
    for index, parent in enumerate(reading_headings):
        children = by_parent.get(index, [])
        if not children:
            continue
        for what, kind in (("claimed", "sum-mismatch"), ("max", "max-sum-mismatch")):
            own = _value_for_sum(parent, what)
            values = [_value_for_sum(c, what) for c in children]
            if own is None or any(v is None for v in values):
                continue
            known = [v for v in values if v is not None]
            total = sum(known, Decimal(0))
            if total != own:
                problems.append(
                    problem(
                        kind,
                        "",
                        where=parent.label(),
                        expected=total,
                        found=own,
                        parts=_parts(known),
                        line=parent.line,
                        number=parent.number,
                        title=parent.title,
                    )
                )
    return problems


def _numbering_checks(headings: Sequence[ReportHeading]) -> list[ClaimProblem]:
    problems: list[ClaimProblem] = []
    parents: list[int | None] = [None, *range(len(headings))]
    by_parent = _children(headings)
    for parent in parents:
        children = by_parent.get(parent, [])
        numbered = [(h, h.source.number) for h in children if h.source.number is not None]
        if len(numbered) < 2 or len({h.source.style for h, _ in numbered}) != 1:
            continue
        # Dotted numbers (1.1, 1.2, 2.1) count within their prefix: 2.1 repeats no 1.1.
        prefixes = {_prefix(h) for h, _ in numbered}
        for prefix in sorted(prefixes, key=lambda p: (p is not None, p or "")):
            group = [(h, n) for h, n in numbered if _prefix(h) == prefix]
            problems.extend(_numbering_group(headings, parent, group))
    return problems


def _prefix(heading: ReportHeading) -> str | None:
    """The part of a dotted number before its last number (``"1"`` for 1.2), else ``None``."""
    dotted = heading.source.dotted
    return dotted.rpartition(".")[0] if dotted is not None else None


def _numbering_group(
    headings: Sequence[ReportHeading],
    parent: int | None,
    numbered: Sequence[tuple[ReportHeading, int]],
) -> list[ClaimProblem]:
    """The repeats and gaps in the numbers of siblings that count together."""
    problems: list[ClaimProblem] = []
    where = headings[parent].label() if parent is not None else ""
    suffix = "" if parent is not None else "-top"
    seen: dict[int, ReportHeading] = {}
    previous: tuple[ReportHeading, int] | None = None
    for heading, number in numbered:
        if number in seen:
            problems.append(
                problem(
                    "numbering-repeat",
                    "",
                    template=f"numbering-repeat{suffix}",
                    where=where,
                    number=heading.number,
                    kept_line=seen[number].line,
                    line=heading.line,
                    title=heading.title,
                )
            )
        elif previous is not None and number > previous[1] + 1:
            problems.append(
                problem(
                    "numbering-gap",
                    "",
                    template=f"numbering-gap{suffix}",
                    where=where,
                    before=previous[0].number,
                    after=heading.number,
                    line=heading.line,
                    number=heading.number,
                    title=heading.title,
                )
            )
        seen.setdefault(number, heading)
        previous = (heading, number)
    return problems


def _total_checks(
    total: ReportTotal | None,
    others: Sequence[StatedTotal],
    headings: Sequence[ReportHeading],
) -> list[ClaimProblem]:
    if total is None:
        return [problem("missing", "total", template="missing-total")]
    problems: list[ClaimProblem] = []
    for what, reading in (
        ("total", total.claimed_reading),
        ("max", total.max_reading),
        ("bonus", total.bonus_reading),
    ):
        if reading is not None and reading.masked:
            what_zh, what_en = _TOTAL_WHAT[what]
            problems.append(
                problem(
                    "masked",
                    "total",
                    template="masked-total",
                    text=reading.text,
                    what_zh=what_zh,
                    what_en=what_en,
                    line=total.line,
                )
            )
    seen = {total.claimed}
    for other in others:
        if other.value.value not in seen:
            seen.add(other.value.value)
            problems.append(
                problem(
                    "total-conflict",
                    "total",
                    expected=total.claimed,
                    found=other.value.value,
                    line=other.line,
                    kept_line=total.line,
                )
            )
    tops = [h for h in headings if h.parent is None]
    claims = [_value_for_sum(h, "claimed") for h in tops]
    maxima = [_value_for_sum(h, "max") for h in tops]
    bonus = total.bonus or Decimal(0)
    if total.claimed is not None and tops and all(c is not None for c in claims):
        known = [c for c in claims if c is not None]
        base = sum(known, Decimal(0))
        if base != total.claimed and base + bonus != total.claimed:
            problems.append(
                problem(
                    "total-mismatch",
                    "total",
                    template="total-sum-mismatch",
                    expected=base + bonus if total.bonus else base,
                    found=total.claimed,
                    parts=_parts(known + ([bonus] if total.bonus else [])),
                    line=total.line,
                )
            )
    if total.max is not None and tops and all(m is not None for m in maxima):
        known = [m for m in maxima if m is not None]
        top_max = sum(known, Decimal(0))
        if top_max != total.max:
            problems.append(
                problem(
                    "total-max-mismatch",
                    "total",
                    expected=top_max,
                    found=total.max,
                    parts=_parts(known),
                    line=total.line,
                )
            )
    if total.max is not None and total.claimed is not None and total.claimed - bonus > total.max:
        problems.append(
            problem(
                "above-max",
                "total",
                template="total-above-max",
                expected=total.max,
                found=total.claimed - bonus,
                line=total.line,
            )
        )
    return problems


# --------------------------------------------------------------------------- reading


def _sheets(document: ReportDocument, lines: Sequence[str]) -> list[Sheet]:
    sheets: list[Sheet] = []
    for table in document.tables:
        sheet = read_table(_normalise_table(table))
        if sheet is not None:
            sheets.append(sheet)
    used = {i for s in sheets for i in s.lines}
    free = [line if i not in used else "" for i, line in enumerate(lines)]
    header = find_sheet_header(free)
    if header is not None:
        sheets.append(read_flattened_sheet(free, header))
    return sheets


def read_report(document: ReportDocument | str) -> ReportReading:
    """Read a report's own scored-heading tree, its stated total, and check its arithmetic.

    Args:
        document: The report, as a :class:`ReportDocument` or as plain text (any form
            :func:`~evalrules._claims.normalise_report` accepts).

    Returns:
        The headings in document order, the total, and every problem found.
    """
    if isinstance(document, str):
        document = ReportDocument.from_text(document)
    lines = normalise_report(document.text).split("\n")
    sheets = _sheets(document, lines)
    used = {i for s in sheets for i in s.lines}
    rows = {t.line - 1 + r for t in document.tables for r in range(len(t.rows))}
    lines = unwrap_lines(lines, document.lines, protected=used | rows)
    found = list(find_headings(lines, skip=used))
    for sheet in sheets:
        found.extend(sheet.headings)
    found.sort(key=lambda h: h.line)
    scored = [h for h in found if h.scored]
    levels = style_levels(scored)
    candidates = tuple(
        (h, levels.get(h.style)) for h in found if not h.scored and h.origin == "text"
    )
    headings = _tree(scored)
    stated = list(find_totals([x if i not in used else "" for i, x in enumerate(lines)]))
    stated.extend(t for s in sheets for t in s.totals)
    stated.sort(key=lambda t: t.line)
    chosen = _choose_totals(stated, headings)
    total = None
    if chosen:
        first = chosen[0]
        total = ReportTotal(first.value, first.max, first.bonus, first.text, first.line)
    problems = [
        *_heading_checks(headings),
        *_sum_checks(headings),
        *_numbering_checks(headings),
        *_total_checks(total, chosen[1:], headings),
    ]
    return ReportReading(
        headings=tuple(headings),
        total=total,
        problems=tuple(problems),
        format=document.format,
        encoding=document.encoding,
        source=document.source,
        candidates=candidates,
    )
