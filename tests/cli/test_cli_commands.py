"""Every ``evalrules`` command and exit code, through click's runner on the real entry point.

Exit codes: 0 done; 1 the total is below ``--fail-under``; 2 invalid input or usage; 3 a
broken plugin. A user's mistake never shows a traceback; ``--debug`` shows one.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
import yaml

import evalrules
from evalrules._renderers._texttable import char_width

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
SEED_REPORT = REPO / "tests" / "data" / "seed" / "shuangtaizi-2023-self-evaluation.txt"
PANJIN = "panjin-county/2023"


def column(text: str, index: int) -> str:
    """The text of one column of a printed table, wrapped lines joined, spaces removed.

    Columns are found from the header's ``----`` rule; cells are cut by display width (a
    Chinese character takes two columns). Removing spaces undoes the wrapping, which breaks
    lines at spaces or between Chinese characters.
    """
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("--"))
    spans, start = [], 0
    for dashes in lines[rule].split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    lo, hi = spans[index]
    out = []
    for line in lines[rule + 1 :]:
        cell, col = "", 0
        for char in line:
            if lo <= col < hi:
                cell += char
            col += char_width(char)
        out.append(cell)
    return "".join(out).replace(" ", "")


def assert_user_error(result, *needles: str) -> None:
    """Exit 2, the message on standard error naming every needle, and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


@pytest.fixture(scope="module")
def panjin_engine() -> evalrules.Engine:
    """An engine seeing what the command sees (autoload on, the installed plugin)."""
    return evalrules.Engine()


# ------------------------------------------------------------------- rubrics, plugins


def test_rubrics_lists_reference_title_plugin_and_version(run, panjin_engine):
    result = run("rubrics")
    assert result.exit_code == 0, result.stderr
    rubric = panjin_engine.load_rubric(PANJIN)
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(PANJIN)]
    assert rubric.title.zh in line
    assert panjin_engine.rubric_sources.origin(PANJIN) in line
    assert line.endswith(rubric.version)
    assert result.stderr == ""


def test_rubrics_in_english(run, panjin_engine):
    result = run("rubrics", "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("Reference")
    assert panjin_engine.load_rubric(PANJIN).title.en.split()[0] in result.stdout


def test_rubrics_without_autoload_lists_none(run):
    result = run("rubrics", env={"EVALRULES_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert result.exit_code == 0
    assert PANJIN not in result.stdout
    assert result.stdout.strip() == "无"


def test_plugins_lists_distribution_version_and_hooks(run):
    result = run("plugins", "--lang", "en")
    assert result.exit_code == 0
    out = result.stdout
    for builtin, hook in (
        ("evalrules.renderers", "evalrules_register_renderers"),
        ("evalrules.kinds", "evalrules_register_rule_kinds"),
        ("evalrules.facts", "evalrules_register_fact_types"),
    ):
        assert f"{builtin} (builtin)" in out
        assert hook in out
    (line,) = [line for line in out.splitlines() if line.startswith("evalrules-panjin[")]
    assert metadata.version("evalrules-panjin") in line
    assert "evalrules_register_rubrics" in line


# ---------------------------------------------------------------------------- show


def test_show_lists_every_rule_with_its_words_and_source(run, tiny):
    rubric_file, _ = tiny
    result = run("show", rubric_file)
    assert result.exit_code == 0, result.stderr
    engine = evalrules.Engine(autoload=False)
    compiled = engine.compile(engine.load_rubric(rubric_file))
    rules_column, sources = column(result.stdout, 3), column(result.stdout, 4)
    for _, rule in compiled.rubric.rules():
        assert f"[{rule.code}]{compiled.describe(rule).zh}".replace(" ", "") in rules_column
    assert "测试〔2024〕1号,1" in sources  # a documented source: document, clause
    assert "〔推定〕测试用的推定规则" in sources  # an inferred one, marked
    assert column(result.stdout, 0) == "".join(n.code for n in compiled.rubric.walk())


def test_show_marks_inferred_sources_in_english(run, tiny):
    result = run("show", tiny[0], "--lang", "en")
    assert result.exit_code == 0
    assert "[inferred]测试用的推定规则" in column(result.stdout, 4)
    assert "Standard:compliancerateatleast90%" in column(result.stdout, 3)


def test_show_an_installed_rubric_has_every_rule_code(run, panjin_engine):
    result = run("show", PANJIN)
    assert result.exit_code == 0
    for _, rule in panjin_engine.load_rubric(PANJIN).rules():
        assert f"[{rule.code}]" in result.stdout


def test_show_an_unknown_rubric_is_a_usage_error(run):
    result = run("show", "nowhere-county/2020")
    assert_user_error(result, "nowhere-county/2020", PANJIN)
    assert result.stdout == ""


# ------------------------------------------------------------------------- explain


def test_explain_an_item_prints_rules_facts_and_sources(run, panjin_engine):
    result = run("explain", PANJIN, "8.2")
    assert result.exit_code == 0, result.stderr
    rubric = panjin_engine.load_rubric(PANJIN)
    item = rubric.indicator("8.2")
    out = result.stdout
    assert out.startswith(f"8.2 {item.title.zh}\n")
    compiled = panjin_engine.compile(rubric)
    for rule in item.rules:
        assert rule.code in out
        assert compiled.describe(rule).zh in out
        for path in compiled.kind(rule).reads(rule.params):
            assert path in out
    derived = {d.path: d for d in rubric.derived}["derived.per_pupil.primary"]
    assert derived.description.zh in out
    assert derived.unit in out
    for path in derived.inputs:
        assert path in out
    assert "盘政教督室〔2023〕31号" in out
    assert "B 政府保障与教育发展 > 8 教育经费保障情况" in out


def test_explain_a_rule_code_prints_only_that_rule(run):
    result = run("explain", PANJIN, "PJ-11-b", "--lang", "en")
    assert result.exit_code == 0
    assert "PJ-11-b" in result.stdout
    assert "PJ-11-a" not in result.stdout
    assert "Share of children in affordable kindergartens" in result.stdout
    assert "[inferred]" in result.stdout


def test_explain_accepts_a_former_rule_code(run, tiny):
    result = run("explain", tiny[0], "T-1-old")
    assert result.exit_code == 0
    assert "T-1-a  达标率不足" in result.stdout
    assert "曾用代码:T-1-old" in result.stdout
    assert "x.rate  达标率(单位:%)" in result.stdout


def test_explain_a_parent_lists_its_parts(run, panjin_engine):
    result = run("explain", PANJIN, "8")
    assert result.exit_code == 0
    for child in panjin_engine.load_rubric(PANJIN).indicator("8").children:
        assert f"    {child.code} {child.title.zh}" in result.stdout


def test_explain_an_unknown_code_lists_near_matches(run):
    result = run("explain", PANJIN, "PJ-8.3")
    assert_user_error(result, "'PJ-8.3'", "PJ-8.3-a")
    assert result.stdout == ""


# --------------------------------------------------------------------------- check


def test_check_an_installed_rubric(run):
    result = run("check", PANJIN)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{PANJIN}:未发现问题")


def test_check_a_rubric_file_counts_its_rules(run, tiny):
    result = run("check", tiny[0], "--lang", "en")
    assert result.exit_code == 0
    assert "tiny-county/2024: no problems" in result.stdout
    assert "4 rules (3 inferred)" in result.stdout


def test_check_lists_every_problem_and_exits_2(run, tmp_path, tiny_rubric_text):
    broken = (
        tiny_rubric_text.replace("            name: {zh: 重大事故, en: Major accident}\n", "")
        .replace("            name: {zh: 酌情扣分, en: Judgement}\n", "")
        .replace("        max: 6\n", "        max: 5\n")
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    text = broken.splitlines()
    max_line = text.index("    max: 10") + 1
    # a missing key is shown at the item that lacks it (the rule's `- code:` line)
    veto_line = text.index("          - code: T-1-veto") + 1
    manual_line = text.index("          - code: T-2-a") + 1
    # one line per problem, in the file's order: file:line:column, where in the document,
    # what is wrong, and the problem's code
    assert lines == [
        f"{path}:{max_line}:5: error: indicator A, at indicators[0].max: "
        "max is 10 but the children's maxes add up to 9 [max-not-sum]",
        f"{path}:{veto_line}:13: error: indicator 1, rule T-1-veto, at "
        "indicators[0].children[0].rules[1].name: a text {zh, en} is required [missing]",
        f"{path}:{manual_line}:13: error: indicator 2, rule T-2-a, at "
        "indicators[0].children[1].rules[0].name: a text {zh, en} is required [missing]",
    ]
    assert "3 problems" in result.stderr


def test_check_a_missing_file(run, tmp_path):
    result = run("check", tmp_path / "absent.yaml")
    assert result.exit_code == 2
    assert "absent.yaml" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_an_unknown_reference(run):
    assert_user_error(run("check", "nowhere-county/2020"), "nowhere-county/2020")


# --------------------------------------------------------------------- schema, template


def test_schema_validates_the_example(run):
    result = run("schema", PANJIN)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_schema_to_a_file(run, tmp_path):
    target = tmp_path / "facts.schema.json"
    result = run("schema", PANJIN, "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


def test_template_has_a_slot_for_every_fact(run, panjin_engine):
    result = run("template", PANJIN)
    assert result.exit_code == 0
    document = yaml.safe_load(result.stdout)
    assert document["rubric"] == PANJIN
    for spec in panjin_engine.load_rubric(PANJIN).facts:
        level = document["facts"]
        for part in spec.path.split("."):
            level = level[part]


def test_schema_of_an_unknown_rubric(run):
    assert_user_error(run("schema", "nowhere-county/2020"), "nowhere-county/2020")
