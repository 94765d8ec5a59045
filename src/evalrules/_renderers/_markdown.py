"""The Markdown report: headings, a GitHub table of the tree, findings with evidence.

Every piece of text from a rubric or a facts document goes through :func:`escape`, so an
entity name such as ``<script>`` or a title with ``|`` or ``*`` reads as written instead of
turning into HTML, breaking the table or starting emphasis.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from evalrules._renderers import _view as view
from evalrules._renderers._labels import label
from evalrules._scorecard._model import Finding, Scorecard

if TYPE_CHECKING:
    from evalrules._renderers import RenderOptions

__all__ = ["escape", "render_markdown"]

# `<`, `>` and `&` become entities: a backslash before `<` is not honoured by every Markdown
# dialect, an entity is. The other characters with a meaning inside a line or a GitHub table
# cell get a backslash. `.`, `-`, `+`, `!`, `(` and `)` only matter at a line start (lists,
# headings) or after `]` (links): `[` and `]` are always escaped, and this renderer never
# starts a line with data (it always follows a list marker, a heading marker, `|` or `**`).
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def escape(text: str) -> str:
    """Escape ``text`` for Markdown, to be placed after a line prefix or inside a table cell.

    Newlines become spaces, so a multi-line value stays in its table cell or list item.
    """
    text = " ".join(text.splitlines())
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return _SPECIAL.sub(r"\\\1", text)


def _table(headers: list[str], aligns: str, rows: list[list[str]]) -> list[str]:
    spec = {"l": "---", "r": "---:"}
    out = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(spec[a] for a in aligns) + " |",
    ]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _header(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    colon = label("punct.colon", lang)
    entity = escape(card.entity.name or card.entity.id)
    if card.entity.name and card.entity.id:
        entity += escape(view.paren(card.entity.id, lang))
    rubric = escape(card.rubric.title.get(lang) or card.rubric.ref)
    detail = label("punct.comma", lang).join(
        (escape(card.rubric.ref), f"{label('version_inline', lang)} {escape(card.rubric.version)}")
    )
    out = [
        f"# {label('scorecard', lang)}{colon}{entity}",
        "",
        f"- **{label('rubric', lang)}**{colon}{rubric}{view.paren(detail, lang)}",
    ]
    out.extend(
        f"- **{escape(key)}**{colon}{escape(value)}"
        for key, value in view.summary(card, lang, options.rubric)
    )
    return out


def _tree(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    headers = [label(k, lang) for k in ("code", "indicator", "max", "score", "claimed", "note")]
    body = []
    for row in view.rows(card, lang, options.rubric):
        node = row.node
        code, title = escape(node.code), escape(node.title.get(lang))
        if row.depth == 0:
            code, title = f"**{code}**", f"**{title}**"
        elif row.depth > 1:
            # An em space per level (not ASCII spaces, which table cells trim) shows depth.
            title = "\u2003" * (row.depth - 1) + title
        claimed = "" if node.claimed is None else view.points(card, node.claimed)
        note = escape(row.note)
        if row.differs:
            claimed, note = f"**{claimed}**", f"**{note}**"
        body.append(
            [
                code,
                title,
                view.points(card, node.max),
                view.points(card, node.score),
                claimed,
                note,
            ]
        )
    return [f"## {label('scores', lang)}", "", *_table(headers, "llrrrl", body)]


def _finding(card: Scorecard, finding: Finding, options: RenderOptions) -> list[str]:
    lang = options.lang
    colon = label("punct.colon", lang)
    head = escape(view.finding_head(card, finding, lang))
    lines = [f"- **{head}** \\[{escape(finding.rule)}\\] {escape(finding.message.get(lang))}"]
    evidence = view.evidence_lines(finding, lang, options.rubric, card.assumed)
    for ev in evidence:
        if ev.kind == "params":
            continue
        text = escape(ev.sentence)
        lines.append(f"  - {label(ev.kind, lang)}{colon}{text}")
    params = [ev for ev in evidence if ev.kind == "params"]
    if params:
        text = label("punct.comma", lang).join(escape(ev.value) for ev in params)
        lines.append(f"  - {label('source', lang)}{colon}{text}")
    return lines


def _findings(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    out = [f"## {label('findings', lang)}", ""]
    groups = view.finding_groups(card)
    if not groups:
        return [*out, label("no_findings", lang)]
    for group in groups:
        out.append(f"### {escape(group.code)} {escape(group.title.get(lang))}".rstrip())
        out.append("")
        for finding in group.findings:
            out.extend(_finding(card, finding, options))
        out.append("")
    return out[:-1]


def _claims(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    out = [f"## {label('discrepancies', lang)}", ""]
    if card.claimed is None:
        return [*out, label("no_claims", lang)]
    differing = view.differing_claims(card)
    if not differing:
        return [*out, label("no_discrepancies", lang)]
    headers = [label(k, lang) for k in ("code", "claimed", "computed", "difference", "reason")]
    body = [
        [
            escape(view.claim_code(c.code, lang)),
            view.points(card, c.claimed),
            view.points(card, c.computed),
            f"**{view.claim_difference(card, c, lang)}**",
            escape(c.reason.get(lang)),
        ]
        for c in differing
    ]
    return out + _table(headers, "lrrrl", body)


def _sensitivity(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    out = [f"## {label('sensitivity', lang)}", ""]
    lines = view.sensitivity_lines(card, lang)
    if not lines:
        return [*out, label("sensitivity.none", lang)]
    out.extend([label("sensitivity.intro", lang), ""])
    colon = label("punct.colon", lang)
    for line in lines:
        head = f"{escape(line.code)} {escape(line.title)} \\[{escape(line.rule)}\\]"
        out.append(f"- **{head}**{colon}{escape(line.text)}")
        out.append(f"  {escape(line.why)}")
    return out


def _aggregates(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    title, intro = view.aggregates_heading(card, lang, options.rubric)
    out = [f"## {escape(title)}", "", escape(intro), ""]
    colon = label("punct.colon", lang)
    for line in view.aggregate_lines(card, lang, options.rubric):
        out.append(f"- **{escape(line.name)}**{colon}{escape(line.value)}")
        out.append(f"  {escape(line.detail)}")
    return out


def render_markdown(card: Scorecard, options: RenderOptions) -> str:
    """Render a scorecard as a Markdown report (see the module docs)."""
    lang = options.lang
    footer = label("generated_by", lang, version=escape(card.evalrules_version or "?"))
    footer += label("punct.semicolon", lang)
    footer += f"{label('digest', lang)} {escape(card.rubric.digest)}"
    banner = view.provisional_banner(card, lang)
    sections = [
        _header(card, options),
        *([[f"> **{escape(banner)}**"]] if banner else []),
        _tree(card, options),
        _findings(card, options),
        _claims(card, options),
        *([_aggregates(card, options)] if card.aggregates else []),
        *([_sensitivity(card, options)] if card.sensitivity is not None else []),
        [f"_{footer}_"],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
