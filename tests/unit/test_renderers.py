"""The builtin renderers: registration, layout, both languages, escaping, determinism.

The example's full output is pinned by the golden files (``tests/cli/test_golden.py``); these
tests check properties every scorecard's rendering must have.
"""

from __future__ import annotations

import html.parser
import re
import string
from decimal import Decimal
from pathlib import Path

import _rubrics as R
import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import Entity, Renderer, RenderOptions, Scorecard
from evalrules._renderers import _view as view
from evalrules._renderers._labels import LABELS, label
from evalrules._renderers._markdown import escape as md_escape
from evalrules._renderers._texttable import (
    Cell,
    char_width,
    clean,
    display_width,
    grid,
    paragraph,
    wrap,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TEXT_FORMATS = ("table", "markdown", "html")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def card(compiled, example) -> Scorecard:
    """The 双台子区 example's scorecard with 4100 children (78.36%) in affordable
    kindergartens: item 11 then misses the 80% standard and differs from the claim."""
    return compiled.evaluate(example.with_facts({"kindergarten.inclusive_children": 4100}))


def render(engine, card, fmt, lang="zh", *, color=False, rubric=None, width=80) -> str:
    return engine.render(card, fmt, lang=lang, color=color, rubric=rubric, width=width)


# ---------------------------------------------------------------------- registration


def test_builtin_renderers_register_through_the_hook(engine):
    assert engine.renderers.names() == ("html", "json", "markdown", "table", "xlsx")
    for name in engine.renderers.names():
        item = engine.renderers.get(name)
        assert isinstance(item, Renderer)
        origin = "evalrules.excel" if name == "xlsx" else "evalrules.renderers"
        assert engine.renderers.origin(name) == origin
        assert item.description.zh
        assert item.description.en
    suffixes = {n: engine.renderers.get(n).suffix for n in engine.renderers.names()}
    assert suffixes == {
        "html": ".html",
        "json": ".json",
        "markdown": ".md",
        "table": ".txt",
        "xlsx": ".xlsx",
    }


def test_json_renderer_writes_the_published_form(engine, card):
    assert render(engine, card, "json") == card.to_json()


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_rendering_is_deterministic(engine, compiled, example, fmt, panjin):
    first = render(engine, compiled.evaluate(example), fmt, rubric=panjin)
    again = render(engine, compiled.evaluate(example), fmt, rubric=panjin)
    fresh = evalrules.Engine(autoload=False, plugins=[__import__("evalrules_panjin")])
    other = render(fresh, fresh.evaluate("panjin-county/2023", example), fmt, rubric=panjin)
    assert first == again == other


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_both_languages_use_their_own_labels(engine, card, fmt):
    zh, en = render(engine, card, fmt, "zh"), render(engine, card, fmt, "en")
    for key in ("scorecard", "findings", "discrepancies", "grade", "completeness", "vetoes"):
        assert LABELS[key].zh in zh
        assert LABELS[key].en in en
        assert LABELS[key].zh not in en
    assert card.grade.label.zh in zh
    assert card.grade.label.en in en


def test_every_label_reads_in_both_languages_with_the_same_fields():
    formatter = string.Formatter()
    for key, text in LABELS.items():
        assert text.zh, key
        assert text.en, key
        fields = [{f for _, f, _, _ in formatter.parse(t) if f} for t in (text.zh, text.en)]
        assert fields[0] == fields[1], key


def test_an_unknown_label_key_prints_its_last_part():
    assert label("kind.a_plugins_kind", "zh") == "a_plugins_kind"


# -------------------------------------------------------------------- widths, wrapping


def test_display_width_counts_chinese_as_two_columns():
    assert display_width("双台子区") == 8
    assert display_width("A1 b") == 4
    assert display_width("ＡＢ") == 4  # full-width Latin letters
    assert display_width("e\u0301") == 1  # a combining accent takes no column
    assert display_width("78.36%") == 6


_WRAP_TEXT = st.text(
    alphabet=st.sampled_from(list("双台子区教育经费,。;)abcdefg 123.-“”\n")), max_size=80
)


@given(text=_WRAP_TEXT, width=st.integers(min_value=2, max_value=30))
def test_wrapped_lines_fit_and_lose_no_character(text, width):
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")


_NO_SPACES = st.text(
    alphabet=st.sampled_from(list("双台子区教育经费,。;)abcdefg123.-“”")), max_size=80
)


@given(
    # Without spaces (after a space a line may start with anything) and without runs of
    # closing marks (a run wider than a line cannot stay with the character before it;
    # ASCII punctuation inside such a run holds on to the mark after it just the same).
    text=_NO_SPACES.filter(lambda t: not re.search("[,。;)”][,。;)”!-/:-@]*[,。;)”]", t)),
    width=st.integers(min_value=4, max_value=30),
)
def test_closing_punctuation_never_starts_a_wrapped_line(text, width):
    for line in wrap(text, width)[1:]:
        if line and display_width(line[0]) == 2:
            assert line[0] not in ",。;)、", (text, width)


def test_grid_aligns_chinese_and_latin_cells():
    lines = grid(
        ["代码", "名称", "分"],
        [["A", "党的领导", "63.0"], ["1.1", "Campus safety", "3.0"], ["12", "均衡", "6.0"]],
        aligns=("left", "left", "right"),
    )
    assert len({display_width(line) for line in lines}) == 1
    assert lines[1] == "----  -------------  ----"


def test_grid_wraps_a_limited_column():
    lines = grid(["代码", "名称"], [["8.2", "义务教育生均公用经费补助达标情况"]], widths=(None, 10))
    assert lines[2:] == ["8.2   义务教育生", "      均公用经费", "      补助达标情", "      况"]


def test_a_wide_mark_after_a_narrow_one_does_not_start_a_line():
    assert wrap("区.。", 4) == ["区", ".。"]


def test_a_cut_word_keeps_its_closing_marks_with_the_character_before():
    assert wrap("123456)。", 6) == ["12345", "6)。"]


def test_control_characters_are_shown_not_sent():
    assert clean("a\x1b[2Jb\x07\r") == "a\\u001b[2Jb\\u0007\\u000d"
    assert clean("行\n行") == "行\n行"
    assert "\x1b" not in "".join(wrap("\x1b]0;title\x07", 20))


def test_paragraph_keeps_its_prefix_and_hanging_indent():
    lines = paragraph("一二三四五六七八九十" * 3, "前缀:", "      ", 26)
    assert lines[0].startswith("前缀:")
    assert all(line.startswith("      ") for line in lines[1:])
    assert all(display_width(line) <= 26 for line in lines)


def test_char_width_of_a_wide_and_a_narrow_character():
    assert (char_width("区"), char_width("a")) == (2, 1)


# ------------------------------------------------------------------------ the table


def test_table_shows_every_node_indented_by_depth(engine, card):
    lines = render(engine, card, "table").splitlines()
    for row in view.rows(card, "zh"):
        prefix = "  " * row.depth + row.node.code + " "
        assert any(line.startswith(prefix) for line in lines), prefix


def test_table_marks_claims_that_differ(engine, card):
    lines = render(engine, card, "table").splitlines()
    differing = {c.code for c in view.differing_claims(card)} - {"total"}
    for row in view.rows(card, "zh"):
        (line,) = [x for x in lines if x.startswith("  " * row.depth + row.node.code + " ")][:1]
        assert ("自评高于核定" in line) == (row.node.code in differing), line


def test_table_groups_findings_under_their_indicator(engine, card):
    text = render(engine, card, "table")
    findings_part = text[text.index(LABELS["findings"].zh) :]
    position = -1
    for group in view.finding_groups(card):
        heading = findings_part.index(f"\n{group.code} {group.title.zh}\n")
        assert heading > position
        for finding in group.findings:
            assert findings_part.index(f"[{finding.rule}]", heading) > heading
        position = heading


def test_table_colour_is_only_laid_over_the_layout(engine, card):
    plain = render(engine, card, "table")
    coloured = render(engine, card, "table", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert [line.rstrip() for line in ANSI.sub("", coloured).splitlines()] == plain.splitlines()


def test_table_cleans_control_characters_from_facts(engine, compiled, example):
    entity = Entity("211102", "双台子区\x1b[2J")
    text = render(engine, compiled.evaluate(attrs.evolve(example, entity=entity)), "table")
    assert "\x1b" not in text
    assert "双台子区\\u001b[2J" in text


def test_table_without_the_rubric_names_each_rules_main_fact(engine, card, panjin):
    # Wide enough that no evidence line wraps.
    with_rubric = render(engine, card, "table", rubric=panjin, width=160)
    without = render(engine, card, "table", rubric=None, width=160)
    # The threshold's own message fields name its fact and unit; with the rubric, each
    # operand of the worked calculation is named too, without it by its path.
    value = "≈ 78.36%"
    head = "计算数据:普惠性幼儿园覆盖率(普惠率) = "
    assert (
        f"{head}普惠性幼儿园在园幼儿数 4100人 ÷ 在园幼儿总数 5232人 × 100% {value}" in with_rubric
    )
    assert (
        f"{head}kindergarten.inclusive_children 4100 ÷ kindergarten.children 5232 × 100% {value}"
    ) in without
    # A card names no fact path where a label is at hand; a fact the message does not name
    # is shown by its path alone without the rubric.
    assert "数据:区域内有民办中小学校 = 否" in with_rubric
    assert "[schools.has_private_schools]" not in with_rubric
    assert "数据:schools.has_private_schools = 否" in without


# ------------------------------------------------------------------------ markdown


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("<script>", "&lt;script&gt;"),
        ("R&D", "R&amp;D"),
        ("*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("# not a heading", "\\# not a heading"),
        ("two\nlines", "two lines"),
        ("C:\\path", "C:\\\\path"),
    ],
)
def test_markdown_escape(raw, escaped):
    assert md_escape(raw) == escaped


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_tables_keep_their_columns(engine, card):
    text = render(engine, card, "markdown")
    tables = [line for line in text.splitlines() if line.startswith("|")]
    header_cells = {_cells(line) for line in tables if line.startswith("| 代码 |")}
    assert header_cells == {7, 6}  # the tree (6 columns) and the claims (5 columns)
    rows = [line for line in tables if not line.startswith("| 代码 |")]
    assert all(_cells(line) in header_cells for line in rows)
    body = [r for r in rows if not r.startswith("| ---")]
    assert len(body) == len(list(view.rows(card, "zh"))) + len(view.differing_claims(card))


def test_markdown_headings_per_indicator_with_findings(engine, card):
    text = render(engine, card, "markdown")
    for group in view.finding_groups(card):
        assert f"\n### {md_escape(group.code)} {md_escape(group.title.zh)}\n" in text


# ---------------------------------------------------------------------------- html


class _Balance(html.parser.HTMLParser):
    """Checks that every element is closed in order (void elements excepted)."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def _parse(text: str) -> _Balance:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    return parser


@pytest.mark.parametrize(("lang", "attr"), [("zh", "zh-CN"), ("en", "en")])
def test_html_is_one_well_formed_self_contained_page(engine, card, lang, attr):
    text = render(engine, card, "html", lang)
    parsed = _parse(text)
    assert parsed.errors == []
    assert parsed.stack == []
    assert text.startswith(f'<!DOCTYPE html>\n<html lang="{attr}">\n')
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags
    assert "link" not in tags
    assert "img" not in tags
    assert not any("src" in a or "href" in a for _, a in parsed.tags)
    assert "@media print" in text
    assert "url(" not in text
    assert "@import" not in text


def test_html_chart_draws_each_indicator_against_its_max(engine, card):
    text = render(engine, card, "html")
    nodes = view.chart_nodes(card)
    tracks = [float(w) for w in re.findall(r'<rect class="track" [^>]*width="([0-9.]+)"', text)]
    scores = [
        float(w) for w in re.findall(r'<rect class="score[^"]*" [^>]*width="([0-9.]+)"', text)
    ]
    assert len(tracks) == len(scores) == len(nodes)
    # Each bar is the indicator's score as a share of its own max: a full bar is full marks.
    for node, track, score in zip(nodes, tracks, scores, strict=True):
        assert track == 560
        assert score == pytest.approx(float(node.score / node.max * 560), abs=0.05)
    lost = [n for n in nodes if n.score < n.max]
    assert all(f"失{n.max - n.score:.1f}分" in text for n in lost)
    claimed_differs = [n for n in nodes if n.claimed is not None and n.claimed != n.score]
    assert text.count('<line class="claim"') == len(claimed_differs) > 0


def test_html_highlights_claims_that_differ(engine, card):
    text = render(engine, card, "html")
    differing = view.differing_claims(card)
    tree_rows = re.findall(r'<tr class="depth-\d status-\w+ differs">', text)
    assert len(tree_rows) == len([c for c in differing if c.code != "total"])
    claims_table = text[text.index('<table class="claims">') :]
    assert claims_table.count('<tr class="differs">') == len(differing)


# ----------------------------------------------------------------------- escaping


@pytest.fixture(scope="module")
def hostile_card(compiled, example) -> Scorecard:
    """The example with an entity name that is an HTML script."""
    entity = Entity("211102", "<script>alert('x')</script>")
    return compiled.evaluate(attrs.evolve(example, entity=entity))


def test_a_script_in_the_entity_name_is_escaped(engine, hostile_card):
    page = render(engine, hostile_card, "html")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    markdown = render(engine, hostile_card, "markdown")
    assert "<script" not in markdown
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in markdown


def _judged_card(
    tmp_path: Path, reason: str
) -> tuple[evalrules.Engine, evalrules.Rubric, Scorecard]:
    """A one-item rubric whose assessor's judgement carries ``reason`` into the findings."""
    doc = R.single(
        [R.rule("J-1", "manual", {"fact": "j.item"})],
        {"j.item": R.fact("judgement")},
    )
    engine = R.engine()
    rubric = engine.load_rubric(R.write(tmp_path, doc))
    facts = {"facts": R.nest({"j.item": {"deduct": 2, "reason": reason}})}
    card = engine.compile(rubric).evaluate(evalrules.FactsDocument.from_mapping(facts))
    return engine, rubric, card


def test_a_judgement_reason_is_escaped_everywhere_it_appears(tmp_path):
    reason = "<img src=x onerror=alert(1)> | **bold** `code`"
    engine, rubric, card = _judged_card(tmp_path, reason)
    assert [f.kind for f in card.findings] == ["manual"]
    page = render(engine, card, "html", rubric=rubric)
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # message and evidence
    assert _parse(page).errors == []
    markdown = render(engine, card, "markdown", rubric=rubric)
    assert "<img" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* \\`code\\`" in markdown


# ------------------------------------------------------------- vetoes, bonus, partial


def _graded_doc() -> dict:
    doc = R.single(
        [
            R.rule("T-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50, "deduct": 1}),
            R.rule("V-1", "veto", {"when": {"fact": "x.accident"}, "effect": "lower_one"}),
            R.rule("M-1", "manual", {"fact": "x.judgement"}),
        ],
        {
            "x.value": R.fact("percent", unit="%"),
            "x.accident": R.fact("boolean"),
            "x.judgement": R.fact("judgement", required=False),
            "x.award": R.fact("boolean"),
        },
        bonus=[
            R.item("B+1", 1, [R.rule("B-1", "bonus", {"when": {"fact": "x.award"}, "points": 1})])
        ],
    )
    doc["grades"] = [
        {"code": "excellent", "label": R.text("优秀", "Excellent"), "min": 9},
        {"code": "good", "label": R.text("良好", "Good"), "min": 8},
        {"code": "fail", "label": R.text("不合格", "Fail")},
    ]
    return doc


_FACTS = {
    "x": {
        "value": 40,
        "accident": True,
        "judgement": {"deduct": Decimal("0.5"), "reason": "资料不全"},
        "award": True,
    }
}


def test_a_veto_shows_the_grade_by_the_total(tmp_path):
    engine = R.engine()
    rubric = engine.load_rubric(R.write(tmp_path, _graded_doc()))
    card = engine.compile(rubric).evaluate(evalrules.FactsDocument.from_mapping({"facts": _FACTS}))
    assert (card.total, card.grade.code, card.grade.base) == (Decimal("9.5"), "good", "excellent")
    table = render(engine, card, "table", rubric=rubric)
    assert "良好(按总分为优秀,经等次调整)" in table
    assert "9.5 / 10.0(基础分 8.5,加分 1.0)" in table
    (vetoes,) = [line for line in table.splitlines() if line.startswith("等次调整  ")]
    assert "[V-1]" in vetoes
    english = render(engine, card, "markdown", "en", rubric=rubric)
    assert "Good (Excellent by the total, changed by a grade modifier)" in english
    page = render(engine, card, "html", rubric=rubric)
    assert page.count('<rect class="track"') == 2  # item 1 (first-level A has it) and B+1
    without_rubric = render(engine, card, "table")
    assert "良好(按总分为excellent,经等次调整)" in without_rubric


def test_partial_evaluation_shows_what_could_not_be_assessed(tmp_path):
    engine = R.engine()
    rubric = engine.load_rubric(R.write(tmp_path, _graded_doc()))
    facts = {"facts": {"x": {"accident": False, "award": False}}}
    doc = evalrules.FactsDocument.from_mapping(facts)
    card = engine.compile(rubric).evaluate(doc, partial=True)
    assert not card.complete
    for fmt in TEXT_FORMATS:
        text = render(engine, card, fmt, rubric=rubric)
        assert "不完整:1项无法评价(缺少数据)" in text
        assert "无法评价" in text


# --------------------------------------------------------------------- the view


def test_values_in_words():
    assert view.value_text(True, "zh") == "是"
    assert view.value_text(False, "en") == "no"
    assert view.value_text(Decimal("84.50"), "zh") == "84.5"
    series = {2021: Decimal("28.67"), 2022: Decimal("39.78")}
    assert view.value_text(series, "en") == "2021: 28.67; 2022: 39.78"


def test_computed_percentages_read_with_two_decimals():
    from evalrules._rules._messages import percent_figure

    assert percent_figure(Decimal("4.2002")) == "4.20"
    assert percent_figure(Decimal("18.478261")) == "18.48"
    assert percent_figure(Decimal("80")) == "80"
    assert percent_figure(Decimal("12.5")) == "12.5"
    # two decimals that would make it look whole keep the digits that show it is not
    assert percent_figure(Decimal("84.99995")) == "84.99995"


def test_a_value_against_its_standard_agrees_with_its_percent():
    from evalrules._rules._builtin import _percent_of

    # the value as its evidence shows it, the percent from the value as written
    bounds = (Decimal(100), Decimal(85))
    assert _percent_of(Decimal(2) / Decimal(310) * 100, Decimal(1), bounds) == ("0.65", "65")
    assert _percent_of(Decimal(6) / Decimal(310) * 100, Decimal("2.3"), bounds) == (
        "1.94",
        "84.35",
    )
    assert _percent_of(Decimal(1600), Decimal(2000), bounds) == ("1600", "80")
    # 0.85 would read 85% where the exact value is below the 85% it was judged by: the
    # value takes the decimals that keep the percent on the side it was judged on
    assert _percent_of(Decimal("0.84996"), Decimal(1), bounds) == ("0.84996", "84.996")
    assert _percent_of(Decimal("0.84996"), Decimal(1)) == ("0.85", "85")  # no bound to keep


def test_sources_in_words():
    documented = evalrules.Source(document="盘政教督室〔2023〕31号", clause="8.(2)")
    inferred = evalrules.Source(inferred=True, why="来自自评报告")
    assert view.source_text(documented, "zh") == "盘政教督室〔2023〕31号, 8.(2)"
    assert view.source_text(inferred, "zh") == "〔推定〕来自自评报告"
    assert view.source_text(inferred, "en") == "[inferred] 来自自评报告"
    assert view.source_text(evalrules.Source(), "en") == "unspecified"


def test_render_options_default_to_chinese_without_colour():
    options = RenderOptions()
    assert (options.lang, options.color, options.rubric) == ("zh", False, None)


def test_the_cell_value_keeps_its_style():
    assert Cell("x", "red").style == "red"
