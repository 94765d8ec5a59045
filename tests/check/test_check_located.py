"""``evalrules check`` for editors and CI: problems at file:line:column in the author's own
file (also through ``extends``), "did you mean" at every level, unread-fact warnings, and
the text, JSON and GitHub formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evalrules._cli import main
from evalrules._rubric._positions import positions

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_2024 = REPO / "docs/examples/evalrules-panjin-2024/src/evalrules_panjin_2024/2024.yaml"

#: An extending rubric with the slips of a rubric author: a top-level key, a node key, a
#: text key and a rule parameter, each misspelt.
CHILD = """\
evalrules: rubric/1
extends: panjin-county/2023
year: 2024
version: "1.0.0"
title: {zh: 测试, en: Test}
bonuss: []
replace:
  "9.1":
    code: "9.1"
    title: {zh: 信访积案化解情况, ne: Resolution of backlog petition cases}
    mxa: 6
    rules:
      - code: PJ-9.1-b
        kind: per_incident
        name: {zh: 信访积案未化解, en: Unresolved backlog petition cases}
        params: {fact: petitions.backlog_cases, deduct_eech: 2}
        source: {inferred: true, why: test}
"""


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle``'s first occurrence."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def test_misspelt_keys_through_extends_are_located_in_the_authors_file(tmp_path):
    child = tmp_path / "2024.yaml"
    child.write_text(CHILD, encoding="utf-8")
    result = run("check", child, "--lang", "en")
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()

    def line_for(needle: str) -> str:
        line, col = where(CHILD, needle)
        prefix = f"{child}:{line}:{col}: error: "
        hits = [entry for entry in lines if entry.startswith(prefix)]
        assert hits, f"nothing at {prefix!r} in:\n{result.stdout}"
        return hits[0]

    assert "did you mean 'bonus'?" in line_for("bonuss")
    assert "at replace.9.1.mxa: unknown key 'mxa'; did you mean 'max'?" in line_for("mxa")
    assert "did you mean 'en'?" in line_for("ne:")
    assert "did you mean 'deduct_each'?" in line_for("deduct_eech")
    # Nothing points into the merged tree.
    assert "indicators[" not in result.stdout
    assert all(entry.startswith(f"{child}:") for entry in lines)


def test_a_problem_in_an_inherited_node_points_at_the_change_that_made_it(tmp_path):
    text = EXAMPLE_2024.read_text(encoding="utf-8")
    changed = text.replace("      max: 2\n      rules:\n        - code: PJ-5.6-a", "      max: 3\n"
                           "      rules:\n        - code: PJ-5.6-a")  # fmt: skip
    assert changed != text
    path = tmp_path / "2024.yaml"
    path.write_text(changed, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2
    line, col = where(changed, '"5":\n    - code: "5.6"')
    (entry,) = result.stdout.splitlines()
    assert entry.startswith(f"{path}:{line}:{col}: error: indicator 5, at add.5: max is 10")
    assert "(in the base rubric: " in entry
    assert "2023.yaml:" in entry


def test_a_required_fact_nothing_reads_is_a_warning(tmp_path):
    text = EXAMPLE_2024.read_text(encoding="utf-8")
    kept = text.replace("remove_facts: [tutoring.prepaid_fees_fully_supervised]\n", "")
    assert kept != text
    path = tmp_path / "2024.yaml"
    path.write_text(kept, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 0, result.output
    (warning, summary) = result.stdout.splitlines()
    assert ": warning: at extends: fact 'tutoring.prepaid_fees_fully_supervised' is required" in (
        warning
    )
    assert warning.endswith("[unread-fact]")
    assert summary.startswith("panjin-county/2024: no errors, 1 warning.")
    zh = run("check", path)
    assert zh.stdout.splitlines()[-1].startswith("panjin-county/2024:未发现错误,1 条警告。")
    assert (
        "事实 'tutoring.prepaid_fees_fully_supervised' 声明为必填,但没有任何细则读取" in zh.stdout
    )
    # The example as published removes its declaration: no warning.
    clean = run("check", EXAMPLE_2024, "--lang", "en")
    assert clean.exit_code == 0
    assert "warning" not in clean.stdout


def test_json_and_github_formats(tmp_path):
    child = tmp_path / "x,y.yaml"
    child.write_text(CHILD, encoding="utf-8")
    as_json = run("check", child, "--output-format", "json")
    assert as_json.exit_code == 2
    data = json.loads(as_json.stdout)
    assert data["schema"] == "evalrules.check/1"
    # bonuss, ne, mxa, deduct_eech: a misspelt required key is one problem (its suggestion),
    # not a second "max is required" / "required field"
    assert data["errors"] == len(data["problems"]) == 4
    mxa = next(p for p in data["problems"] if p["path"] == "replace.9.1.mxa")
    assert (mxa["line"], mxa["column"]) == where(CHILD, "mxa")
    assert mxa["severity"] == "error"
    assert mxa["indicator"] == "9.1"
    github = run("check", child, "--output-format", "github", "--lang", "en")
    assert github.exit_code == 2
    lines = github.stdout.splitlines()
    assert len(lines) == 4
    line, col = where(CHILD, "mxa")
    # `,` and `:` are escaped in a property (%2C, %3A), as the workflow commands require.
    expected = f"::error file={str(child).replace(',', '%2C')},line={line},col={col},"
    assert any(entry.startswith(expected) for entry in lines), github.stdout
    assert all(entry.startswith("::error file=") for entry in lines)


def test_positions_of_keys_and_items():
    text = "a:\n  b: 1\n  c:\n    - x: 2\n    - 3\n"
    found = positions(text)
    assert found["a"] == (1, 1)
    assert found["a.b"] == (2, 3)
    assert found["a.c[0]"] == found["a.c.0"] == (4, 7)
    assert found["a.c[0].x"] == (4, 7)
    assert found["a.c[1]"] == (5, 7)
    assert positions("a: [unclosed") == {}


def test_what_extends_cannot_apply_comes_with_every_other_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # the base rubric's file is then shown relative to it
    text = (
        "evalrules: rubric/1\nextends: panjin-county/2023\nyear: 2024\nversion: '1'\n"
        "title: {zh: 测试, en: Test}\nbonuss: []\nremove: ['5.5', '99.9']\n"
        "change:\n  A: {mxa: 1}\n"
    )
    path = tmp_path / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2
    base = REPO / "rubrics/panjin-county/2023.yaml"
    max_line = where(base.read_text(encoding="utf-8"), '  - code: "5"\n')[0] + 2
    assert result.stdout.splitlines() == [
        f"{path}:6:1: error: at bonuss: unknown key 'bonuss'; did you mean 'bonus'? [unknown-key]",
        # removing 5.5 (2 points) unbalances its parent: shown at the remove that did it
        f"{path}:7:10: error: indicator 5, at remove[0]: max is 10 but the children's maxes "
        f"add up to 8 (in the base rubric: rubrics/panjin-county/2023.yaml:{max_line}:9) "
        "[max-not-sum]",
        f"{path}:7:17: error: at remove[1]: remove names '99.9', which the base rubric does "
        "not have [unknown-code]",
        f"{path}:9:7: error: indicator A, at change.A.mxa: change cannot set 'mxa'; did you "
        "mean 'max'? [unknown-key]",
    ]


def test_a_misspelt_condition_key_is_located_and_suggested(tmp_path):
    text = (REPO / "rubrics/panjin-county/2023.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "params: {when: {fact: safety.major_accident}",
        "params: {when: {fcat: safety.major_accident}",
    )
    assert changed != text
    path = tmp_path / "2023.yaml"
    path.write_text(changed, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2
    (first,) = result.stdout.splitlines()  # not also "a fact path is required"
    line, col = where(changed, "fcat: safety.major_accident}")
    assert first.startswith(f"{path}:{line}:{col}: error: indicator 2.3, rule PJ-2.3-veto, at ")
    assert "unknown key(s) ['fcat'] (use fact, op, value); did you mean 'fcat' → 'fact'?" in first


#: A quoted YAML key may hold escapes that a terminal obeys: OSC (retitles the window), BEL,
#: CSI (colours, clears), a right-to-left override and a C1 control.
HOSTILE_KEY = "\\e]0;pwn\\a\\e[31m\\u202e\\x85deduct_eech"
RAW = ("\x1b", "\x07", "\u202e", "\x85")


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_terminal_escapes_in_a_key_are_shown_escaped(tmp_path: Path, fmt: str) -> None:
    source = (REPO / "rubrics/panjin-county/2023.yaml").read_text(encoding="utf-8")
    plain = "params: {fact: petitions.to_province_or_beijing, deduct_each: 1}"
    assert plain in source
    hostile = f'params: {{fact: petitions.to_province_or_beijing, "{HOSTILE_KEY}": 1}}'
    (tmp_path / "hostile.yaml").write_text(source.replace(plain, hostile, 1), encoding="utf-8")
    result = run("check", tmp_path / "hostile.yaml", "--output-format", fmt)
    assert result.exit_code == 2, result.output
    assert not [c for c in RAW if c in result.output], result.output
    assert "\\u001b]0;pwn\\u0007\\u001b[31m\\u202e\\u0085deduct_eech" in result.output
    if fmt == "json":
        problems = json.loads(result.stdout)["problems"]
        assert any(
            p["path"].endswith("\x1b]0;pwn\x07\x1b[31m\u202e\x85deduct_eech") for p in problems
        )


def test_problems_are_worded_in_the_language_asked(tmp_path):
    child = tmp_path / "2024.yaml"
    child.write_text(CHILD, encoding="utf-8")
    zh = run("check", child).stdout.splitlines()
    en = run("check", child, "--lang", "en").stdout.splitlines()
    assert len(zh) == len(en) >= 4
    (mxa_zh,) = [line for line in zh if "'mxa'" in line]
    assert mxa_zh.endswith(":未知的键 'mxa';是否应为 'max'? [unknown-key]"), mxa_zh
    assert "指标 9.1" in mxa_zh
    assert "indicator" not in mxa_zh
    (mxa_en,) = [line for line in en if "'mxa'" in line]
    assert mxa_en.endswith(": unknown key 'mxa'; did you mean 'max'? [unknown-key]"), mxa_en
    (eech,) = [line for line in zh if "deduct_eech" in line and "未知字段" in line]
    assert "是否应为 'deduct_each'?" in eech
    github = run("check", child, "--output-format", "github").stdout
    assert "未知的键 'mxa';是否应为 'max'?" in github
    # JSON is for programs: the English message, whatever the language.
    data = json.loads(run("check", child, "--output-format", "json").stdout)
    assert any(p["message"] == "unknown key 'mxa'; did you mean 'max'?" for p in data["problems"])


def test_a_misspelt_key_in_a_cross_check_gets_a_suggestion(tmp_path):
    text = EXAMPLE_2024.read_text(encoding="utf-8")
    assert "\ncross_checks:" not in text
    appended = (
        "cross_checks: [{kind: part_of, fatcs: [party.branches_with_deputy, party.branches]}]\n"
    )
    path = tmp_path / "2024.yaml"
    path.write_text(text + appended, encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2, result.output
    line, col = where(text + appended, "fatcs")
    assert result.stdout.splitlines() == [
        f"{path}:{line}:{col}: error: at cross_checks[0].fatcs: unknown key 'fatcs'; "
        "did you mean 'facts'? [unknown-key]"
    ]
    # A cross check that is not a mapping, or lacks a key with nothing like it, still says
    # what a cross check is.
    path.write_text(text + "cross_checks: [{kind: part_of}]\n", encoding="utf-8")
    assert (
        "a cross check is {kind, facts: [paths]} [wrong-type]"
        in run("check", path, "--lang", "en").stdout
    )


def test_a_misspelt_required_parameter_is_one_problem(tmp_path):
    source = (REPO / "rubrics/panjin-county/2023.yaml").read_text(encoding="utf-8")
    path = tmp_path / "typo.yaml"
    path.write_text(source.replace("deduct_each: 1}", "deduct_eech: 1}", 1), encoding="utf-8")
    result = run("check", path, "--lang", "en")
    assert result.exit_code == 2, result.output
    (line,) = result.stdout.splitlines()
    assert line.endswith("deduct_eech: unknown field; did you mean 'deduct_each'? [bad-params]")
    # Missing with nothing like it, the required parameter is still named.
    path.write_text(source.replace(", deduct_each: 1}", "}", 1), encoding="utf-8")
    missing = run("check", path, "--lang", "en").stdout.splitlines()
    assert [m for m in missing if m.endswith("params.deduct_each: required field [bad-params]")]


def test_a_sum_broken_by_an_operation_is_shown_at_the_operation(tmp_path):
    replaced = CHILD.replace("bonuss: []\n", "").replace("ne: Resolution", "en: Resolution")
    replaced = replaced.replace("    mxa: 6\n", "    max: 2\n").replace(
        "deduct_eech", "deduct_each"
    )
    path = tmp_path / "ext.yaml"
    path.write_text(replaced, encoding="utf-8")
    (line,) = run("check", path, "--lang", "en").stdout.splitlines()
    row, col = where(replaced, '"9.1":')
    assert line.startswith(f"{path}:{row}:{col}: error: indicator 9, at replace.9.1: max is 8 ")
    assert line.endswith("[max-not-sum]")
    # The total, changed by a first-level max: at that change, not at `extends`.
    changed = (
        "evalrules: rubric/1\nextends: panjin-county/2023\nyear: 2024\nversion: '1.0.0'\n"
        "remove: ['9.2']\nchange:\n  '9': {max: 6}\n  'B': {max: 35}\n"
    )
    path.write_text(changed, encoding="utf-8")
    (line,) = run("check", path, "--lang", "en").stdout.splitlines()
    row, col = where(changed, "'B'")
    assert line.startswith(f"{path}:{row}:{col}: error: at change.B: declared total 100 ")
    assert line.endswith("[total-mismatch]")


def test_a_missing_max_with_nothing_like_it_is_still_required(tmp_path):
    without = CHILD.replace("    mxa: 6\n", "").replace("bonuss: []\n", "")
    path = tmp_path / "2024.yaml"
    path.write_text(without, encoding="utf-8")
    out = run("check", path, "--lang", "en").stdout
    assert "at replace.9.1.max: max is required [missing]" in out
    assert "did you mean 'max'" not in out


def test_a_misspelt_condition_key_is_shown_at_the_key(tmp_path):
    source = (REPO / "rubrics/panjin-county/2023.yaml").read_text(encoding="utf-8")
    plain = "when: {fact: schools.has_private_schools, value: false}}"
    assert source.count(plain) == 1
    text = source.replace(plain, plain.replace("value:", "valeu:"))
    path = tmp_path / "cond.yaml"
    path.write_text(text, encoding="utf-8")
    (line,) = run("check", path, "--lang", "en").stdout.splitlines()
    row, col = where(text, "valeu")
    assert line.startswith(f"{path}:{row}:{col}: error: "), line
    assert "did you mean 'valeu' → 'value'?" in line
    (zh,) = run("check", path).stdout.splitlines()
    assert "'valeu' 是否应为 'value'?" in zh
