"""``evalrules evaluate FACTS... [--output-dir DIR] [--jobs N]``: many files, one summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml"
)


@pytest.fixture
def batch(tmp_path, edit_example):
    """Four facts files: two good ones, a refused one between them, a good one last."""
    good = tmp_path / "a.yaml"
    shutil.copy(EXAMPLE, good)
    refused = edit_example("has_high_school: false", "has_high_school: 3", name="b.yaml")
    other = tmp_path / "c.facts.yaml"
    shutil.copy(EXAMPLE, other)
    last = tmp_path / "d.yaml"
    shutil.copy(EXAMPLE, last)
    return [good, refused, other, last]


def _rows(stdout):
    return [line.split() for line in stdout.splitlines()[2:]]


def test_several_files_print_one_summary_row_each_in_order(run, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(EXAMPLE, a)
    shutil.copy(EXAMPLE, b)
    result = run("evaluate", b, a, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["file", "entity", "total", "grade"]
    assert _rows(result.stdout) == [
        [str(b), "双台子区", "98.6", "Excellent"],
        [str(a), "双台子区", "98.6", "Excellent"],
    ]


def test_a_refused_file_does_not_stop_the_others(run, batch, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run("evaluate", *batch, "--output-dir", out, "--format", "json")
    assert result.exit_code == 2
    rows = _rows(result.stdout)
    assert [r[0] for r in rows] == [str(p) for p in batch]
    assert rows[1][1:] == ["拒绝(1", "个问题)"]
    assert [r[2] for r in (rows[0], rows[2], rows[3])] == ["98.6"] * 3
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "c.facts.json", "d.json"]
    # Every refusal is listed under its file, with each problem.
    assert f"evalrules: {batch[1]}: 事实数据有 1 个问题" in result.stderr
    assert "schools.has_high_school" in result.stderr
    assert "[wrong-type]" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "markdown", "table"])
def test_each_card_is_what_evaluating_the_file_alone_prints(run, batch, tmp_path, fmt):
    good = [batch[0], batch[2]]
    out = tmp_path / "out"
    out.mkdir()
    result = run("evaluate", *good, "--output-dir", out, "--format", fmt, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    written = sorted(out.iterdir())
    assert len(written) == 2
    for path in good:
        alone = run("evaluate", path, "--format", fmt, "--lang", "en").stdout
        suffix = {"json": ".json", "markdown": ".md", "table": ".txt"}[fmt]
        name = path.stem + suffix
        assert (out / name).read_text(encoding="utf-8") == alone


def test_jobs_give_the_same_output_as_one_process(run, batch, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        out.mkdir()
        result = run("evaluate", *batch, "--output-dir", out, "--format", "json", "--jobs", jobs)
        assert result.exit_code == 2
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        outputs.append((result.stdout, result.stderr, files))
    assert outputs[0] == outputs[1]


def test_one_file_with_jobs_prints_its_card_as_before(run):
    alone = run("evaluate", EXAMPLE, "--format", "json")
    assert run("evaluate", EXAMPLE, "--format", "json", "--jobs", "2").stdout == alone.stdout


def test_one_file_with_an_output_dir_gets_the_summary(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run("evaluate", EXAMPLE, "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    assert _rows(result.stdout) == [[str(EXAMPLE), "双台子区", "98.6", "优秀"]]
    assert [p.name for p in out.iterdir()] == ["shuangtaizi-2023.facts.txt"]


def test_several_files_take_no_output_file(run, batch, tmp_path):
    result = run("evaluate", *batch, "-o", tmp_path / "card.txt")
    assert result.exit_code == 2
    assert "--output-dir" in result.stderr
    assert not (tmp_path / "card.txt").exists()


def test_a_format_for_several_files_needs_an_output_dir(run, batch):
    result = run("evaluate", *batch, "--format", "json")
    assert result.exit_code == 2
    assert "--output-dir" in result.stderr
    assert result.stdout == ""


def test_two_files_that_would_write_one_card_are_refused_first(run, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first, second = tmp_path / "x" / "a.yaml", tmp_path / "y" / "a.yaml"
    shutil.copy(EXAMPLE, first)
    shutil.copy(EXAMPLE, second)
    out = tmp_path / "out"
    out.mkdir()
    result = run("evaluate", first, second, "--output-dir", out)
    assert result.exit_code == 2
    assert f"{out / 'a.txt'}: {first}, {second}" in result.stderr
    assert list(out.iterdir()) == []


def test_a_missing_output_dir(run, batch, tmp_path):
    result = run("evaluate", *batch, "--output-dir", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "nowhere" in result.stderr


def test_fail_under_names_each_file_below(run, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(EXAMPLE, a)
    shutil.copy(EXAMPLE, b)
    result = run("evaluate", a, b, "--fail-under", "99")
    assert result.exit_code == 1
    assert f"evalrules: {a}: 总分 98.6 低于 --fail-under 99" in result.stderr
    assert f"evalrules: {b}: 总分 98.6" in result.stderr
    assert run("evaluate", a, b, "--fail-under", "98.6").exit_code == 0


def test_jobs_must_be_positive(run, batch):
    assert run("evaluate", *batch, "--jobs", "0").exit_code == 2


def test_the_summary_writes_each_total_as_its_card_does(run):
    # national-balance/2017 keeps two decimal places: 21.50, not 21.5
    examples = Path(__file__).resolve().parents[2] / "rubrics/national-balance/examples"
    files = [examples / "jia-county.facts.yaml", examples / "yi-county.facts.yaml"]
    result = run("evaluate", *files, "--lang", "en")
    assert result.exit_code in (0, 1), result.stderr
    for path, row in zip(files, _rows(result.stdout), strict=True):
        card = run("evaluate", path, "--lang", "en", "--format", "markdown").stdout
        total = row[2]
        assert total.count(".") == 1
        assert len(total.partition(".")[2]) == 2, total
        assert total in card
