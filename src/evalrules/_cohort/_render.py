"""A cohort in words: a terminal table and Markdown, in Chinese or English.

Both show the ranking first (rank, entity, total, grade, vetoes, claimed against computed),
then the refused documents, then per indicator the members side by side with the cohort's
minimum, mean and maximum. The terminal table fits its lines to a width: the members'
columns of the indicator table are split into as many tables as the width needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from evalrules._cohort._model import Cohort, CohortMember
from evalrules._points import format_points
from evalrules._renderers._markdown import escape as md_escape
from evalrules._renderers._texttable import clean, display_width, grid, wrap
from evalrules._renderers._view import veto_head
from evalrules._text import Text

_LABELS: dict[str, Text] = {
    "title": Text("县区评价排名", "Cohort ranking"),
    "members": Text("{n}个县区参加排名", "{n} ranked"),
    "refused_n": Text("{n}份事实数据被拒绝", "{n} refused"),
    "policy": Text(
        "名次按总分从高到低;总分相同者名次相同,其后名次顺延(1、2、2、4)",
        "Ranked by total, highest first; equal totals share a rank, and the next rank "
        "skips as many places (1, 2, 2, 4)",
    ),
    "ranking": Text("排名", "Ranking"),
    "rank": Text("名次", "Rank"),
    "entity": Text("县区", "Entity"),
    "code": Text("代码", "Code"),
    "total": Text("总分", "Total"),
    "grade": Text("等次", "Grade"),
    "vetoes": Text("否决", "Vetoes"),
    "claimed": Text("自评", "Claimed"),
    "difference": Text("差值", "Diff."),
    "source": Text("来源", "Source"),
    "diff_note": Text(
        "差值为自评总分减核定总分", "Diff. is the claimed total minus the computed one"
    ),
    "refused": Text("被拒绝的事实数据", "Refused documents"),
    "problems": Text("问题", "Problems"),
    "indicators": Text("分项得分", "Indicator by indicator"),
    "indicator": Text("指标", "Indicator"),
    "max": Text("满分", "Full"),
    "minimum": Text("最低", "Lowest"),
    "mean": Text("平均", "Mean"),
    "maximum": Text("最高", "Highest"),
    "none": Text("无", "none"),
    "no_members": Text("没有县区参加排名。", "No entity was ranked."),
    "not_scored": Text("—", "—"),
}


def _label(key: str, lang: str, **fields: object) -> str:
    text = _LABELS[key].get(lang)
    return text.format(**fields) if fields else text


def _pts(value: Decimal, cohort: Cohort) -> str:
    return format_points(value, cohort.rubric.precision)


def _name(member: CohortMember) -> str:
    entity = member.card.entity
    return clean(entity.name or entity.id)


def _claim(member: CohortMember, cohort: Cohort) -> tuple[str, str]:
    """The claimed total and claimed − computed, or dashes when nothing was claimed."""
    for c in member.card.claimed or ():
        if c.code == "total":
            diff = _pts(c.difference, cohort)
            sign = "+" if c.difference > 0 else ""
            return _pts(c.claimed, cohort), sign + diff
    return "—", "—"


def _vetoes(member: CohortMember, lang: str) -> str:
    """Each veto as its indicator and what it did: ``2.3 降低等次``."""
    shown = [
        f"{clean(v.indicator)} {veto_head(member.card, v.effect, lang)}"
        if v.effect
        else clean(v.indicator)
        for v in member.card.vetoes
    ]
    return "; ".join(dict.fromkeys(shown)) if shown else _label("none", lang)


def _ranking_rows(cohort: Cohort, lang: str) -> list[list[str]]:
    rows = []
    for m in cohort.members:
        claimed, diff = _claim(m, cohort)
        rows.append(
            [
                str(m.rank),
                _name(m),
                clean(m.card.entity.id),
                _pts(m.card.total, cohort),
                clean(m.card.grade.label.get(lang)),
                _vetoes(m, lang),
                claimed,
                diff,
            ]
        )
    return rows


def _ranking_headers(lang: str) -> list[str]:
    keys = ("rank", "entity", "code", "total", "grade", "vetoes", "claimed", "difference")
    return [_label(k, lang) for k in keys]


def _problem_lines(cohort: Cohort, lang: str) -> list[tuple[str, list[str]]]:
    out = []
    for r in cohort.refused:
        lines = [
            f"{clean(p.where())}: {clean(p.message_en if lang == 'en' else p.message_zh)} "
            f"[{p.code}]"
            for p in r.problems
        ]
        out.append((clean(r.source), lines))
    return out


def _head(cohort: Cohort, lang: str) -> list[str]:
    title = clean(cohort.rubric.title.get(lang)) or clean(cohort.rubric.ref)
    counts = _label("members", lang, n=len(cohort.members))
    if cohort.refused:
        counts += ("; " if lang == "en" else ",") + _label("refused_n", lang, n=len(cohort.refused))
    return [f"{_label('title', lang)}: {title} ({clean(cohort.rubric.ref)})", counts]


def _score_cell(cohort: Cohort, code: str, member: CohortMember) -> str:
    node = member.card.node(code)
    if node.status != "scored":
        return _label("not_scored", "zh")
    return _pts(node.score, cohort)


def _indicator_rows(cohort: Cohort, members: Sequence[CohortMember], lang: str) -> list[list[str]]:
    rows = []
    for s in cohort.indicators:
        rows.append(
            [
                clean(f"{s.code} {s.title.get(lang)}"),
                _pts(s.max, cohort),
                _pts(s.minimum, cohort),
                _pts(s.mean, cohort),
                _pts(s.maximum, cohort),
                *(_score_cell(cohort, s.code, m) for m in members),
            ]
        )
    return rows


def _fits(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, first: int) -> bool:
    """Whether the table fits ``width`` columns with its first column wrapped at ``first``."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    widths[0] = min(widths[0], first)
    return sum(widths) + 2 * (len(widths) - 1) <= width


def render_table(cohort: Cohort, *, lang: str = "zh", width: int = 80) -> str:
    """The cohort as a terminal table fitted to ``width`` columns.

    The ranking, the refused documents (each with every problem), then the indicators with
    the members side by side: as many members per table as fit the width.
    """
    out = [
        line
        for text in (*_head(cohort, lang), _label("policy", lang), _label("diff_note", lang))
        for line in wrap(text, width)
    ]
    out.append("")
    if not cohort.members:
        out.append(_label("no_members", lang))
    else:
        out.append(_label("ranking", lang))
        headers = _ranking_headers(lang)
        rows = _ranking_rows(cohort, lang)
        aligns = ["right", "left", "left", "right", "left", "left", "right", "right"]
        limits: list[int | None] = [None, 16, None, None, 12, 16, None, None]
        if width < 72:  # narrow: the code column gives way to the others
            headers, aligns, limits = (
                headers[:2] + headers[3:],
                aligns[:2] + aligns[3:],
                limits[:2] + limits[3:],
            )
            rows = [row[:2] + row[3:] for row in rows]
            limits[1], limits[3], limits[4] = 10, 9, 8
        out.extend(grid(headers, rows, aligns=aligns, widths=limits))
    if cohort.refused:
        out.extend(["", _label("refused", lang)])
        for source, lines in _problem_lines(cohort, lang):
            out.append(f"  {source}")
            out.extend(f"    - {line}" for line in lines)
    if cohort.members:
        fixed = [_label(k, lang) for k in ("indicator", "max", "minimum", "mean", "maximum")]
        members = list(cohort.members)
        first = max(12, min(28, width // 3))
        start = 0
        while start < len(members):
            # As many members as fit beside the fixed columns (at least one).
            end = start + 1
            while end < len(members):
                chunk = members[start : end + 1]
                headers = [*fixed, *(_name(m) for m in chunk)]
                if not _fits(headers, _indicator_rows(cohort, chunk, lang), width, first):
                    break
                end += 1
            chunk = members[start:end]
            out.extend(["", _label("indicators", lang)])
            out.extend(
                grid(
                    [*fixed, *(_name(m) for m in chunk)],
                    _indicator_rows(cohort, chunk, lang),
                    aligns=["left", *(["right"] * (4 + len(chunk)))],
                    widths=[first],
                )
            )
            start = end
    return "\n".join(out).rstrip() + "\n"


def _md_table(headers: Sequence[str], aligns: str, rows: Sequence[Sequence[str]]) -> list[str]:
    spec = {"l": "---", "r": "---:"}
    return [
        "| " + " | ".join(md_escape(h) for h in headers) + " |",
        "| " + " | ".join(spec[a] for a in aligns) + " |",
        *("| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows),
    ]


def render_markdown(cohort: Cohort, *, lang: str = "zh") -> str:
    """The cohort as Markdown: the ranking, the refused documents, then per indicator the
    members side by side."""
    head = _head(cohort, lang)
    out = [f"# {md_escape(head[0])}", "", md_escape(head[1]), ""]
    out.extend([md_escape(_label("policy", lang)), "", md_escape(_label("diff_note", lang))])
    out.extend(["", f"## {md_escape(_label('ranking', lang))}", ""])
    if cohort.members:
        out.extend(_md_table(_ranking_headers(lang), "rllrllrr", _ranking_rows(cohort, lang)))
    else:
        out.append(md_escape(_label("no_members", lang)))
    if cohort.refused:
        out.extend(["", f"## {md_escape(_label('refused', lang))}", ""])
        for source, lines in _problem_lines(cohort, lang):
            out.append(f"- **{md_escape(source)}**")
            out.extend(f"  - {md_escape(line)}" for line in lines)
    if cohort.members:
        headers = [
            *(_label(k, lang) for k in ("indicator", "max", "minimum", "mean", "maximum")),
            *(_name(m) for m in cohort.members),
        ]
        out.extend(["", f"## {md_escape(_label('indicators', lang))}", ""])
        out.extend(
            _md_table(
                headers,
                "l" + "r" * (len(headers) - 1),
                _indicator_rows(cohort, cohort.members, lang),
            )
        )
    return "\n".join(out) + "\n"
