"""What a 督导 reviewer reads on the national rubrics' cards: rows counted by the table's
own noun, shares as percentages, no grade line that says nothing, choices by their labels."""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules
import evalrules_national

REPO = Path(__file__).resolve().parents[2]
BALANCE = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"
PRESCHOOL = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"
TEXT_FORMATS = ("markdown", "table", "html")


@pytest.fixture(scope="module")
def national() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


def _card(national: evalrules.Engine, ref: str, facts: Path) -> tuple[object, object]:
    compiled = national.compile(national.load_rubric(ref))
    return compiled, compiled.evaluate(national.load_facts(facts))


@pytest.fixture(scope="module")
def preschool(national):
    return _card(national, "national-preschool/2020", PRESCHOOL)


@pytest.fixture(scope="module")
def balance(national):
    return _card(national, "national-balance/2017", BALANCE)


def _render(national, pair, fmt, lang):
    compiled, card = pair
    return national.render(card, fmt, lang=lang, rubric=compiled.rubric)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_kindergartens_are_counted_as_kindergartens_not_schools(national, preschool, fmt):
    zh = _render(national, preschool, fmt, "zh")
    en = _render(national, preschool, fmt, "en")
    assert "幼儿园数n = 17" in zh
    assert "学校数n" not in zh
    assert "kindergartens n = 17" in en
    assert "rows n" not in en


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_schools_are_still_counted_as_schools(national, balance, fmt):
    assert "学校数n = " in _render(national, balance, fmt, "zh")
    assert "schools n = " in _render(national, balance, fmt, "en")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_share_of_rows_reads_as_a_percentage(national, preschool, fmt):
    assert "约 88.24%" in _render(national, preschool, fmt, "zh")
    assert "about 88.24%" in _render(national, preschool, fmt, "en")


def test_a_share_of_rows_is_a_percentage_on_the_score_sheet(national, preschool):
    compiled, card = preschool
    from evalrules._renderers._view import aggregate_lines

    lines = {line.path: line.value for line in aggregate_lines(card, "zh", compiled.rubric)}
    assert lines["derived.preschool.space_share"] == "约 88.24%"


def test_the_json_keeps_the_share_as_a_number(national, preschool):
    import json

    compiled, card = preschool
    data = json.loads(national.render(card, "json", rubric=compiled.rubric))
    share = next(a for a in data["aggregates"] if a["fact"] == "derived.preschool.space_share")
    assert share["breakdown"] == {"matched": 15, "n": 17}
    assert isinstance(share["value"], float)


def test_a_row_noun_must_be_a_text(national, tmp_path):
    source = (REPO / "rubrics" / "national-preschool" / "2020.yaml").read_text(encoding="utf-8")
    bad = source.replace("row_noun: {zh: 幼儿园, en: kindergartens}", "row_noun: [幼儿园]")
    assert bad != source
    path = tmp_path / "2020.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(evalrules.errors.RubricError) as info:
        national.load_rubric(path)
    assert any("row_noun" in str(p.path) for p in info.value.problems)
