"""``evalrules evaluate`` on a county without junior secondary schools (national-balance/2017):
the junior coefficients of variation are not computed and their items are not applicable,
said in both languages; a mean of 0 is still refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
JIA = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"
JUNIOR_ROW = re.compile(r"^\s+- \{code: .*, stage: junior,")
JUNIOR_ITEMS = [f"A3.{i}" for i in range(1, 8)]


@pytest.fixture
def no_junior(tmp_path: Path) -> Path:
    """甲县 (constructed) with every junior row removed."""
    lines = JIA.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not JUNIOR_ROW.match(line)]
    assert len(lines) - len(kept) == 8  # 5 junior schools and 3 nine-year schools' junior rows
    # the nine-year schools are now primary schools: their pupils of both stages go with
    # their junior rows (it would no longer be the sum of their rows' pupils)
    kept = [re.sub(r", school_pupils: [0-9]+", "", line) for line in kept]
    path = tmp_path / "no-junior.facts.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_json_shows_the_junior_items_not_applicable_in_both_languages(run, no_junior):
    result = run("evaluate", no_junior, "--format", "json")
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    nodes = {n["code"]: n for top in card["indicators"] for n in _walk(top)}
    for code in JUNIOR_ITEMS:
        assert nodes[code]["status"] == "not_applicable"
        assert nodes[code]["score"] == nodes[code]["max"]  # the rubric's policy: full marks
    found = {f["indicator"]: f for f in card["findings"] if f["kind"] == "not_applicable"}
    assert sorted(found) == JUNIOR_ITEMS
    equipment = found["A3.6"]
    assert equipment["message"] == {
        "zh": "没有纳入计算的初中学校,“初中生均教学仪器设备值差异系数”不适用,本项按满分计。",
        "en": "No junior secondary schools are counted, so “Junior: CV of teaching equipment "
        "per pupil” does not apply; the item scores full marks.",
    }
    assert equipment["effect"] == "full"
    assert equipment["message_id"] == "not_applicable.not_computed"
    aggregates = {a["fact"]: a for a in card["aggregates"]}
    junior = aggregates["derived.cv.junior.equipment_per_pupil"]
    assert junior["value"] is None
    assert junior["not_computed"]["zh"] == "没有纳入计算的初中学校"
    assert aggregates["derived.cv.primary.equipment_per_pupil"]["value"] is not None
    # the gates not applicable do not fail the verdict: only those scored that lost points
    failed = [g["code"] for g in card["verdict"]["failed"]]
    assert not set(failed) & set(JUNIOR_ITEMS)
    assert "A2.5" in failed


def test_the_table_says_it_in_chinese_and_in_english(run, no_junior):
    zh = run("evaluate", no_junior, env={"COLUMNS": "250"})
    assert zh.exit_code == 0, zh.stderr
    assert (
        "没有纳入计算的初中学校,“初中生均教学仪器设备值差异系数”不适用,本项按满分计。" in zh.stdout
    )
    assert "初中生均教学仪器设备值差异系数:未计算" in zh.stdout
    en = run("evaluate", no_junior, "--lang", "en", env={"COLUMNS": "250"})
    assert en.exit_code == 0, en.stderr
    assert (
        "No junior secondary schools are counted, so “Junior: CV of teaching equipment per "
        "pupil” does not apply; the item scores full marks." in en.stdout
    )
    assert "Junior: CV of teaching equipment per pupil: not computed" in en.stdout


def test_with_the_other_counties_it_is_one_row_of_the_summary(run, no_junior, tmp_path):
    (tmp_path / "cards").mkdir()
    cards = tmp_path / "cards"
    result = run("evaluate", no_junior, JIA, "--format", "json", "--output-dir", cards, "-j", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("未达标") == 2
    written = json.loads((cards / "no-junior.facts.json").read_text("utf-8"))
    assert {f["indicator"] for f in written["findings"] if f["kind"] == "not_applicable"} == set(
        JUNIOR_ITEMS
    )


def test_a_mean_of_zero_is_still_refused(run, tmp_path):
    # Every junior school with no teaching equipment: X̄ = 0, the CV has no meaning.
    text = "".join(
        re.sub(r"equipment_value: \d+", "equipment_value: 0", line)
        if JUNIOR_ROW.match(line)
        else line
        for line in JIA.read_text(encoding="utf-8").splitlines(keepends=True)
    )
    path = tmp_path / "zero.facts.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("evaluate", path)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "“初中生均教学仪器设备值差异系数”无法计算:平均值为0" in result.stderr
    assert "the mean is 0" in result.stderr
    assert "[not-computable]" in result.stderr
    assert result.stdout == ""


def _walk(node: dict) -> list[dict]:
    out = [node]
    for child in node.get("children", []):
        out.extend(_walk(child))
    return out
