"""Facts readers: the file formats a facts document is read from.

A reader is a frozen :class:`FactsReader` built by :func:`facts_reader` and registered through
``evalrules_register_facts_readers``; the core's YAML and JSON readers are registered through
that hook like any plugin's. :func:`read_facts` reads a file once (with the size limit of
:mod:`evalrules._documents`), chooses its reader and turns what the reader returns into a
:class:`~evalrules.FactsDocument`:

* by suffix: the reader whose suffix ends the file name, the longest suffix winning, so that
  ``.facts.txt`` is chosen over ``.txt``;
* by content, when no reader claims the suffix (or there is none, as with ``/dev/stdin``):
  the one reader whose ``sniff`` recognises the bytes. No reader, or more than one, is a
  :class:`~evalrules.errors.FactsError` listing the installed readers and their suffixes.

Readers take bytes, not paths: one place reads files, so a missing file, a folder, a file
too large or unreadable is reported the same way whatever the format, and a reader is a pure
function of the content that can be tested without files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from evalrules._documents import DocumentError, decode_text, loads_json, loads_yaml, read_bytes
from evalrules._facts._document import FactsDocument
from evalrules._text import Text
from evalrules.errors import FactsError, FactsProblem, PluginError

__all__ = [
    "BUILTIN_ORIGIN",
    "BUILTIN_READERS",
    "FactsReader",
    "choose_reader",
    "document_problem",
    "document_problems",
    "facts_reader",
    "load_facts",
    "read_facts",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SUFFIX = re.compile(r"^(\.[a-z0-9_+-]+)+$")


@attrs.frozen
class FactsReader:
    """A file format that facts documents are read from. Build with :func:`facts_reader`.

    Attributes:
        name: The format's name (``yaml``, ``json``, ``xlsx``).
        description: What it reads, in Chinese and English.
        suffixes: The file-name endings it claims, in lower case with their dot (``.yaml``,
            ``.facts.txt``); matched without regard to case.
        read: ``read(data, source)``: the file's bytes and its name (for messages) to a
            :class:`~evalrules.FactsDocument` or a mapping in the facts document's shape.
            A bad file raises :class:`~evalrules.errors.FactsError` listing every problem
            with its location.
        sniff: ``sniff(data) -> bool``: whether the bytes look like this format, asked only
            when no reader claims the file's suffix; ``None`` for a reader chosen by suffix
            alone.
    """

    name: str
    description: Text
    suffixes: tuple[str, ...]
    read: Callable[[bytes, str], FactsDocument | Mapping[str, Any]]
    sniff: Callable[[bytes], bool] | None = None


def facts_reader(
    name: str,
    *,
    suffixes: Iterable[str],
    sniff: Callable[[bytes], bool] | None = None,
    read: Callable[[bytes, str], FactsDocument | Mapping[str, Any]],
    description: Text,
) -> FactsReader:
    """Build a :class:`FactsReader` for a plugin's ``evalrules_register_facts_readers`` hook.

    Args:
        name: The format's name: lower-case letters, digits, ``-`` and ``_``.
        suffixes: The file-name endings it claims (``[".xlsx"]``, ``[".facts.txt"]``), each
            starting with a dot; case does not matter. May be empty for a reader found by
            ``sniff`` only.
        sniff: Recognises the format from a file's bytes, for files whose suffix no reader
            claims. Keep it cheap and strict: it is asked about every such file, and two
            readers recognising the same content make the file ambiguous.
        read: Turns a file's bytes into a document; ``source`` names the file in messages.
        description: What it reads.

    Raises:
        ValueError: if the name or a suffix is malformed, a suffix is given twice, or the
            reader has neither a suffix nor a sniff.
    """
    if not _NAME.match(name):
        raise ValueError(
            f"facts reader name {name!r} must be lower-case letters, digits, '-' or '_'"
        )
    if isinstance(suffixes, str):
        raise ValueError(
            f"facts reader {name}: suffixes must be a list such as [{suffixes!r}], not a string"
        )
    normalized = tuple(s.lower() for s in suffixes)
    for suffix in normalized:
        if not _SUFFIX.match(suffix):
            raise ValueError(
                f"facts reader {name}: suffix {suffix!r} must start with a dot, like '.xlsx' "
                "or '.facts.txt'"
            )
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"facts reader {name}: a suffix is given twice in {list(normalized)}")
    if not normalized and sniff is None:
        raise ValueError(f"facts reader {name}: give suffixes, a sniff, or both")
    return FactsReader(
        name=name, description=description, suffixes=normalized, read=read, sniff=sniff
    )


# ------------------------------------------------------------------------- choosing


def document_problem(exc: DocumentError) -> FactsProblem:
    """The facts problem of a document that could not be read or parsed."""
    line = f"line {exc.line}" if exc.line else None
    if exc.path:
        return FactsProblem(exc.path, exc.code, exc.message_zh, exc.message, location=line)
    return FactsProblem(line or "<document>", exc.code, exc.message_zh, exc.message)


def document_problems(exc: DocumentError) -> list[FactsProblem]:
    """Every facts problem of a document that could not be read (each duplicate key, each
    limit exceeded), in the order found."""
    return [document_problem(e) for e in (exc, *exc.others)]


def _listing(readers: Sequence[tuple[FactsReader, str]]) -> str:
    parts = []
    for reader, _ in sorted(readers, key=lambda pair: pair[0].name):
        ways = [*reader.suffixes, *(["content"] if reader.sniff is not None else [])]
        parts.append(f"{reader.name} ({', '.join(ways)})")
    return "; ".join(parts) or "none"


def _looks_binary(data: bytes) -> bool:
    head = data[:_HEAD]
    if b"\x00" in head:
        return True
    return _text_head(data) is None


def _unrecognised(
    name: str, data: bytes, readers: Sequence[tuple[FactsReader, str]]
) -> FactsProblem:
    suffix = Path(name).suffix.lower()
    if suffix:
        suffix_zh, suffix_en = (
            f"没有读取器处理后缀 {suffix}",
            f"no reader claims the suffix {suffix}",
        )
    else:
        suffix_zh, suffix_en = "文件名没有后缀", "the file name has no suffix"
    if not data.strip():
        hint_zh, hint_en = "文件是空的", "the file is empty"
    elif _looks_binary(data):
        hint_zh, hint_en = "内容是二进制数据而不是文本", "the content is binary data, not text"
    else:
        hint_zh, hint_en = (
            "内容也不像任何已安装的格式",
            "the content looks like no installed format",
        )
    listing = _listing(readers)
    return FactsProblem(
        "<document>",
        "unknown-format",
        f"无法识别的事实数据格式:{suffix_zh},{hint_zh}。已安装的读取器(content 表示按内容识别):"
        f"{listing}",
        f"unrecognised facts format: {suffix_en}, and {hint_en}; installed readers (content: "
        f"recognised by content): {listing}",
    )


def _ambiguous(matches: Sequence[tuple[FactsReader, str]]) -> FactsProblem:
    names = ", ".join(f"{r.name} (plugin {origin})" for r, origin in matches)
    suffixes = ", ".join(s for r, _ in matches for s in r.suffixes) or "none"
    return FactsProblem(
        "<document>",
        "ambiguous-format",
        f"内容同时符合多种格式:{names};请把文件改用其中一种格式的后缀:{suffixes}",
        f"the content looks like more than one format: {names}; give the file the suffix of "
        f"the one it is in: {suffixes}",
    )


def choose_reader(
    name: str, data: bytes, readers: Sequence[tuple[FactsReader, str]], *, source: str
) -> tuple[FactsReader, str]:
    """The reader (and its plugin) for a file called ``name`` holding ``data``.

    Raises:
        FactsError: if no reader, or more than one, recognises a file whose suffix no reader
            claims.
        PluginError: if a reader's ``sniff`` raises.
    """
    lowered = name.lower()
    claimed = [
        (len(suffix), reader, origin)
        for reader, origin in readers
        for suffix in reader.suffixes
        if lowered.endswith(suffix)
    ]
    if claimed:
        _, reader, origin = max(claimed, key=lambda c: c[0])
        return reader, origin
    matches: list[tuple[FactsReader, str]] = []
    for reader, origin in readers:
        if reader.sniff is None:
            continue
        try:
            recognised = reader.sniff(data)
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"插件 {origin} 的事实数据读取器 {reader.name} 识别 {source} 时出错 / plugin "
                f"{origin}: facts reader {reader.name!r} raised {type(exc).__name__} while "
                f"sniffing {source}: {exc}",
                plugin=origin,
            ) from exc
        if recognised:
            matches.append((reader, origin))
    if len(matches) == 1:
        return matches[0]
    problem = _ambiguous(matches) if matches else _unrecognised(name, data, readers)
    raise FactsError([problem], source=source)


def _read_with(reader: FactsReader, origin: str, data: bytes, source: str) -> FactsDocument:
    try:
        result = reader.read(data, source)
    except FactsError as exc:
        if exc.source is None:
            raise FactsError(exc.problems, source=source) from None
        raise
    except (Exception, SystemExit) as exc:
        raise PluginError(
            f"插件 {origin} 的事实数据读取器 {reader.name} 读取 {source} 时出错 / plugin "
            f"{origin}: facts reader {reader.name!r} raised {type(exc).__name__} reading "
            f"{source}: {exc} (a reader reports a bad file as a FactsError)",
            plugin=origin,
        ) from exc
    if isinstance(result, FactsDocument):
        return result if result.source is not None else attrs.evolve(result, source=source)
    if isinstance(result, Mapping):
        return FactsDocument.from_mapping(result, source=source)
    raise PluginError(
        f"插件 {origin} 的事实数据读取器 {reader.name} 返回了 {type(result).__name__} / plugin "
        f"{origin}: facts reader {reader.name!r} returned {type(result).__name__}, not a "
        "FactsDocument or a mapping",
        plugin=origin,
    )


def read_facts(path: str | Path, readers: Sequence[tuple[FactsReader, str]]) -> FactsDocument:
    """Read a facts file with the reader its suffix or its content chooses.

    Args:
        path: The file.
        readers: The installed readers with the plugins that registered them, sorted by
            name (no two claim one suffix: the engine's registry refuses that).

    Raises:
        FactsError: if the file cannot be read, its format is not recognised, or the reader
            finds problems in it.
        PluginError: if a reader raises anything else or returns something else.
    """
    p = Path(path)
    source = str(p)
    try:
        data = read_bytes(p)
    except DocumentError as exc:
        raise FactsError([document_problem(exc)], source=source) from None
    reader, origin = choose_reader(p.name, data, readers, source=source)
    return _read_with(reader, origin, data, source)


# ---------------------------------------------------------------------- builtins

#: How many leading bytes the builtin sniffs look at.
_HEAD = 4096


def _text_head(data: bytes) -> str | None:
    """The start of ``data`` as text, or ``None`` when it is not UTF-8 text."""
    head = data[:_HEAD]
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut in two by the slice is no sign of binary content.
        if len(data) <= _HEAD or exc.start < len(head) - 3:
            return None
        text = head[: exc.start].decode("utf-8")
    return text.removeprefix("\ufeff")


def _first_line(data: bytes) -> str | None:
    """The first line that is neither blank nor a comment, stripped."""
    text = _text_head(data)
    if text is None:
        return None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return None


# A block mapping's first key (plain or quoted, then ": " or ":" at the end of the line), a
# block sequence, a document start or a directive: what a YAML facts file begins with.
_YAML_START = re.compile(
    r"""^(?:---|\.\.\.|%YAML|-(?:\s|$)|(?:[^\s#{}\[\]"',&*!|>%@`-][^:#]*|"[^"]*"|'[^']*')\s*:(?:\s|$))"""
)


def _sniff_yaml(data: bytes) -> bool:
    line = _first_line(data)
    return line is not None and _YAML_START.match(line) is not None


def _sniff_json(data: bytes) -> bool:
    line = _first_line(data)
    return line is not None and line.startswith(("{", "["))


def _read_yaml(data: bytes, source: str) -> FactsDocument:
    try:
        raw = loads_yaml(decode_text(data))
    except DocumentError as exc:
        raise FactsError(document_problems(exc), source=source) from None
    return FactsDocument.from_mapping(raw, source=source)


def _read_json(data: bytes, source: str) -> FactsDocument:
    try:
        raw = loads_json(decode_text(data))
    except DocumentError as exc:
        raise FactsError(document_problems(exc), source=source) from None
    return FactsDocument.from_mapping(raw, source=source)


YAML_READER = facts_reader(
    "yaml",
    suffixes=[".yaml", ".yml"],
    sniff=_sniff_yaml,
    read=_read_yaml,
    description=Text(
        "YAML 事实数据文件(UTF-8,精确小数)", "YAML facts file (UTF-8, exact decimals)"
    ),
)

JSON_READER = facts_reader(
    "json",
    suffixes=[".json"],
    sniff=_sniff_json,
    read=_read_json,
    description=Text(
        "JSON 事实数据文件(UTF-8,精确小数)", "JSON facts file (UTF-8, exact decimals)"
    ),
)


# The CSV reader's module (and the csv module) is imported when a CSV file is sniffed or read.


def _sniff_csv(data: bytes) -> bool:
    from evalrules._facts._csv import sniff_csv

    return sniff_csv(data)


def _read_csv(data: bytes, source: str) -> FactsDocument:
    from evalrules._facts._csv import read_csv

    return read_csv(data, source)


CSV_READER = facts_reader(
    "csv",
    suffixes=[".csv"],
    sniff=_sniff_csv,
    read=_read_csv,
    description=Text(
        "CSV 事实数据(path,value 两列,平铺的数据路径)",
        "CSV facts (two columns, path,value; flat dotted paths)",
    ),
)

#: The core's readers, registered through ``evalrules_register_facts_readers``.
BUILTIN_READERS: tuple[FactsReader, ...] = (CSV_READER, JSON_READER, YAML_READER)
#: The name the core's facts plugin is registered under.
BUILTIN_ORIGIN = "evalrules.facts"


def load_facts(path: str | Path) -> FactsDocument:
    """Read a YAML, JSON or CSV facts file with the builtin readers only, without an engine.

    For the test kit's fixture files; :func:`evalrules.load_facts` and
    :meth:`evalrules.Engine.load_facts` read every installed format.

    Problems in the envelope are kept on the document (``problems``).

    Raises:
        FactsError: if the file cannot be read.
    """
    return read_facts(path, [(reader, BUILTIN_ORIGIN) for reader in BUILTIN_READERS])
