"""The terminal table: the tree with max / score / claimed, the totals, then the findings.

Plain text with correct column widths for Chinese (see :mod:`._texttable`); ANSI colour only
when :attr:`RenderOptions.color` is on, which the command line sets for a terminal and never
when the output is piped or ``NO_COLOR`` is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalrules._renderers import _view as view
from evalrules._renderers._labels import label
from evalrules._renderers._texttable import (
    Cell,
    clean,
    display_width,
    grid,
    longest_unit,
    paint,
    paragraph,
    wrap,
)
from evalrules._scorecard._model import Finding, Scorecard

if TYPE_CHECKING:
    from evalrules._renderers import RenderOptions

__all__ = ["render_table"]

#: Fewest columns a title (and a claim's reason) keeps in a table, however narrow the width.
MIN_TEXT = 12
#: Columns between two table columns (see :func:`._texttable.grid`).
GAP = 2

_KIND_STYLE = {
    "deduction": "red",
    "manual": "yellow",
    "bonus": "green",
    "veto": "bold magenta",
    "not_applicable": "dim",
    "not_assessable": "yellow",
}


def _paragraph(text: str, first: str, rest: str, width: int) -> list[str]:
    return paragraph(text, first, rest, width)


def _fit(rows: list[list[Cell]], headers: list[str], flexible: int, width: int) -> list[int | None]:
    """Column limits that keep a table within ``width``: the ``flexible`` column (a title, a
    reason) takes what the others leave, at least :data:`MIN_TEXT`; the last column (a note)
    gives up room first, down to its longest word, while the flexible one has less than
    twice that."""
    texts = [[headers[i], *(r[i].text for r in rows)] for i in range(len(headers))]
    natural = [max(display_width(t) for t in column) for column in texts]
    last = len(headers) - 1
    fixed = GAP * last + sum(n for i, n in enumerate(natural) if i not in (flexible, last))
    limits: list[int | None] = [None] * len(headers)
    if last != flexible:
        # a header is not wrapped: the note column is at least as wide as its own
        word = max(display_width(headers[last]), *(longest_unit(t) for t in texts[last]))
        limits[last] = max(word, min(natural[last], width - fixed - 2 * MIN_TEXT))
        fixed += limits[last] or 0
    limits[flexible] = max(MIN_TEXT, width - fixed)
    return limits


def _header(card: Scorecard, options: RenderOptions) -> list[str]:
    lang, color = options.lang, options.color
    colon = label("punct.colon", lang)
    entity = card.entity.name or card.entity.id
    if card.entity.name and card.entity.id:
        entity += view.paren(card.entity.id, lang)
    rubric = card.rubric.title.get(lang) or card.rubric.ref
    detail = label("punct.comma", lang).join(
        (card.rubric.ref, f"{label('version_inline', lang)} {card.rubric.version}")
    )
    width = options.width
    out = [
        *(
            paint(line, "bold", color)
            for line in wrap(f"{label('scorecard', lang)}{colon}{entity}", width)
        ),
        *wrap(f"{label('rubric', lang)}{colon}{rubric}{view.paren(detail, lang)}", width),
    ]
    # What is not measured is said before any score that rests on it.
    notes = view.data_notes(card, lang, options.rubric)
    if notes:
        first = f"{label('data_notes', lang)}{colon}"
        indent = " " * display_width(first)
        for i, note in enumerate(notes):
            out.extend(_paragraph(note, first if i == 0 else indent, indent, width))
    return out


def _tree(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    headers = [label(k, lang) for k in ("code", "indicator", "max", "score", "claimed", "note")]
    body: list[list[Cell]] = []
    for row in view.rows(card, lang, options.rubric):
        node = row.node
        top = "bold" if row.depth == 0 else None
        if node.status != "scored":
            score_style: str | None = "dim"
        elif node.score < node.max:
            score_style = "red"
        else:
            score_style = "green"
        body.append(
            [
                Cell("  " * row.depth + node.code, top),
                Cell(node.title.get(lang), top),
                Cell(view.points(card, node.max)),
                Cell(view.points(card, node.score), score_style),
                Cell("" if node.claimed is None else view.points(card, node.claimed)),
                Cell(row.note, "yellow" if row.differs else "dim"),
            ]
        )
    return grid(
        headers,
        body,
        aligns=("left", "left", "right", "right", "right", "left"),
        widths=_fit(body, headers, 1, options.width),
        color=options.color,
    )


def _summary(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    # the data notes are in the header (see _header)
    notes = label("data_notes", lang)
    pairs = [(k, v) for k, v in view.summary(card, lang, options.rubric) if k != notes]
    width = max(display_width(k) for k, _ in pairs) + 2
    out = []
    for key, value in pairs:
        pad = " " * (width - display_width(key))
        first = paint(key, "bold", options.color) + pad
        out.extend(_paragraph(value, first, " " * width, options.width))
    return out


def _finding(card: Scorecard, finding: Finding, options: RenderOptions) -> list[str]:
    lang, color = options.lang, options.color
    head, rule = clean(view.finding_head(card, finding, lang)), clean(finding.rule)
    first = f"  {paint(head, _KIND_STYLE.get(finding.kind), color)} [{rule}] "
    indent = " " * (display_width(head) + display_width(rule) + 6)
    lines = _paragraph(finding.message.get(lang), first, indent, options.width)
    colon = label("punct.colon", lang)
    evidence = view.evidence_lines(finding, lang, options.rubric, card.assumed)
    for ev in evidence:
        if ev.kind == "params":
            continue
        text = ev.sentence
        key = label(ev.kind, lang) + colon
        lines.extend(
            _paragraph(text, "      " + paint(key, "dim", color), "        ", options.width)
        )
    params = [ev for ev in evidence if ev.kind == "params"]
    if params:
        text = label("punct.comma", lang).join(ev.value for ev in params)
        key = label("source", lang) + colon
        lines.extend(
            _paragraph(text, "      " + paint(key, "dim", color), "        ", options.width)
        )
    return lines


def _findings(card: Scorecard, options: RenderOptions) -> list[str]:
    lang, color = options.lang, options.color
    out = [paint(label("findings", lang), "bold", color)]
    groups = view.finding_groups(card)
    if not groups:
        return [*out, label("no_findings", lang)]
    for group in groups:
        heading = clean(f"{group.code} {group.title.get(lang)}".rstrip())
        out.extend(paint(line, "bold", color) for line in wrap(heading, options.width))
        for finding in group.findings:
            out.extend(_finding(card, finding, options))
    return out


def _claims(card: Scorecard, options: RenderOptions) -> list[str]:
    lang, color = options.lang, options.color
    out = [paint(label("discrepancies", lang), "bold", color)]
    if card.claimed is None:
        return [*out, label("no_claims", lang)]
    differing = view.differing_claims(card)
    if not differing:
        return [*out, label("no_discrepancies", lang)]
    headers = [label(k, lang) for k in ("code", "claimed", "computed", "difference", "reason")]
    body = [
        [
            Cell(view.claim_code(c.code, lang)),
            Cell(view.points(card, c.claimed)),
            Cell(view.points(card, c.computed)),
            Cell(view.claim_difference(card, c, lang), "yellow"),
            Cell(c.reason.get(lang)),
        ]
        for c in differing
    ]
    return out + grid(
        headers,
        body,
        aligns=("left", "right", "right", "right", "left"),
        widths=_fit(body, headers, 4, options.width),
        color=color,
    )


def _sensitivity(card: Scorecard, options: RenderOptions) -> list[str]:
    lang, color = options.lang, options.color
    out = [paint(label("sensitivity", lang), "bold", color)]
    lines = view.sensitivity_lines(card, lang)
    if not lines:
        return [*out, label("sensitivity.none", lang)]
    width = options.width
    out.extend(_paragraph(label("sensitivity.intro", lang), "", "", width))
    colon = label("punct.colon", lang)
    for line in lines:
        head = clean(f"{line.code} {line.title} [{line.rule}]{colon}")
        out.extend(paint(h, "bold", color) for h in wrap(head, width))
        out.extend(_paragraph(clean(line.text), "    ", "    ", width))
        out.extend(_paragraph(clean(line.why), "    ", "    ", width))
    return out


def _aggregates(card: Scorecard, options: RenderOptions) -> list[str]:
    lang, color, width = options.lang, options.color, options.width
    title, intro = view.aggregates_heading(card, lang, options.rubric)
    out = [paint(title, "bold", color)]
    out.extend(_paragraph(intro, "", "", width))
    colon = label("punct.colon", lang)
    for line in view.aggregate_lines(card, lang, options.rubric):
        out.extend(_paragraph(clean(f"{line.name}{colon}{line.value}"), "  ", "    ", width))
        out.extend(_paragraph(clean(line.detail), "    ", "    ", width))
    return out


def render_table(card: Scorecard, options: RenderOptions) -> str:
    """Render a scorecard as a text table for a terminal (see the module docs)."""
    lang = options.lang
    footer = label("generated_by", lang, version=card.evalrules_version or "?")
    footer += label("punct.semicolon", lang) + f"{label('digest', lang)} {card.rubric.digest}"
    banner = view.provisional_banner(card, lang)
    width = options.width
    sections = [
        _header(card, options),
        *([_paragraph(banner, paint("", "yellow", options.color), "", width)] if banner else []),
        _tree(card, options),
        _summary(card, options),
        _findings(card, options),
        _claims(card, options),
        *([_aggregates(card, options)] if card.aggregates else []),
        *([_sensitivity(card, options)] if card.sensitivity is not None else []),
        [paint(line, "dim", options.color) for line in wrap(footer, width)],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
