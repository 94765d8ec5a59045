"""Reading YAML and JSON documents safely and exactly.

* YAML is read with PyYAML's safe constructor: no tags beyond the safe ones, no code. The
  text is parsed by libyaml when PyYAML was built with it (``yaml.__with_libyaml__``), about
  ten times faster than PyYAML's own parser, which is used otherwise. Both feed the same
  composer and constructor, so every check below applies, with the same messages, either
  way; only the wording of a syntax error comes from the parser that found it.
* Numbers with a fraction become ``Decimal`` (``.nan``/``.inf`` become ``Decimal("NaN")`` and
  ``Decimal("Infinity")`` so that validation can name them, instead of turning into floats).
* Duplicate keys (each one, with its line), documents beyond the limits of
  :mod:`evalrules._limits` (size, nesting, values, keys per mapping, items per list, digits
  and magnitude of a number, length of a text), and aliases (``*name``) are refused. The
  limits are applied while parsing, before a number is converted or a collection is built
  beyond them, so a tiny hostile file costs as little as a tiny valid one. An alias repeats a
  whole subtree without repeating its text, so a few hundred bytes of aliases can stand
  for billions of values; rubrics and facts never need them.
* JSON is read with ``parse_float=Decimal`` and the same limits.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from evalrules._limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_KEYS,
    MAX_VALUES,
    number_problem,
    number_text_problem,
    value_problems,
    within_limits,
)
from evalrules._text import natural_order

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "DocumentError",
    "decode_text",
    "loads_json",
    "loads_yaml",
    "read_bytes",
    "read_document",
]


class DocumentError(Exception):
    """A document could not be read. Callers turn it into a ``RubricError``/``FactsError``.

    Attributes:
        message: What is wrong, in English.
        message_zh: What is wrong, in Chinese.
        line: 1-based line, when known.
        column: 1-based column, when known.
        path: The dotted path of the value concerned, when known.
        code: The problem code (``unreadable``, ``duplicate-key``, ``too-deep``, ...).
        others: Further problems found in the same document (every duplicate key).
    """

    def __init__(
        self,
        message: str,
        *,
        zh: str = "",
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
        code: str = "unreadable",
        others: tuple[DocumentError, ...] = (),
    ) -> None:
        self.message = message
        self.message_zh = zh or message
        self.line = line
        self.column = column
        self.path = path
        self.code = code
        self.others = others
        where = f"line {line}" + (f", column {column}" if column else "") if line else ""
        super().__init__(f"{where}: {message}" if where else message)


class _Limits:
    """Composing with the limits: aliases refused, nesting at most :data:`MAX_DEPTH` deep.

    Mixed in before PyYAML's ``Composer``; the check runs on each node before it is built,
    so an alias never expands and a deep document never reaches the recursion limit.
    """

    _depth = 0
    _values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        loader: Any = self
        self._values += 1
        if self._values > MAX_VALUES:
            mark = loader.peek_event().start_mark
            raise DocumentError(
                f"more than {MAX_VALUES} values in the document",
                zh=f"文档超过{MAX_VALUES}个值",
                line=mark.line + 1,
                column=mark.column + 1,
                code="too-many-values",
            )
        if loader.check_event(yaml.AliasEvent):
            mark = loader.peek_event().start_mark
            raise DocumentError(
                "aliases (*name) are not allowed; write the value out",
                zh="不允许使用别名(*名称),请直接写出数值",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        depth = self._depth + 1
        if depth > MAX_DEPTH:
            mark = loader.peek_event().start_mark
            raise DocumentError(
                f"nesting deeper than {MAX_DEPTH} levels",
                zh=f"嵌套超过{MAX_DEPTH}层",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        self._depth = depth
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]  # Composer's
        finally:
            self._depth = depth - 1
        if isinstance(node, yaml.MappingNode) and len(node.value) > MAX_KEYS:
            raise DocumentError(
                f"more than {MAX_KEYS} keys in one mapping",
                zh=f"一个映射超过{MAX_KEYS}个键",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                code="too-many-keys",
            )
        if isinstance(node, yaml.SequenceNode) and len(node.value) > MAX_ITEMS:
            raise DocumentError(
                f"more than {MAX_ITEMS} items in a list",
                zh=f"列表超过{MAX_ITEMS}项",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                code="too-many-items",
            )
        return node


class _Loader(_Limits, yaml.SafeLoader):
    """PyYAML's own (pure-Python) parser, with exact decimals, duplicate keys refused and the
    limits."""


def _number_error(node: yaml.ScalarNode, found: tuple[str, str]) -> DocumentError:
    zh, en = found
    return DocumentError(
        en,
        zh=zh,
        line=node.start_mark.line + 1,
        column=node.start_mark.column + 1,
        code="number-limit",
    )


def _found(loader: Any, error: DocumentError) -> int:
    """Record a problem and go on reading, so that one refusal lists every one; the value
    put in its place is never used (the document is refused)."""
    found: list[DocumentError] = loader.__dict__.setdefault("found", [])
    found.append(error)
    return 0


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    # Judged on the text: int() of thousands of digits, or YAML 1.1's base 60
    # (``1:2:3:...``) built digit by digit, is the expensive part.
    found = number_text_problem(text.replace(":", "")) if len(text) > 20 else None
    if found is not None:
        return _found(loader, _number_error(node, found))
    value: int = loader.construct_yaml_int(node)
    found = number_problem(value)
    if found is not None:
        return _found(loader, _number_error(node, found))
    return value


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    if text in (".nan",):
        return Decimal("NaN")
    if text in (".inf", "+.inf"):
        return Decimal("Infinity")
    if text == "-.inf":
        return Decimal("-Infinity")
    found = number_text_problem(text)
    if found is None:
        value = Decimal(text)
        found = number_problem(value)
        if found is None:
            return value
    return Decimal(_found(loader, _number_error(node, found)))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise DocumentError(
                "a mapping key must be a plain value",
                zh="映射的键必须是简单值",
                line=key_node.start_mark.line + 1,
                column=key_node.start_mark.column + 1,
            ) from None
        if key in result:
            # Every duplicate is reported, each at its line; the first value is kept
            # meanwhile so that reading can go on to find the others.
            _found(
                loader,
                DocumentError(
                    f"duplicate key {key!r}",
                    zh=f"重复的键 {key!r}",
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                    code="duplicate-key",
                ),
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

#: PyYAML's parser, in Python: always there.
PYTHON_LOADER: type[Any] = _Loader
#: libyaml's parser under the same composer and constructor, when PyYAML has it.
LIBYAML_LOADER: type[Any] | None = None

if yaml.__with_libyaml__:
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _LibyamlLoader(_Limits, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's parser under PyYAML's composer and safe constructor: the same nodes,
        checks and values as :class:`_Loader`, parsed in C.

        (PyYAML's ``CSafeLoader`` composes in C as well, where aliases and depth cannot be
        checked before they are built.)
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _LibyamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _LibyamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _LibyamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    LIBYAML_LOADER = _LibyamlLoader

#: The loader :func:`loads_yaml` uses: libyaml's parser when present, else PyYAML's own.
#: (The tests set it to each in turn.)
YAML_LOADER: type[Any] = LIBYAML_LOADER or PYTHON_LOADER


def loads_yaml(text: str) -> Any:
    """Parse one YAML document exactly and safely.

    Raises:
        DocumentError: on a syntax error, a duplicate key, or a limit exceeded.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(
            f"document larger than {MAX_BYTES // (1024 * 1024)} MiB",
            zh=f"文档超过{MAX_BYTES // (1024 * 1024)} MiB",
        )
    try:
        loader = YAML_LOADER(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        found = loader.__dict__.get("found")
        if found:
            raise _joined(sorted(found, key=lambda e: (e.line or 0, e.column or 0)))
        _check_values(data)
        return data
    except DocumentError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml stops at 1000 levels of brackets while scanning ahead, before the
            # composer counts to MAX_DEPTH: the same limit, exceeded.
            raise DocumentError(
                f"nesting deeper than {MAX_DEPTH} levels",
                zh=f"嵌套超过{MAX_DEPTH}层",
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        message = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise DocumentError(
            f"invalid YAML: {message}",
            zh=f"YAML格式错误:{message}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except (yaml.YAMLError, ValueError, ArithmeticError) as exc:
        raise DocumentError(f"invalid YAML: {exc}", zh=f"YAML格式错误:{exc}") from None
    except RecursionError:
        raise DocumentError(
            f"nesting deeper than {MAX_DEPTH} levels", zh=f"嵌套超过{MAX_DEPTH}层"
        ) from None


def loads_json(text: str) -> Any:
    """Parse JSON with exact decimals and the same limits.

    Raises:
        DocumentError: on a syntax error or a limit exceeded.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(
            f"document larger than {MAX_BYTES // (1024 * 1024)} MiB",
            zh=f"文档超过{MAX_BYTES // (1024 * 1024)} MiB",
        )

    def constant(name: str) -> Decimal:
        return Decimal({"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity"}[name])

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        repeated: list[str] = []
        for key, value in items:
            if key in out:
                repeated.append(key)
                continue
            out[key] = value
        if repeated:
            # Where an object is in the document is known only once it is inside its
            # parent: the walk below names each duplicate by its path.
            return _Duplicates(out, repeated)
        return out

    # A number beyond the limits becomes a marker, named with its path by the walk below.
    def number(text: str) -> Decimal | _Refused:
        found = number_text_problem(text)
        if found is None:
            value = Decimal(text)
            found = number_problem(value)
            if found is None:
                return value
        return _Refused(*found)

    def integer(text: str) -> int | _Refused:
        found = number_text_problem(text) if len(text) > 20 else None
        if found is None:
            value = int(text)
            found = number_problem(value)
            if found is None:
                return value
        return _Refused(*found)

    try:
        data = json.loads(
            text,
            parse_float=number,
            parse_int=integer,
            parse_constant=constant,
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"invalid JSON: {exc.msg}",
            zh=f"JSON格式错误:{exc.msg}",
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise DocumentError(
            f"nesting deeper than {MAX_DEPTH} levels", zh=f"嵌套超过{MAX_DEPTH}层"
        ) from None
    found = sorted(_json_found(data), key=lambda e: natural_order(e.path or ""))
    if found:
        raise _joined(found)
    _check_values(data)
    return data


class _Refused:
    """A JSON number beyond the limits, in the place of its value until it is reported."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en


class _Duplicates(dict[str, Any]):
    """A JSON object that repeated some of its keys (``repeated``), until it is reported."""

    def __init__(self, items: dict[str, Any], repeated: list[str]) -> None:
        super().__init__(items)
        self.repeated = repeated


def _json_found(data: Any) -> Any:
    """The duplicate keys and refused numbers of a parsed JSON document, with their paths."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            for key in getattr(item, "repeated", ()):
                where = f"{path}.{key}" if path else key
                yield DocumentError(
                    f"duplicate key {key!r}",
                    zh=f"重复的键 {key!r}",
                    path=where,
                    code="duplicate-key",
                )
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, _Refused):
            yield DocumentError(item.en, zh=item.zh, path=path or "<document>", code="number-limit")


def _joined(errors: list[DocumentError]) -> DocumentError:
    """One error that carries all of ``errors`` (the first, with the others attached)."""
    first = errors[0]
    first.others = tuple(errors[1:])
    return first


def _check_values(data: Any) -> None:
    """Raise the limits a parsed document exceeds (depth, keys, items, numbers, texts)."""
    if within_limits(data):
        return
    found = [
        DocumentError(en, zh=zh, path=path, code=code)
        for path, code, zh, en in value_problems(data)
    ]
    if found:
        raise _joined(found)


def read_bytes(path: Path) -> bytes:
    """Read a file's bytes, at most :data:`MAX_BYTES` of them.

    A pipe or a device (``/dev/stdin``) has no size to check beforehand, so the limit is
    also kept while reading.

    Raises:
        DocumentError: if the file is missing, a directory, unreadable or too large.
    """
    too_large = DocumentError(
        f"file larger than {MAX_BYTES // (1024 * 1024)} MiB",
        zh=f"文件超过{MAX_BYTES // (1024 * 1024)} MiB",
    )
    try:
        if path.is_dir():
            raise DocumentError("is a directory, not a file", zh="这是目录而不是文件")
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            raise too_large
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DocumentError("no such file", zh="文件不存在") from None
    except IsADirectoryError:
        raise DocumentError("is a directory, not a file", zh="这是目录而不是文件") from None
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror}", zh=f"无法读取:{exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise too_large
    return data


def decode_text(data: bytes) -> str:
    """Decode a document's bytes as UTF-8.

    Raises:
        DocumentError: if they are not UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            zh=f"不是UTF-8编码的文本(第{exc.start}字节)",
        ) from None


def read_document(path: Path) -> Any:
    """Read a YAML or JSON file (by suffix; YAML otherwise).

    Raises:
        DocumentError: if the file is missing, unreadable, too large or invalid.
    """
    text = decode_text(read_bytes(path))
    if path.suffix.lower() == ".json":
        return loads_json(text)
    return loads_yaml(text)
