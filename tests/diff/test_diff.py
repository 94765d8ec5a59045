"""``evalrules diff``: every kind of change, renames through aliases, comparability,
re-scoring with causes, the four formats, the JSON schema and the exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
import pytest
from click.testing import CliRunner, Result

import evalrules
import evalrules_panjin
from evalrules._cli import main
from evalrules._diff import diff_rubrics, rescore
from evalrules._diff._render import describe, render, render_json, schema

REPO = Path(__file__).resolve().parents[2]
RUBRIC_2023 = REPO / "rubrics" / "panjin-county" / "2023.yaml"
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
EXAMPLE_2024 = (
    REPO / "docs" / "examples" / "evalrules-panjin-2024" / "src" / "evalrules_panjin_2024"
)

#: The two edits of the issue's "done when": the primary per-pupil standard raised from 850
#: to 950 (the example's 911.75 元 then falls short) and item 9.2's English title changed.
EDITS = (
    ("value: 850, deduct: 1.5}", "value: 950, deduct: 1.5}"),
    (
        "en: Petitions to the provincial capital or Beijing}",
        "en: Petitions to the province or to Beijing}",
    ),
)


def edited(tmp_path: Path, *edits: tuple[str, str], name: str = "new.yaml") -> Path:
    text = RUBRIC_2023.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin], autoload=False)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.delenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_a_rubric_equals_itself(engine):
    rubric = engine.load_rubric("panjin-county/2023")
    result = diff_rubrics(rubric, rubric)
    assert result.equal
    assert result.changes == ()
    assert all(c.comparable for c in result.comparability)


def test_the_raised_threshold_and_the_retitled_item_are_both_named(engine, tmp_path):
    old = engine.load_rubric("panjin-county/2023")
    new = engine.load_rubric(edited(tmp_path, *EDITS))
    result = diff_rubrics(old, new)
    found = [(c.kind, c.subject, c.field, c.before, c.after) for c in result.changes]
    assert found == [
        (
            "node-retitled",
            "9.2",
            "title",
            {"zh": "来省进京上访情况", "en": "Petitions to the provincial capital or Beijing"},
            {"zh": "来省进京上访情况", "en": "Petitions to the province or to Beijing"},
        ),
        ("rule-changed", "PJ-8.2-a", "params.value", 850, 950),
    ]
    not_comparable = {c.code for c in result.comparability if not c.comparable}
    # The retitling changes no score; the threshold changes 8.2 and everything above it.
    assert not_comparable == {"8.2", "8", "B"}


def test_rescoring_shows_the_total_under_both_with_8_2_as_the_cause(engine, tmp_path):
    old = engine.load_rubric("panjin-county/2023")
    new = engine.load_rubric(edited(tmp_path, *EDITS))
    result = diff_rubrics(old, new)
    (district,) = rescore(
        result, engine.compile(old), engine.compile(new), [("x", engine.load_facts(EXAMPLE))]
    )
    expected_before = engine.compile(old).evaluate(engine.load_facts(EXAMPLE)).total
    assert district.before == expected_before
    assert district.after == expected_before - Decimal("1.5")
    (item,) = district.items
    assert (item.code, item.before, item.after, item.delta) == (
        "8.2",
        Decimal(3),
        Decimal("1.5"),
        Decimal("-1.5"),
    )
    assert [result.changes[i].subject for i in item.causes] == ["PJ-8.2-a"]
    assert item.findings == (("PJ-8.2-a", Decimal(0), Decimal("-1.5")),)
    assert not item.comparable


def test_a_renamed_rule_is_followed_through_its_alias(engine, tmp_path):
    new = engine.load_rubric(
        edited(
            tmp_path,
            (
                "- code: PJ-9.1-a\n",
                "- code: PJ-9.1-b\n                aliases: [PJ-9.1-a]\n",
            ),
            (
                "petitions.backlog_cases, deduct_each: 2}",
                "petitions.backlog_cases, deduct_each: 3}",
            ),
        )
    )
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), new)
    kinds = [(c.kind, c.subject, c.field, c.before, c.after) for c in result.changes]
    assert kinds == [
        ("rule-renamed", "PJ-9.1-b", "code", "PJ-9.1-a", "PJ-9.1-b"),
        ("rule-changed", "PJ-9.1-b", "params.deduct_each", 2, 3),
    ]


def _example_2024(engine: evalrules.Engine) -> evalrules.Rubric:
    return engine.load_rubric(EXAMPLE_2024 / "2024.yaml")


def test_the_documented_2024_changes(engine):
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), _example_2024(engine))
    by_kind: dict[str, set[str]] = {}
    for c in result.changes:
        by_kind.setdefault(c.kind, set()).add(c.subject)
    assert by_kind["rule-added"] == {"PJ-11-c", "PJ-2.3-veto-b", "PJ-5.6-a"}
    assert by_kind["rule-removed"] == {"PJ-11-b", "PJ-2.3-veto", "PJ-5.5-a"}
    assert by_kind["node-added"] == {"5.6"}
    assert by_kind["node-removed"] == {"5.5"}
    assert by_kind["fact-added"] == {"science.vice_principals", "science.practice_activities"}
    assert by_kind["fact-removed"] == {"tutoring.prepaid_fees_fully_supervised"}
    assert "fact-changed" not in by_kind
    comparable = {c.code: c.comparable for c in result.comparability}
    assert comparable["11"] is False
    assert comparable["9.2"] is True
    assert comparable["1"] is True


def test_grades_policies_facts_moves_and_max(engine, tmp_path):
    new = engine.load_rubric(
        edited(
            tmp_path,
            ("label: {zh: 良好, en: Good}, min: 80}", "label: {zh: 良好, en: Good}, min: 85}"),
            ("not_applicable: full\n", "not_applicable: zero\n"),
            ("bonus_cap: null", "bonus_cap: 5"),
            (
                "description: {zh: 教育系统基层党支部数, en: Grassroots Party branches in the "
                "education system}\n    plausible_max: 2000",
                "description: {zh: 教育系统基层党支部数, en: Grassroots Party branches in the "
                "education system}\n    plausible_max: 3000",
            ),
        )
    )
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), new)
    found = {(c.kind, c.subject, c.field, c.before, c.after) for c in result.changes}
    assert ("grade-changed", "good", "min", 80, 85) in found
    assert ("not-applicable-changed", "rubric", "not_applicable", "full", "zero") in found
    assert ("bonus-cap-changed", "rubric", "bonus_cap", None, 5) in found
    assert ("fact-changed", "party.branches", "plausible_max", 2000, 3000) in found
    assert len(found) == 4
    # A policy for the whole rubric touches every indicator.
    assert not any(c.comparable for c in result.comparability)


def test_formats_and_the_json_schema(engine, tmp_path):
    old = engine.load_rubric("panjin-county/2023")
    new = _example_2024(engine)
    result = diff_rubrics(old, new)
    districts = rescore(
        result, engine.compile(old), engine.compile(new), [("x", engine.load_facts(EXAMPLE))]
    )
    (district,) = districts
    # Last year's facts hold one the 2024 rubric removed: left out under it, and said so.
    assert district.left_out_before == ()
    assert district.left_out_after == ("tutoring.prepaid_fees_fully_supervised",)
    data = json.loads(render_json(result, districts))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema())
    assert data["schema"] == "evalrules.diff/1"
    assert data["equal"] is False
    assert render_json(result, districts) == render_json(result, districts)
    for fmt in ("table", "markdown", "html"):
        for lang in ("zh", "en"):
            text = render(result, districts, fmt, lang=lang)
            assert "PJ-11-c" in text
            assert "5.6" in text
    html = render(result, districts, "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    # The equal case validates too.
    jsonschema.validate(json.loads(render_json(diff_rubrics(old, old))), schema())


def test_markup_in_a_title_is_escaped(engine, tmp_path):
    new = engine.load_rubric(
        edited(
            tmp_path,
            (
                "en: Petitions to the provincial capital or Beijing}",
                "en: '<b>x</b> | [y](z)'}",
            ),
        )
    )
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), new)
    assert "<b>" not in render(result, None, "html", lang="en")
    assert "&lt;b&gt;x&lt;/b&gt;" in render(result, None, "html", lang="en")
    assert "\\| \\[y\\]" in render(result, None, "markdown", lang="en")


def test_cli_exit_codes_and_output(run, tmp_path):
    same = run("diff", "panjin-county/2023", RUBRIC_2023)
    assert same.exit_code == 0, same.output
    changed = edited(tmp_path, *EDITS)
    result = run("diff", "panjin-county/2023", changed, "--facts", EXAMPLE, "--lang", "en")
    assert result.exit_code == 1, result.output
    # Both are panjin-county/2023: the title names the file the new one was read from.
    assert result.stdout.startswith(
        f"Rubric diff: panjin-county/2023 → panjin-county/2023 ({changed})\n"
    )
    assert "9.2" in result.stdout
    assert "params.value" in result.stdout
    assert "8.2" in result.stdout
    assert "PJ-8.2-a: 0 → -1.5" in result.stdout
    out = tmp_path / "diff.json"
    written = run("diff", "panjin-county/2023", changed, "--format", "json", "-o", out)
    assert written.exit_code == 1
    assert written.stdout == ""
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")), schema())


def test_cli_bad_input_exits_2_without_a_traceback(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("evalrules: rubric/1\nfamily: x\n", encoding="utf-8")
    for args in (
        ("diff", "panjin-county/2023", broken),
        ("diff", "panjin-county/2023", "no-such-family/2020"),
        ("diff", "panjin-county/2023", RUBRIC_2023, "--facts", tmp_path / "missing.yaml"),
    ):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


EXAMPLE_2024_FACTS = EXAMPLE_2024.parents[1] / "tests" / "example-2024.facts.yaml"


def test_two_years_of_facts_side_by_side(engine, run, tmp_path):
    old = engine.load_rubric("panjin-county/2023")
    new = _example_2024(engine)
    result = diff_rubrics(old, new)
    last, this = engine.load_facts(EXAMPLE), engine.load_facts(EXAMPLE_2024_FACTS)
    (district,) = rescore(result, engine.compile(old), engine.compile(new), [("pair", last, this)])
    expected_before = engine.compile(old).evaluate(attrs.evolve(last, claimed={})).total
    assert district.before == expected_before
    assert district.after == Decimal("94.6")  # the 2024 example's own test says so
    facts = {path: (b, a) for path, b, a in district.facts}
    assert facts["pupils.primary"] == (10140, 10500)
    assert facts["science.vice_principals"] == (None, True)
    # Values equal in both years (the same rating, 96) are not listed.
    assert "ratings.fitness" not in facts
    assert "safety.major_accident" not in facts
    items = {i.code: i for i in district.items}
    # 7.3 is the same rule on changed facts: comparable, explained by the facts alone.
    assert items["7.3"].comparable
    assert items["7.3"].causes == ()
    assert items["7.3"].facts_changed == ("rectification.evaluation_2022.open",)
    assert items["7.3"].findings == (("PJ-7.3-a", Decimal("-0.2"), Decimal("-0.4")),)
    out = tmp_path / "pair.json"
    cli = run(
        "diff", "panjin-county/2023", EXAMPLE_2024 / "2024.yaml",
        "--facts-pair", EXAMPLE, EXAMPLE_2024_FACTS, "--format", "json", "-o", out,
    )  # fmt: skip
    assert cli.exit_code == 1, cli.output
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema())
    (entry,) = data["districts"]
    assert entry["entity_before"] == "211102"
    assert entry["entity"] == "example"
    good = next(f for f in entry["facts"] if f["path"] == "fitness.good_rate")
    assert good == {
        "path": "fitness.good_rate",
        "before": {"2021": 28.67, "2022": 39.78},
        "after": None,
    }


def test_terminal_escapes_in_a_rubric_are_shown_escaped_in_diff_errors(tmp_path: Path) -> None:
    source = (REPO / "rubrics/panjin-county/2023.yaml").read_text(encoding="utf-8")
    plain = "params: {fact: petitions.to_province_or_beijing, deduct_each: 1}"
    hostile = (
        'params: {fact: petitions.to_province_or_beijing, "\\e]0;pwn\\a\\u202ededuct_eech": 1}'
    )
    (tmp_path / "hostile.yaml").write_text(source.replace(plain, hostile, 1), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["diff", "panjin-county/2023", str(tmp_path / "hostile.yaml")]
    )
    assert result.exit_code == 2, result.output
    assert not [c for c in ("\x1b", "\x07", "\u202e") if c in result.output], result.output
    assert "\\u001b]0;pwn\\u0007\\u202ededuct_eech" in result.output


@pytest.mark.parametrize(
    ("lang", "fmt", "grades"),
    [
        ("zh", "table", "等次 优秀 → 优秀"),
        ("en", "table", "grade Excellent → Excellent"),
        ("zh", "markdown", "等次 优秀 → 优秀"),
        ("zh", "html", "等次 优秀 → 优秀"),
    ],
)
def test_grades_are_shown_by_their_labels(run, tmp_path, lang, fmt, grades):
    changed = edited(tmp_path, *EDITS)
    result = run(
        "diff", "panjin-county/2023", changed, "--facts", EXAMPLE, "--lang", lang, "--format", fmt
    )
    assert result.exit_code == 1, result.output
    assert grades in result.stdout
    assert "excellent → excellent" not in result.stdout
    # JSON keeps the codes, for programs.
    data = json.loads(
        run("diff", "panjin-county/2023", changed, "--facts", EXAMPLE, "--format", "json").stdout
    )
    assert (data["districts"][0]["grade_before"], data["districts"][0]["grade_after"]) == (
        "excellent",
        "excellent",
    )


def test_a_monotonic_declaration_is_not_a_cause(engine, tmp_path):
    # It is what the tests check, not how the rule scores: listed as a change, never a cause.
    declared = "                monotonic: [{fact: petitions.backlog_cases, direction: hurts}]\n"
    new = engine.load_rubric(
        edited(
            tmp_path,
            (declared, ""),
            ("backlog_cases, deduct_each: 2}", "backlog_cases, deduct_each: 3}"),
        )
    )
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), new)
    fields = {c.field: i for i, c in enumerate(result.changes) if c.subject == "PJ-9.1-a"}
    assert set(fields) == {"monotonic", "params.deduct_each"}
    (item,) = [c for c in result.comparability if c.code == "9.1"]
    assert item.reasons == (fields["params.deduct_each"],)
    only_declared = diff_rubrics(
        engine.load_rubric("panjin-county/2023"),
        engine.load_rubric(edited(tmp_path, (declared, ""), name="declared.yaml")),
    )
    assert not only_declared.equal
    assert all(c.comparable for c in only_declared.comparability)


def test_a_changed_total_is_reported_and_totals_are_not_comparable(run, engine, tmp_path):
    ext = tmp_path / "tot.yaml"
    ext.write_text(
        "evalrules: rubric/1\nextends: panjin-county/2023\nyear: 2023\nversion: '1.0.0'\n"
        "remove: ['9.2']\nchange:\n  '9': {max: 6}\n  'B': {max: 35}\ntotal: 98\n",
        encoding="utf-8",
    )
    result = diff_rubrics(engine.load_rubric("panjin-county/2023"), engine.load_rubric(ext))
    total = [c for c in result.changes if c.subject == "total"]
    assert [(c.kind, c.before, c.after) for c in total] == [
        ("rubric-changed", Decimal(100), Decimal(98))
    ]
    assert not result.totals_comparable
    same = diff_rubrics(
        engine.load_rubric("panjin-county/2023"),
        new := engine.load_rubric(edited(tmp_path, *EDITS)),
    )
    assert new.max == Decimal(100)
    assert same.totals_comparable
    shown = run("diff", "panjin-county/2023", ext, "--facts", EXAMPLE)
    assert shown.exit_code == 1, shown.output
    assert "得分不可比的指标: 总分, B, 9, 9.2" in shown.stdout
    assert "(总分满分不同,不可比)" in shown.stdout
    data = json.loads(run("diff", "panjin-county/2023", ext, "--format", "json").stdout)
    assert data["totals_comparable"] is False
    jsonschema.validate(data, schema())


def test_a_rename_is_followed_back_from_the_new_year_to_the_old(engine, tmp_path):
    renamed = engine.load_rubric(
        edited(
            tmp_path,
            ("- code: PJ-9.1-a\n", "- code: PJ-9.1-b\n                aliases: [PJ-9.1-a]\n"),
            ("backlog_cases, deduct_each: 2}", "backlog_cases, deduct_each: 3}"),
        )
    )
    back = diff_rubrics(renamed, engine.load_rubric("panjin-county/2023"))
    kinds = [(c.kind, c.subject, c.field, c.before, c.after) for c in back.changes]
    assert kinds == [
        ("rule-renamed", "PJ-9.1-a", "code", "PJ-9.1-b", "PJ-9.1-a"),
        ("rule-changed", "PJ-9.1-a", "params.deduct_each", 3, 2),
    ]


def test_a_rubric_files_problems_are_shown_in_chinese_then_english(run, tmp_path):
    absent = run("diff", "panjin-county/2023", tmp_path / "nope.yaml")
    assert absent.exit_code == 2
    assert "nope.yaml: 文件不存在 / no such file [unreadable]" in absent.output
    (tmp_path / "bad.yaml").write_text("a: [\n", encoding="utf-8")
    bad = run("diff", "panjin-county/2023", tmp_path / "bad.yaml")
    assert bad.exit_code == 2
    assert ": YAML 格式错误:" in bad.output
    assert " / invalid YAML: " in bad.output
    assert "Traceback" not in bad.output


def test_changes_and_causes_name_the_rule_and_the_field_in_words(run, engine, tmp_path):
    changed = edited(tmp_path, *EDITS)
    args = ("diff", "panjin-county/2023", changed, "--facts", EXAMPLE, "--format", "markdown")
    zh = run(*args).stdout
    assert "PJ-8.2-a 小学生均公用经费未达标 (8.2)" in zh
    assert "标准值(params.value)" in zh
    en = run(*args, "--lang", "en").stdout
    assert "PJ-8.2-a Primary per-pupil public funds below standard (8.2)" in en
    # A removed fact is named by its type and unit, not its whole declaration.
    result = diff_rubrics(
        engine.load_rubric("panjin-county/2023"), engine.load_rubric(EXAMPLE_2024 / "2024.yaml")
    )
    removed = [c for c in result.changes if c.kind == "fact-removed"]
    assert removed
    line = describe(removed[0], "zh")
    assert "description" not in line
    assert "plausible_max" not in line
