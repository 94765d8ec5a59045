"""A toy input/output plugin: a facts reader and a binary renderer, through the public hooks.

The facts format, ``.facts.txt``, is one ``key = JSON value`` per line under a first line
``# toy facts``; keys are dotted paths into the facts document (``facts.party.branches``,
``entity.id``), digits become year keys, and ``claimed.CODE`` is the claimed score of CODE.
The renderer ``toy-card`` writes bytes that are not text: a binary signature, then the total
and grade as UTF-16.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import evalrules
from evalrules import FactsDocument, FactsReader, Renderer, RenderOptions, Scorecard, Text, hookimpl
from evalrules.errors import FactsError, FactsProblem

__all__ = [
    "HEADER",
    "SIGNATURE",
    "TOY_CARD",
    "TOY_READER",
    "dump",
    "evalrules_register_facts_readers",
    "evalrules_register_renderers",
    "read",
    "render",
    "sniff",
]

#: The first line of every toy facts file.
HEADER = "# toy facts"
#: The first bytes of every toy card (a PNG-like signature: not UTF-8, with a NUL).
SIGNATURE = b"\x89TOY\r\n\x1a\n\x00"


def sniff(data: bytes) -> bool:
    """A toy facts file starts with its header line."""
    return data.startswith(HEADER.encode("utf-8"))


def _path(key: str) -> list[Any]:
    parts = key.split(".")
    if parts[0] == "claimed" and len(parts) > 1:
        code = ".".join(parts[1:])
        return ["claimed", "total"] if code == "total" else ["claimed", "indicators", code]
    return [int(p) if p.isdigit() else p for p in parts]


def read(data: bytes, source: str) -> Mapping[str, Any]:
    """Read a toy facts file into a mapping in the shape of a facts document.

    Raises:
        FactsError: listing every line that is not ``key = JSON value``.
    """
    problems: list[FactsProblem] = []
    document: dict[Any, Any] = {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FactsError(
            [FactsProblem("<document>", "toy-encoding", "不是UTF-8文本", f"not UTF-8: {exc}")]
        ) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        if not equals or not key.strip():
            problems.append(
                FactsProblem(
                    f"line {number}", "toy-syntax", "应为“键 = 值”", "expected 'key = value'"
                )
            )
            continue
        try:
            parsed = json.loads(value.strip(), parse_float=Decimal)
        except json.JSONDecodeError as exc:
            problems.append(
                FactsProblem(
                    f"line {number}",
                    "toy-value",
                    f"值不是 JSON:{exc.msg}",
                    f"the value is not JSON: {exc.msg}",
                    value.strip(),
                )
            )
            continue
        *parents, last = _path(key.strip())
        level = document
        for part in parents:
            level = level.setdefault(part, {})
        level[last] = parsed
    if problems:
        raise FactsError(problems)  # the engine names the file
    return document


def _flatten(prefix: str, value: Any) -> list[str]:
    if isinstance(value, Mapping):
        lines: list[str] = []
        for key, inner in value.items():
            lines.extend(_flatten(f"{prefix}.{key}" if prefix else str(key), inner))
        return lines
    if isinstance(value, Decimal):
        return [f"{prefix} = {value}"]
    return [f"{prefix} = {json.dumps(value, ensure_ascii=False)}"]


def dump(document: FactsDocument) -> str:
    """Write a facts document in the toy format (for tests)."""
    lines = [HEADER]
    if document.rubric is not None:
        lines.extend(_flatten("rubric", document.rubric))
    if document.entity is not None:
        lines.extend(_flatten("entity", {"id": document.entity.id, "name": document.entity.name}))
    lines.extend(_flatten("facts", document.facts))
    lines.extend(_flatten("claimed", dict(document.claimed)))
    return "\n".join(lines) + "\n"


def render(card: Scorecard, options: RenderOptions) -> bytes:
    """The toy card: the signature, then the total and grade as UTF-16 JSON."""
    body = {"total": str(card.total), "grade": card.grade.code, "lang": options.lang}
    return SIGNATURE + json.dumps(body, sort_keys=True).encode("utf-16-le")


TOY_READER: FactsReader = evalrules.facts_reader(
    "toy",
    suffixes=[".facts.txt"],
    sniff=sniff,
    read=read,
    description=Text("玩具事实数据格式(测试用)", "Toy facts format (for tests)"),
)

TOY_CARD: Renderer = evalrules.renderer(
    "toy-card",
    description=Text("玩具二进制评分卡(测试用)", "Toy binary scorecard (for tests)"),
    media_type="application/x-evalrules-toy",
    suffix=".toy",
    render=render,
    binary=True,
)


@hookimpl
def evalrules_register_facts_readers() -> list[FactsReader]:
    """Register the ``toy`` facts reader."""
    return [TOY_READER]


@hookimpl
def evalrules_register_renderers() -> list[Renderer]:
    """Register the binary ``toy-card`` renderer."""
    return [TOY_CARD]
