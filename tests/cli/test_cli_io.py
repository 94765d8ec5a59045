"""``evalrules evaluate``: facts read through the engine's readers.

The toy plugin ``evalrules-toyio`` (under ``tests/plugins/dists``) is registered in-process
by replacing the command's engine.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import evalrules
import evalrules_panjin
from evalrules import _cli as cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
GOLDEN = REPO / "tests" / "golden"
TOYIO = REPO / "tests" / "plugins" / "dists" / "evalrules-toyio" / "src"


def assert_user_error(result, *needles: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


@pytest.fixture
def toyio(monkeypatch) -> ModuleType:
    """The toy plugin, registered in the command's engine beside the Panjin plugin."""
    monkeypatch.syspath_prepend(str(TOYIO))
    module = importlib.import_module("evalrules_toyio")
    monkeypatch.setattr(
        cli, "Engine", lambda: evalrules.Engine(plugins=[evalrules_panjin, module], autoload=False)
    )
    return module


# -------------------------------------------------------------------------- reading


def test_a_folder_is_a_clear_usage_error(run, tmp_path):
    result = run("evaluate", tmp_path)
    assert_user_error(result, str(tmp_path), "is a directory", "目录")
    assert "[unreadable]" in result.stderr


def test_facts_with_another_suffix_are_read_by_their_content(run, tmp_path):
    facts = tmp_path / "shuangtaizi.txt"
    facts.write_bytes(EXAMPLE.read_bytes())
    result = run("evaluate", facts)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (GOLDEN / "shuangtaizi-2023.zh.table.txt").read_text(encoding="utf-8")


def test_unrecognised_binary_facts_list_the_readers(run, tmp_path):
    facts = tmp_path / "facts.xlsx"
    facts.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(200))
    result = run("evaluate", facts)
    assert_user_error(
        result,
        "no reader claims the suffix .xlsx",
        "binary data",
        "json (.json, content); yaml (.yaml, .yml, content)",
        "[unknown-format]",
    )


def test_a_plugin_reader_reads_facts_for_the_command(run, toyio, tmp_path):
    facts = tmp_path / "shuangtaizi.facts.txt"
    facts.write_text(toyio.dump(evalrules.Engine(autoload=False).load_facts(EXAMPLE)), "utf-8")
    result = run("evaluate", facts)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (GOLDEN / "shuangtaizi-2023.zh.table.txt").read_text(encoding="utf-8")


def test_facts_from_standard_input_are_read_by_their_content():
    script = Path(sys.executable).parent / "evalrules"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVALRULES_", "NO_COLOR"))}
    done = subprocess.run(
        [str(script), "evaluate", "/dev/stdin"],
        input=EXAMPLE.read_bytes(),
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == (GOLDEN / "shuangtaizi-2023.zh.table.txt").read_bytes()
