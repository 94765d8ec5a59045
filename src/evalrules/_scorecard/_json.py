"""The ``evalrules.scorecard/1`` JSON form: deterministic, exact, documented by a schema.

Points are JSON numbers written with the rubric's precision (``61.6``, never ``61.599999``);
other decimals (fact values, derived values) are written exactly. Keys are emitted in a fixed
order, so the same scorecard always gives the same bytes.

The writer is ours, not :func:`json.dumps`: the standard encoder cannot write a ``Decimal``
as a number without going through ``float``. It is written for speed (a scorecard has a few
thousand values, and writing them must not cost more than computing them).
:meth:`Scorecard.to_json` writes a card straight from its values (:func:`scorecard_to_json`)
into one list of pieces joined once, with the keys of each kind of object quoted once per
indent and depth, and the texts of the values cards share (findings, items' results, titles,
outcomes, points) written once and found again. :func:`dumps` writes any plain data: types
are dispatched on ``type(value) is …`` before the general ``isinstance`` checks, strings are
quoted by the C function behind :mod:`json` (:data:`json.encoder.encode_basestring`, what
``json.dumps(s, ensure_ascii=False)`` calls), and the indentation of each level is built once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from json.encoder import encode_basestring as _quote
from typing import Any

from evalrules._frozen import FrozenDict
from evalrules._points import context, places, plain
from evalrules._scorecard._model import (
    ClaimComparison,
    DerivedValue,
    Entity,
    Evidence,
    Finding,
    GateResult,
    Grade,
    NodeResult,
    RubricInfo,
    Scorecard,
    SensitivityCase,
    Verdict,
)
from evalrules._text import Text

SCHEMA_ID = "evalrules.scorecard/1"

_CONTEXT = context()
_ONE = Decimal(1)


class _Points(Decimal):
    """A decimal already quantized to the rubric's precision (written as is)."""

    __slots__ = ()


def _quantizer(precision: Decimal) -> Callable[[Decimal], Decimal]:
    """Points → ``_Points`` with exactly the precision's decimal places (``61.6``, ``4.0``).

    Negative zero becomes zero. The same digits as :func:`evalrules._points.format_points`,
    with the quantum worked out once per precision instead of once per value.
    """
    quantum = _ONE.scaleb(-places(precision))

    def quantized(value: Decimal) -> Decimal:
        q = value.quantize(quantum, context=_CONTEXT)
        return _Points(q.copy_abs() if q.is_zero() and q.is_signed() else q)

    return quantized


def _points(precision: Decimal) -> Callable[[Decimal], Decimal]:
    """:func:`_quantizer`, each value quantized once: a scorecard repeats the same few
    scores many times."""
    quantized = _quantizer(precision)
    done: dict[Decimal, Decimal] = {}

    def pts(value: Decimal) -> Decimal:
        # Only exact, finite decimals are remembered: an int equal to one must still fail
        # as it always did, and a NaN never equals itself.
        if type(value) is not Decimal or not value.is_finite():
            return quantized(value)
        result = done.get(value)
        if result is None:
            result = done[value] = quantized(value)
        return result

    return pts


# Values of these exact types are written as they are; ``_value`` and the writer test them
# with ``type(v) in`` before reaching the slower ``isinstance`` checks against the ABCs.
_AS_IS = frozenset({str, int, bool, type(None), Decimal})


def _value(value: Any) -> Any:
    """Plain data for JSON: Text → {zh, en}, tuples → lists, Decimal kept exact."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Text):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def _text(t: Text) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}


def _series(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _value(x) for k, x in sorted(v.items())}
    return _value(v)


def _derived_value(d: DerivedValue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": d.value,
        "formula": d.formula,
        "inputs": {p: _series(v) for p, v in d.inputs},
    }
    if d.breakdown:
        out["breakdown"] = {name: _value(v) for name, v in d.breakdown}
    if d.description is not None:
        out["description"] = _text(d.description)
    if d.not_computed is not None:
        out["not_computed"] = _text(d.not_computed)
    if d.formula_label is not None:
        out["formula_label"] = _text(d.formula_label)
    if d.breakdown_labels:
        out["breakdown_labels"] = {key: _text(t) for key, t in d.breakdown_labels}
    return out


def _evidence(e: Evidence) -> dict[str, Any]:
    out = {
        "facts": {path: _series(v) for path, v in e.facts},
        "derived": {d.path: _derived_value(d) for d in e.derived},
        "params": {k: _value(v) for k, v in e.params},
    }
    if e.row:  # a finding on a table's row: which row (left out otherwise)
        out["row"] = {k: _value(v) for k, v in e.row}
    return out


def _finding(f: Finding, pts: Callable[[Decimal], Decimal]) -> dict[str, Any]:
    return {
        "indicator": f.indicator,
        "rule": f.rule,
        "kind": f.kind,
        "points": pts(f.points),
        "nominal": f.nominal,
        "outcome": f.outcome,
        "effect": f.effect,
        "message": {"zh": f.message.zh, "en": f.message.en},
        "message_id": f.message_id,
        "params": {str(k): _value(v) for k, v in f.params.items()},
        "evidence": _evidence(f.evidence),
    }


def _node(n: NodeResult, pts: Callable[[Decimal], Decimal]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": n.code,
        "title": {"zh": n.title.zh, "en": n.title.en},
        "max": pts(n.max),
        "score": pts(n.score),
        "status": n.status,
    }
    if n.claimed is not None:
        out["claimed"] = pts(n.claimed)
    out["children"] = [_node(c, pts) for c in n.children]
    return out


def _claim(c: ClaimComparison, pts: Callable[[Decimal], Decimal]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": c.code,
        "claimed": pts(c.claimed),
        "computed": pts(c.computed),
        "difference": pts(c.difference),
        "findings": list(c.findings),
        "reason": _text(c.reason),
    }
    if c.depends_on_cohort:  # written only when set: other cards keep their bytes
        out["depends_on_cohort"] = True
    return out


def _gate(g: GateResult, pts: Callable[[Decimal], Decimal]) -> dict[str, Any]:
    return {
        "code": g.code,
        "title": _text(g.title),
        "score": pts(g.score),
        "max": pts(g.max),
        "reason": _text(g.reason),
        "rule": g.rule,
    }


def _verdict(v: Verdict, pts: Callable[[Decimal], Decimal]) -> dict[str, Any]:
    return {
        "code": v.code,
        "label": _text(v.label),
        "failed": [_gate(g, pts) for g in v.failed],
        "undecided": [_gate(g, pts) for g in v.undecided],
    }


def _aggregates(card: Scorecard) -> list[dict[str, Any]]:
    return [{"fact": d.path, **_derived_value(d)} for d in card.aggregates]


def _assumed(card: Scorecard) -> list[dict[str, Any]]:
    return [{"fact": path, "note": _text(note)} for path, note in card.assumed]


def _sensitivity(
    cases: tuple[SensitivityCase, ...], pts: Callable[[Decimal], Decimal]
) -> list[dict[str, Any]]:
    return [
        {
            "rule": c.rule,
            "indicator": c.indicator,
            "params": dict(c.params),
            "why": _text(c.why),
            "document": c.document,
            "score": pts(c.score),
            "alternative_score": pts(c.alternative_score),
            "total": pts(c.total),
            "grade": {
                "code": c.grade.code,
                "label": _text(c.grade.label),
                "base": c.grade.base,
            },
        }
        for c in cases
    ]


def scorecard_to_dict(card: Scorecard) -> dict[str, Any]:
    """The published JSON form as plain data (decimals stay ``Decimal``)."""
    p = _points(card.rubric.precision)

    def finding(f: Finding) -> Any:
        return _finding(f, p)

    out: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "evalrules_version": card.evalrules_version,
        "rubric": {
            "ref": card.rubric.ref,
            "id": card.rubric.family,  # the family's first name, kept for older readers
            "family": card.rubric.family,
            "year": card.rubric.year,
            "version": card.rubric.version,
            "digest": card.rubric.digest,
            "title": _text(card.rubric.title),
            "precision": card.rubric.precision,
        },
        "entity": {"id": card.entity.id, "name": card.entity.name},
        "total": p(card.total),
        "base_total": p(card.base_total),
        "max": p(card.max),
        "bonus": p(card.bonus),
        "grade": {
            "code": card.grade.code,
            "label": _text(card.grade.label),
            "base": card.grade.base,
        },
    }
    # A certification rubric's verdict; left out for a points rubric, whose card keeps
    # the bytes it had.
    if card.verdict is not None:
        out["verdict"] = _verdict(card.verdict, p)
    out |= {
        "vetoes": [finding(v) for v in card.vetoes],
        "complete": card.complete,
        "indicators": [_node(n, p) for n in card.indicators],
        "bonus_items": [_node(n, p) for n in card.bonus_items],
        "findings": [finding(f) for f in card.findings],
    }
    if card.claimed is not None:
        out["claimed"] = [_claim(c, p) for c in card.claimed]
    out["outcomes"] = [{"rule": r, "outcome": o} for r, o in card.outcomes]
    # Written only when present, so a scorecard without them keeps its bytes.
    if card.aggregates:
        out["aggregates"] = _aggregates(card)
    if card.assumed:
        out["assumed"] = _assumed(card)
    if card.sensitivity is not None:
        out["sensitivity"] = _sensitivity(card.sensitivity, p)
    if card.evaluated_at is not None:
        out["evaluated_at"] = card.evaluated_at
    return out


# ------------------------------------------------------------------------------ writing


def _number(value: Decimal) -> str:
    if type(value) is _Points:
        return Decimal.__str__(value)
    if not value.is_finite():
        raise ValueError(f"{value} cannot be written as JSON")
    return plain(value)


def _scalar(value: Any) -> str:
    """The JSON text of a scalar (containers never reach it).

    Raises:
        TypeError: for floats (never in a scorecard) and values JSON cannot hold.
        ValueError: for a non-finite ``Decimal``.
    """
    if isinstance(value, Decimal):
        return _number(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats never appear in a scorecard; use Decimal")
    if isinstance(value, str):
        return _quote(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """Write scorecard data as deterministic JSON with exact decimal numbers.

    ``indent=None`` writes it on one line without spaces; otherwise each item is on a line
    of its own, ``indent`` spaces deeper per level, and the text ends with a newline.

    Raises:
        TypeError: for floats and values JSON cannot hold.
        ValueError: for a non-finite ``Decimal``.
    """
    text = _dump(data, indent, 0)
    return text if indent is None else text + "\n"


#: indent → the line breaks and indentation of the first levels (:func:`_dump`).
_PADS: dict[int | None, list[str]] = {}
_PAD_LEVELS = 24
#: ``":"`` or ``": "`` → key → the key quoted, with the colon after it.
_KEYS: dict[str, dict[str, str]] = {}


def _dump(data: Any, indent: int | None, level: int) -> str:
    """:func:`dumps` of ``data`` as it is written ``level`` levels deep, without the final
    newline."""
    out: list[str] = []
    append = out.append
    colon = ":" if indent is None else ": "

    def newline(level: int) -> str:
        return "" if indent is None else "\n" + " " * (indent * level)

    pads = _PADS.get(indent)
    if pads is None:
        pads = _PADS[indent] = [newline(level) for level in range(_PAD_LEVELS)]
    pads = pads.copy()  # deeper levels are added to this call's copy only
    # A scorecard repeats a few dozen keys hundreds of times: each is quoted once, for
    # every writer (up to _MAX_TEXTS keys; a key beyond them is quoted once per call).
    keys = _KEYS.get(colon)
    if keys is None:
        keys = _KEYS[colon] = {}
    if len(keys) >= _MAX_TEXTS:
        keys = {}

    # The common scalars are written inline, in both loops: a call per value would be most
    # of the cost. Anything else goes through write() and, for scalars, _scalar().
    def write(value: Any, level: int) -> None:
        kind = type(value)
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            if not value:
                append("{}")
                return
            level += 1
            while len(pads) <= level:
                pads.append(newline(len(pads)))
            comma = "," + pads[level]
            sep = "{" + pads[level]
            for key, item in value.items():
                if type(key) is str:
                    quoted = keys.get(key)
                    if quoted is None:
                        quoted = keys[key] = _quote(key) + colon
                else:  # not cached: 1, True and Decimal(1) are one key to a dict
                    quoted = _quote(str(key)) + colon
                kind = type(item)
                if kind is str:
                    append(sep + quoted + _quote(item))
                elif kind is _Points:
                    append(sep + quoted + Decimal.__str__(item))
                elif kind is int:
                    append(sep + quoted + int.__repr__(item))
                elif kind is bool:
                    append(sep + quoted + ("true" if item else "false"))
                elif item is None:
                    append(sep + quoted + "null")
                else:
                    append(sep + quoted)
                    write(item, level)
                sep = comma
            append(pads[level - 1] + "}")
        elif kind is list or isinstance(value, list | tuple):
            if not value:
                append("[]")
                return
            level += 1
            while len(pads) <= level:
                pads.append(newline(len(pads)))
            comma = "," + pads[level]
            sep = "[" + pads[level]
            for item in value:
                kind = type(item)
                if kind is str:
                    append(sep + _quote(item))
                elif kind is _Points:
                    append(sep + Decimal.__str__(item))
                elif kind is int:
                    append(sep + int.__repr__(item))
                elif kind is bool:
                    append(sep + ("true" if item else "false"))
                elif item is None:
                    append(sep + "null")
                else:
                    append(sep)
                    write(item, level)
                sep = comma
            append(pads[level - 1] + "]")
        elif kind is Embedded:
            # written at the top level with this indent: its lines indented to this depth
            while len(pads) <= level:
                pads.append(newline(len(pads)))
            append(value if indent is None else value.replace("\n", pads[level]))
        else:
            append(_scalar(value))

    write(data, level)
    return "".join(out)


class Embedded(str):
    """A value's JSON text, written already at the top level with the indent of the
    :func:`dumps` it is embedded in (without the final newline): ``dumps`` writes it as it
    stands, its lines indented to its depth, which gives the bytes the value's own data
    would (a JSON text has no line break but between its items, and every one of those is
    followed by its indentation)."""

    __slots__ = ()


# ------------------------------------------------------------------- a scorecard's text
#
# Scorecard.to_json() writes a card straight from its values into one list of pieces,
# joined once, without building scorecard_to_dict()'s data first. It gives the bytes that
# dumps(scorecard_to_dict(card)) gives (tests/property/test_json_writer.py holds it to the
# writer before it): the same fields in the same order, each value written as _dump writes
# what scorecard_to_dict makes of it. What is rare on a card (a verdict, aggregates, assumed
# facts, sensitivity cases, a finding's derived values) is still written that way.
#
# Cards share their values: evaluations of different documents give the same frozen
# finding for the same finding on the same facts, and the same item result for the same
# score. A finding and an item's result are written once, then found again by identity at
# the same precision, indent and depth (:class:`_Texts`, bounded). A parent node is written
# around its children's texts, each outcome from the text of the same pair, and the keys
# of each kind of object are quoted once per indent and depth (:class:`_Layout`).

#: Entries of each generation of the outcomes' tables of written texts (:class:`_Texts`),
#: and of the tables of quoted keys and field layouts.
_MAX_TEXTS = 4096


class _Texts:
    """A bounded table of texts written before, shared by every writer and thread.

    Two generations of at most ``most`` entries each: an entry is found in either (one
    found in the older is copied to the newer); when the newer is full it becomes the older
    and the older is dropped. An entry looked up at least once in every ``most`` new
    entries stays, and the table holds at most about twice ``most`` entries. Threads that
    meet may write a text again, add an entry or two beyond that, or lose an entry that is
    then written again; no entry is ever another key's, as each holds its object alive.
    """

    __slots__ = ("_most", "_old", "new")

    def __init__(self, most: int) -> None:
        self._most = most
        #: The newer generation: ``table.new.get(key) or table.get(key)`` finds an entry
        #: with one dict look-up when it is there.
        self.new: dict[Any, Any] = {}
        self._old: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        hit = self.new.get(key)
        if hit is None:
            hit = self._old.get(key)
            if hit is not None:
                self.put(key, hit)
        return hit

    def put(self, key: Any, entry: Any) -> None:
        new = self.new
        if len(new) >= self._most:
            self._old = new
            self.new = new = {}
        new[key] = entry

    def __len__(self) -> int:
        return len(self.new) + len(self._old)

    def clear(self) -> None:
        self.new = {}
        self._old = {}


#: ``(id of a finding, precision, indent, level)`` → ``(the finding, its text)``: the entry
#: keeps the finding, so that its id is not another's while the entry lasts.
_FINDING_TEXTS = _Texts(2048)
#: ``(id of an item's result, precision, indent, level)`` → ``(the result, its text)``.
_LEAF_TEXTS = _Texts(2048)
#: ``(id of a rubric's info, indent)`` → ``(the info, its text at level 1)``.
_RUBRIC_TEXTS = _Texts(64)


class _Layout:
    """How one indent writes: the line break and indentation of each level, each key
    quoted with its colon, and what comes before each field of a kind of object."""

    __slots__ = ("_fields", "colon", "indent", "keys", "outcomes", "pads")

    def __init__(self, indent: int | None) -> None:
        self.indent = indent
        self.colon = ":" if indent is None else ": "
        self.pads = tuple(self._newline(level) for level in range(_PAD_LEVELS))
        #: Keys quoted with their colon (``layout.keys.get(k) or layout.key(k)``).
        self.keys: dict[str, str] = {}
        self._fields: dict[tuple[int, tuple[str, ...]], tuple[str, ...]] = {}
        #: ``(rule, outcome)`` → the text of that entry of a card's ``outcomes``.
        self.outcomes = _Texts(_MAX_TEXTS)

    def _newline(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * (self.indent * level)

    def pad(self, level: int) -> str:
        """The line break and indentation before an item ``level`` deep."""
        return self.pads[level] if level < _PAD_LEVELS else self._newline(level)

    def key(self, key: str) -> str:
        """``key`` quoted, with the colon after it."""
        quoted = self.keys.get(key)
        if quoted is None:
            quoted = _quote(key) + self.colon
            if len(self.keys) < _MAX_TEXTS:
                self.keys[key] = quoted
        return quoted

    def fields(self, level: int, names: tuple[str, ...]) -> tuple[str, ...]:
        """For an object written ``level`` deep whose first field is ``names[0]``: what
        comes before each field's value (the opening brace or a comma, the line break and
        the quoted key), then, last, what closes the object."""
        found = self._fields.get((level, names))
        if found is None:
            pad = self.pad(level + 1)
            found = (
                "{" + pad + self.key(names[0]),
                *("," + pad + self.key(name) for name in names[1:]),
                self.pad(level) + "}",
            )
            if len(self._fields) < _MAX_TEXTS:
                self._fields[(level, names)] = found
        return found


#: indent → its :class:`_Layout` (a few indents are ever used).
_LAYOUTS: dict[int | None, _Layout] = {}


def _layout(indent: int | None) -> _Layout:
    found = _LAYOUTS.get(indent)
    if found is None:
        found = _Layout(indent)
        if len(_LAYOUTS) < 64:
            _LAYOUTS[indent] = found
    return found


class _PointsText:
    """Points → their text with the precision's decimal places (``61.6``, ``4.0``): the
    digits of :func:`_points`, each finite decimal quantized once (a card repeats a few
    scores many times, and cards repeat each other's)."""

    __slots__ = ("_quantized", "_texts")

    def __init__(self, precision: Decimal) -> None:
        self._quantized = _quantizer(precision)
        self._texts = _Texts(1024)

    def __call__(self, value: Decimal) -> str:
        # As in _points: only exact, finite decimals are remembered.
        if type(value) is not Decimal or not value.is_finite():
            return Decimal.__str__(self._quantized(value))
        texts = self._texts
        text: str | None = texts.new.get(value) or texts.get(value)
        if text is None:
            text = Decimal.__str__(self._quantized(value))
            texts.put(value, text)
        return text


#: precision → its :class:`_PointsText` (a rubric has one precision).
_POINTS_TEXTS: dict[Decimal, _PointsText] = {}


def _points_text(precision: Decimal) -> _PointsText:
    found = _POINTS_TEXTS.get(precision)
    if found is None:
        found = _PointsText(precision)
        if len(_POINTS_TEXTS) < 64:
            _POINTS_TEXTS[precision] = found
    return found


def _raw(value: Any, lay: _Layout, level: int) -> str:
    """The text of ``value`` as it is (as :func:`_dump` writes it), ``level`` deep."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is Decimal:
        return _number(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _dump(value, lay.indent, level)


def _text_into(out: list[str], t: Text, lay: _Layout, level: int) -> None:
    """``{"zh": …, "en": …}`` of ``t``, ``level`` deep."""
    k = lay.fields(level, _TEXT_FIELDS)
    zh, en = t.zh, t.en
    out.append(
        k[0]
        + (_quote(zh) if type(zh) is str else _raw(zh, lay, level + 1))
        + k[1]
        + (_quote(en) if type(en) is str else _raw(en, lay, level + 1))
        + k[2]
    )


def _object_into(
    out: list[str],
    items: Mapping[Any, Any],
    lay: _Layout,
    level: int,
    value_into: Callable[[list[str], Any, _Layout, int], None],
    stringify: bool = False,
) -> None:
    """An object of ``items``, ``level`` deep: each scalar value as :func:`_data_into`
    writes it, any other by ``value_into``. Keys as :func:`_dump` writes them (a key that
    is not a string by its ``str``); with ``stringify``, as ``_value`` makes them (a
    mapping whose keys are not all strings is made one whose keys are: equal texts are
    one key)."""
    if not items:
        out.append("{}")
        return
    start = len(out)
    inner = level + 1
    pad = lay.pad(inner)
    keys = lay.keys
    append = out.append
    sep = "{" + pad
    comma = "," + pad
    for name, value in items.items():
        if type(name) is str:
            quoted = keys.get(name) or lay.key(name)
        elif stringify:
            del out[start:]
            _object_into(out, {str(k): v for k, v in items.items()}, lay, level, value_into)
            return
        else:
            quoted = _quote(str(name)) + lay.colon
        # The common scalars inline, as _dump writes them (there a points value is a
        # _Points, here a Decimal as it is): a call per value would cost more than it.
        kind = type(value)
        if kind is str:
            append(sep + quoted + _quote(value))
        elif kind is Decimal:
            append(sep + quoted + _number(value))
        elif kind is int:
            append(sep + quoted + int.__repr__(value))
        elif kind is bool:
            append(sep + quoted + ("true" if value else "false"))
        elif value is None:
            append(sep + quoted + "null")
        else:
            append(sep + quoted)
            value_into(out, value, lay, inner)
        sep = comma
    append(lay.pad(level) + "}")


def _data_into(out: list[str], value: Any, lay: _Layout, level: int) -> None:
    """The text of ``_value(value)`` (plain data: Text → {zh, en}, tuples → lists, a
    mapping's keys by their ``str``), ``level`` deep."""
    kind = type(value)
    if kind is FrozenDict or kind is dict:
        _object_into(out, value, lay, level, _data_into, True)
    elif kind is str:
        out.append(_quote(value))
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is Decimal:
        out.append(_number(value))
    elif kind is bool:
        out.append("true" if value else "false")
    elif value is None:
        out.append("null")
    elif kind is _Points:
        out.append(Decimal.__str__(value))
    elif kind is tuple or kind is list:
        if not value:
            out.append("[]")
            return
        inner = level + 1
        pad = lay.pad(inner)
        sep = "[" + pad
        comma = "," + pad
        for item in value:
            out.append(sep)
            _data_into(out, item, lay, inner)
            sep = comma
        out.append(lay.pad(level) + "]")
    elif isinstance(value, Text):
        _text_into(out, value, lay, level)
    elif isinstance(value, Mapping):
        _object_into(out, value, lay, level, _data_into, True)
    else:
        out.append(_dump(_value(value), lay.indent, level))


def _series_into(out: list[str], value: Any, lay: _Layout, level: int) -> None:
    """The text of ``_series(value)``: a mapping (a year series) in the order of its keys."""
    if isinstance(value, Mapping):
        _object_into(out, {str(k): v for k, v in sorted(value.items())}, lay, level, _data_into)
    else:
        _data_into(out, value, lay, level)


def _derived_into(out: list[str], d: DerivedValue, lay: _Layout, level: int) -> None:
    out.append(_dump(_derived_value(d), lay.indent, level))


def _evidence_into(out: list[str], e: Evidence, lay: _Layout, level: int) -> None:
    k = lay.fields(level, _EVIDENCE_FIELDS)
    inner = level + 1
    out.append(k[0])
    _object_into(out, dict(e.facts), lay, inner, _series_into)
    out.append(k[1])
    _object_into(out, {d.path: d for d in e.derived}, lay, inner, _derived_into)
    out.append(k[2])
    _object_into(out, dict(e.params), lay, inner, _data_into)
    if e.row:
        out.append(k[3])
        _object_into(out, dict(e.row), lay, inner, _data_into)
    out.append(k[4])


_TEXT_FIELDS = ("zh", "en")
_EVIDENCE_FIELDS = ("facts", "derived", "params", "row")
_FINDING_FIELDS = (
    "indicator",
    "rule",
    "kind",
    "points",
    "nominal",
    "outcome",
    "effect",
    "message",
    "message_id",
    "params",
    "evidence",
)
_NODE_FIELDS = ("code", "title", "max", "score", "status", "claimed", "children")
_RUBRIC_FIELDS = ("ref", "id", "family", "year", "version", "digest", "title", "precision")
_ENTITY_FIELDS = ("id", "name")
_GRADE_FIELDS = ("code", "label", "base")
_OUTCOME_FIELDS = ("rule", "outcome")
_CARD_FIELDS = (
    "schema",
    "evalrules_version",
    "rubric",
    "entity",
    "total",
    "base_total",
    "max",
    "bonus",
    "grade",
    "verdict",
    "vetoes",
    "complete",
    "indicators",
    "bonus_items",
    "findings",
    "claimed",
    "outcomes",
    "aggregates",
    "assumed",
    "sensitivity",
    "evaluated_at",
)


def _written(
    table: _Texts, value: Any, precision: Decimal, lay: _Layout, level: int
) -> tuple[tuple[int, Decimal, int | None, int], str | None]:
    """The key of ``value``'s text at this precision, indent and depth in ``table``, and
    that text when it was written before (the entry holds the value: its id is its own)."""
    key = (id(value), precision, lay.indent, level)
    hit = table.get(key)
    if hit is not None and hit[0] is value:
        text: str = hit[1]
        return key, text
    return key, None


def _finding_text(
    f: Finding, lay: _Layout, level: int, pts: _PointsText, precision: Decimal
) -> str:
    """The text of a finding, ``level`` deep: written once, then found again."""
    key, found = _written(_FINDING_TEXTS, f, precision, lay, level)
    if found is not None:
        return found
    k = lay.fields(level, _FINDING_FIELDS)
    inner = level + 1
    out = [
        k[0]
        + _raw(f.indicator, lay, inner)
        + k[1]
        + _raw(f.rule, lay, inner)
        + k[2]
        + _raw(f.kind, lay, inner)
        + k[3]
        + pts(f.points)
        + k[4]
        + _raw(f.nominal, lay, inner)
        + k[5]
        + _raw(f.outcome, lay, inner)
        + k[6]
        + _raw(f.effect, lay, inner)
        + k[7]
    ]
    _text_into(out, f.message, lay, inner)
    out.append(k[8] + _raw(f.message_id, lay, inner) + k[9])
    _data_into(out, f.params, lay, inner)
    out.append(k[10])
    _evidence_into(out, f.evidence, lay, inner)
    out.append(k[11])
    text = "".join(out)
    _FINDING_TEXTS.put(key, (f, text))
    return text


def _nodes_into(
    out: list[str],
    nodes: tuple[NodeResult, ...],
    lay: _Layout,
    level: int,
    pts: _PointsText,
    precision: Decimal,
) -> None:
    """An array of result nodes and their children, ``level`` deep. An item's result (no
    children) is written once, then found again; a parent is written around its
    children's texts, after the text of its code and title, written once for each title."""
    if not nodes:
        out.append("[]")
        return
    inner = level + 1
    pad = lay.pad(inner)
    leaves = _LEAF_TEXTS.new
    indent = lay.indent
    sep = "[" + pad
    comma = "," + pad
    for n in nodes:
        if n.children:
            k = lay.fields(inner, _NODE_FIELDS)
            text = sep + _head(n, lay, inner, k) + pts(n.max) + k[3] + pts(n.score) + k[4]
            text += _raw(n.status, lay, inner + 1)
            if n.claimed is not None:
                text += k[5] + pts(n.claimed)
            out.append(text + k[6])
            _nodes_into(out, n.children, lay, inner + 1, pts, precision)
            out.append(k[7])
        else:  # found again here, without a call for it
            hit = leaves.get((id(n), precision, indent, inner))
            if hit is not None and hit[0] is n:
                out.append(sep + hit[1])
            else:
                out.append(sep + _leaf_text(n, lay, inner, pts, precision))
        sep = comma
    out.append(lay.pad(level) + "]")


def _leaf_text(
    n: NodeResult, lay: _Layout, level: int, pts: _PointsText, precision: Decimal
) -> str:
    """The text of an item's result (a node without children), ``level`` deep."""
    key, found = _written(_LEAF_TEXTS, n, precision, lay, level)
    if found is not None:
        return found
    k = lay.fields(level, _NODE_FIELDS)
    text = _head(n, lay, level, k) + pts(n.max) + k[3] + pts(n.score) + k[4]
    text += _raw(n.status, lay, level + 1)
    if n.claimed is not None:
        text += k[5] + pts(n.claimed)
    text += k[6] + "[]" + k[7]
    _LEAF_TEXTS.put(key, (n, text))  # the entry keeps the result: its id stays
    return text


def _head(n: NodeResult, lay: _Layout, level: int, k: tuple[str, ...]) -> str:
    """A node's text up to its ``max``: its code and title, written once for each title."""
    title = n.title
    key = (id(title), n.code, lay.indent, level)
    hit = _HEAD_TEXTS.new.get(key) or _HEAD_TEXTS.get(key)
    if hit is not None and hit[0] is title:
        found: str = hit[1]
        return found
    out = [k[0] + _raw(n.code, lay, level + 1) + k[1]]
    _text_into(out, title, lay, level + 1)
    text = "".join(out) + k[2]
    _HEAD_TEXTS.put(key, (title, text))  # the entry keeps the title: its id stays
    return text


#: ``(id of a node's title, its code, indent, level)`` → ``(the title, the text of the
#: node's code and title)``.
_HEAD_TEXTS = _Texts(2048)


def _findings_into(
    out: list[str],
    findings: tuple[Finding, ...],
    lay: _Layout,
    pts: _PointsText,
    precision: Decimal,
) -> None:
    """A card's ``vetoes`` or ``findings`` (one level deep), each finding written once,
    then found again."""
    if not findings:
        out.append("[]")
        return
    pad = lay.pad(2)
    texts = _FINDING_TEXTS.new
    indent = lay.indent
    sep = "[" + pad
    comma = "," + pad
    for f in findings:
        hit = texts.get((id(f), precision, indent, 2))
        if hit is not None and hit[0] is f:
            out.append(sep + hit[1])
        else:
            out.append(sep + _finding_text(f, lay, 2, pts, precision))
        sep = comma
    out.append(lay.pad(1) + "]")


def _rubric_text(info: RubricInfo, lay: _Layout) -> str:
    """The text of a card's ``rubric`` (one level deep): written once per rubric."""
    key = (id(info), lay.indent)
    hit = _RUBRIC_TEXTS.get(key)
    if hit is not None and hit[0] is info:
        found: str = hit[1]
        return found
    k = lay.fields(1, _RUBRIC_FIELDS)
    out = [
        k[0]
        + _raw(info.ref, lay, 2)
        + k[1]
        + _raw(info.family, lay, 2)
        + k[2]
        + _raw(info.family, lay, 2)
        + k[3]
        + _raw(info.year, lay, 2)
        + k[4]
        + _raw(info.version, lay, 2)
        + k[5]
        + _raw(info.digest, lay, 2)
        + k[6]
    ]
    _text_into(out, info.title, lay, 2)
    out.append(k[7] + _raw(info.precision, lay, 2) + k[8])
    text = "".join(out)
    _RUBRIC_TEXTS.put(key, (info, text))
    return text


def _outcomes_into(out: list[str], pairs: tuple[tuple[str, str], ...], lay: _Layout) -> None:
    """A card's ``outcomes`` (one level deep), each ``{rule, outcome}`` written from the
    text written for the same pair before."""
    if not pairs:
        out.append("[]")
        return
    table = lay.outcomes
    texts = table.new
    pad = lay.pad(2)
    sep = "[" + pad
    comma = "," + pad
    for pair in pairs:
        text = texts.get(pair) or table.get(pair)
        if text is None:
            rule, outcome = pair
            k = lay.fields(2, _OUTCOME_FIELDS)
            text = k[0] + _raw(rule, lay, 3) + k[1] + _raw(outcome, lay, 3) + k[2]
            table.put(pair, text)
        out.append(sep + text)
        sep = comma
    out.append(lay.pad(1) + "]")


_CLAIM_FIELDS = ("code", "claimed", "computed", "difference", "findings", "reason")
_CLAIM_COHORT_FIELDS = (*_CLAIM_FIELDS, "depends_on_cohort")


def _claims_into(
    out: list[str], claims: tuple[ClaimComparison, ...], lay: _Layout, pts: _PointsText
) -> None:
    """A card's ``claimed`` (one level deep), as :func:`_claim` and :func:`_dump` write it:
    a self-assessment claims every item, so a card holds dozens of these."""
    if not claims:
        out.append("[]")
        return
    pad = lay.pad(2)
    inner = lay.pad(4)
    between = "," + inner
    close = lay.pad(3) + "]"
    sep = "[" + pad
    comma = "," + pad
    plain = lay.fields(2, _CLAIM_FIELDS)
    for c in claims:
        cohort = c.depends_on_cohort
        k = lay.fields(2, _CLAIM_COHORT_FIELDS) if cohort else plain
        code = c.code
        found = c.findings
        if not found:
            codes = "[]"
        elif all(type(f) is str for f in found):
            codes = "[" + inner + between.join(map(_quote, found)) + close
        else:
            codes = _dump(list(found), lay.indent, 3)
        out.append(
            sep
            + k[0]
            + (_quote(code) if type(code) is str else _raw(code, lay, 3))
            + k[1]
            + pts(c.claimed)
            + k[2]
            + pts(c.computed)
            + k[3]
            + pts(c.difference)
            + k[4]
            + codes
            + k[5]
        )
        _text_into(out, c.reason, lay, 3)
        out.append(k[6] + "true" + k[7] if cohort else k[6])
        sep = comma
    out.append(lay.pad(1) + "]")


def scorecard_to_json(card: Scorecard, *, indent: int | None = 2) -> str:
    """:func:`dumps` of :func:`scorecard_to_dict`, written straight from the card."""
    lay = _layout(indent)
    info = card.rubric
    precision = info.precision
    pts = _points_text(precision)
    k = lay.fields(0, _CARD_FIELDS)
    out = [
        k[0] + _quote(SCHEMA_ID) + k[1] + _raw(card.evalrules_version, lay, 1) + k[2],
        _rubric_text(info, lay),
    ]
    entity = card.entity
    e = lay.fields(1, _ENTITY_FIELDS)
    out.append(
        k[3]
        + e[0]
        + _raw(entity.id, lay, 2)
        + e[1]
        + _raw(entity.name, lay, 2)
        + e[2]
        + k[4]
        + pts(card.total)
        + k[5]
        + pts(card.base_total)
        + k[6]
        + pts(card.max)
        + k[7]
        + pts(card.bonus)
        + k[8]
    )
    grade = card.grade
    g = lay.fields(1, _GRADE_FIELDS)
    out.append(g[0] + _raw(grade.code, lay, 2) + g[1])
    _text_into(out, grade.label, lay, 2)
    out.append(g[2] + _raw(grade.base, lay, 2) + g[3])
    if card.verdict is not None:
        out.append(k[9] + _dump(_verdict(card.verdict, _points(precision)), indent, 1))
    out.append(k[10])
    _findings_into(out, card.vetoes, lay, pts, precision)
    out.append(k[11] + _raw(card.complete, lay, 1) + k[12])
    _nodes_into(out, card.indicators, lay, 1, pts, precision)
    out.append(k[13])
    _nodes_into(out, card.bonus_items, lay, 1, pts, precision)
    out.append(k[14])
    _findings_into(out, card.findings, lay, pts, precision)
    if card.claimed is not None:
        out.append(k[15])
        _claims_into(out, card.claimed, lay, pts)
    out.append(k[16])
    _outcomes_into(out, card.outcomes, lay)
    if card.aggregates:
        out.append(k[17] + _dump(_aggregates(card), indent, 1))
    if card.assumed:
        out.append(k[18] + _dump(_assumed(card), indent, 1))
    if card.sensitivity is not None:
        out.append(k[19] + _dump(_sensitivity(card.sensitivity, _points(precision)), indent, 1))
    if card.evaluated_at is not None:
        out.append(k[20] + _raw(card.evaluated_at, lay, 1))
    out.append(k[21])
    text = "".join(out)
    return text if indent is None else text + "\n"


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _t(value: Mapping[str, Any]) -> Text:
    return Text(value.get("zh", ""), value.get("en", ""))


def _fact_value(value: Any) -> Any:
    """A fact value read back: year series get their integer year keys again."""
    if isinstance(value, Mapping) and value and all(str(k).isdigit() for k in value):
        return {int(k): v for k, v in value.items()}
    return value


def _read_derived(path: str, d: Mapping[str, Any]) -> DerivedValue:
    return DerivedValue(
        path,
        None if d["value"] is None else _d(d["value"]),
        d["formula"],
        tuple((p, _fact_value(v)) for p, v in d.get("inputs", {}).items()),
        tuple((k, _fact_value(v)) for k, v in d.get("breakdown", {}).items()),
        None if d.get("description") is None else _t(d["description"]),
        None if d.get("not_computed") is None else _t(d["not_computed"]),
        None if d.get("formula_label") is None else _t(d["formula_label"]),
        tuple((k, _t(t)) for k, t in d.get("breakdown_labels", {}).items()),
    )


def _read_evidence(e: Mapping[str, Any]) -> Evidence:
    return Evidence(
        facts=tuple((path, _fact_value(v)) for path, v in e.get("facts", {}).items()),
        derived=tuple(_read_derived(path, d) for path, d in e.get("derived", {}).items()),
        params=tuple(e.get("params", {}).items()),
        row=tuple(e.get("row", {}).items()),
    )


def _read_finding(f: Mapping[str, Any]) -> Finding:
    return Finding(
        indicator=f["indicator"],
        rule=f["rule"],
        kind=f["kind"],
        points=_d(f["points"]),
        nominal=_d(f.get("nominal", 0)),
        message_id=f["message_id"],
        params=f.get("params", {}),
        message=_t(f["message"]),
        evidence=_read_evidence(f.get("evidence", {})),
        outcome=f.get("outcome", ""),
        effect=f.get("effect"),
    )


def _read_node(n: Mapping[str, Any]) -> NodeResult:
    return NodeResult(
        code=n["code"],
        title=_t(n["title"]),
        max=_d(n["max"]),
        score=_d(n["score"]),
        status=n["status"],
        children=tuple(_read_node(c) for c in n.get("children", [])),
        claimed=None if n.get("claimed") is None else _d(n["claimed"]),
    )


def _read_gate(g: Mapping[str, Any]) -> GateResult:
    return GateResult(
        code=g["code"],
        title=_t(g.get("title", {})),
        score=_d(g["score"]),
        max=_d(g["max"]),
        reason=_t(g.get("reason", {})),
        rule=g.get("rule"),
    )


def _read_verdict(v: Mapping[str, Any] | None) -> Verdict | None:
    if v is None:
        return None
    return Verdict(
        code=v["code"],
        label=_t(v["label"]),
        failed=tuple(_read_gate(g) for g in v.get("failed", [])),
        undecided=tuple(_read_gate(g) for g in v.get("undecided", [])),
    )


def scorecard_from_dict(data: Mapping[str, Any]) -> Scorecard:
    """Rebuild a :class:`Scorecard` from its JSON form.

    Raises:
        ValueError: if ``data`` is not an ``evalrules.scorecard/1`` document.
        KeyError: if a required field is missing.
    """
    if data.get("schema") != SCHEMA_ID:
        raise ValueError(f"not an {SCHEMA_ID} document (schema: {data.get('schema')!r})")
    r = data["rubric"]
    claimed = data.get("claimed")
    return Scorecard(
        rubric=RubricInfo(
            ref=r["ref"],
            family=r.get("family", r["id"]),
            year=int(r["year"]),
            version=str(r["version"]),
            digest=r["digest"],
            title=_t(r.get("title", {})),
            precision=_d(r.get("precision", "0.1")),
        ),
        entity=Entity(data["entity"]["id"], data["entity"].get("name", "")),
        total=_d(data["total"]),
        max=_d(data["max"]),
        bonus=_d(data["bonus"]),
        grade=Grade(
            data["grade"]["code"], _t(data["grade"]["label"]), data["grade"].get("base", "")
        ),
        vetoes=tuple(_read_finding(v) for v in data["vetoes"]),
        complete=bool(data["complete"]),
        indicators=tuple(_read_node(n) for n in data["indicators"]),
        findings=tuple(_read_finding(f) for f in data["findings"]),
        bonus_items=tuple(_read_node(n) for n in data.get("bonus_items", [])),
        claimed=None
        if claimed is None
        else tuple(
            ClaimComparison(
                c["code"],
                _d(c["claimed"]),
                _d(c["computed"]),
                _d(c["difference"]),
                tuple(c.get("findings", [])),
                _t(c.get("reason", {})),
                bool(c.get("depends_on_cohort", False)),
            )
            for c in claimed
        ),
        evalrules_version=data.get("evalrules_version", ""),
        base_total=_d(data.get("base_total", data["total"])),
        outcomes=tuple((o["rule"], o["outcome"]) for o in data.get("outcomes", [])),
        assumed=tuple((a["fact"], _t(a["note"])) for a in data.get("assumed", [])),
        aggregates=tuple(_read_derived(a["fact"], a) for a in data.get("aggregates", [])),
        sensitivity=None
        if data.get("sensitivity") is None
        else tuple(
            SensitivityCase(
                rule=c["rule"],
                indicator=c["indicator"],
                params=c.get("params", {}),
                why=_t(c.get("why", {})),
                document=c.get("document"),
                score=_d(c["score"]),
                alternative_score=_d(c["alternative_score"]),
                total=_d(c["total"]),
                grade=Grade(
                    c["grade"]["code"], _t(c["grade"]["label"]), c["grade"].get("base", "")
                ),
            )
            for c in data["sensitivity"]
        ),
        evaluated_at=data.get("evaluated_at"),
        verdict=_read_verdict(data.get("verdict")),
    )


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``evalrules.scorecard/1``, shipped in the package."""
    text = resources.files("evalrules").joinpath("scorecard.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
