"""``evalrules evaluate``: facts read through the engine's readers; binary output.

The toy plugin ``evalrules-toyio`` (under ``tests/plugins/dists``) is registered in-process
by replacing the command's engine; ``tests/plugins/test_plugin_io.py`` runs it installed.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

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


@pytest.fixture
def toy_card(toyio) -> bytes:
    """What the toy renderer makes of the example, computed through the library."""
    engine = evalrules.Engine(plugins=[evalrules_panjin, toyio], autoload=False)
    card = engine.evaluate("panjin-county/2023", engine.load_facts(EXAMPLE))
    data = engine.render(card, "toy-card")
    assert isinstance(data, bytes)
    return data


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
    facts = tmp_path / "facts.bin"
    facts.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(200))
    result = run("evaluate", facts)
    assert_user_error(
        result,
        "no reader claims the suffix .bin",
        "binary data",
        "csv (.csv, content); json (.json, content); xlsx (.xlsx, .xlsm, .xls, content); "
        "yaml (.yaml, .yml, content)",
        "[unknown-format]",
    )


def test_a_plugin_reader_reads_facts_for_the_command(run, toyio, tmp_path):
    facts = tmp_path / "shuangtaizi.facts.txt"
    facts.write_text(toyio.dump(evalrules.Engine(autoload=False).load_facts(EXAMPLE)), "utf-8")
    result = run("evaluate", facts)
    assert result.exit_code == 0, result.stderr
    # The toy format carries the values, not the notes on the back-calculated ones.
    plain = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del plain["assumed"]
    same = tmp_path / "plain.facts.yaml"
    same.write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    assert result.stdout == run("evaluate", same).stdout


@pytest.mark.slow  # the console script, run as a process
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


# --------------------------------------------------------------------- binary output


def test_binary_output_goes_into_a_pipe_untouched(run, toyio, toy_card):
    result = run("evaluate", EXAMPLE, "--format", "toy-card")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == toy_card


def test_binary_output_is_written_whole_with_o(run, toyio, toy_card, tmp_path):
    target = tmp_path / "card.toy"
    result = run("evaluate", EXAMPLE, "--format", "toy-card", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    assert target.read_bytes() == toy_card
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.toy"]
    assert target.stat().st_mode & 0o644 == 0o644


@pytest.mark.parametrize("fmt", ["toy-card", "table"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
    run, toyio, tmp_path, monkeypatch, fmt
):
    target = tmp_path / "card.out"
    target.write_bytes(b"earlier card")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(cli.os, "replace", full_disk)
    result = run("evaluate", EXAMPLE, "--format", fmt, "-o", target)
    assert_user_error(result, "No space left on device")
    assert target.read_bytes() == b"earlier card"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.out"]


def test_binary_output_is_refused_on_a_terminal_before_any_work(run, toyio, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    # The facts file does not exist: the refusal comes first, with nothing read or computed.
    result = run("evaluate", tmp_path / "absent.yaml", "--format", "toy-card")
    assert_user_error(
        result,
        "the toy-card format is binary (application/x-evalrules-toy)",
        "-o FILE.toy",
        "二进制",
    )
    assert "no such file" not in result.stderr
    assert result.stdout_bytes == b""
    # Text formats still go to the terminal, and binary output still goes into a file.
    assert run("evaluate", EXAMPLE).exit_code == 0
    target = tmp_path / "card.toy"
    assert run("evaluate", EXAMPLE, "--format", "toy-card", "-o", target).exit_code == 0
    assert target.read_bytes().startswith(toyio.SIGNATURE)


def test_render_writes_a_stored_scorecard_in_a_binary_format(run, toyio, toy_card, tmp_path):
    stored = tmp_path / "card.json"
    assert run("evaluate", EXAMPLE, "--format", "json", "-o", stored).exit_code == 0
    target = tmp_path / "card.toy"
    result = run("render", stored, "--format", "toy-card", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == toy_card
