"""The builtin facts readers: YAML and JSON by suffix or by content, and the bytes they get."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import evalrules
from evalrules._documents import MAX_BYTES, DocumentError, read_bytes
from evalrules._facts import _readers
from evalrules._facts._readers import JSON_READER, YAML_READER, load_facts
from evalrules.errors import FactsError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"

YAML_STARTS = [
    b"evalrules: facts/1\nfacts: {}\n",
    b"# a comment\n\n  \nrubric: panjin-county/2023\n",
    b"---\nfacts: {}\n",
    b"%YAML 1.1\n---\nfacts: {}\n",
    "\ufeffentity: {id: '1'}\n".encode(),
    b'"evalrules": facts/1\n',
    b"'facts':\n  a: 1\n",
    b"facts:\n",
    b"- a list\n",
    "事实:\n  a: 1\n".encode(),
]
JSON_STARTS = [
    b'{"evalrules": "facts/1", "facts": {}}',
    b'\n   {\n  "facts": {}\n}\n',
    "\ufeff{}".encode(),
    b"[1, 2]",
]
NEITHER = [
    b"",
    b"   \n\n",
    b"# only a comment\n",
    b"hello world\n",
    b"key = value\n",
    b"http://example.org/facts\n",
    b"PK\x03\x04\x14\x00\x06\x00",
    b"evalrules: facts/1\x00\n",
    "évalué: 1\n".encode("latin-1"),
]


@pytest.mark.parametrize("data", YAML_STARTS)
def test_yaml_content_is_recognised_as_yaml_only(data):
    assert YAML_READER.sniff is not None
    assert JSON_READER.sniff is not None
    assert YAML_READER.sniff(data)
    assert not JSON_READER.sniff(data)


@pytest.mark.parametrize("data", JSON_STARTS)
def test_json_content_is_recognised_as_json_only(data):
    assert JSON_READER.sniff is not None
    assert YAML_READER.sniff is not None
    assert JSON_READER.sniff(data)
    assert not YAML_READER.sniff(data)


@pytest.mark.parametrize("data", NEITHER)
def test_other_content_is_recognised_by_neither(data):
    assert JSON_READER.sniff is not None
    assert YAML_READER.sniff is not None
    assert not YAML_READER.sniff(data)
    assert not JSON_READER.sniff(data)


def test_a_character_cut_by_the_sniffed_head_is_still_text():
    data = b"# " + "中".encode() * 3000 + b"\nfacts: {}\n"
    assert len(data) > 4096
    assert YAML_READER.sniff is not None
    assert _readers._text_head(data) is not None
    assert not YAML_READER.sniff(data)  # the head is one long comment: nothing to go by
    data = b"facts:\n  a: 1\n# " + "中".encode() * 3000
    assert YAML_READER.sniff(data)


def test_the_example_reads_the_same_with_any_suffix_or_none(tmp_path):
    expected = load_facts(EXAMPLE)
    for name in ("facts.txt", "facts", "FACTS.YAML", "facts.yaml.orig"):
        path = tmp_path / name
        path.write_bytes(EXAMPLE.read_bytes())
        assert load_facts(path) == expected, name


def test_json_with_another_suffix_is_read_as_json(tmp_path):
    path = tmp_path / "facts.data"
    path.write_text('{"facts": {"a": 1.50}, "rubric": "x/2023"}', encoding="utf-8")
    doc = load_facts(path)
    assert doc.rubric == "x/2023"
    assert str(doc.facts["a"]) == "1.50"  # exact, as the JSON reader reads numbers


def test_the_suffix_decides_over_the_content(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text("facts: {}\n", encoding="utf-8")  # YAML in a .json file
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    ((problem),) = caught.value.problems
    assert problem.code == "unreadable"
    assert "invalid JSON" in problem.message_en


def test_an_empty_file_without_a_suffix_says_it_is_empty(tmp_path):
    path = tmp_path / "facts"
    path.write_bytes(b"")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    ((problem),) = caught.value.problems
    assert problem.code == "unknown-format"
    assert "the file is empty" in problem.message_en
    assert "文件是空的" in problem.message_zh
    assert "yaml (.yaml, .yml, content)" in problem.message_en


def test_plain_text_says_it_looks_like_no_format(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("some notes\n", encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    ((problem),) = caught.value.problems
    assert "looks like no installed format" in problem.message_en
    assert caught.value.source == str(path)


def test_the_size_limit_holds_for_a_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with fifo.open("wb") as handle:
                handle.write(b"#" * (MAX_BYTES + 100))
        except BrokenPipeError:
            pass  # the reader stopped at the limit

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(DocumentError, match="larger than"):
            read_bytes(fifo)
    finally:
        writer.join(timeout=10)


def test_the_module_function_reads_with_the_default_engine(monkeypatch, tmp_path):
    seen = []

    class Recording(evalrules.Engine):
        def load_facts(self, path):
            seen.append(path)
            return super().load_facts(path)

    monkeypatch.setattr(evalrules, "_default", Recording(autoload=False))
    assert evalrules.load_facts(EXAMPLE) == load_facts(EXAMPLE)
    assert seen == [EXAMPLE]


def test_the_reader_value_and_factory_are_public():
    assert {"FactsReader", "facts_reader"} <= set(evalrules.__all__)
    assert evalrules.FactsReader.__doc__
    assert evalrules.facts_reader.__doc__
    assert isinstance(YAML_READER, evalrules.FactsReader)
