"""The HTML page: one self-contained file that reads on screen and prints on A4.

No scripts, no web fonts, no external files: the CSS (with ``@media print``) and the bar
chart (inline SVG: each indicator's score against its max, the claim marked) are in the page.
Every piece of text from a rubric or a facts document passes through :func:`html.escape`;
the only markup in the output is this module's own.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from evalrules._points import ZERO
from evalrules._renderers import _view as view
from evalrules._renderers._labels import label
from evalrules._renderers._texttable import char_width, display_width
from evalrules._scorecard._model import Finding, NodeResult, Scorecard

if TYPE_CHECKING:
    from evalrules._renderers import RenderOptions

__all__ = ["render_html"]

_CSS = """\
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --track: #eaeef2;
  --bar: #0969da; --short: #bf8700; --claim: #cf222e; --hi: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--ink);
  font: 14px/1.6 "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", system-ui, sans-serif; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .6em; padding-bottom: .2em;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; }
.meta, footer { color: var(--muted); }
footer { margin-top: 2em; font-size: .85em; word-break: break-all; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1.2em; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.grade { font-weight: 700; font-size: 1.1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .25em .5em; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.depth-0 td { font-weight: 700; background: #f6f8fa; }
tr.depth-2 td.title { padding-left: 2em; }
tr.status-not_applicable td, tr.status-not_assessable td { color: var(--muted); }
tr.differs td { background: var(--hi); }
tr.differs td.claimed, .difference { color: var(--claim); font-weight: 700; }
td.short { color: var(--short); }
ul.findings { list-style: none; padding: 0; margin: 0; }
li.finding { border-left: 4px solid var(--line); padding: .2em .8em; margin: .4em 0; }
li.deduction, li.manual { border-color: var(--short); }
li.bonus { border-color: #1a7f37; }
li.veto { border-color: var(--claim); }
.kind { font-weight: 700; margin-right: .5em; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
dl.evidence { margin: .2em 0 0; display: grid; grid-template-columns: max-content 1fr;
  gap: 0 1em; color: var(--muted); font-size: .92em; }
dl.evidence dd { margin: 0; }
svg.chart { width: 100%; height: auto; max-width: 860px; }
svg.chart text { font-size: 12px; fill: var(--ink); }
svg.chart .track { fill: var(--track); }
svg.chart .score { fill: var(--bar); }
svg.chart .score.short { fill: var(--short); }
svg.chart .claim { stroke: var(--claim); stroke-width: 2; }
.legend { color: var(--muted); font-size: .9em; }
.legend .swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em;
  margin: 0 .3em 0 1em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; }
  tr, li.finding, svg.chart { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

#: Chart geometry, in SVG user units.
_LABEL_WIDTH = 300
_BAR_WIDTH = 380
_ROW = 26
_LABEL_COLUMNS = 40


def _e(text: str) -> str:
    return escape(text, quote=True)


def _clip(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns, with an ellipsis when cut."""
    if display_width(text) <= columns:
        return text
    out, used = "", 0
    for char in text:
        w = char_width(char)
        if used + w > columns - 1:
            break
        out += char
        used += w
    return out + "…"


def _px(value: Decimal, biggest: Decimal) -> str:
    """A length on the chart's scale, written with one decimal so the bytes are stable."""
    if biggest <= 0:
        return "0.0"
    return str((value * _BAR_WIDTH / biggest).quantize(Decimal("0.1")))


def _chart(card: Scorecard, lang: str) -> list[str]:
    nodes = view.chart_nodes(card)
    if not nodes:
        return []
    biggest = max((n.max for n in nodes), default=ZERO)
    height = len(nodes) * _ROW + 8
    width = _LABEL_WIDTH + _BAR_WIDTH + 180
    title = label("chart", lang)
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    for i, node in enumerate(nodes):
        y = i * _ROW + 4
        mid = y + 16
        name = f"{node.code} {node.title.get(lang)}"
        score = view.points(card, node.score)
        maximum = view.points(card, node.max)
        tip = f"{name}: {score} / {maximum}"
        if node.claimed is not None:
            tip += f"{label('punct.semicolon', lang)}{label('claimed', lang)} "
            tip += view.points(card, node.claimed)
        short = " short" if node.score < node.max else ""
        out.append(f"<g><title>{_e(tip)}</title>")
        out.append(f'<text x="0" y="{mid}">{_e(_clip(name, _LABEL_COLUMNS))}</text>')
        out.append(
            f'<rect class="track" x="{_LABEL_WIDTH}" y="{y + 4}" '
            f'width="{_px(node.max, biggest)}" height="16"/>'
        )
        out.append(
            f'<rect class="score{short}" x="{_LABEL_WIDTH}" y="{y + 4}" '
            f'width="{_px(node.score, biggest)}" height="16"/>'
        )
        if node.claimed is not None and node.claimed != node.score:
            x = Decimal(_LABEL_WIDTH) + Decimal(_px(node.claimed, biggest))
            out.append(f'<line class="claim" x1="{x}" y1="{y + 1}" x2="{x}" y2="{y + 23}"/>')
        value = f"{score} / {maximum}"
        if node.claimed is not None and node.claimed != node.score:
            value += f"  ({label('claimed', lang)} {view.points(card, node.claimed)})"
        out.append(f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 8}" y="{mid}">{_e(value)}</text></g>')
    out.append("</svg>")
    out.append(
        f'<p class="legend"><span class="swatch" style="background:#0969da"></span>'
        f"{_e(label('score', lang))}"
        f'<span class="swatch" style="background:#eaeef2"></span>{_e(label("max", lang))}'
        f'<span class="swatch" style="background:#cf222e"></span>{_e(label("claimed", lang))}'
        "</p>"
    )
    return out


def _thead(heads: list[tuple[str, str]], lang: str) -> str:
    """A table head from ``(label key, css class)`` pairs."""
    cells = "".join(
        f'<th class="{cls}">{_e(label(key, lang))}</th>'
        if cls
        else f"<th>{_e(label(key, lang))}</th>"
        for key, cls in heads
    )
    return f"<thead><tr>{cells}</tr></thead>"


def _tree(card: Scorecard, lang: str) -> list[str]:
    heads = [("code", ""), ("indicator", ""), ("max", "num"), ("score", "num")]
    heads += [("claimed", "num"), ("note", "")]
    out = ['<table class="tree">', _thead(heads, lang), "<tbody>"]
    for row in view.rows(card, lang):
        node: NodeResult = row.node
        classes = [f"depth-{min(row.depth, 2)}", f"status-{_e(node.status)}"]
        if row.differs:
            classes.append("differs")
        short = " short" if node.status == "scored" and node.score < node.max else ""
        claimed = "" if node.claimed is None else view.points(card, node.claimed)
        out.append(
            f'<tr class="{" ".join(classes)}">'
            f"<td>{_e(node.code)}</td>"
            f'<td class="title">{_e(node.title.get(lang))}</td>'
            f'<td class="num">{view.points(card, node.max)}</td>'
            f'<td class="num{short}">{view.points(card, node.score)}</td>'
            f'<td class="num claimed">{claimed}</td>'
            f"<td>{_e(row.note)}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _finding(card: Scorecard, finding: Finding, options: RenderOptions) -> list[str]:
    lang = options.lang
    head = view.finding_head(card, finding, lang)
    out = [
        f'<li class="finding {_e(finding.kind)}">'
        f'<span class="kind">{_e(head)}</span><code>{_e(finding.rule)}</code> '
        f"{_e(finding.message.get(lang))}"
    ]
    evidence = view.evidence_lines(finding, lang, options.rubric)
    if evidence:
        out.append('<dl class="evidence">')
        for ev in evidence:
            if ev.kind == "params":
                continue
            name = f"{_e(ev.name)} " if ev.name else ""
            detail = f" ← {_e(ev.detail)}" if ev.detail else ""
            out.append(
                f"<dt>{_e(label(ev.kind, lang))}</dt>"
                f"<dd>{name}<code>{_e(ev.path)}</code> = {_e(ev.value)}{detail}</dd>"
            )
        params = [ev for ev in evidence if ev.kind == "params"]
        if params:
            text = label("punct.comma", lang).join(ev.value for ev in params)
            out.append(f"<dt>{_e(label('source', lang))}</dt><dd>{_e(text)}</dd>")
        out.append("</dl>")
    out.append("</li>")
    return out


def _findings(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    groups = view.finding_groups(card)
    if not groups:
        return [f"<p>{_e(label('no_findings', lang))}</p>"]
    out = []
    for group in groups:
        out.append(f"<h3>{_e(group.code)} {_e(group.title.get(lang))}</h3>")
        out.append('<ul class="findings">')
        for finding in group.findings:
            out.extend(_finding(card, finding, options))
        out.append("</ul>")
    return out


def _claims(card: Scorecard, lang: str) -> list[str]:
    if card.claimed is None:
        return [f"<p>{_e(label('no_claims', lang))}</p>"]
    differing = view.differing_claims(card)
    if not differing:
        return [f"<p>{_e(label('no_discrepancies', lang))}</p>"]
    heads = [("code", ""), ("claimed", "num"), ("computed", "num"), ("difference", "num")]
    heads += [("reason", "")]
    out = ['<table class="claims">', _thead(heads, lang), "<tbody>"]
    for c in differing:
        out.append(
            '<tr class="differs">'
            f"<td>{_e(view.claim_code(c.code, lang))}</td>"
            f'<td class="num claimed">{view.points(card, c.claimed)}</td>'
            f'<td class="num">{view.points(card, c.computed)}</td>'
            f'<td class="num difference">{view.signed(card, c.difference)}</td>'
            f"<td>{_e(c.reason.get(lang))}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def render_html(card: Scorecard, options: RenderOptions) -> str:
    """Render a scorecard as one self-contained HTML page (see the module docs)."""
    lang = options.lang
    colon = label("punct.colon", lang)
    entity = card.entity.name or card.entity.id
    if card.entity.name and card.entity.id:
        entity += view.paren(card.entity.id, lang)
    heading = f"{label('scorecard', lang)}{colon}{entity}"
    rubric_title = card.rubric.title.get(lang) or card.rubric.ref
    detail = label("punct.comma", lang).join(
        (card.rubric.ref, f"{label('version_inline', lang)} {card.rubric.version}")
    )
    summary = view.summary(card, lang, options.rubric)
    footer = label("generated_by", lang, version=card.evalrules_version or "?")
    footer += f"{label('punct.semicolon', lang)}{label('digest', lang)} {card.rubric.digest}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else _e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="evalrules {_e(card.evalrules_version)}">',
        f"<title>{_e(heading)} — {_e(rubric_title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="meta">{_e(label("rubric", lang))}{colon}{_e(rubric_title)}'
        f"{_e(view.paren(detail, lang))}</p>",
        "</header>",
        f"<section><h2>{_e(label('summary', lang))}</h2>",
        '<dl class="summary">',
    ]
    for key, value in summary:
        cls = ' class="grade"' if key == label("grade", lang) else ""
        parts.append(f"<dt>{_e(key)}</dt><dd{cls}>{_e(value)}</dd>")
    parts.append("</dl></section>")
    chart = _chart(card, lang)
    if chart:
        parts.append(f"<section><h2>{_e(label('chart', lang))}</h2>")
        parts.extend(chart)
        parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('scores', lang))}</h2>")
    parts.extend(_tree(card, lang))
    parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('findings', lang))}</h2>")
    parts.extend(_findings(card, options))
    parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('discrepancies', lang))}</h2>")
    parts.extend(_claims(card, lang))
    parts.append("</section>")
    parts.append(f"<footer>{_e(footer)}</footer>")
    parts.append("</body>")
    parts.append("</html>")
    return "\n".join(parts) + "\n"
