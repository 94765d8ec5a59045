"""The note on items scored from assumed data: every item reading one, however it reads it."""

from __future__ import annotations

from pathlib import Path

import attrs

import evalrules
from evalrules._renderers._view import assumed_items, assumed_markers, data_notes, inferred_items
from evalrules._text import Text

REPO = Path(__file__).resolve().parents[2]
ENGINE = evalrules.Engine()
JIA = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"


def _card(assumed_paths=None):
    doc = ENGINE.load_facts(JIA)
    if assumed_paths is not None:
        doc = attrs.evolve(
            doc, assumed={p: doc.assumed[next(iter(doc.assumed))] for p in assumed_paths}
        )
    compiled = ENGINE.compile(ENGINE.load_rubric("national-balance/2017"))
    return compiled, compiled.evaluate(doc, explain=True)


def test_every_item_of_the_example_is_noted_when_every_fact_is_assumed():
    compiled, card = _card()
    leaves = {item.code for item, _ in compiled.rubric.rules()}
    marked = assumed_items(card, compiled.rubric)
    # items read through a table (A1, B1, B2, C3) and through derived values (A2.x, B3, B5)
    for code in ("A1", "A2.1", "A3.7", "B1", "B2", "B3", "B4", "B5", "C3"):
        assert code in marked, code
    assert marked == leaves


def test_only_the_items_reading_an_assumed_fact_are_noted():
    compiled, card = _card(["pay.teachers_average"])
    marked = assumed_items(card, compiled.rubric)
    assert marked == {"B3"}  # read through the difference of the two averages


def test_a_table_marked_assumed_notes_the_items_over_it_and_its_aggregates():
    compiled, card = _card(["schools"])
    marked = assumed_items(card, compiled.rubric)
    assert {"A1", "A2.1", "B1", "B2", "C3"} <= marked
    assert "B3" not in marked
    assert "D1" not in marked


def test_without_the_rubric_the_findings_evidence_is_followed():
    compiled, card = _card(["schools"])
    without = assumed_items(card, None)
    # findings show the rows they failed on, or the aggregates read from the table
    assert without
    assert without <= assumed_items(card, compiled.rubric)
    assert "B3" not in without


def test_the_note_points_to_the_data_note_in_both_languages():
    compiled, card = _card()
    zh = ENGINE.render(card, "table", lang="zh", rubric=compiled.rubric)
    en = ENGINE.render(card, "table", lang="en", rubric=compiled.rubric)
    # the table wraps its note column
    assert "见数据说明①" in "".join(zh.split())
    assert "含推算或非实测数据" not in zh
    assert "see data note ①" in " ".join(en.split())
    assert "unreported" not in en


def test_the_data_notes_come_before_the_scores_and_name_the_facts_they_cover():
    compiled, card = _card()
    zh = ENGINE.render(card, "table", lang="zh", rubric=compiled.rubric)
    head, _, _ = zh.partition("代码")  # before the indicator tree
    flat = "".join(head.split())
    assert "数据说明:①虚构示例数据" in flat
    # the facts by their descriptions, not their paths
    assert "“县域义务教育学校明细”" in flat
    assert "schools" not in flat
    md = ENGINE.render(card, "markdown", lang="zh", rubric=compiled.rubric)
    assert "**数据说明**:①虚构示例数据" in md
    html = ENGINE.render(card, "html", lang="en", rubric=compiled.rubric)
    assert "<dt>Data notes</dt><dd>①Constructed for the example" in html


def test_each_distinct_note_has_its_marker_and_the_items_resting_on_it_say_which():
    doc = ENGINE.load_facts(JIA)
    one = Text("实测后经核对", "measured, then checked")
    two = Text("由上年数据推算", "estimated from last year's data")
    doc = attrs.evolve(doc, assumed={"pay.teachers_average": one, "schools": two})
    compiled = ENGINE.compile(ENGINE.load_rubric("national-balance/2017"))
    card = compiled.evaluate(doc, explain=True)
    markers = assumed_markers(card, compiled.rubric)
    assert markers["B3"] == "①"
    assert markers["A1"] == "②"
    assert "D1" not in markers
    notes = data_notes(card, "zh", compiled.rubric)
    assert len(notes) == 2
    assert notes[0] == "①实测后经核对。涉及的数据项:“全县义务教育学校教师年平均工资收入”"
    assert notes[1] == "②由上年数据推算。涉及的数据项:“县域义务教育学校明细”"
    zh = ENGINE.render(card, "table", lang="zh", rubric=compiled.rubric)
    assert "见数据说明②" in "".join(zh.split())


def test_an_inferred_rule_that_lost_points_marks_its_item_and_the_verdict():
    engine = evalrules.Engine()
    compiled = engine.compile(engine.load_rubric("national-preschool/2020"))
    facts = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"
    card = compiled.evaluate(engine.load_facts(facts), explain=True)
    # C1's standard (6 / 9 m²) is inferred, and it lost the item its point; C4's is cited
    assert "C1" in inferred_items(card, compiled.rubric)
    assert "C4" not in inferred_items(card, compiled.rubric)
    zh = ENGINE.render(card, "table", lang="zh", rubric=compiled.rubric)
    flat = "".join(zh.split())
    assert "其中C1依推定标准判定,须按本省标准复核" in flat
    en = " ".join(ENGINE.render(card, "table", lang="en", rubric=compiled.rubric).split())
    assert "C1 decided by an inferred standard, to be checked against the province's" in en
    # without the rubric only what the card itself holds counts (no rule's source)
    assert "C1" not in inferred_items(card, None)


def test_an_inferred_rule_met_marks_nothing():
    compiled, card = _card()
    # NB-B5 (inferred) is met in the example; A1's rule has a documented alternative
    marked = inferred_items(card, compiled.rubric)
    assert "B5" not in marked
    assert "A1" in marked
