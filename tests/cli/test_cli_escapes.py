"""Control characters, bidirectional marks, lone surrogates and line feeds from a facts
file or a rubric never reach a terminal or a file raw: stderr, every output format,
``show`` and ``explain``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

#: What must never appear raw: ESC, BEL, C1 controls, U+202E, U+2066, lone surrogates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

HOSTILE = "X\x1b[2J\x1b]0;pwned\x07\x1bc\u202eevil\u2066Y\ud800"


def _no_raw(text: str) -> None:
    assert RAW.search(text) is None, repr(RAW.search(text))


def _facts_with(tiny, tmp_path, name: str, *, json_file: bool = False):
    rubric, _ = tiny
    doc = {
        "evalrules": "facts/1",
        "entity": {"id": "000001", "name": name},
        "facts": {
            "x": {
                "rate": 80,
                "accident": True,
                "judgement": {"deduct": 1, "reason": name},
                "award": True,
            }
        },
    }
    path = tmp_path / "hostile.facts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return rubric, path


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "json"])
def test_an_entity_name_with_escapes_is_shown_escaped(run, tiny, tmp_path, fmt):
    rubric, facts = _facts_with(tiny, tmp_path, HOSTILE)
    result = run("evaluate", facts, "--rubric", rubric, "--format", fmt)
    assert result.exit_code == 0, result.output
    _no_raw(result.stdout)
    if fmt == "json":
        # still valid JSON, and still the same name
        assert json.loads(result.stdout)["entity"]["name"] == HOSTILE
    out = tmp_path / f"card.{fmt}"
    result = run("evaluate", facts, "--rubric", rubric, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    _no_raw(out.read_text(encoding="utf-8", errors="surrogateescape"))


def test_a_line_feed_in_a_name_cannot_forge_a_table_line(run, tiny, tmp_path):
    rubric, facts = _facts_with(tiny, tmp_path, "测试区\nFAKE 总分 100.0 优秀")
    result = run("evaluate", facts, "--rubric", rubric, "--no-color")
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("FAKE") for line in result.stdout.splitlines())


def test_a_hostile_facts_key_is_escaped_on_stderr(run, tiny, tmp_path):
    rubric, _ = tiny
    path = tmp_path / "bad.facts.json"
    path.write_text(
        json.dumps({"evalrules": "facts/1", "facts": {"x": {"\x1b[2J\x1b]0;t\x07": 1}}}),
        encoding="utf-8",
    )
    result = run("evaluate", path, "--rubric", rubric)
    assert result.exit_code == 2
    _no_raw(result.stderr)
    assert "\\u001b[2J" in result.stderr


def test_a_rubric_title_with_escapes_is_escaped_by_show_and_explain(run, tiny, tmp_path):
    rubric, _ = tiny
    text = rubric.read_text(encoding="utf-8").replace(
        "title: {zh: 基本指标, en: Basics}", 'title: {zh: "基本\\e[2J指标\\u202e", en: Basics}'
    )
    rubric.write_text(text, encoding="utf-8")
    for args in (("show", rubric), ("explain", rubric, "A"), ("check", rubric)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        _no_raw(result.stdout)


# ------------------------------------------------------------------------- -o and links


def test_o_writes_through_a_symbolic_link_and_keeps_it(run, tiny, tmp_path):
    rubric, facts = tiny
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run("evaluate", facts, "--rubric", rubric, "--format", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["entity"]["name"] == "测试区"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_o_onto_a_link_to_a_device_writes_to_the_device(run, tiny, tmp_path):
    rubric, facts = tiny
    link = tmp_path / "null.json"
    link.symlink_to("/dev/null")
    result = run("evaluate", facts, "--rubric", rubric, "--format", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert link.resolve() == Path("/dev/null")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="no /proc")
def test_o_onto_a_link_to_proc_self_fd_1_writes_to_standard_output(tiny, tmp_path):
    import subprocess
    import sys

    rubric, facts = tiny
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    code = "from evalrules._cli import main; main()"
    args = ["evaluate", str(facts), "--rubric", str(rubric), "--format", "json", "-o", str(link)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["entity"]["name"] == "测试区"
    assert link.is_symlink()
