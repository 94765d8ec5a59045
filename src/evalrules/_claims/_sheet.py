"""Reading score sheets (自评打分表): a table read by its columns, or one flattened into text.

A score sheet has a header row naming its columns, e.g. ``一级指标 | 二级指标 | 观测点 | 分值 |
评分细则 | 自评得分 | 得失分说明``. Each column gets a role from its header:

* indicator columns (``一级指标``, ``二级指标``, ``观测点``, ``评价内容``, …), outermost first: a
  new text in one of them starts a heading at that level (a merged cell repeats its text, so it
  continues the heading above);
* ``分值`` / ``满分`` (the max), ``自评得分`` / ``自评分`` / ``自评打分`` (the claimed score),
  ``得失分说明`` / ``扣分原因`` / ``备注`` (the explanation), ``评分细则`` (the rule text, kept
  out of the title), ``序号`` (the numbering);
* columns scored by others (``他评``, ``核定分``, ``督导评分``) are ignored: they are not the
  district's claim.

A row's max, claim and explanation belong to the deepest heading it names; a heading spanning
several rows adds up their values. A row whose first cells say ``合计`` / ``总分`` is the total.

A sheet flattened into running text (a PDF of a table) keeps the header's words on one line
and then runs on: ``1.1 公办学校…工作成效 1 未建立扣1分 1分 已建立`` — numbering, title, max,
rule text, claim and explanation, several rows per line, page markers in between. It is read
by splitting the text at numbering markers and taking the bare scores in column order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from evalrules._claims._document import Table
from evalrules._claims._numbers import NUMBER, Reading, read_number
from evalrules._claims._parse import (
    MAX_EXPLANATION_CHARS,
    MAX_TITLE_CHARS,
    Heading,
    StatedTotal,
    clean_title,
    find_annotations,
    find_totals,
    marker_of,
)

__all__ = ["Sheet", "find_sheet_header", "read_flattened_sheet", "read_table"]

_IGNORED = re.compile(r"他评|核定|复核|督导|评估组|核查|市级|省级|专家|验收")
_EXPLANATION = re.compile(r"说明|原因|理由|依据|备注|佐证|情况|扣分项|存在问题")
_CLAIMED = re.compile(r"自评|自查|自我评")
_SCORE = re.compile(r"得分|分数|打分|评分$|^分$|实得")
_MAX = re.compile(r"分值|满分|标准分|权重|应得分|赋分$|^分数$|^总分$")
_RULE = re.compile(r"细则|标准|办法|方法|要求|要点|计分|扣分|赋分")
_NUMBERING = re.compile(r"^(?:序号|编号|序|号)$")
_INDICATOR = re.compile(
    r"指标|观测点|评价要点|评价内容|考核内容|考核项目|评估内容|评估项目|项目|内容|要素|评价点|任务"
)
_TOTAL_ROW = re.compile(r"^(?:合计|总计|总分|总得分|自评总分|自评总得分|得分合计|总体得分|累计)")
# A bare score in flattened text: a number (or mask) alone between blanks, "分" allowed.
_BARE = re.compile(rf"^(?P<n>{NUMBER})\s*分?$")
# Text that belongs to a rule, not a title: amounts to gain or lose.
_RULE_TEXT = re.compile(rf"[扣得减加给计]\s*{NUMBER}\s*分|不得分|扣完为止|每[少多有发]")


@attrs.frozen
class Sheet:
    """What a score sheet gave: its headings, its total rows, and the lines it used.

    Attributes:
        headings: The headings, in row order.
        totals: Total rows (``合计``), as stated totals.
        lines: The 0-based indexes of the document lines the sheet was read from.
    """

    headings: tuple[Heading, ...]
    totals: tuple[StatedTotal, ...]
    lines: frozenset[int]


def _role(text: str) -> str | None:
    """Return the role of a header cell, or ``None`` when it names none."""
    cell = re.sub(r"\s+", "", text)
    if not cell or len(cell) > 12:
        return None
    if _IGNORED.search(cell) and not _CLAIMED.search(cell):
        return "ignored"
    if _NUMBERING.match(cell):
        return "number"
    if _CLAIMED.search(cell):
        return "explanation" if _EXPLANATION.search(cell) else "claimed"
    if _MAX.search(cell):
        return "max"
    if re.search("得失分|扣分说明|失分", cell) or _EXPLANATION.search(cell):
        return "explanation"
    if _RULE.search(cell):
        return "rule"
    if _SCORE.search(cell):
        return "score"
    if _INDICATOR.search(cell):
        return "indicator"
    return None


def header_roles(cells: Sequence[str]) -> list[str | None] | None:
    """Return the role of each column when ``cells`` are a score sheet's header, else ``None``.

    A header names at least one indicator column and a claimed score (``自评…``, or a plain
    ``得分`` column when no ``自评`` column exists).
    """
    roles = [_role(c) for c in cells]
    if "claimed" not in roles and "score" in roles:
        roles = ["claimed" if r == "score" else r for r in roles]
    roles = [None if r == "score" else r for r in roles]
    if "claimed" not in roles or "indicator" not in roles:
        return None
    # A merged header cell repeats its text: the first column keeps the role.
    for i in range(1, len(roles)):
        if roles[i] is not None and roles[i] != "indicator" and cells[i] == cells[i - 1]:
            roles[i] = None
    return roles


@attrs.define
class _Open:
    """A heading being read from the rows of a table."""

    column: int
    text: str
    line: int
    marker: tuple[str, str, int, str | None, int] | None
    title: str
    max: Reading | None
    claimed: Reading | None
    explanation: list[str] = attrs.Factory(list)
    seen: dict[str, str] = attrs.Factory(dict)
    number: str | None = None


def _add(total: Reading | None, value: Reading) -> Reading:
    """Add a row's value to what a heading has so far (masked stays masked)."""
    if total is None:
        return value
    if total.value is None or value.value is None:
        return Reading(None, total.text if total.value is None else value.text)
    return Reading(total.value + value.value, f"{total.value + value.value}")


def _open(column: int, text: str, line: int) -> _Open:
    """Start a heading from an indicator cell: its numbering, title and any score in it."""
    marker = marker_of(text, annotated=True)
    body = text[marker[4] :] if marker is not None else text
    annotations = find_annotations(body)
    first = annotations[0] if annotations else None
    title = clean_title(body[: first.start] if first is not None else body)
    return _Open(
        column=column,
        text=text,
        line=line,
        marker=marker,
        title=title[:MAX_TITLE_CHARS],
        max=first.max if first is not None else None,
        claimed=first.claimed if first is not None else None,
    )


def _heading(item: _Open, *, levels: int) -> Heading:
    marker = item.marker
    number = None
    if marker is None and item.number:
        marker = marker_of(item.number + " ", annotated=True) or (
            ("none", item.number, int(item.number), None, 0) if item.number.isdigit() else None
        )
        number = item.number
    explanation = "".join(e for e in item.explanation if e).strip()
    return Heading(
        line=item.line,
        text=item.text,
        marker=marker[1] if marker is not None else number,
        style=marker[0] if marker is not None else "none",
        number=marker[2] if marker is not None else None,
        dotted=marker[3] if marker is not None else None,
        title=item.title,
        max=item.max,
        claimed=item.claimed,
        explanation=explanation[:MAX_EXPLANATION_CHARS] or None,
        column=item.column if levels > 1 else None,
        origin="table",
    )


def _cell_number(text: str) -> Reading | None:
    """Read a score cell: ``4.8``, ``4.8分``, ``xx``; ``None`` for an empty or wordy cell."""
    text = text.strip()
    match = re.fullmatch(rf"({NUMBER})\s*分?", text)
    return read_number(match.group(1)) if match else None


def read_table(table: Table) -> Sheet | None:
    """Read a table as a score sheet by its columns; ``None`` when it is no score sheet."""
    rows = table.rows
    for index in range(min(4, len(rows))):
        roles = header_roles(rows[index])
        if roles is not None:
            break
    else:
        return None
    if index + 1 < len(rows):
        # A two-row header: the row below names what the merged cells above left open.
        below = [_role(c) for c in rows[index + 1]]
        if sum(r is not None for r in below) >= 2 and not any(
            _cell_number(c) for c in rows[index + 1]
        ):
            padded = below + [None] * (len(roles) - len(below))
            roles = [
                r if r is not None else b for r, b in zip(roles, padded[: len(roles)], strict=True)
            ]
            index += 1
    columns = [i for i, r in enumerate(roles) if r == "indicator"]
    role_of = {r: i for i, r in reversed(list(enumerate(roles))) if r is not None}
    headings: list[Heading] = []
    totals: list[StatedTotal] = []
    current: dict[int, _Open] = {}
    order: list[_Open] = []
    for offset, row in enumerate(rows[index + 1 :], start=index + 1):
        line = table.line + offset
        cells = list(row) + [""] * (len(roles) - len(row))
        label = "".join(cells[i] for i in columns[:1] or [0]).replace(" ", "")
        if header_roles(row) is not None:
            continue  # a header repeated on a new page
        if _TOTAL_ROW.match(label) or _TOTAL_ROW.match(cells[0].replace(" ", "")):
            totals.extend(_total_row(cells, role_of, line))
            continue
        deepest: _Open | None = None
        for depth, column in enumerate(columns):
            text = cells[column].strip()
            if not text:
                continue
            held = current.get(depth)
            if held is None or held.text != text:
                item = _open(depth, text, line)
                current[depth] = item
                for deeper in [d for d in current if d > depth]:
                    del current[deeper]
                order.append(item)
            deepest = current[depth]
        if deepest is None:
            continue
        for role in ("max", "claimed", "explanation", "number"):
            role_column = role_of.get(role)
            if role_column is None:
                continue
            text = cells[role_column].strip()
            if not text or deepest.seen.get(role) == text:
                continue
            deepest.seen[role] = text
            if role == "explanation":
                deepest.explanation.append(text)
            elif role == "number":
                deepest.number = text.rstrip(".、")
            elif (reading := _cell_number(text)) is not None:
                if role == "max":
                    deepest.max = _add(deepest.max, reading)
                else:
                    deepest.claimed = _add(deepest.claimed, reading)
    headings = [_heading(item, levels=len(columns)) for item in order]
    used = frozenset(range(table.line - 1, table.line - 1 + len(rows)))
    return Sheet(tuple(headings), tuple(totals), used)


def _total_row(cells: Sequence[str], role_of: dict[str, int], line: int) -> list[StatedTotal]:
    """Read a ``合计`` row: the claimed total from its claim column, the max from its max."""
    claimed_column = role_of.get("claimed")
    max_column = role_of.get("max")
    claimed = _cell_number(cells[claimed_column]) if claimed_column is not None else None
    maximum = _cell_number(cells[max_column]) if max_column is not None else None
    text = " ".join(c for c in cells if c)
    if claimed is None:
        stated = find_totals([text])
        return [attrs.evolve(t, line=line) for t in stated]
    return [StatedTotal(line, claimed, text, maximum, None, True)]


# ------------------------------------------------------------------ flattened into text


def find_sheet_header(lines: Sequence[str]) -> tuple[int, list[str]] | None:
    """Return ``(index, roles in order)`` of a flattened sheet's header line, if any."""
    for index, line in enumerate(lines):
        if not line or len(line) > 120 or "自" not in line:
            continue
        words = line.replace("\t", " ").split()
        if len(words) < 3:
            continue
        roles = header_roles(words)
        if roles is None:
            continue
        named = [r for r in roles if r not in (None, "ignored")]
        if len(set(named)) >= 3:
            return index, named
    return None


@attrs.define
class _Stream:
    """The lines of a region joined by blanks, with each line's start offset."""

    text: str
    starts: list[tuple[int, int]]  # (offset, 0-based line index)

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, index in self.starts:
            if start > offset:
                break
            line = index
        return line


def _stream(lines: Sequence[str], begin: int) -> _Stream:
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for index in range(begin, len(lines)):
        line = lines[index].replace("\t", " ")
        if not line:
            continue
        starts.append((offset, index))
        parts.append(line)
        offset += len(line) + 1
    return _Stream(" ".join(parts), starts)


_SEGMENT_START = re.compile(r"(?:(?<=[\s。;])|^)(?=[(第一二三四五六七八九十\d\u2460-\u2473])")


# Where a sheet's total row starts in flattened text: "合计 20 18.5", "自评总分15.5分".
_TOTAL_CUT = re.compile(
    r"(?:(?<=[\s。;])|^)(?:合计|总计|总分|总得分|自评总分|自评总得分|得分合计|自评得分合计|总体得分)"
    rf"(?=\s|[:为]|{NUMBER})"
)


def read_flattened_sheet(lines: Sequence[str], header: tuple[int, list[str]]) -> Sheet:
    """Read a score sheet flattened into running text, from its header line on."""
    start, roles = header
    stream = _stream(lines, start + 1)
    text = stream.text
    max_first = "max" in roles and (
        "claimed" not in roles or roles.index("max") < roles.index("claimed")
    )
    max_after = "max" in roles and "claimed" in roles and not max_first
    cuts: list[tuple[int, tuple[str, str, int, str | None, int] | None]] = []
    for match in _SEGMENT_START.finditer(text):
        marker = marker_of(text[match.start() :], annotated=False)
        if marker is None:
            continue
        tail = text[match.start() + marker[4] :]
        title = re.split(r"\s", tail, maxsplit=1)[0]
        if not title or _RULE_TEXT.search(title) or not re.match(r"[\u4e00-\u9fff“\"《]", title):
            continue  # an enumeration inside rule text ("1.未制定方案扣0.5分"), not a row
        cuts.append((match.start(), marker))
    # A total row ends the row before it; it is read as the total, not as an explanation.
    cuts.extend((match.start(), None) for match in _TOTAL_CUT.finditer(text))
    cuts.sort(key=lambda cut: cut[0])
    headings: list[Heading] = []
    totals: list[StatedTotal] = []
    previous: tuple[int, tuple[str, str, int, str | None, int]] | None = None
    for position, (begin, marker) in enumerate(cuts):
        end = cuts[position + 1][0] if position + 1 < len(cuts) else len(text)
        segment = text[begin:end].strip()
        line = stream.line_at(begin) + 1
        if marker is None:
            totals.extend(_flattened_total(segment, line, max_first))
            previous = None
            continue
        heading = _flattened_heading(segment, marker, line, max_first, max_after=max_after)
        if heading is None and previous is not None and marker[0] in ("dotted", "dotted3"):
            # "3.5 部分学校未配齐…": a score with a decimal point, not a row numbered 3.5. The
            # row before runs on to here.
            first, first_marker = previous
            joined = _flattened_heading(
                text[first:end].strip(),
                first_marker,
                headings[-1].line,
                max_first,
                max_after=max_after,
            )
            if joined is not None:
                headings[-1] = joined
            continue
        if heading is not None:
            headings.append(heading)
            previous = (begin, marker)
        else:
            previous = None
    seen = {(t.line, t.value.text) for t in totals}
    for total in find_totals([text]):
        line = stream.line_at(text.find(total.text)) + 1
        if (line, total.value.text) not in seen:
            totals.append(attrs.evolve(total, line=line))
    used = frozenset(index for _, index in stream.starts) | {start}
    return Sheet(tuple(headings), tuple(sorted(totals, key=lambda t: t.line)), used)


def _flattened_total(segment: str, line: int, max_first: bool) -> list[StatedTotal]:
    """Read a flattened total row: a statement (``自评总分15.5分``), or bare scores in column
    order (``合计 20 18.5``: the max, then the claim, when the max column comes first)."""
    stated = find_totals([segment])
    if stated:
        return [attrs.evolve(t, line=line) for t in stated]
    tokens = segment.split()[1:]
    bare = [read_number(m.group("n")) for t in tokens if (m := _BARE.match(t))]
    if not bare:
        return []
    maximum: Reading | None = None
    if len(bare) >= 2:
        maximum, claimed = (bare[0], bare[1]) if max_first else (bare[1], bare[0])
    else:
        claimed = bare[0]
    return [StatedTotal(line, claimed, segment, maximum, None, True)]


def _flattened_heading(
    segment: str,
    marker: tuple[str, str, int, str | None, int],
    line: int,
    max_first: bool,
    *,
    max_after: bool = False,
) -> Heading | None:
    """Read one row of a flattened sheet: title, max, rule text, claim, explanation."""
    style, written, number, dotted, length = marker
    body = segment[length:]
    annotations = [a for a in find_annotations(body) if a.claimed is not None]
    title_part = re.split(r"\s", body.strip(), maxsplit=1)
    title, rest = title_part[0], title_part[1] if len(title_part) > 1 else ""
    title_annotations = find_annotations(title)
    maximum: Reading | None = None
    if title_annotations and title_annotations[0].claimed is None:
        maximum = title_annotations[0].max
        title = title[: title_annotations[0].start]
    title = clean_title(title)
    if not title or len(title) > MAX_TITLE_CHARS:
        return None
    if annotations and annotations[0].start < len(body.strip().split(" ", 1)[0]) + 1:
        first = annotations[0]
        return Heading(
            line,
            segment.strip(),
            written,
            style,
            number,
            dotted,
            title,
            first.max,
            first.claimed,
            _tail(body[first.end :]),
            None,
            "sheet-text",
        )
    tokens = rest.split()
    bare = [(i, m) for i, t in enumerate(tokens) if (m := _BARE.match(t))]
    claimed: Reading | None = None
    explanation_from = len(tokens)
    if maximum is None and bare and max_first and (len(bare) >= 2 or bare[0][0] == 0):
        index, match = bare.pop(0)
        maximum = read_number(match.group("n"))
        explanation_from = len(tokens)
        if index == 0 and not bare:
            # Only a max right after the title: the claim is missing from the row.
            return Heading(
                line,
                segment,
                written,
                style,
                number,
                dotted,
                title,
                maximum,
                None,
                None,
                None,
                "sheet-text",
            )
    if bare:
        index, match = bare[0]
        claimed = read_number(match.group("n"))
        explanation_from = index + 1
        if max_after and maximum is None and len(bare) >= 2 and bare[1][0] == index + 1:
            # The claim column comes before the max: "3.5 4 扣分原因".
            maximum = read_number(bare[1][1].group("n"))
            explanation_from = index + 2
    if claimed is None and maximum is None:
        return None
    explanation = "".join(tokens[explanation_from:]) if claimed is not None else None
    return Heading(
        line,
        segment,
        written,
        style,
        number,
        dotted,
        title,
        maximum,
        claimed,
        (explanation or None) and explanation[:MAX_EXPLANATION_CHARS],
        None,
        "sheet-text",
    )


def _tail(text: str) -> str | None:
    text = text.strip().lstrip("。,;:、)]】 ")
    return text[:MAX_EXPLANATION_CHARS] or None
