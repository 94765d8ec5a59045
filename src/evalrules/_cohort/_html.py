"""The cohort report: one self-contained HTML page that ranks the members, compares them
indicator by indicator and holds every member's scorecard.

The page has no scripts, no web fonts and no external files. It opens with the ranking
(rank, entity, total, grade, grade modifiers, claimed total against the computed one), then
the documents that were refused with their problems, then a chart per indicator: one bar per
member, its score against the indicator's max, the cohort's mean marked, and the value
written beside each bar so that the chart reads without colour. Each member's full card
follows in a section of its own, reached from its row and its bars; the cards are those of
the HTML card renderer (:func:`evalrules._renderers._html.body`) under its stylesheet, and
in print each one starts a page.

Every text from a rubric or a facts document (entity names, sources, problems, titles) is
first escaped as every rendered scorecard is (:func:`evalrules._escape.escape_values`) and
then passes through :func:`html.escape`; anchors are made from the member's place in the
ranking, never from its text alone, so they are unique whatever the ids say. The output
depends on nothing but the cohort and the options: the same cohort gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING

from evalrules._cohort._model import Cohort, CohortMember, CohortRefusal, IndicatorStatistics
from evalrules._escape import escape_values
from evalrules._points import ZERO, context, format_points
from evalrules._renderers import RenderOptions
from evalrules._renderers import _view as view
from evalrules._renderers._html import CSS as CARD_CSS
from evalrules._renderers._html import body as card_body
from evalrules._renderers._labels import check_lang, label
from evalrules._scorecard._model import NodeResult, Scorecard
from evalrules._text import Text
from evalrules._version import __version__

if TYPE_CHECKING:
    from evalrules._rubric._model import Rubric

__all__ = ["render_html"]

#: The words of the report around the data, in Chinese and English (the card's own words
#: come from the renderers' label table).
LABELS: dict[str, Text] = {
    "title": Text("各县区评价结果排名与对比", "Districts ranked and compared"),
    "counts": Text(
        "参加排名{members}个,未能评分{refused}个", "{members} scored, {refused} refused"
    ),
    "policy": Text(
        "名次按总分从高到低排列;总分相同者名次并列,其后名次顺延(如1、2、2、4)。",
        "Ranked by total, highest first; equal totals share a rank and the next rank "
        "skips as many places (1, 2, 2, 4).",
    ),
    "ranking": Text("排名", "Ranking"),
    "rank": Text("名次", "Rank"),
    "claimed_total": Text("自评总分", "Claimed total"),
    "agrees": Text("一致", "agrees"),
    "no_claim": Text("未自评", "no claim"),
    "assumed": Text("含非实测数据", "rests on data not measured"),
    "no_members": Text("没有可以评分的文档。", "No document could be scored."),
    "refused": Text("未能评分的文档", "Documents refused"),
    "refused_intro": Text(
        "下列文档存在问题,未参加评分和排名;其余文档照常评分。",
        "These documents have problems: they were neither scored nor ranked; the others "
        "were scored as usual.",
    ),
    "no_entity": Text("未注明被评对象", "no entity named"),
    "indicators": Text("各指标得分对比", "Indicators compared"),
    "indicators_intro": Text(
        "每条为一个被评对象的得分占该指标满分的比例,右侧为得分/满分;竖线为参评对象的平均分。",
        "Each bar is one entity's score as a share of the indicator's max, with score / max "
        "beside it; the vertical line marks the mean of the entities scored.",
    ),
    "stats": Text(
        "满分{max};最低{minimum},平均{mean},最高{maximum}",
        "max {max}; lowest {minimum}, mean {mean}, highest {maximum}",
    ),
    "stats_none": Text("满分{max};无参评对象得分", "max {max}; no entity scored"),
    "back": Text("返回排名", "Back to the ranking"),
    "chart_claimed": Text("自评{points}", "claimed {points}"),
    "chart_partly": Text("含{count}项无法评价", "{count} item(s) not assessable"),
}


def _label(key: str, lang: str, **fields: object) -> str:
    words = LABELS[key].get(lang)
    return words.format(**fields) if fields else words


_CSS = """\
.cohort-meta { color: var(--muted); }
table.ranking td, table.bars th, table.bars td, figcaption, section.member h1,
  ul.problems li { overflow-wrap: anywhere; }
table.ranking td.num { font-weight: 600; }
table.ranking { table-layout: fixed; }
table.ranking col.rank { width: 7%; }
table.ranking col.entity { width: 16%; }
table.ranking col.total { width: 8%; }
table.ranking col.grade { width: 15%; }
table.ranking col.vetoes { width: 20%; }
table.ranking col.claimed { width: 10%; }
table.ranking col.gap { width: 12%; }
table.ranking col.note { width: 12%; }
table.ranking th, table.ranking td.gap { white-space: normal; }
table.ranking tr.vetoed td.vetoes { color: var(--claim); }
table.ranking td.differs { color: var(--claim); font-weight: 700; }
table.ranking a, table.bars a { color: inherit; }
ul.problems { margin: .2em 0 .8em; padding-left: 1.4em; }
figure.indicator { margin: 1.1em 0 1.4em; }
figure.indicator figcaption { font-weight: 600; margin-bottom: .2em; }
figure.indicator .stats { color: var(--muted); font-weight: 400; margin-left: .6em; }
table.bars { table-layout: fixed; }
table.bars th { font-weight: 400; background: none; width: 24%; }
table.bars td.bar { width: 44%; vertical-align: middle; }
table.bars td.num { width: 14%; }
table.bars td.note { width: 18%; color: var(--muted); overflow-wrap: anywhere; }
.track { position: relative; height: 14px; background: var(--track); }
.fill { height: 100%; background: var(--bar); }
.fill.short { background: var(--short); }
.mean { position: absolute; top: -3px; bottom: -3px; width: 0;
  border-left: 2px solid var(--ink); }
section.member { margin-top: 3em; padding-top: 1em; border-top: 3px double var(--line); }
a.back { font-size: .9em; }
@media print {
  section.member { break-before: page; margin-top: 0; padding-top: 0; border-top: 0; }
  a.back { display: none; }
  a { color: inherit; text-decoration: none; }
  figure.indicator, table.ranking tr { break-inside: avoid; }
}
"""

_UNSAFE_ID = re.compile(r"[^0-9A-Za-z_-]+")


def _e(text: str) -> str:
    return escape(text, quote=True)


def anchor(index: int, member: CohortMember) -> str:
    """The id of a member's card section: its place in the ranking (1-based), which makes it
    unique, then the letters and digits of its entity id, which make it readable
    (``m1-211102``)."""
    readable = _UNSAFE_ID.sub("", member.card.entity.id)[:32]
    return f"m{index}-{readable}" if readable else f"m{index}"


def _name(card: Scorecard, lang: str) -> str:
    """``双台子区(211102)``; the id alone when there is no name."""
    entity = card.entity
    if entity.name and entity.id:
        return entity.name + view.paren(entity.id, lang)
    return entity.name or entity.id


def _points(cohort: Cohort, value: Decimal) -> str:
    return format_points(value, cohort.rubric.precision)


def _share(score: Decimal, maximum: Decimal) -> str:
    """A bar's length as a CSS percentage, one decimal so that the bytes are stable."""
    if maximum <= 0:
        return "0.0%"
    share = min(max(score / maximum, ZERO), Decimal(1)) * 100
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _unassessed(nodes: Iterable[NodeResult]) -> int:
    """How many of the items among ``nodes`` are not assessable."""
    return sum(1 for n in nodes if not n.children and n.status == "not_assessable")


def _claim(card: Scorecard, code: str) -> tuple[Decimal | None, Decimal | None]:
    """``(claimed, difference)`` of ``code`` on the card, ``(None, None)`` without a claim."""
    for claim in card.claimed or ():
        if claim.code == code:
            return claim.claimed, claim.difference
    return None, None


# ---------------------------------------------------------------------------- ranking


def _ranking(cohort: Cohort, anchors: list[str], lang: str, rubric: Rubric | None) -> list[str]:
    if not cohort.members:
        return [f"<p>{_e(_label('no_members', lang))}</p>"]
    heads = [
        ("rank", _label("rank", lang), "num"),
        ("entity", label("entity", lang), ""),
        ("total", label("total", lang), "num"),
        ("grade", label("grade", lang), ""),
        ("vetoes", label("vetoes", lang), ""),
        ("claimed", _label("claimed_total", lang), "num"),
        ("gap", label("difference", lang), "num"),
        ("note", label("note", lang), ""),
    ]
    cols = "".join(f'<col class="{col}">' for col, _, _ in heads)
    cells = "".join(
        f'<th class="{cls}" scope="col">{_e(h)}</th>' if cls else f'<th scope="col">{_e(h)}</th>'
        for _, h, cls in heads
    )
    out = [
        '<table class="ranking">',
        f"<colgroup>{cols}</colgroup>",
        f"<thead><tr>{cells}</tr></thead>",
        "<tbody>",
    ]
    sep = label("punct.semicolon", lang)
    for member, target in zip(cohort.members, anchors, strict=True):
        card = member.card
        grade = view.grade_text(card, lang, rubric)
        notes = []
        if view.provisional(card):
            grade += view.paren(label("provisional_grade", lang), lang)
            missing = sum(1 for n in card.walk() if not n.children and n.status == "not_assessable")
            notes.append(label("incomplete", lang, count=missing))
        if card.assumed:
            notes.append(_label("assumed", lang))
        vetoes = sep.join(v.message.get(lang) for v in card.vetoes) or label("none", lang)
        claimed, difference = _claim(card, "total")
        if claimed is None or difference is None:
            claimed_text, difference_text, differs = _label("no_claim", lang), "", ""
        elif difference == 0:
            claimed_text, difference_text, differs = view.points(card, claimed), "", ""
            difference_text = _label("agrees", lang)
        else:
            key = "claim.reduced" if difference > 0 else "claim.raised"
            claimed_text = view.points(card, claimed)
            difference_text = label(key, lang, difference=view.points(card, abs(difference)))
            differs = " differs"
        row_class = ' class="vetoed"' if card.vetoes else ""
        out.append(
            f"<tr{row_class}>"
            f'<td class="num">{member.rank}</td>'
            f'<td class="entity"><a href="#{target}">{_e(_name(card, lang))}</a></td>'
            f'<td class="num">{view.points(card, card.total)}</td>'
            f"<td>{_e(grade)}</td>"
            f'<td class="vetoes">{_e(vetoes)}</td>'
            f'<td class="num">{_e(claimed_text)}</td>'
            f'<td class="num gap{differs}">{_e(difference_text)}</td>'
            f'<td class="note">{_e(sep.join(notes))}</td></tr>'
        )
    out.append("</tbody></table>")
    return out


def _refused(refused: tuple[CohortRefusal, ...], lang: str) -> list[str]:
    out = [
        f'<section id="refused"><h2>{_e(_label("refused", lang))}</h2>',
        f"<p>{_e(_label('refused_intro', lang))}</p>",
    ]
    colon = label("punct.colon", lang)
    for refusal in refused:
        entity = refusal.entity
        if entity is None:
            who = _label("no_entity", lang)
        elif entity.name and entity.id:
            who = entity.name + view.paren(entity.id, lang)
        else:
            who = entity.name or entity.id
        out.append(f"<h3><code>{_e(refusal.source)}</code> {_e(who)}</h3>")
        out.append('<ul class="problems">')
        for problem in refusal.problems:
            message = problem.message_zh if lang == "zh" else problem.message_en
            out.append(
                f"<li><code>{_e(problem.where())}</code>{_e(colon)}{_e(message)}"
                f" <code>[{_e(problem.code)}]</code></li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out


# ----------------------------------------------------------------------------- charts


def _mean(cohort: Cohort, values: list[Decimal]) -> Decimal:
    """The exact mean quantized to the rubric's precision, half up (as the statistics)."""
    ctx = context()
    mean = ctx.divide(sum(values, ZERO), Decimal(len(values)))
    return mean.quantize(cohort.rubric.precision, rounding=ROUND_HALF_UP, context=ctx)


def _figure(
    cohort: Cohort,
    anchors: list[str],
    caption: str,
    maximum: Decimal,
    stats: tuple[Decimal, Decimal, Decimal] | None,
    bars: list[tuple[NodeResult | None, Decimal, Decimal | None]],
    lang: str,
) -> list[str]:
    """One indicator's chart: a row per member (its node, score and claim), in ranking
    order, each bar scaled to ``maximum``, the mean marked."""
    if stats is None:
        figures = _label("stats_none", lang, max=_points(cohort, maximum))
    else:
        low, mean, high = (_points(cohort, v) for v in stats)
        figures = _label(
            "stats", lang, max=_points(cohort, maximum), minimum=low, mean=mean, maximum=high
        )
    out = [
        '<figure class="indicator">',
        f'<figcaption>{_e(caption)}<span class="stats">{_e(figures)}</span></figcaption>',
        '<table class="bars"><tbody>',
    ]
    mean_at = "" if stats is None else _share(stats[1], maximum)
    for member, target, (node, score, claimed) in zip(cohort.members, anchors, bars, strict=True):
        card = member.card
        value = f"{view.points(card, score)} / {view.points(card, maximum)}"
        notes = []
        if node is not None and node.status != "scored":
            notes.append(label(f"status.{node.status}", lang))
        elif node is not None:
            missing = sum(1 for n in node.walk() if not n.children and n.status == "not_assessable")
            if missing:
                notes.append(_label("chart_partly", lang, count=missing))
        if claimed is not None and claimed != score:
            notes.append(_label("chart_claimed", lang, points=view.points(card, claimed)))
        short = " short" if score < maximum else ""
        mean = f'<div class="mean" style="left:{mean_at}"></div>' if mean_at else ""
        out.append(
            f'<tr><th scope="row"><a href="#{target}">{_e(_name(card, lang))}</a></th>'
            f'<td class="bar"><div class="track" role="img" aria-label="{_e(value)}">'
            f'<div class="fill{short}" style="width:{_share(score, maximum)}"></div>'
            f"{mean}</div></td>"
            f'<td class="num">{_e(value)}</td>'
            f'<td class="note">{_e(label("punct.semicolon", lang).join(notes))}</td></tr>'
        )
    out.append("</tbody></table></figure>")
    return out


def _chart_codes(cohort: Cohort) -> list[str]:
    """The nodes charted: each first-level indicator, then its indicators (the second
    level, as on a card); the items are on each member's card."""
    if not cohort.members:
        return []
    codes = []
    card = cohort.members[0].card
    for top in (*card.indicators, *card.bonus_items):
        codes.append(top.code)
        codes.extend(child.code for child in top.children)
    return codes


def _charts(cohort: Cohort, anchors: list[str], lang: str) -> list[str]:
    if not cohort.members:
        return []
    out = [
        f'<section id="indicators"><h2>{_e(_label("indicators", lang))}</h2>',
        f'<p class="legend">{_e(_label("indicators_intro", lang))}</p>',
    ]
    totals = [m.card.total for m in cohort.members]
    out.extend(
        _figure(
            cohort,
            anchors,
            label("total", lang),
            cohort.members[0].card.max,
            (min(totals), _mean(cohort, totals), max(totals)),
            [(None, m.card.total, _claim(m.card, "total")[0]) for m in cohort.members],
            lang,
        )
    )
    stats_by_code: dict[str, IndicatorStatistics] = {s.code: s for s in cohort.indicators}
    for code in _chart_codes(cohort):
        stats = stats_by_code.get(code)
        bars: list[tuple[NodeResult | None, Decimal, Decimal | None]] = []
        for member in cohort.members:
            try:
                node: NodeResult | None = member.card.node(code)
            except KeyError:
                node = None
            score = ZERO if node is None else node.score
            bars.append((node, score, None if node is None else node.claimed))
        first = cohort.members[0].card.node(code)
        maximum = first.max if stats is None else stats.max
        title = (stats.title if stats is not None else first.title).get(lang)
        figures = (
            None
            if stats is None or not stats.scores
            else (stats.minimum, stats.mean, stats.maximum)
        )
        out.extend(_figure(cohort, anchors, f"{code} {title}", maximum, figures, bars, lang))
    out.append("</section>")
    return out


# ------------------------------------------------------------------------------ page


def render_html(cohort: Cohort, *, lang: str = "zh", rubric: Rubric | None = None) -> str:
    """Render a cohort as one self-contained, printable HTML page (see the module docs).

    Args:
        cohort: The cohort (:meth:`CompiledRubric.evaluate_cohort`).
        lang: ``"zh"`` (default) or ``"en"``.
        rubric: The rubric, when at hand: the cards then show each rule's wording and
            source, and grade names from its bands.

    Returns:
        The page, ending with a line feed.

    Raises:
        ValueError: if ``lang`` is not ``"zh"`` or ``"en"``.
    """
    lang = check_lang(lang)
    # What people read gets no control character, bidirectional mark or line feed from a
    # facts document, as on every rendered scorecard.
    cohort = escape_values(cohort)
    options = RenderOptions(lang=lang, rubric=rubric)
    anchors = [anchor(i, m) for i, m in enumerate(cohort.members, start=1)]
    colon = label("punct.colon", lang)
    rubric_title = cohort.rubric.title.get(lang) or cohort.rubric.ref
    detail = label("punct.comma", lang).join(
        (cohort.rubric.ref, f"{label('version_inline', lang)} {cohort.rubric.version}")
    )
    title = _label("title", lang)
    counts = _label("counts", lang, members=len(cohort.members), refused=len(cohort.refused))
    footer = label("generated_by", lang, version=__version__)
    footer += f"{label('punct.semicolon', lang)}{label('digest', lang)} {cohort.rubric.digest}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="evalrules {_e(__version__)}">',
        f"<title>{_e(title)} — {_e(rubric_title)}</title>",
        f"<style>\n{CARD_CSS}{_CSS}</style>",
        "</head>",
        "<body>",
        f'<div class="print-only print-header">{_e(title)} — {_e(rubric_title)}</div>',
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(label("rubric", lang))}{colon}{_e(rubric_title)}'
        f"{_e(view.paren(detail, lang))}</p>",
        f'<p class="cohort-meta">{_e(counts)}{_e(label("punct.semicolon", lang))}'
        f"{_e(_label('policy', lang))}</p>",
        "</header>",
        f'<section id="ranking"><h2>{_e(_label("ranking", lang))}</h2>',
        *_ranking(cohort, anchors, lang, rubric),
        "</section>",
    ]
    if cohort.refused:
        parts.extend(_refused(cohort.refused, lang))
    parts.extend(_charts(cohort, anchors, lang))
    for member, target in zip(cohort.members, anchors, strict=True):
        parts.append(
            f'<section class="member" id="{target}" aria-label="{_e(_name(member.card, lang))}">'
        )
        parts.append(f'<p><a class="back" href="#ranking">↑ {_e(_label("back", lang))}</a></p>')
        parts.extend(card_body(member.card, options))
        parts.append("</section>")
    parts.append(f"<footer>{_e(footer)}</footer>")
    parts.append("</body>")
    parts.append("</html>")
    return "\n".join(parts) + "\n"
