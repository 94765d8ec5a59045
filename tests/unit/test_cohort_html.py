"""The HTML cohort report: the same bytes for the same cohort, hostile text escaped, both
languages, and every link inside the page leading somewhere."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import evalrules
from evalrules._cohort import _html
from evalrules._cohort._html import render_html
from evalrules._renderers._labels import label

REPO = Path(__file__).resolve().parents[2]
COHORT = REPO / "rubrics" / "panjin-county" / "examples" / "cohort"
FILES = sorted(COHORT.glob("*.facts.yaml"))

HOSTILE_NAME = '<script>alert("x")</script>\u202e&amp;\x1b[2J区'
HOSTILE_ID = '"><img src=x onerror=alert(1)>'


class _Page(HTMLParser):
    """Every tag, id and in-page link of a page, and the text of each section by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "href" and value is not None and value.startswith("#"):
                self.links.append(value[1:])

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _documents() -> list[evalrules.FactsDocument]:
    return [evalrules.load_facts(path) for path in FILES]


@pytest.fixture(scope="module")
def cohort(compiled):
    return compiled.evaluate_cohort(_documents(), sources=[p.name for p in FILES])


def test_the_same_cohort_gives_the_same_bytes(compiled, panjin, cohort):
    again = compiled.evaluate_cohort(_documents(), sources=[p.name for p in FILES])
    for lang in ("zh", "en"):
        first = render_html(cohort, lang=lang, rubric=panjin)
        assert first == render_html(again, lang=lang, rubric=panjin)
        assert first == render_html(cohort, lang=lang, rubric=panjin)
        assert first.endswith("</html>\n")


def test_a_cohort_read_back_from_its_json_gives_the_same_page(panjin, cohort):
    back = evalrules.Cohort.from_json(cohort.to_json())
    for lang in ("zh", "en"):
        assert render_html(back, lang=lang, rubric=panjin) == render_html(
            cohort, lang=lang, rubric=panjin
        )


def test_the_page_is_self_contained(panjin, cohort):
    page = render_html(cohort, rubric=panjin)
    parsed = _parse(page)
    assert "script" not in parsed.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(parsed.tags)
    for name, value in parsed.attributes:
        if name in ("href", "src"):
            assert value is not None
            assert value.startswith("#"), (name, value)
    assert "http://" not in page.split("<body>")[0].replace('xmlns="http://www.w3.org', "")
    assert "@media print" in page
    assert '"Noto Sans CJK SC"' in page  # CJK fonts, with fallbacks


def test_the_ranking_lists_the_members_in_order_with_their_cards(panjin, cohort):
    page = render_html(cohort, rubric=panjin)
    ranking = page.split('<table class="ranking">')[1].split("</table>")[0]
    positions = [ranking.index(m.card.entity.name) for m in cohort.members]
    assert positions == sorted(positions)
    for member in cohort.members:
        assert f'<td class="num">{member.rank}</td>' in ranking
        assert f'<td class="num">{member.card.total}</td>' in ranking
    # one card section per member, in ranking order
    sections = page.split('<section class="member"')[1:]
    assert len(sections) == len(cohort.members)
    for section, member in zip(sections, cohort.members, strict=True):
        assert f"<h1>{label('scorecard', 'zh')}:{member.card.entity.name}" in section


def test_every_link_resolves_and_every_id_is_unique(panjin, cohort):
    for lang in ("zh", "en"):
        parsed = _parse(render_html(cohort, lang=lang, rubric=panjin))
        assert len(parsed.ids) == len(set(parsed.ids))
        assert parsed.links
        assert set(parsed.links) <= set(parsed.ids)
        # every member's card is reached from the ranking
        for i, member in enumerate(cohort.members, start=1):
            assert _html.anchor(i, member) in parsed.links


def test_a_hostile_name_and_id_are_escaped(compiled, panjin):
    docs = _documents()
    docs[1] = attrs.evolve(docs[1], entity=evalrules.Entity(HOSTILE_ID, HOSTILE_NAME))
    # and a refused document, named by a hostile file name, with a hostile entity
    refused = docs[2].with_facts({"pupils.junior": "many"})
    docs.append(attrs.evolve(refused, entity=evalrules.Entity("x", HOSTILE_NAME + "2")))
    cohort = compiled.evaluate_cohort(docs, sources=["a", "b", "c", "d", "<b>bold</b>.yaml"])
    assert len(cohort.refused) == 1
    for lang in ("zh", "en"):
        page = render_html(cohort, lang=lang, rubric=panjin)
        parsed = _parse(page)
        assert "script" not in parsed.tags
        assert "img" not in parsed.tags
        assert "b" not in parsed.tags
        assert "<script>" not in page
        assert "<img" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "&amp;amp;" in page  # an entity in a name is shown, not interpreted
        assert "&lt;b&gt;bold&lt;/b&gt;.yaml" in page
        # control and bidirectional characters never reach the page
        assert "\u202e" not in page
        assert "\x1b" not in page
        assert "\\u202e" in page
        assert "\\u001b" in page
        # ids are made of safe characters only, and still unique and resolving
        for anchor in parsed.ids:
            assert all(c.isascii() and (c.isalnum() or c in "-_") for c in anchor), anchor
        assert set(parsed.links) <= set(parsed.ids)
        assert len(parsed.ids) == len(set(parsed.ids))


def test_two_members_with_the_same_letters_in_their_ids_get_different_anchors(compiled):
    docs = _documents()[:2]
    docs[0] = attrs.evolve(docs[0], entity=evalrules.Entity("2111 02", "甲"))
    docs[1] = attrs.evolve(docs[1], entity=evalrules.Entity("211102", "乙"))
    cohort = compiled.evaluate_cohort(docs)
    parsed = _parse(render_html(cohort))
    anchors = [_html.anchor(i, m) for i, m in enumerate(cohort.members, start=1)]
    assert len(set(anchors)) == 2
    assert set(anchors) <= set(parsed.ids)


def test_both_languages(panjin, cohort):
    zh = render_html(cohort, lang="zh", rubric=panjin)
    en = render_html(cohort, lang="en", rubric=panjin)
    assert '<html lang="zh-CN">' in zh
    assert '<html lang="en">' in en
    for key, text in _html.LABELS.items():
        assert text.zh, key
        assert text.en, key
    for key in ("title", "ranking", "rank", "claimed_total", "indicators"):
        assert _html.LABELS[key].zh in zh, key
        assert _html.LABELS[key].en in en, key
        assert _html.LABELS[key].zh not in en, key
    # the rubric's own text in the reader's language, the entity names as given
    assert escape(cohort.rubric.title.en) in en
    assert escape(cohort.rubric.title.zh) in zh
    for member in cohort.members:
        assert member.card.entity.name in en
    with pytest.raises(ValueError, match="unknown language"):
        render_html(cohort, lang="fr")


def test_a_chart_per_indicator_with_a_bar_per_member(panjin, cohort):
    page = render_html(cohort, rubric=panjin)
    charts = page.split('<section id="indicators">')[1].split("</section>")[0]
    figures = charts.split('<figure class="indicator">')[1:]
    first_level = cohort.members[0].card.indicators
    expected = 1 + len(first_level) + sum(len(n.children) for n in first_level)  # total too
    assert len(figures) == expected
    for figure in figures:
        assert figure.count('<div class="track"') == len(cohort.members)
    # the values are written beside the bars, not only drawn
    (funding,) = [f for f in figures if f.lstrip().startswith("<figcaption>8 ")]
    for member in cohort.members:
        node = member.card.node("8")
        assert f"{node.score} / {node.max}" in funding
    # the cohort's mean is stated and marked
    stats = cohort.indicator("8")
    assert f"{stats.mean}" in charts
    assert '<div class="mean" style="left:' in charts


def test_a_refused_document_is_named_with_its_problems(compiled, panjin):
    docs = _documents()
    broken = docs[2].with_facts({"pupils.junior": "many", "ethics.major_cases": None})
    docs[2] = broken
    cohort = compiled.evaluate_cohort(docs, sources=[p.name for p in FILES])
    assert len(cohort.refused) == 1
    for lang in ("zh", "en"):
        page = render_html(cohort, lang=lang, rubric=panjin)
        section = page.split('<section id="refused">')[1].split("</section>")[0]
        assert FILES[2].name in section
        assert "pupils.junior" in section
        assert "ethics.major_cases" in section
        assert page.count('<section class="member"') == len(FILES) - 1


def test_a_cohort_without_members_still_renders(compiled):
    broken = _documents()[0].with_facts({"pupils.junior": "many"})
    cohort = compiled.evaluate_cohort([broken])
    page = render_html(cohort, lang="en")
    assert _html.LABELS["no_members"].en in page
    assert '<section class="member"' not in page
    assert set(_parse(page).links) <= set(_parse(page).ids)


def test_a_provisional_card_is_marked_in_the_ranking_and_its_bars(compiled, panjin):
    docs = _documents()
    docs[3] = docs[3].with_facts({"ratings.fitness": None})
    cohort = compiled.evaluate_cohort(docs, partial=True)
    member = cohort.member(docs[3].entity.id)
    assert not member.card.complete
    for lang in ("zh", "en"):
        page = render_html(cohort, lang=lang, rubric=panjin)
        ranking = page.split('<table class="ranking">')[1].split("</table>")[0]
        (row,) = [r for r in ranking.split("<tr") if member.card.entity.name in r]
        assert escape(label("incomplete", lang, count=1)) in row
        assert escape(label("provisional_grade", lang)) in row
        charts = page.split('<section id="indicators">')[1].split("</section>")[0]
        (health,) = [f for f in charts.split("<figure") if "<figcaption>3 " in f]
        (bar,) = [r for r in health.split("<tr") if member.card.entity.name in r]
        # 3 is scored, one of its items is not: its bar says so
        assert escape(_html.LABELS["chart_partly"].get(lang).format(count=1)) in bar
        assert f"{member.card.node('3').score} / " in bar
