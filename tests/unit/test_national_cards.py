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


# ------------------------------------------------------------------ no grade line


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("which", ["preschool", "balance"])
def test_a_certification_card_shows_its_verdict_and_no_empty_grade(national, request, fmt, which):
    pair = request.getfixturevalue(which)
    zh = _render(national, pair, fmt, "zh")
    en = _render(national, pair, fmt, "en")
    assert "认定结论" in zh
    assert "等次" not in zh
    assert "已评估" not in zh
    assert "Assessed" not in en
    assert "Grade" not in en


def test_the_score_sheet_of_a_certification_rubric_has_no_grade_row(national, preschool, tmp_path):
    import io

    import openpyxl

    compiled, card = preschool
    data = national.render(card, "xlsx", lang="zh", rubric=compiled.rubric)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    first = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "认定结论" in first
    assert "等次" not in first


def test_the_json_grade_of_a_rubric_without_grades_is_empty_as_the_schema_says(national, preschool):
    import json

    compiled, card = preschool
    data = json.loads(national.render(card, "json", rubric=compiled.rubric))
    assert data["grade"] == {"code": "", "label": {"zh": "", "en": ""}, "base": ""}
    assert data["verdict"]["code"] == "failed"


def test_a_graded_rubric_keeps_its_grade_line():
    engine = evalrules.Engine()
    compiled = engine.compile(engine.load_rubric("panjin-county/2023"))
    card = compiled.evaluate(
        engine.load_facts(
            REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
        )
    )
    assert "**等次**:优秀" in engine.render(card, "markdown", lang="zh", rubric=compiled.rubric)


# ------------------------------------------------------------- choices by their labels


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_evidence_shows_a_choice_by_its_label(national, preschool, fmt):
    # Markdown escapes the underscore of a raw value: read the text as a reviewer does
    zh = _render(national, preschool, fmt, "zh").replace("\\", "")
    en = _render(national, preschool, fmt, "en").replace("\\", "")
    assert "= 2016年前" in zh
    assert "= before_2016" not in zh
    assert "= before_2016" not in en
    assert "= since_2016" not in en


def test_evidence_lines_give_the_label_and_the_json_keeps_the_value(national, preschool):
    import json

    from evalrules._renderers._view import evidence_lines

    compiled, card = preschool
    finding = next(f for f in card.findings if f.rule == "NP-C1-a")
    lines = {line.path: line.value for line in evidence_lines(finding, "zh", compiled.rubric)}
    assert lines["kindergartens[15].planning_period"] == "2016年前"
    data = json.loads(national.render(card, "json", rubric=compiled.rubric))
    kept = next(f for f in data["findings"] if f["rule"] == "NP-C1-a")
    assert kept["evidence"]["facts"]["kindergartens[15].planning_period"] == "before_2016"


def test_a_stage_in_evidence_reads_by_the_stage_label(balance):
    from evalrules._renderers._view import _choice_label

    rubric = balance[0].rubric
    junior = _choice_label(rubric, "schools[3].stage", "junior")
    assert junior == evalrules.Text("初中", "junior secondary")
    assert _choice_label(rubric, "schools[3].category", "nine_year").zh == "九年一贯制学校"
    assert _choice_label(rubric, "schools[3].name", "junior") is None


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_the_values_over_kindergartens_are_headed_by_kindergartens(national, preschool, fmt):
    zh, en = _render(national, preschool, fmt, "zh"), _render(national, preschool, fmt, "en")
    assert "按幼儿园数据计算的指标值" in zh
    assert "各幼儿园明细数据" in zh
    assert "学校(单位)" not in zh
    assert "records of the kindergartens" in en
    assert "school records" not in en


@pytest.mark.parametrize("fmt", ["markdown", "html"])  # the table wraps its lines
def test_the_gates_a_verdict_failed_are_set_apart_by_semicolons(national, balance, fmt):
    # A1's title holds 、 and a comma itself: a list joined by them could not be read.
    zh, en = _render(national, balance, fmt, "zh"), _render(national, balance, fmt, "en")
    assert "未达到要求:A1 " in zh
    assert "余项不低于标准的85%;A2.5 " in zh
    assert "not met: A1 " in en
    assert "85% of the standard; A2.5 " in en


@pytest.mark.parametrize("fmt", ["markdown", "html"])  # the table wraps its lines
def test_the_rates_over_the_sums_are_listed_and_worked_out_by_name(national, preschool, fmt):
    # 毛入园率 and the other headline rates are computed from aggregates, not over the rows
    # themselves: they are listed with the sums, each worked out from them by name and unit.
    _, card = preschool
    paths = [dv.path for dv in card.aggregates]
    assert paths.index("derived.preschool.children") < paths.index(
        "derived.preschool.gross_enrolment_rate"
    )
    assert "derived.funding.public_gap" not in paths  # not over the rows at all
    zh, en = _render(national, preschool, fmt, "zh"), _render(national, preschool, fmt, "en")
    assert "在园幼儿总数 4890人 ÷ 县域3至5周岁适龄儿童数 5480人 × 100% ≈ 89.23%" in zh
    assert "4890人" in zh.split("在园幼儿总数", 1)[1][:40]
    assert "derived.preschool" not in zh
    assert "children enrolled in all kindergartens 4890 ÷ full-time teachers in all" in en
