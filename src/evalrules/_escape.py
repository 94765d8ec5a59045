"""Escaping what must never reach a terminal, or a file, raw.

A district's facts file and a rubric are text from elsewhere. Written out as they are, a
name holding ``ESC [ 2 J`` clears a reviewer's terminal, ``ESC ] 0 ; … BEL`` retitles it,
``ESC c`` resets it, a right-to-left override (U+202E) or isolate (U+2066) makes a line read
differently from what it says, a newline inside a name forges a line of the table, and a
lone surrogate (``"\\ud800"`` in JSON) cannot be encoded at all. Every text evalrules writes
passes through :func:`escape_text` (whole outputs: line breaks and tabs kept) or
:func:`escape_line` (one line: a message, a problem, a table cell) at the point where it
leaves the program; what they escape is shown as ``\\uXXXX``, which inside a JSON string is
that same character again, so a JSON output stays valid and means what it meant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._frozen import FrozenDict
from evalrules._text import Text

# C0 controls but tab and line feed, DEL and the C1 controls, the bidirectional marks,
# embeddings, overrides and isolates, the Unicode line and paragraph separators, and lone
# surrogates.
_UNSAFE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff"
)
_IN_TEXT = re.compile(f"[{_UNSAFE}]")
_IN_LINE = re.compile(f"[\t\n{_UNSAFE}]")


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_text(text: str) -> str:
    """``text`` with every control, bidirectional and unpaired surrogate character written
    as ``\\uXXXX``; line feeds and tabs are kept."""
    return _IN_TEXT.sub(_code, text) if _IN_TEXT.search(text) else text


def escape_line(text: str) -> str:
    """Like :func:`escape_text`, and line feeds and tabs escaped too: ``text`` stays one
    line."""
    return _IN_LINE.sub(_code, text) if _IN_LINE.search(text) else text


def escape_values(value: Any, *, line: bool = False) -> Any:
    """A value (a scorecard, a rubric, any frozen value) with every text in it escaped.

    Text from a district's document (the entity, messages filled with its values, evidence)
    is escaped as one line, so that a line feed cannot forge a line of a table; other text
    (a rubric's descriptions) keeps its line breaks. Returns ``value`` itself when nothing
    in it needs escaping, so that escaping a clean scorecard costs one pass and no copy.
    """
    if type(value) is str:
        return escape_line(value) if line else escape_text(value)
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    if isinstance(value, Mapping):
        items = [(k, escape_values(v, line=line)) for k, v in value.items()]
        if all(v is value[k] for k, v in items):
            return value
        return type(value)(items) if isinstance(value, FrozenDict) else dict(items)
    if isinstance(value, tuple):
        escaped = tuple(escape_values(v, line=line) for v in value)
        if all(a is b for a, b in zip(escaped, value, strict=True)):
            return value
        return escaped
    if isinstance(value, Text) and type(value) is not Text:
        # A message rendered when first read: what is escaped is the text it reads as.
        zh, en = escape_values(value.zh, line=line), escape_values(value.en, line=line)
        return value if zh == value.zh and en == value.en else Text(zh=zh, en=en)
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            if not field.init:
                continue
            current = getattr(value, field.name)
            as_line = line or field.name in _ONE_LINE.get(type(value).__name__, ())
            new = escape_values(current, line=as_line)
            if new is not current:
                changes[field.name.lstrip("_")] = new
        return attrs.evolve(value, **changes) if changes else value
    return value


#: Fields (by class name) whose text comes from a facts document and is shown on one line.
_ONE_LINE: dict[str, tuple[str, ...]] = {
    "Entity": ("id", "name"),
    "Finding": ("message", "params", "evidence"),
    "ClaimComparison": ("reason",),
}
