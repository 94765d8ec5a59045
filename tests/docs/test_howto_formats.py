"""The how-to "Read and write other formats": it shows the toy plugin whole, and what the
command prints is what the page says."""

from __future__ import annotations

import importlib

from click.testing import CliRunner
from docs_markdown import DOCS, REPO, console_sessions, includes

import evalrules
import evalrules_panjin
from evalrules import _cli as cli

PLUGIN = REPO / "tests" / "plugins" / "dists" / "evalrules-toyio"
HOWTO = DOCS / "how-to" / "read-and-write-other-formats.md"
TEXT = HOWTO.read_text(encoding="utf-8")
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


def test_the_page_includes_every_file_of_the_plugin():
    files = sorted(
        p.relative_to(REPO).as_posix()
        for p in PLUGIN.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert sorted(includes(TEXT)) == files


def test_the_refusal_on_a_terminal_is_worded_as_shown(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGIN / "src"))
    toyio = importlib.import_module("evalrules_toyio")
    monkeypatch.setattr(
        cli, "Engine", lambda: evalrules.Engine(plugins=[evalrules_panjin, toyio], autoload=False)
    )
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    (shown,) = [lines for command, lines in console_sessions(TEXT) if lines]
    result = CliRunner().invoke(cli.main, ["evaluate", str(EXAMPLE), "--format", "toy-card"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == shown
