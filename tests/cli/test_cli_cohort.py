"""``evalrules cohort FILE|DIR... --rubric REF``: the example cohort ranked, refusals kept.

The example cohort's 兴隆台区, 大洼区 and 盘山县 facts are constructed for the example (its
README says so); 双台子区's are its reported facts.
"""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

import evalrules
from evalrules._cli_cohort import _progress, facts_files

COHORT = Path(__file__).resolve().parents[2] / "rubrics/panjin-county/examples/cohort"
RUBRIC = "panjin-county/2023"


@pytest.fixture
def cohort_dir(tmp_path: Path) -> Path:
    """A copy of the example cohort (its four facts files and its README)."""
    folder = tmp_path / "cohort"
    shutil.copytree(COHORT, folder)
    return folder


@pytest.fixture
def with_broken(cohort_dir: Path) -> tuple[Path, Path]:
    """The example cohort and a fifth file whose one fact has the wrong type."""
    source = next(cohort_dir.glob("211102-*.yaml")).read_text(encoding="utf-8")
    assert "has_high_school: false" in source
    broken = cohort_dir / "211199-broken-2023.facts.yaml"
    broken.write_text(
        source.replace("has_high_school: false", "has_high_school: 3").replace(
            'id: "211102"', 'id: "211199"'
        ),
        encoding="utf-8",
    )
    return cohort_dir, broken


def _json(text: str) -> dict:
    return json.loads(text, parse_float=Decimal)


def _alone(run, path: Path) -> Decimal:
    result = run("evaluate", path, "--rubric", RUBRIC, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return _json(result.stdout)["total"]


def test_the_ranking_is_the_order_of_the_totals_each_file_gets_alone(run):
    result = run("cohort", COHORT, "--rubric", RUBRIC, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = _json(result.stdout)
    files = facts_files([COHORT])
    assert len(files) == 4
    alone = {str(path): _alone(run, path) for path in files}
    members = data["members"]
    assert sorted(m["source"] for m in members) == sorted(alone)
    assert [m["total"] for m in members] == sorted(alone.values(), reverse=True)
    assert all(alone[m["source"]] == m["total"] for m in members)
    assert [m["rank"] for m in members] == [1, 2, 3, 4]


def test_the_table_lists_the_ranking_then_the_indicators(run):
    result = run("cohort", COHORT, "--rubric", RUBRIC, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    head = lines.index("Ranking")
    assert lines[head + 1].split()[:4] == ["Rank", "Entity", "Code", "Total"]
    rows = [line.split() for line in lines[head + 3 :] if line[:4].strip().isdigit()]
    ranked = [row[1] for row in rows[:4]]
    assert ranked == ["双台子区", "盘山县", "兴隆台区", "大洼区"]
    assert "Indicator by indicator" in lines
    assert result.stderr == ""


def test_the_table_fits_the_width(run):
    for columns in (60, 80, 120):
        result = run("cohort", COHORT, "--rubric", RUBRIC, env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.stderr
        widest = max(
            evalrules._renderers._texttable.display_width(line)
            for line in result.stdout.splitlines()
        )
        assert widest <= columns, columns


def test_markdown_in_both_languages(run):
    zh = run("cohort", COHORT, "--rubric", RUBRIC, "--format", "markdown")
    en = run("cohort", COHORT, "--rubric", RUBRIC, "--format", "markdown", "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert "| 名次 | 县区 |" in zh.stdout
    assert "| Rank | Entity |" in en.stdout
    assert "## Indicator by indicator" in en.stdout
    assert (
        "| 指标 | 满分 | 最低 | 平均 | 最高 | 双台子区 | 盘山县 | 兴隆台区 | 大洼区 |" in zh.stdout
    )


def test_one_broken_file_exits_2_names_it_and_still_writes_the_others(run, with_broken, tmp_path):
    folder, broken = with_broken
    out = tmp_path / "cohort.json"
    result = run("cohort", folder, "--rubric", RUBRIC, "--format", "json", "-o", out)
    assert result.exit_code == 2
    assert f"evalrules: {broken}: 事实数据有 1 个问题" in result.stderr
    assert "schools.has_high_school" in result.stderr
    assert "[wrong-type]" in result.stderr
    data = _json(out.read_text(encoding="utf-8"))
    assert len(data["members"]) == 4
    assert [r["source"] for r in data["refused"]] == [str(broken)]
    assert data["refused"][0]["problems"][0]["code"] == "wrong-type"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cohort.json")]


def test_the_json_follows_the_schema(run, with_broken):
    folder, _ = with_broken
    result = run("cohort", folder, "--rubric", RUBRIC, "--format", "json")
    assert result.exit_code == 2
    card_schema = evalrules.scorecard_schema()
    registry = Registry().with_resource(card_schema["$id"], Resource.from_contents(card_schema))
    jsonschema.Draft202012Validator(evalrules.cohort_schema(), registry=registry).validate(
        _json(result.stdout)
    )


def test_a_file_that_cannot_be_read_is_refused_with_the_others_scored(run, cohort_dir):
    missing = cohort_dir / "nowhere.yaml"
    result = run("cohort", cohort_dir, missing, "--rubric", RUBRIC, "--format", "json")
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    data = _json(result.stdout)
    assert len(data["members"]) == 4
    assert [r["source"] for r in data["refused"]] == [str(missing)]


def test_fail_under_names_each_member_below(run):
    result = run("cohort", COHORT, "--rubric", RUBRIC, "--fail-under", "90", "--lang", "en")
    assert result.exit_code == 1
    below = [line for line in result.stderr.splitlines() if "below --fail-under 90" in line]
    assert len(below) == 1
    assert "211104" in below[0]
    assert run("cohort", COHORT, "--rubric", RUBRIC, "--fail-under", "80").exit_code == 0


def test_jobs_give_the_same_output(run):
    one = run("cohort", COHORT, "--rubric", RUBRIC, "--format", "json")
    two = run("cohort", COHORT, "--rubric", RUBRIC, "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout


def test_a_folder_gives_its_facts_files_sorted(cohort_dir):
    (cohort_dir / ".hidden.yaml").write_text("x", encoding="utf-8")
    (cohort_dir / "sub").mkdir()
    names = [p.name for p in facts_files([cohort_dir])]
    assert names == sorted(p.name for p in COHORT.glob("*.yaml"))
    assert "README.md" not in names


def test_a_folder_without_facts_files_is_an_error(run, tmp_path):
    result = run("cohort", tmp_path, "--rubric", RUBRIC)
    assert result.exit_code == 2
    assert "no facts files found" in result.stderr


def test_progress_only_on_a_terminal_and_for_long_runs(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert _progress(51) is None  # captured standard error is no terminal
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    assert _progress(50) is None
    show = _progress(51)
    assert show is not None
    show(51, 51)
    assert screen.getvalue().endswith("51/51\n")


def test_html_writes_the_report(run, with_broken, tmp_path):
    folder, broken = with_broken
    out = tmp_path / "cohort.html"
    result = run("cohort", folder, "--rubric", RUBRIC, "--format", "html", "-o", out)
    assert result.exit_code == 2
    assert str(broken) in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    for name in ("双台子区", "兴隆台区", "大洼区", "盘山县"):
        assert name in page
