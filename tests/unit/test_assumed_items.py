"""The note on items scored from assumed data: every item reading one, however it reads it."""

from __future__ import annotations

from pathlib import Path

import attrs

import evalrules
from evalrules._renderers._view import assumed_items

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


def test_the_note_says_estimated_or_not_measured_in_both_languages():
    compiled, card = _card()
    zh = ENGINE.render(card, "table", lang="zh", rubric=compiled.rubric)
    en = ENGINE.render(card, "table", lang="en", rubric=compiled.rubric)
    assert "含推算或非实测数据" in zh
    assert "数据为推算值" not in zh
    assert "includes estimated or unreported data" in " ".join(en.split())
