"""The tutorial tells the truth: its commands print what it shows, its script runs."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docs_markdown import DOCS, REPO, console_sessions, expand, fenced_blocks, shown_in_order

from _environ import clean_env
from evalrules._cli import main

TUTORIAL = DOCS / "tutorial" / "first-evaluation.md"
SCRIPT = DOCS / "examples" / "first-evaluation" / "evaluate.py"
OUTPUT = DOCS / "examples" / "first-evaluation" / "output.txt"
FACTS = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"

#: Commands that set up the reader's environment; the test suite runs inside one already.
SETUP = ("python3 -m venv", ".venv/bin/pip install", "source ", "python evaluate.py")

TEXT = TUTORIAL.read_text(encoding="utf-8")


@pytest.fixture
def clone(tmp_path, monkeypatch):
    """A working folder that looks like the root of a clone (files written land in it)."""
    (tmp_path / "rubrics").symlink_to(REPO / "rubrics", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_command_is_either_run_here_or_environment_setup():
    for command, _ in console_sessions(TEXT):
        assert command.startswith(("evalrules ", *SETUP)), command


def test_the_commands_run_in_order_print_what_the_tutorial_shows(clone):
    sessions = [(c, shown) for c, shown in console_sessions(TEXT) if c.startswith("evalrules ")]
    assert len(sessions) >= 6
    for command, shown in sessions:
        args = shlex.split(command)[1:]
        # The tutorial shows the table at its default 80 columns, whatever this shell's width,
        # with the one plugin it installs (the repository's other plugins are blocked).
        env = {"COLUMNS": None, "EVALRULES_BLOCK_PLUGINS": "evalrules-national"}
        result = CliRunner().invoke(main, args, catch_exceptions=False, env=env)
        assert result.exit_code == 0, (command, result.output)
        assert shown_in_order(shown, result.output) == [], command
        if "-o" in args:
            assert (clone / args[args.index("-o") + 1]).stat().st_size > 0, command


def test_the_facts_excerpts_are_in_the_facts_file():
    facts = FACTS.read_text(encoding="utf-8")
    yaml_blocks = [body for lang, body in fenced_blocks(TEXT) if lang == "yaml"]
    assert len(yaml_blocks) == 2
    for block in yaml_blocks:
        assert block in facts


def test_the_python_script_prints_the_output_shown(clone):
    # The page includes both files, so what the reader sees is what runs here.
    page = expand(TEXT)
    assert SCRIPT.read_text(encoding="utf-8").rstrip("\n") in page
    assert OUTPUT.read_text(encoding="utf-8").rstrip("\n") in page
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=clone,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == OUTPUT.read_text(encoding="utf-8")
    assert Path(clone / "card.html").read_text(encoding="utf-8").lstrip().startswith("<!")
    assert '"schema": "evalrules.scorecard/1"' in (clone / "card.json").read_text("utf-8")
