"""Findings, their texts and rule outcomes shared between scorecards.

Across a year's documents a rule makes one of a few findings: the same item not applicable,
the same fact short of the same standard by the same amount. A finding is a frozen value,
so each one is built once and shared by every scorecard that makes it, with its params, its
evidence and its message (rendered once, when first read, for all of them); so are the
``{zh, en}`` mappings a text becomes in a finding's params, and the ``(rule, outcome)``
pairs of a card's outcomes. Sharing changes nothing a caller sees — the values are equal
either way, and frozen — but a kept explained scorecard holds little of its own.

A finding is found again by everything it holds, compared so as to tell apart what is equal
but written differently (``3`` and ``3.0``, ``1`` and ``True``), and by the very template
and evidence parameters of its rule (kept alive by the entry, so that a key never matches
another rubric's). A value of a type the comparison does not know matches only itself.

Each table holds at most :data:`MAX_SHARED` entries and starts again when full. A lookup
reads without a lock (a hit is checked against the objects it names); adding or starting
again takes the table's lock, so threads sharing a compiled rubric share the tables safely.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from evalrules._frozen import FrozenDict
from evalrules._scorecard._model import DerivedValue, Finding
from evalrules._text import Text

#: Entries per table.
MAX_SHARED = 8192

_LOCK = threading.Lock()
_TEXTS: dict[tuple[str, str], FrozenDict[str, str]] = {}
_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}


def _same(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are equal and written the same (``3`` is not ``3.0``, nor
    ``1`` ``True``). A value of a type this does not know is the same only as itself."""
    if a is b:
        return True
    cls = type(a)
    if cls is not type(b):
        return False
    if cls is str or cls is int or cls is bool:
        return bool(a == b)
    if cls is Decimal:
        return a == b and str(a) == str(b)
    if cls is tuple:
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):  # noqa: SIM110 (a loop: faster than all())
            if x is not y and not _same(x, y):
                return False
        return True
    if cls is FrozenDict:
        if len(a) != len(b):
            return False
        for (k, v), (j, w) in zip(a.items(), b.items(), strict=True):
            if (k is not j and not _same(k, j)) or (v is not w and not _same(v, w)):
                return False
        return True
    if cls is DerivedValue or cls is Text:
        return all(_same(getattr(a, name), getattr(b, name)) for name in _FIELDS[cls])
    return False


_FIELDS: dict[type, tuple[str, ...]] = {
    DerivedValue: ("path", "value", "formula", "inputs", "breakdown", "description"),
    Text: ("zh", "en"),
}
_SCALARS = (str, Decimal, int, bool)


def _scalars(value: Any, depth: int = 2) -> Any:
    """What :class:`_Key` hashes of ``value``: itself when a scalar, else the scalars it holds
    down to ``depth`` levels (so values the same by :func:`_same` hash alike)."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    if depth == 0:
        return None
    if cls is tuple:
        return tuple([_scalars(v, depth - 1) for v in value])
    if cls is FrozenDict:
        return tuple([_scalars(v, depth - 1) for v in value.values()])
    if cls is Text:
        return (value.zh, value.en)
    if cls is DerivedValue:
        return (value.path, value.value)
    return None


#: Where the params are among a finding's fields (see :func:`finding`).
_PARAMS = 6


class _Key:
    """What a finding holds, as a key: equal to another only when every field is the same
    (:func:`_same`) and the template and evidence parameters are the very same objects.
    It holds the fields themselves (the finding holds them too), not a copy of them."""

    __slots__ = ("evidence_params", "fields", "hash", "template")

    def __init__(self, template: Text, evidence_params: Any, fields: tuple[Any, ...]) -> None:
        self.template = template
        self.evidence_params = evidence_params
        self.fields = fields
        # the scalars the fields hold, two levels down (a row's name sits in a text mapping
        # in the params, its key in the evidence's row locator): findings that differ only
        # deeper still differ by _same, but rarely enough not to share a hash by the hundred
        self.hash = hash((id(template), id(evidence_params), *map(_scalars, fields)))

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Key)
            and self.hash == other.hash
            and self.template is other.template
            and self.evidence_params is other.evidence_params
            and self.fields == other.fields  # at C speed, then how each value is written
            and _same(self.fields, other.fields)
        )


_FINDINGS: dict[Any, Finding] = {}


def _bounded(table: dict[Any, Any], key: Any, entry: Any) -> None:
    with _LOCK:
        if len(table) >= MAX_SHARED:
            table.clear()
        table[key] = entry


def text_mapping(text: Text) -> FrozenDict[str, str]:
    """``{"zh": text.zh, "en": text.en}``, shared."""
    key = (text.zh, text.en)
    hit = _TEXTS.get(key)
    if hit is None:
        hit = FrozenDict({"zh": key[0], "en": key[1]})
        _bounded(_TEXTS, key, hit)
    return hit


def outcomes(ran: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``ran``, each ``(rule code, outcome)`` pair shared."""
    out = []
    for pair in ran:
        hit = _PAIRS.get(pair)
        if hit is None:
            _bounded(_PAIRS, pair, pair)
            hit = pair
        out.append(hit)
    return tuple(out)


def finding(
    template: Text,
    evidence_params: Any,
    fields: tuple[Any, ...],
    build: Callable[[], Finding],
) -> Finding:
    """The finding ``build()`` makes, shared with every earlier one that holds the same.

    ``fields`` are everything the finding holds but its message's template and its
    evidence's parameters (``template`` and ``evidence_params``, matched by identity):
    indicator, rule, kind, points, nominal, message id, params (at :data:`_PARAMS`),
    outcome, effect and the evidence's facts and derived values. The key holds the
    template and parameters alive, so an id is never another object's.
    """
    key = _Key(template, evidence_params, fields)
    hit = _FINDINGS.get(key)
    if hit is not None:
        return hit
    made = build()
    _bounded(_FINDINGS, key, made)
    return made


def lookup(key: tuple[Any, ...]) -> Finding | None:
    """The finding shared under ``key``, a plain tuple its maker spells so that it tells
    apart what is written differently and names its rule by an object equal only to
    itself (``_scoring._explain``); ``None`` when there is none yet."""
    return _FINDINGS.get(key)


def add(key: tuple[Any, ...], made: Finding) -> None:
    """Share ``made`` under ``key`` (see :func:`lookup`)."""
    _bounded(_FINDINGS, key, made)
