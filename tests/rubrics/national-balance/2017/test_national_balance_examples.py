"""The constructed example counties of national-balance/2017, through the library and the CLI.

甲县 fails six indicators, each for a reason its facts say (schools named); 乙县 meets every
one. The verdict, the total and the schools named are checked against what the data holds.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import evalrules
import evalrules_national
from evalrules._cli import main
from evalrules.testing import collect_cases

REPO = Path(__file__).resolve().parents[4]
EXAMPLES = REPO / "rubrics" / "national-balance" / "examples"
JIA = EXAMPLES / "jia-county.facts.yaml"
YI = EXAMPLES / "yi-county.facts.yaml"
REF = "national-balance/2017"

#: What 甲县's data was built to fail, and the schools each finding must name.
JIA_FAILS = {
    "A1": ["青山乡中心小学", "白沙乡中心小学"],
    "A2.5": [],
    "B1": ["城关第二小学", "城南九年一贯制学校"],
    "B2": ["城关第三小学", "城关第二初级中学"],
    "B4": [],
    "C3": ["龙泉乡中心小学"],
}


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


@pytest.fixture(scope="module")
def compiled(engine) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric(REF))


@pytest.fixture(scope="module")
def jia(engine, compiled) -> evalrules.Scorecard:
    return compiled.evaluate(engine.load_facts(JIA))


def test_the_plugin_registers_both_rubrics(engine):
    assert set(evalrules_national.RUBRICS) == {REF, "national-preschool/2020"}
    for ref in evalrules_national.RUBRICS:
        rubric = engine.load_rubric(ref)
        assert rubric.ref == ref
        assert rubric.verdict is not None
        assert Path(rubric.file).is_relative_to(REPO / "rubrics")


def test_jia_fails_the_gates_its_data_fails(jia):
    assert jia.verdict is not None
    assert jia.verdict.code == "failed"
    assert jia.verdict.label.zh == "未达标"
    assert [g.code for g in jia.verdict.failed] == list(JIA_FAILS)
    assert jia.total == Decimal("20.5")  # 26 − 5 × 1 − 0.5 (B4: one of its two halves)
    assert jia.vetoes == ()


@pytest.mark.parametrize(("item", "schools"), JIA_FAILS.items())
def test_each_failing_item_names_its_schools(jia, item, schools):
    messages = [f.message.zh for f in jia.findings if f.indicator == item]
    assert messages
    for school in schools:
        assert any(school in m for m in messages), (item, school, messages)


def test_the_rows_left_out_are_never_named(jia):
    # The teaching point of 38 pupils misses most standards, and the special school is not
    # held to them: neither may appear in any finding.
    for f in jia.findings:
        assert "杨家沟教学点" not in f.message.zh
        assert "特殊教育学校" not in f.message.zh


def test_the_teaching_point_of_72_pupils_is_counted(jia):
    # 白沙乡李家坪教学点 misses one standard by less than 15%: counted, and it passes. The
    # primary CVs count 17 rows: 13 primary schools, 3 nine-year primary rows and it.
    assert not any("李家坪教学点" in f.message.zh for f in jia.findings)
    (a25,) = [f for f in jia.findings if f.indicator == "A2.5"]
    (derived,) = a25.evidence.derived
    assert dict(derived.breakdown)["n"] == 17


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_renderer_shows_the_verdict_the_cv_and_the_schools(engine, compiled, jia, lang):
    rubric = compiled.rubric
    label = rubric.verdict.fail_label.get(lang)
    for name in engine.renderers.names():
        out = engine.render(jia, name, lang=lang, rubric=rubric)
        if isinstance(out, bytes):
            assert out, name  # a workbook: its contents are the Excel tests' business
            continue
        assert label in out, (name, lang)
        # the CV of A2.5, with X̄ and S beside it: exact in the JSON, rounded for reading on
        # a card (X̄ and S with the digits that give the CV as shown, the unit of the column)
        if name == "json":
            shown = ("0.597697", "10.106036", "6.040345")
        else:
            shown = ("CV ≈ 0.598", "X̄ ≈ 10.106 m²", "S ≈ 6.040 m²")
        for words in shown:
            assert words in out, (name, lang, words)
        assert "青山乡中心小学" in out, (name, lang)


@pytest.mark.parametrize("path", [JIA, YI], ids=["jia", "yi"])
def test_the_json_card_follows_the_schema_and_carries_the_verdict(engine, compiled, path):
    card = compiled.evaluate(engine.load_facts(path))
    data = json.loads(engine.render(card, "json"))
    jsonschema.validate(data, evalrules.scorecard_schema())
    assert data["verdict"]["code"] == card.verdict.code
    assert [g["code"] for g in data["verdict"]["failed"]] == [g.code for g in card.verdict.failed]


@pytest.mark.parametrize("path", [JIA, YI], ids=["jia", "yi"])
def test_scores_only_gives_the_same_scores_and_verdict(engine, compiled, path):
    facts = engine.load_facts(path)
    full = compiled.evaluate(facts)
    quick = compiled.evaluate(facts, explain=False)
    assert quick.total == full.total
    assert [(n.code, n.score) for n in quick.walk()] == [(n.code, n.score) for n in full.walk()]
    assert quick.verdict is not None
    assert full.verdict is not None
    assert quick.verdict.code == full.verdict.code
    assert [g.code for g in quick.verdict.failed] == [g.code for g in full.verdict.failed]


def test_without_the_85_percent_clause_one_far_miss_passes(engine, compiled):
    # 乙县 with 白沙乡 reaching only 80% of the equipment standard (its one missed standard):
    # A1 fails under the 85% clause, and passes under the documented alternative without it.
    facts = engine.load_facts(YI)
    rows = [dict(r) for r in facts.facts["schools"]]
    assert rows[11]["name"] == "金沟乡中心小学"
    rows[11]["equipment_value"] = 448000  # 1600 元 for 280 pupils
    changed = evalrules.FactsDocument(facts={**facts.facts, "schools": rows}, entity=facts.entity)
    card = compiled.sensitivity(changed)
    assert card.node("A1").score == 0
    (case,) = [c for c in card.sensitivity if c.rule == "NB-A1-a"]
    assert case.params["rest_at_least_share"] == 0
    assert case.alternative_score == 1
    assert case.total == Decimal(26)


def test_yi_meets_the_standard(engine, compiled):
    card = compiled.evaluate(engine.load_facts(YI))
    assert card.verdict is not None
    assert card.verdict.passed
    assert card.verdict.label.zh == "达标"
    assert card.total == card.max == Decimal(26)
    assert card.findings == ()


def test_a_veto_fails_a_county_that_meets_every_gate(engine, compiled):
    facts = engine.load_facts(YI)
    changed = dict(facts.facts)
    changed["admission"] = {**changed["admission"], "key_schools_or_classes": True}
    card = compiled.evaluate(evalrules.FactsDocument(facts=changed, entity=facts.entity))
    assert card.total == Decimal(26)
    assert card.verdict is not None
    assert card.verdict.code == "failed"
    assert [g.rule for g in card.verdict.failed] == ["NB-E1-key"]


def test_every_case_file_checks_its_own_item(compiled):
    here = Path(__file__).parent
    codes = {n.code for n in compiled.rubric.walk()}
    leaves = sorted(n.code for n in compiled.rubric.walk() if n.is_leaf)
    files = sorted(p.stem for p in here.glob("*.yaml"))
    # One file per item, the CV items of a stage together under their parent (A2, A3).
    assert sorted({c.split(".")[0] for c in leaves}) == files
    assert set(files) <= codes
    rule_items = {rule.code: item.code for item, rule in compiled.rubric.rules()}
    for case in collect_cases(here):
        if case.expect.error is not None:
            continue
        named = set(case.expect.scores) | {
            str(f.get("indicator") or rule_items.get(str(f.get("rule"))))
            for f in case.expect.findings
        }
        named |= {rule_items[r] for r, _ in case.expect.outcomes or ()}
        item = case.file.stem
        assert any(n == item or n.startswith(f"{item}.") for n in named), case.id


# ---------------------------------------------------------------------------------- CLI


def _verdict_lines(out: str) -> str:
    """The table's 认定结论 entry, whose text wraps onto the lines below it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("认定结论"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    return "".join(line.strip() for line in lines[start:end])


@pytest.fixture
def run(monkeypatch):
    """``evalrules ARGS`` in-process, with the installed plugins (as a terminal sees them)."""
    for name in ("NO_COLOR", "COLUMNS", "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_cli_evaluates_jia(run):
    result = run("evaluate", JIA)
    # 未达标 is the card's content, not an exit status (the rubric format says so): 0.
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "甲县(虚构示例)" in out
    line = _verdict_lines(out)
    assert "未达标" in line
    for code in JIA_FAILS:
        assert code in line
    assert "20.50 / 26.00" in out
    assert "青山乡中心小学" in out
    assert "城南九年一贯制学校" in out


def test_an_english_card_counts_classrooms_without_the_chinese_unit(engine, jia):
    out = engine.render(jia, "table", lang="en")
    # the value as its evidence shows it, and the percent of it (1.94 ÷ 2.3)
    assert "networked multimedia classrooms per 100 pupils 1.94 (standard 2.3, 84.35%" in " ".join(
        out.split()
    )
    assert "间" not in out


def test_each_row_messages_in_english_carry_no_chinese_unit(jia):
    messages = {f.message.en for f in jia.findings if f.message_id.startswith("each_row.")}
    assert "城关第二小学: pupils 2150, above the standard of 2000: −1." in messages
    assert any("largest class 52, above the standard of 50 (already counted" in m for m in messages)
    for message in messages:
        text = message.split(": ", 1)[1]  # after the school's own (Chinese) name
        assert not any("\u4e00" <= c <= "\u9fff" for c in text), message
    # the Chinese keeps its units
    assert any("在校生数2150人,超过2000人的标准" in f.message.zh for f in jia.findings)


def test_a_cv_is_shown_with_the_digits_it_is_compared_with(jia):
    # the CV is 0.597745...: a CV reads with 3 decimals, its limit with 2, as the 办法 writes
    (found,) = [f for f in jia.findings if f.rule == "NB-A2.5-a"]
    assert "差异系数为0.598,大于0.50的标准" in found.message.zh
    assert "is 0.598, above the standard of 0.50" in found.message.en


def test_a_cv_just_above_its_limit_keeps_the_digits_that_show_it():
    from evalrules._rules._builtin import _cv_text

    assert _cv_text(Decimal("0.500449"), 3, "<=", Decimal("0.50")).zh == "0.5004"
    assert _cv_text(Decimal("0.5977"), 3, "<=", Decimal("0.50")).zh == "0.598"
    assert _cv_text(Decimal("0.5"), 2).zh == "0.50"


def test_cli_evaluates_yi_in_english(run):
    result = run("evaluate", YI, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "Meets the standard" in result.stdout
    assert "26.00 / 26.00" in result.stdout


def test_cli_show_and_explain(run):
    shown = run("show", REF)
    assert shown.exit_code == 0, shown.stderr
    assert "县域义务教育优质均衡发展督导评估" in shown.stdout
    assert "教督〔2017〕6号" in shown.stdout
    explained = run("explain", REF, "A1")
    assert explained.exit_code == 0, explained.stderr
    assert "NB-A1-a" in explained.stdout
    assert "85%" in explained.stdout


def test_cli_check_finds_no_problem(run):
    result = run("check", REF)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_a_veto_reads_as_what_is_the_case_and_a_standard_as_a_standard():
    engine = evalrules.Engine()
    rubric = engine.load_rubric("national-balance/2017")
    compiled = engine.compile(rubric)
    rules = {rule.code: rule for _, rule in rubric.rules()}
    veto = compiled.describe(rules["NB-D1-veto"])
    assert veto.zh.startswith("社会认可度调查结果低于85%")
    assert veto.en.startswith("If public satisfaction survey result is less than 85%, a veto")
    standard = compiled.describe(rules["NB-D1-a"])
    assert standard.en.startswith("Standard: public satisfaction survey result at least 85%")
