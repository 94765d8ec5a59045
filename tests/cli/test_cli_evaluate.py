"""``evalrules evaluate`` and ``evalrules render``: formats, exit codes, facts errors, ``-o``."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

import evalrules
from evalrules import RuleContext, Text, hookimpl, rubric_source, rule_kind
from evalrules import _cli as cli
from evalrules._renderers._texttable import display_width

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_user_error(result, *needles: str) -> None:
    """Exit 2, the message on standard error naming every needle, and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


@pytest.fixture(scope="module")
def example_card() -> evalrules.Scorecard:
    """The example's scorecard, computed through the library (what the command must show)."""
    engine = evalrules.Engine()
    return engine.evaluate("panjin-county/2023", evalrules.load_facts(EXAMPLE))


# ------------------------------------------------------------------------ formats


def test_evaluate_prints_the_table_by_default(run, example_card):
    result = run("evaluate", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"总分      {example_card.total} / {example_card.max}" in out
    assert f"等次      {example_card.grade.label.zh}" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    assert result.stderr == ""
    for finding in example_card.findings:
        assert f"[{finding.rule}]" in out


def test_evaluate_in_english(run, example_card):
    result = run("evaluate", EXAMPLE, "--lang", "en")
    assert result.exit_code == 0
    assert f"Grade            {example_card.grade.label.en}" in result.stdout
    assert "评分结果" not in result.stdout


def test_evaluate_json_follows_the_schema(run, example_card):
    result = run("evaluate", EXAMPLE, "--format", "json")
    assert result.exit_code == 0
    assert result.stdout == example_card.to_json()
    data = json.loads(result.stdout, parse_float=Decimal)
    jsonschema.Draft202012Validator(evalrules.scorecard_schema()).validate(data)


@pytest.mark.parametrize(
    ("fmt", "marker"), [("markdown", "# 评分结果"), ("html", "<!DOCTYPE html>")]
)
def test_evaluate_markdown_and_html(run, fmt, marker):
    result = run("evaluate", EXAMPLE, "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout.startswith(marker)


def test_colour_only_when_asked(run):
    coloured = run("evaluate", EXAMPLE, "--color")
    assert coloured.exit_code == 0
    assert "\x1b[" in coloured.stdout
    plain = run("evaluate", EXAMPLE)
    # Colour is laid over the same layout: without the codes, the same lines.
    uncoloured = [line.rstrip() for line in ANSI.sub("", coloured.stdout).splitlines()]
    assert uncoloured == plain.stdout.splitlines()
    assert "\x1b[" not in run("evaluate", EXAMPLE, "--no-color").stdout


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_terminal_colour_follows_no_color(monkeypatch, tmp_path):
    monkeypatch.setattr(cli.sys, "stdout", _Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._use_color(None, None) is True
    assert cli._use_color(None, tmp_path / "card.txt") is False  # never into a file
    assert cli._use_color(False, None) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color(None, None) is False
    assert cli._use_color(True, None) is True  # an explicit --color wins


def test_an_unknown_format_lists_the_installed_ones(run):
    result = run("evaluate", EXAMPLE, "--format", "pdf")
    assert result.exit_code == 2
    assert "html, json, markdown, table" in result.stderr


def test_an_unknown_language_is_a_usage_error(run):
    assert run("evaluate", EXAMPLE, "--lang", "fr").exit_code == 2


# ----------------------------------------------------------------------- fail-under


def test_fail_under_above_the_total_exits_1(run, example_card):
    threshold = example_card.total + Decimal("0.1")
    result = run("evaluate", EXAMPLE, "--fail-under", threshold)
    assert result.exit_code == 1
    assert f"{example_card.total}" in result.stderr
    assert str(threshold) in result.stderr
    assert "总分" in result.stdout  # the scorecard is still printed


def test_fail_under_equal_to_the_total_passes(run, example_card):
    assert run("evaluate", EXAMPLE, "--fail-under", example_card.total).exit_code == 0


@pytest.mark.parametrize("bad", ["abc", "nan", "inf", ""])
def test_fail_under_must_be_a_number(run, bad):
    result = run("evaluate", EXAMPLE, "--fail-under", bad)
    assert result.exit_code == 2
    assert "--fail-under" in result.stderr


# ------------------------------------------------------------------------ rubric choice


def test_evaluate_needs_a_rubric(run, tmp_path, tiny):
    _, facts = tiny
    result = run("evaluate", facts)
    assert_user_error(result, "--rubric", "rubric:")


def test_rubric_option_with_a_file(run, tiny):
    rubric, facts = tiny
    result = run("evaluate", facts, "--rubric", rubric)
    assert result.exit_code == 0, result.stderr
    assert "测试区" in result.stdout
    assert "合格(按总分为良好,经等次调整)" in result.stdout


def test_a_facts_file_naming_another_rubric_is_refused(run, edit_example, tmp_path):
    facts = edit_example("rubric: panjin-county/2023", "rubric: panjin-county/2022")
    target = tmp_path / "card.txt"
    result = run("evaluate", facts, "--rubric", "panjin-county/2023", "-o", target)
    assert_user_error(result, "rubric", "panjin-county/2022", "panjin-county/2023")
    assert not target.exists()


def test_an_uninstalled_rubric(run, edit_example):
    facts = edit_example("rubric: panjin-county/2023", "rubric: panjin-county/1999")
    assert_user_error(run("evaluate", facts), "panjin-county/1999", "panjin-county/2023")


# -------------------------------------------------------------------------- facts errors


def test_a_missing_facts_file(run, tmp_path):
    target = tmp_path / "card.txt"
    result = run("evaluate", tmp_path / "absent.yaml", "-o", target)
    assert_user_error(result, "absent.yaml", "no such file")
    assert not target.exists()


def test_malformed_yaml(run, edit_example):
    facts = edit_example("  schools:\n", "  schools: [\n")
    assert_user_error(run("evaluate", facts), "line", "[unreadable]")


def test_every_facts_problem_is_listed_with_both_languages(run, edit_example, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("has_high_school: false", 'has_high_school: "no"')
    text = text.replace("    primary: 10140", "    primary: .nan")
    text = text.replace("    basic_cv_met: true", "    basic_cv_met: true\n    bogus_fact: 1")
    facts = tmp_path / "bad.yaml"
    facts.write_text(text, encoding="utf-8")
    target = tmp_path / "card.txt"
    result = run("evaluate", facts, "-o", target)
    assert_user_error(result, "3 problems", "3 个问题")
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert [p.split(":")[0].strip("- ") for p in problems] == [
        "balance.bogus_fact",
        "pupils.primary",
        "schools.has_high_school",
    ]
    assert "[unknown]" in problems[0]
    assert "[not-finite]" in problems[1]
    assert "NaN" in problems[1]
    assert "[wrong-type]" in problems[2]
    for problem in problems:  # each in Chinese, then English
        zh, _, en = problem.partition(" / ")
        assert re.search(r"[\u4e00-\u9fff]", zh)
        assert re.search(r"[a-z]{3,}", en)
    assert not target.exists()
    assert list(tmp_path.glob(".card.txt.*")) == []


def test_a_facts_error_keeps_an_existing_output_file(run, edit_example, tmp_path):
    target = tmp_path / "card.txt"
    target.write_text("earlier scorecard\n", encoding="utf-8")
    facts = edit_example("has_high_school: false", "has_high_school: 2")
    assert run("evaluate", facts, "-o", target).exit_code == 2
    assert target.read_text(encoding="utf-8") == "earlier scorecard\n"


def test_missing_facts_fail_unless_partial(run, edit_example):
    facts = edit_example("    children: 5232\n", "")
    assert_user_error(run("evaluate", facts), "kindergarten.children", "[missing]")
    result = run("evaluate", facts, "--partial")
    assert result.exit_code == 0, result.stderr
    assert "无法评价" in result.stdout
    assert "不完整" in result.stdout


# ------------------------------------------------------------------------------ -o


def test_output_file_is_written_whole(run, tmp_path):
    target = tmp_path / "card.html"
    result = run("evaluate", EXAMPLE, "--format", "html", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == run("evaluate", EXAMPLE, "--format", "html").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.html"]
    assert target.stat().st_mode & 0o644 == 0o644  # readable like any report


def test_output_into_a_missing_folder(run, tmp_path):
    result = run("evaluate", EXAMPLE, "-o", tmp_path / "nowhere" / "card.txt")
    assert_user_error(result, "nowhere")


def test_fail_under_still_writes_the_output(run, tmp_path, example_card):
    target = tmp_path / "card.json"
    result = run("evaluate", EXAMPLE, "--format", "json", "-o", target, "--fail-under", 100)
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == example_card.to_json()


# ---------------------------------------------------------------------------- render


def test_render_a_stored_scorecard_as_evaluate_shows_it(run, tmp_path):
    stored = tmp_path / "card.json"
    assert run("evaluate", EXAMPLE, "--format", "json", "-o", stored).exit_code == 0
    for fmt in ("table", "markdown", "html", "json"):
        rendered = run("render", stored, "--format", fmt, "--lang", "en")
        assert rendered.exit_code == 0, rendered.stderr
        assert rendered.stdout == run("evaluate", EXAMPLE, "--format", fmt, "--lang", "en").stdout


def test_render_without_the_rubric_installed(run, tmp_path):
    stored = tmp_path / "card.json"
    assert run("evaluate", EXAMPLE, "--format", "json", "-o", stored).exit_code == 0
    result = run("render", stored, env={"EVALRULES_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert result.exit_code == 0
    # a fact its rule's message does not name reads by its path when no label is at hand
    assert "数据:schools.has_private_schools = 否" in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"schema": "evalrules.scorecard/1",', "line 1"),
        ("[1, 2]", "JSON object"),
        ('{"schema": "evalrules.scorecard/1"}', "missing field"),
        ('{"schema": "other/1"}', "not an evalrules.scorecard/1 document"),
    ],
)
def test_render_refuses_what_is_not_a_scorecard(run, tmp_path, content, needle):
    stored = tmp_path / "card.json"
    stored.write_text(content, encoding="utf-8")
    assert_user_error(run("render", stored), "card.json", needle)


def test_render_a_missing_file(run, tmp_path):
    assert_user_error(run("render", tmp_path / "absent.json"), "absent.json")


# ------------------------------------------------------------------ debug, exit code 3


def test_debug_shows_the_traceback_before_or_after_the_command(run, edit_example):
    facts = edit_example("has_high_school: false", "has_high_school: 2")
    quiet = run("evaluate", facts)
    assert quiet.exit_code == 2
    assert "Traceback" not in quiet.stderr
    for args in (("--debug", "evaluate", facts), ("evaluate", facts, "--debug")):
        loud = run(*args)
        assert loud.exit_code == 2
        assert "Traceback (most recent call last)" in loud.stderr
        assert "FactsError" in loud.stderr
        assert "schools.has_high_school" in loud.stderr


def _exploding(ctx: RuleContext) -> None:
    raise ZeroDivisionError("a bug in a plugin")


class _BrokenPlugin:
    """A plugin whose rule kind raises: evaluating with it is a plugin failure (exit 3)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def evalrules_register_rule_kinds(self):
        return [
            rule_kind(
                "exploding",
                summary=Text("出错", "raises"),
                description="Raises.",
                params={},
                evaluate=_exploding,
                describe=lambda ctx: Text("出错", "raises"),
                outcomes=("never",),
                messages={},
            )
        ]

    @hookimpl
    def evalrules_register_rubrics(self):
        return [rubric_source("broken-county/2024", self.path)]


def test_a_broken_plugin_exits_3_without_a_traceback(run, tmp_path, monkeypatch, tiny_rubric_text):
    rubric = tmp_path / "broken.yaml"
    rubric.write_text(
        tiny_rubric_text.replace("family: tiny-county", "family: broken-county")
        .replace("kind: threshold", "kind: exploding")
        .replace('params: {fact: x.rate, op: ">=", value: 90, deduct: 2}', "params: {}"),
        encoding="utf-8",
    )
    plugin = _BrokenPlugin(rubric)
    monkeypatch.setattr(cli, "Engine", lambda: evalrules.Engine(plugins=[plugin], autoload=False))
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "facts: {x: {rate: 80, accident: false, judgement: {deduct: 0, reason: 无}, "
        "award: false}}\n",
        encoding="utf-8",
    )
    result = run("evaluate", facts, "--rubric", "broken-county/2024")
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "T-1-a" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert run("evaluate", facts, "--rubric", "broken-county/2024", "--debug").exit_code == 3


# ---------------------------------------------------------------------------- usage


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert evalrules.__version__ in result.stdout


def test_an_unknown_command_is_a_usage_error(run):
    result = run("evaluat", EXAMPLE)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_an_internal_error_exits_3(run, monkeypatch):
    def broken(self, path):
        raise RuntimeError("unexpected state")

    monkeypatch.setattr(cli.Engine, "load_facts", broken)
    result = run("evaluate", EXAMPLE)
    assert result.exit_code == 3
    assert "internal error: RuntimeError: unexpected state" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" in run("evaluate", EXAMPLE, "--debug").stderr


def test_a_rubric_file_named_in_the_facts_is_found_beside_them(run, tiny):
    rubric, facts = tiny
    text = facts.read_text(encoding="utf-8").replace("entity:", f"rubric: {rubric.name}\nentity:")
    facts.write_text(text, encoding="utf-8")
    result = run("evaluate", facts)  # the runner's working folder is not the facts' folder
    assert result.exit_code == 0, result.stderr
    assert "tiny-county/2024" in result.stdout


def test_a_closed_pipe_ends_quietly(run, monkeypatch):
    def closed(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli.click, "echo", closed)
    result = run("evaluate", EXAMPLE)
    assert result.exit_code == 1  # click's own handling of a closed standard output
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr


# ------------------------------------------------------------------------ width


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [None, "60", "120"])
def test_the_table_fits_columns_or_80(run, lang, columns):
    env = {"COLUMNS": columns} if columns else {"COLUMNS": None}
    result = run("evaluate", EXAMPLE, "--lang", lang, "--sensitivity", env=env)
    assert result.exit_code == 0, result.stderr
    width = int(columns or 80)
    widths = [display_width(line) for line in result.stdout.splitlines()]
    assert max(widths) <= width
    assert max(widths) > width - 10


def test_a_columns_value_below_60_gives_60_and_nonsense_is_ignored(run):
    narrow = run("evaluate", EXAMPLE, env={"COLUMNS": "20"})
    assert narrow.stdout == run("evaluate", EXAMPLE, env={"COLUMNS": "60"}).stdout
    odd = run("evaluate", EXAMPLE, env={"COLUMNS": "wide"})
    assert odd.stdout == run("evaluate", EXAMPLE, env={"COLUMNS": None}).stdout


def test_a_file_gets_80_columns_whatever_columns_says(run, tmp_path):
    wide, plain = tmp_path / "wide.txt", tmp_path / "plain.txt"
    assert run("evaluate", EXAMPLE, "-o", wide, env={"COLUMNS": "120"}).exit_code == 0
    assert run("evaluate", EXAMPLE, "-o", plain, env={"COLUMNS": None}).exit_code == 0
    assert wide.read_bytes() == plain.read_bytes()
    assert max(display_width(line) for line in plain.read_text().splitlines()) <= 80


def test_render_takes_columns_too(run, tmp_path):
    card = tmp_path / "card.json"
    assert run("evaluate", EXAMPLE, "--format", "json", "-o", card).exit_code == 0
    wide = run("render", card, env={"COLUMNS": "120"})
    assert wide.exit_code == 0, wide.stderr
    assert max(display_width(line) for line in wide.stdout.splitlines()) > 100


# ------------------------------------------------------------------- error language

_MISSING_RUBRIC = ("--rubric", "nope/1")


@pytest.mark.parametrize(
    ("zh", "en"),
    [("事实数据有 1 个问题", "the facts have 1 problem"), ("文件不存在", "no such file")],
)
def test_facts_errors_follow_an_explicit_lang(run, tmp_path, zh, en):
    """The headline and each problem of a refused facts file (here: not there)."""
    missing = tmp_path / "missing.yaml"
    both = run("evaluate", missing)
    assert_user_error(both, zh, en)
    assert f"{zh} / {en}" in both.stderr
    only_en = run("evaluate", missing, "--lang", "en")
    assert_user_error(only_en, en)
    assert zh not in only_en.stderr
    only_zh = run("evaluate", missing, "--lang", "zh")
    assert_user_error(only_zh, zh)
    assert en not in only_zh.stderr


def test_a_refused_value_speaks_the_chosen_language_only(run, tmp_path):
    facts = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("rubric: panjin-county/2023", "")
    facts.write_text(text + "\n", encoding="utf-8")
    result = run("evaluate", facts, "--lang", "en")
    assert_user_error(result, "no rubric: pass --rubric REF")
    assert not CJK.search(result.stderr.replace(str(facts), ""))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rubric_not_found_and_unknown_format_follow_lang(run, lang):
    missing = run("evaluate", EXAMPLE, *_MISSING_RUBRIC, "--lang", lang)
    unknown = run("evaluate", EXAMPLE, "--format", "zz", "--lang", lang)
    if lang == "en":
        assert_user_error(missing, "no rubric 'nope/1' is installed")
        assert_user_error(unknown, "no renderer 'zz'")
        assert not CJK.search(missing.stderr + unknown.stderr)
    else:
        assert_user_error(missing, "未安装评价方案 'nope/1'")
        assert_user_error(unknown, "没有输出格式 'zz'")
        assert "is installed" not in missing.stderr
        assert "no renderer" not in unknown.stderr


def test_without_lang_errors_stay_in_both_languages(run):
    result = run("evaluate", EXAMPLE, *_MISSING_RUBRIC)
    assert_user_error(result, "未安装评价方案 'nope/1'", "no rubric 'nope/1' is installed")


def test_render_errors_follow_lang(run, tmp_path):
    result = run("render", tmp_path / "none.json", "--lang", "en")
    assert_user_error(result, "none.json: no such file")
    assert "文件不存在" not in result.stderr


def test_own_usage_errors_and_stored_card_errors_follow_lang(run, tmp_path):
    several = run("evaluate", EXAMPLE, EXAMPLE, "-o", tmp_path / "x.json", "--lang", "en")
    assert_user_error(several, "with several files, pass --output-dir DIR instead of -o")
    assert "多个文件" not in several.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    zh = run("render", broken, "--lang", "zh")
    assert_user_error(zh, "不是有效的 JSON:第 1 行")
    assert "not valid JSON" not in zh.stderr
