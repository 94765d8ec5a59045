"""The safe, exact YAML and JSON reader (``evalrules._documents``).

Every YAML test runs with both parsers: libyaml's (the default when PyYAML has it) and
PyYAML's own.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from evalrules import _documents
from evalrules._documents import (
    LIBYAML_LOADER,
    MAX_BYTES,
    MAX_DEPTH,
    PYTHON_LOADER,
    DocumentError,
    loads_json,
    loads_yaml,
    read_document,
)

REPO = Path(__file__).resolve().parents[2]
LOADERS = {"libyaml": LIBYAML_LOADER, "python": PYTHON_LOADER}


@pytest.fixture(params=sorted(LOADERS))
def loader(request, monkeypatch):
    """Each YAML parser in turn (libyaml's is skipped where PyYAML was built without it)."""
    chosen = LOADERS[request.param]
    if chosen is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(_documents, "YAML_LOADER", chosen)
    return request.param


def test_fractions_are_exact_decimals_and_whole_numbers_stay_int(loader):
    data = loads_yaml("a: 4.8\nb: 4.7\nc: 4.5\nd: 3\ne: 1_000.5\nf: -0.0\ng: 1.5e+3\n")
    assert data == {
        "a": Decimal("4.8"),
        "b": Decimal("4.7"),
        "c": Decimal("4.5"),
        "d": 3,
        "e": Decimal("1000.5"),
        "f": Decimal("-0.0"),
        "g": Decimal("1.5e+3"),
    }
    assert isinstance(data["d"], int)
    assert data["a"] + data["b"] + data["c"] == Decimal("14.0")


@pytest.mark.parametrize(
    ("text", "check"),
    [
        (".nan", lambda v: v.is_nan()),
        (".NaN", lambda v: v.is_nan()),
        (".inf", lambda v: v == Decimal("Infinity")),
        ("+.inf", lambda v: v == Decimal("Infinity")),
        ("-.Inf", lambda v: v == Decimal("-Infinity")),
    ],
)
def test_nan_and_infinity_stay_visible_as_decimals(loader, text, check):
    value = loads_yaml(f"v: {text}\n")["v"]
    assert isinstance(value, Decimal)
    assert check(value)


def test_duplicate_keys_are_refused_with_their_line(loader):
    with pytest.raises(DocumentError) as info:
        loads_yaml("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert info.value.line == 4
    assert info.value.column == 3
    assert "duplicate key 'c'" in info.value.message
    assert "重复的键" in info.value.message_zh


def test_nesting_deeper_than_the_limit_is_refused(loader):
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert loads_yaml(ok) is not None
    with pytest.raises(DocumentError, match="nesting deeper than 64 levels"):
        loads_yaml("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")


def test_larger_than_the_limit_is_refused(loader):
    with pytest.raises(DocumentError, match="larger than 2 MiB"):
        loads_yaml("a: 1\n#" + "x" * MAX_BYTES)


def test_aliases_are_refused(loader):
    # a few hundred bytes of aliases can stand for billions of values
    text = "a: &a {x: 1, y: 1}\nb: &b {x: *a, y: *a}\nc: {x: *b, y: *b}\n"
    with pytest.raises(DocumentError) as info:
        loads_yaml(text)
    assert info.value.line == 2
    assert "aliases" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo unsafe']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 1\n",
    ],
)
def test_tags_beyond_the_safe_ones_are_refused(loader, text):
    with pytest.raises(DocumentError, match="invalid YAML"):
        loads_yaml(text)


def test_syntax_errors_name_the_line(loader):
    with pytest.raises(DocumentError) as info:
        loads_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line is not None
    assert "invalid YAML" in str(info.value)
    assert info.value.message_zh.startswith("YAML格式错误")


def test_unhashable_keys_are_refused(loader):
    with pytest.raises(DocumentError, match="plain value"):
        loads_yaml("? [1, 2]\n: x\n")


# ----------------------------------------------------------------------------------- JSON


def test_json_numbers_are_exact():
    data = loads_json('{"a": 4.8, "b": 3, "c": 1e2}')
    assert data == {"a": Decimal("4.8"), "b": 3, "c": Decimal("1e2")}
    assert isinstance(data["b"], int)


@pytest.mark.parametrize("name", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_become_decimals(name):
    value = loads_json(f'{{"v": {name}}}')["v"]
    assert isinstance(value, Decimal)
    assert not value.is_finite()


def test_json_duplicate_keys_and_depth_and_size():
    with pytest.raises(DocumentError, match="duplicate key 'a'"):
        loads_json('{"a": 1, "a": 2}')
    with pytest.raises(DocumentError, match="nesting deeper"):
        loads_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(DocumentError, match="larger than"):
        loads_json('"' + "x" * MAX_BYTES + '"')
    with pytest.raises(DocumentError) as info:
        loads_json('{"a": }')
    assert (info.value.line, info.value.column) == (1, 7)


# ---------------------------------------------------------------------------------- files


def test_read_document_by_suffix(loader, tmp_path):
    (tmp_path / "a.json").write_text('{"a": 1.5}', encoding="utf-8")
    (tmp_path / "a.yaml").write_text("a: 1.5\n", encoding="utf-8")
    assert (
        read_document(tmp_path / "a.json")
        == read_document(tmp_path / "a.yaml")
        == {"a": Decimal("1.5")}
    )


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p / "absent.yaml", "no such file"),
        (lambda p: p, "is a directory"),
        (
            lambda p: (p / "latin1.yaml", (p / "latin1.yaml").write_bytes(b"a: \xe9\n"))[0],
            "not UTF-8",
        ),
        (
            lambda p: (p / "big.yaml", (p / "big.yaml").write_bytes(b"#" * (MAX_BYTES + 1)))[0],
            "larger than",
        ),
    ],
)
def test_unreadable_files(loader, tmp_path, make, fragment):
    with pytest.raises(DocumentError) as info:
        read_document(make(tmp_path))
    assert fragment in info.value.message
    assert info.value.message_zh
    assert info.value.message_zh != info.value.message


# ------------------------------------------------------------------------- the two parsers


def test_libyaml_is_used_when_pyyaml_has_it():
    if yaml.__with_libyaml__:
        assert _documents.YAML_LOADER is LIBYAML_LOADER
    else:
        assert LIBYAML_LOADER is None
        assert _documents.YAML_LOADER is PYTHON_LOADER


YAML_FILES = sorted(
    p
    for folder in ("rubrics", "tests", "docs", "plugins")
    for p in (REPO / folder).rglob("*.y*ml")
    if p.suffix in (".yaml", ".yml")
)


@pytest.mark.skipif(LIBYAML_LOADER is None, reason="PyYAML was built without libyaml")
def test_both_parsers_read_every_yaml_file_of_the_repository_alike(monkeypatch):
    assert len(YAML_FILES) > 30
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8")
        results = []
        for chosen in (LIBYAML_LOADER, PYTHON_LOADER):
            monkeypatch.setattr(_documents, "YAML_LOADER", chosen)
            try:
                results.append(("value", loads_yaml(text)))
            except DocumentError as exc:
                results.append(("error", (exc.message, exc.line, exc.column)))
        assert results[0] == results[1], path


LIMITS = [
    "a: 1\nb:\n  c: 1\n  c: 2\n",
    "a: &a {x: 1, y: 1}\nb: &b {x: *a, y: *a}\nc: {x: *b, y: *b}\n",
    "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
    "a: " + "{x: " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1) + "\n",
    "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + " " * 80 + "v\n",
    "? [1, 2]\n: x\n",
    "a: !!python/name:os.system\n",
    "a: 1.5\nb: .inf\nc: 0x1F\nd: 1_000\ne: yes\nf: ~\ng: 2023-01-01\n",
]


@pytest.mark.skipif(LIBYAML_LOADER is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("text", LIMITS)
def test_both_parsers_give_the_same_values_and_the_same_refusals(monkeypatch, text):
    results = []
    for chosen in (LIBYAML_LOADER, PYTHON_LOADER):
        monkeypatch.setattr(_documents, "YAML_LOADER", chosen)
        try:
            results.append(("value", loads_yaml(text)))
        except DocumentError as exc:
            results.append(("error", (exc.message, exc.message_zh, exc.line, exc.column)))
    assert results[0] == results[1]


def test_brackets_nested_past_libyamls_own_limit_are_refused_as_too_deep(loader):
    # libyaml gives up at 1000 levels while scanning ahead, before the composer counts
    with pytest.raises(DocumentError, match=f"nesting deeper than {MAX_DEPTH} levels") as info:
        loads_yaml("[" * (MAX_BYTES - 16))
    assert info.value.message_zh == f"嵌套超过{MAX_DEPTH}层"
    assert info.value.line == 1
