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
from evalrules._scorecard._model import VERDICT_CODES, Finding, NodeResult, Scorecard

if TYPE_CHECKING:
    from evalrules._renderers import RenderOptions

__all__ = ["CSS", "body", "heading", "render_html"]

CSS = """\
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --track: #eaeef2;
  --bar: #0969da; --short: #bf8700; --claim: #cf222e; --hi: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--ink);
  font: 14px/1.6 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
  "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "WenQuanYi Micro Hei", "SimSun", sans-serif; }
.banner { border: 2px solid var(--short); background: var(--hi); padding: .5em 1em;
  font-weight: 700; }
.provisional { color: var(--short); }
ul.sensitivity, ul.aggregates { padding-left: 1.2em; }
ul.aggregates .detail { color: var(--muted); display: block; }
ul.sensitivity .why { color: var(--muted); display: block; }
table.signature { margin-top: 2.5em; width: 100%; border: 0; }
table.signature td { border: 0; padding: 1.2em .5em .2em 0; width: 33%; }
table.signature .blank { display: inline-block; min-width: 9em;
  border-bottom: 1px solid var(--ink); }
.print-only { display: none; }
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
@page { size: A4; margin: 18mm 15mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt;
    color: #656d76; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .print-only { display: block; }
  .print-header { border-bottom: 1px solid var(--line); color: var(--muted);
    font-size: 9pt; margin-bottom: 1em; }
  h2, h3 { break-after: avoid; }
  tr, li.finding, svg.chart { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

#: Chart geometry, in SVG user units: each row is a label line over a bar.
_BAR_WIDTH = 560
_ROW = 42
_WIDTH = 860


def _e(text: str) -> str:
    return escape(text, quote=True)


def _share(score: Decimal, maximum: Decimal) -> str:
    """The bar's length: score ÷ max of the full width, one decimal so the bytes are stable."""
    if maximum <= 0:
        return "0.0"
    share = min(max(score / maximum, ZERO), Decimal(1))
    return str((share * _BAR_WIDTH).quantize(Decimal("0.1")))


def _chart(card: Scorecard, lang: str) -> list[str]:
    """Each indicator's score as a share of its own max (a full bar is full marks), the
    claim marked, and the points lost written beside the bar."""
    nodes = view.chart_nodes(card)
    if not nodes:
        return []
    height = len(nodes) * _ROW + 8
    title = label("chart", lang)
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}"'
        f' role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    for i, node in enumerate(nodes):
        y = i * _ROW + 4
        name = f"{node.code} {node.title.get(lang)}"
        score = view.points(card, node.score)
        maximum = view.points(card, node.max)
        tip = f"{name}: {score} / {maximum}"
        if node.claimed is not None:
            tip += f"{label('punct.semicolon', lang)}{label('claimed', lang)} "
            tip += view.points(card, node.claimed)
        short = " short" if node.score < node.max else ""
        bar = y + 18
        out.append(f"<g><title>{_e(tip)}</title>")
        out.append(f'<text x="0" y="{y + 13}">{_e(name)}</text>')
        out.append(f'<rect class="track" x="0" y="{bar}" width="{_BAR_WIDTH}" height="16"/>')
        out.append(
            f'<rect class="score{short}" x="0" y="{bar}" '
            f'width="{_share(node.score, node.max)}" height="16"/>'
        )
        if node.claimed is not None and node.claimed != node.score:
            x = _share(node.claimed, node.max)
            out.append(f'<line class="claim" x1="{x}" y1="{bar - 3}" x2="{x}" y2="{bar + 19}"/>')
        value = f"{score} / {maximum}"
        lost = node.max - node.score
        if node.status == "scored" and lost > 0:
            value += "  " + label("lost", lang, points=view.points(card, lost))
        if node.claimed is not None and node.claimed != node.score:
            value += (
                "  "
                + view.paren(
                    f"{label('claimed', lang)} {view.points(card, node.claimed)}", lang
                ).strip()
            )
        out.append(f'<text x="{_BAR_WIDTH + 10}" y="{bar + 13}">{_e(value)}</text></g>')
    out.append("</svg>")
    out.append(
        f'<p class="legend"><span class="swatch" style="background:#0969da"></span>'
        f"{_e(label('chart.score', lang))}"
        f'<span class="swatch" style="background:#bf8700"></span>{_e(label("chart.short", lang))}'
        f'<span class="swatch" style="background:#eaeef2"></span>{_e(label("chart.lost", lang))}'
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


def _tree(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    heads = [("code", ""), ("indicator", ""), ("max", "num"), ("score", "num")]
    heads += [("claimed", "num"), ("note", "")]
    out = ['<table class="tree">', _thead(heads, lang), "<tbody>"]
    for row in view.rows(card, lang, options.rubric):
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
    evidence = view.evidence_lines(finding, lang, options.rubric, card.assumed)
    if evidence:
        out.append('<dl class="evidence">')
        for ev in evidence:
            if ev.kind == "params":
                continue
            # the fact's path is for programs (as in the JSON), not shown to a reader
            out.append(
                f"<dt>{_e(label(ev.kind, lang))}</dt>"
                f'<dd data-fact="{_e(ev.path)}">{_e(ev.sentence)}</dd>'
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
            f'<td class="num difference">{view.claim_difference(card, c, lang)}</td>'
            f"<td>{_e(c.reason.get(lang))}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _sensitivity(card: Scorecard, lang: str) -> list[str]:
    lines = view.sensitivity_lines(card, lang)
    if not lines:
        return [f"<p>{_e(label('sensitivity.none', lang))}</p>"]
    colon = label("punct.colon", lang)
    out = [f"<p>{_e(label('sensitivity.intro', lang))}</p>", '<ul class="sensitivity">']
    for line in lines:
        out.append(
            f"<li><strong>{_e(line.code)} {_e(line.title)}</strong> <code>{_e(line.rule)}</code>"
            f"{_e(colon)}{_e(line.text)}"
            f'<span class="why">{_e(line.why)}</span></li>'
        )
    out.append("</ul>")
    return out


def _aggregates(card: Scorecard, options: RenderOptions) -> list[str]:
    lang = options.lang
    out = [
        f"<p>{_e(view.aggregates_heading(card, lang, options.rubric)[1])}</p>",
        '<ul class="aggregates">',
    ]
    for line in view.aggregate_lines(card, lang, options.rubric):
        out.append(
            f'<li><span class="name">{_e(line.name)}</span>'
            f'{_e(label("punct.colon", lang))}<span class="value">{_e(line.value)}</span>'
            f'<span class="detail">{_e(line.detail)}</span></li>'
        )
    out.append("</ul>")
    return out


def _signature(lang: str) -> list[str]:
    """Where the evaluating office signs a printed card: unit, evaluator, date."""
    colon = label("punct.colon", lang)
    cells = "".join(
        f'<td>{_e(label(key, lang))}{_e(colon)}<span class="blank"></span></td>'
        for key in ("sign.unit", "sign.evaluator", "sign.date")
    )
    return [f'<table class="signature"><tr>{cells}</tr></table>']


def heading(card: Scorecard, lang: str) -> str:
    """The card's heading: ``评分结果:双台子区(211102)``."""
    entity = card.entity.name or card.entity.id
    if card.entity.name and card.entity.id:
        entity += view.paren(card.entity.id, lang)
    return f"{label('scorecard', lang)}{label('punct.colon', lang)}{entity}"


def body(card: Scorecard, options: RenderOptions) -> list[str]:
    """The lines of the card inside ``<body>``: what :func:`render_html` puts in its page,
    and what a page showing several cards (a cohort report) embeds for each, under the
    stylesheet :data:`CSS`. It gives no element an ``id``, so that cards embedded side by
    side cannot clash."""
    lang = options.lang
    colon = label("punct.colon", lang)
    title = heading(card, lang)
    rubric_title = card.rubric.title.get(lang) or card.rubric.ref
    detail = label("punct.comma", lang).join(
        (card.rubric.ref, f"{label('version_inline', lang)} {card.rubric.version}")
    )
    summary = view.summary(card, lang, options.rubric)
    print_header = f"{title} — {rubric_title}"
    if card.evaluated_at is not None:
        print_header += f"  {label('evaluated_at', lang)}{colon}{card.evaluated_at}"
    banner = view.provisional_banner(card, lang)
    footer = label("generated_by", lang, version=card.evalrules_version or "?")
    footer += f"{label('punct.semicolon', lang)}{label('digest', lang)} {card.rubric.digest}"
    parts = [
        f'<div class="print-only print-header">{_e(print_header)}</div>',
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(label("rubric", lang))}{colon}{_e(rubric_title)}'
        f"{_e(view.paren(detail, lang))}</p>",
        "</header>",
        *([f'<p class="banner" role="alert">{_e(banner)}</p>'] if banner else []),
        f"<section><h2>{_e(label('summary', lang))}</h2>",
        '<dl class="summary">',
    ]
    for key, value in summary:
        cls = ' class="grade"' if key == label("grade", lang) else ""
        if cls and view.provisional(card):
            cls = ' class="grade provisional"'
        if key == label("verdict", lang) and card.verdict is not None:
            # Only a known code becomes a class (a card read back from JSON may hold anything).
            code = card.verdict.code if card.verdict.code in VERDICT_CODES else ""
            cls = f' class="grade verdict {code}"'
        parts.append(f"<dt>{_e(key)}</dt><dd{cls}>{_e(value)}</dd>")
    parts.append("</dl></section>")
    chart = _chart(card, lang)
    if chart:
        parts.append(f"<section><h2>{_e(label('chart', lang))}</h2>")
        parts.extend(chart)
        parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('scores', lang))}</h2>")
    parts.extend(_tree(card, options))
    parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('findings', lang))}</h2>")
    parts.extend(_findings(card, options))
    parts.append("</section>")
    parts.append(f"<section><h2>{_e(label('discrepancies', lang))}</h2>")
    parts.extend(_claims(card, lang))
    parts.append("</section>")
    if card.aggregates:
        title = view.aggregates_heading(card, lang, options.rubric)[0]
        parts.append(f"<section><h2>{_e(title)}</h2>")
        parts.extend(_aggregates(card, options))
        parts.append("</section>")
    if card.sensitivity is not None:
        parts.append(f"<section><h2>{_e(label('sensitivity', lang))}</h2>")
        parts.extend(_sensitivity(card, lang))
        parts.append("</section>")
    parts.extend(_signature(lang))
    parts.append(f"<footer>{_e(footer)}</footer>")
    return parts


def render_html(card: Scorecard, options: RenderOptions) -> str:
    """Render a scorecard as one self-contained HTML page (see the module docs)."""
    lang = options.lang
    rubric_title = card.rubric.title.get(lang) or card.rubric.ref
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else _e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="evalrules {_e(card.evalrules_version)}">',
        f"<title>{_e(heading(card, lang))} — {_e(rubric_title)}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
        "<body>",
        *body(card, options),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
