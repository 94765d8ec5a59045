"""The how-to "Evaluate a cohort": what the commands print is what the page shows, and its
Python runs."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from docs_markdown import DOCS, REPO, console_sessions, fenced_blocks, shown_in_order

from evalrules import _cli as cli

HOWTO = DOCS / "how-to" / "evaluate-a-cohort.md"
TEXT = HOWTO.read_text(encoding="utf-8")
COHORT = REPO / "rubrics" / "panjin-county" / "examples" / "cohort"


def _run(args: list[str]):
    return CliRunner().invoke(cli.main, args, env={"COLUMNS": None, "NO_COLOR": None})


def test_the_ranking_is_as_shown(monkeypatch):
    monkeypatch.chdir(REPO)
    (command, shown), _ = console_sessions(TEXT)
    assert command.startswith("evalrules cohort rubrics/panjin-county/examples/cohort")
    result = _run(command.split()[1:])
    assert result.exit_code == 0, result.stderr
    assert shown_in_order(shown, result.stdout) == []


def test_a_refused_file_is_reported_as_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "districts"
    shutil.copytree(COHORT, folder)
    source = (COHORT / "211102-shuangtaizi-2023.facts.yaml").read_text(encoding="utf-8")
    broken = source.replace("has_high_school: false", "has_high_school: 3").replace(
        'id: "211102"', 'id: "211199"'
    )
    (folder / "broken.facts.yaml").write_text(broken, encoding="utf-8")
    _, (command, shown) = console_sessions(TEXT)
    result = _run(command.split()[1:])
    assert result.exit_code == 2
    assert shown_in_order(shown, result.stderr) == []
    assert "211102" in (tmp_path / "ranking.txt").read_text(encoding="utf-8")


def test_the_python_runs(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    (code,) = [body for lang, body in fenced_blocks(TEXT) if lang == "python"]
    exec(compile(code, str(HOWTO), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["1", "双台子区", "98.6"]
    assert len(printed) == 5
