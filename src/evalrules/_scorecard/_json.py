"""The ``evalrules.scorecard/1`` JSON form: deterministic, exact, documented by a schema.

Points are JSON numbers written with the rubric's precision (``61.6``, never ``61.599999``);
other decimals (fact values, derived values) are written exactly. Keys are emitted in a fixed
order, so the same scorecard always gives the same bytes.

The writer is ours, not :func:`json.dumps`: the standard encoder cannot write a ``Decimal``
as a number without going through ``float``. It is written for speed (a scorecard has a few
thousand values, and writing them must not cost more than computing them): types are
dispatched on ``type(value) is …`` before the general ``isinstance`` checks, strings are
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


def _points(precision: Decimal) -> Callable[[Decimal], Decimal]:
    """Points → ``_Points`` with exactly the precision's decimal places (``61.6``, ``4.0``).

    Negative zero becomes zero. The same digits as :func:`evalrules._points.format_points`,
    with the quantum worked out once per scorecard instead of once per value, and each
    value quantized once: a scorecard repeats the same few scores many times.
    """
    quantum = _ONE.scaleb(-places(precision))
    done: dict[Decimal, Decimal] = {}

    def quantized(value: Decimal) -> Decimal:
        q = value.quantize(quantum, context=_CONTEXT)
        return _Points(q.copy_abs() if q.is_zero() and q.is_signed() else q)

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


#: ``(id of an item's result, precision, indent, level)`` → ``(the result, its JSON text)``.
_LEAF_TEXT: dict[tuple[int, Decimal, int | None, int], tuple[NodeResult, str]] = {}


class _NodeText:
    """A result node in the data :func:`dumps` writes. Scorecards share their items'
    results (frozen values), and writing them is much of writing a card: an item's result is
    written from the text written for it before at the same depth, a parent's around its
    children's."""

    __slots__ = ("node", "precision", "pts")

    def __init__(
        self, node: NodeResult, precision: Decimal, pts: Callable[[Decimal], Decimal]
    ) -> None:
        self.node = node
        self.precision = precision
        self.pts = pts

    def data(self) -> dict[str, Any]:
        """:func:`_node`'s data, the children left as :class:`_NodeText`."""
        n, pts = self.node, self.pts
        out: dict[str, Any] = {
            "code": n.code,
            "title": {"zh": n.title.zh, "en": n.title.en},
            "max": pts(n.max),
            "score": pts(n.score),
            "status": n.status,
        }
        if n.claimed is not None:
            out["claimed"] = pts(n.claimed)
        out["children"] = [_NodeText(c, self.precision, pts) for c in n.children]
        return out

    def leaf_text(self, indent: int | None, level: int) -> str:
        """The JSON text of an item's result (no children), written ``level`` deep."""
        node = self.node
        key = (id(node), self.precision, indent, level)
        hit = _LEAF_TEXT.get(key)
        if hit is not None and hit[0] is node:
            return hit[1]
        text = _dump(_node(node, self.pts), indent, level)
        _remember(_LEAF_TEXT, key, (node, text))  # the entry keeps the node: its id stays
        return text

    def text(self, indent: int | None, level: int) -> str:
        """The JSON text of the node and its children, written ``level`` deep.

        A parent is written around its children's texts (each from :meth:`leaf_text` or
        this, two levels deeper: inside the node's object, inside its ``children`` list),
        and found again by what it writes: its own fields and those texts. Two cards whose
        indicator has the same score from the same items' results write it once."""
        n = self.node
        if not n.children:
            return self.leaf_text(indent, level)
        inner = level + 2
        texts = tuple(
            [_NodeText(c, self.precision, self.pts).text(indent, inner) for c in n.children]
        )
        pts = self.pts
        key = (
            n.code,
            n.title.zh,
            n.title.en,
            pts(n.max),
            pts(n.score),
            n.status,
            None if n.claimed is None else pts(n.claimed),
            self.precision,
            indent,
            level,
            texts,
        )
        hit = _PARENT_TEXT.get(key)
        if hit is not None:
            return hit
        data = self.data()
        data["children"] = [_Raw(t) for t in texts]
        text = _dump(data, indent, level)
        _remember(_PARENT_TEXT, key, text, _MAX_PARENT_TEXTS)
        return text


class _Raw:
    """JSON text already written, at the depth where :func:`_dump` meets it."""

    __slots__ = ("written",)

    def __init__(self, written: str) -> None:
        self.written = written


#: A parent node's fields, precision, indent, depth and its children's texts → its text.
_PARENT_TEXT: dict[tuple[Any, ...], str] = {}
#: ``(rule, outcome, indent, level)`` → the JSON text of that entry of ``outcomes``.
_OUTCOME_TEXT: dict[tuple[str, str, int | None, int], str] = {}


class _OutcomesText:
    """A card's ``outcomes`` in the data :func:`dumps` writes: each ``{rule, outcome}``
    entry is written from the text written for the same pair before at the same depth."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self.pairs = pairs

    def texts(self, indent: int | None, level: int) -> list[str]:
        out = []
        for rule, outcome in self.pairs:
            key = (rule, outcome, indent, level)
            text = _OUTCOME_TEXT.get(key)
            if text is None:
                text = _dump({"rule": rule, "outcome": outcome}, indent, level)
                _remember(_OUTCOME_TEXT, key, text)
            out.append(text)
        return out


def _remember(table: dict[Any, Any], key: Any, entry: Any, most: int | None = None) -> None:
    """``table[key] = entry``, the table started again when it holds ``most`` entries
    (:data:`_MAX_TEXTS` unless given)."""
    if len(table) >= (_MAX_TEXTS if most is None else most):
        table.clear()
    table[key] = entry


#: Entries of each table of written texts at most.
_MAX_TEXTS = 4096
#: Entries of :data:`_PARENT_TEXT` at most: an indicator's text holds its items' texts.
_MAX_PARENT_TEXTS = 1024


#: ``(id of a finding, precision, indent, level)`` → ``(the finding, its JSON text)``.
_FINDING_TEXT: dict[tuple[int, Decimal, int | None, int], tuple[Finding, str]] = {}


class _FindingText:
    """A finding in the data :func:`dumps` writes. Scorecards of different documents share
    their findings (one frozen value for the same finding on the same facts), so a finding
    is written from the text written for it before, for any card, at the same depth."""

    __slots__ = ("finding", "precision", "pts")

    def __init__(
        self, finding: Finding, precision: Decimal, pts: Callable[[Decimal], Decimal]
    ) -> None:
        self.finding = finding
        self.precision = precision
        self.pts = pts

    def text(self, indent: int | None, level: int) -> str:
        """The JSON text of the finding, written ``level`` deep."""
        finding = self.finding
        key = (id(finding), self.precision, indent, level)
        hit = _FINDING_TEXT.get(key)
        if hit is not None and hit[0] is finding:
            return hit[1]
        text = _dump(_finding(finding, self.pts), indent, level)
        _remember(_FINDING_TEXT, key, (finding, text))  # the entry keeps the finding
        return text


def scorecard_to_dict(card: Scorecard, *, _node_texts: bool = False) -> dict[str, Any]:
    """The published JSON form as plain data (decimals stay ``Decimal``).

    ``_node_texts`` (for :func:`dumps` only) leaves each indicator tree as
    :class:`_NodeText` and each finding as :class:`_FindingText`, which only :func:`dumps`
    writes.
    """
    p = _points(card.rubric.precision)
    finding: Callable[[Finding], Any]
    if _node_texts:
        precision = card.rubric.precision

        def finding(f: Finding) -> Any:
            return _FindingText(f, precision, p)

    else:

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
        "indicators": [
            _NodeText(n, card.rubric.precision, p) if _node_texts else _node(n, p)
            for n in card.indicators
        ],
        "bonus_items": [_node(n, p) for n in card.bonus_items],
        "findings": [finding(f) for f in card.findings],
    }
    if card.claimed is not None:
        out["claimed"] = [_claim(c, p) for c in card.claimed]
    out["outcomes"] = (
        _OutcomesText(card.outcomes)
        if _node_texts and card.outcomes
        else [{"rule": r, "outcome": o} for r, o in card.outcomes]
    )
    # Written only when present, so a scorecard without them keeps its bytes.
    if card.aggregates:
        out["aggregates"] = [{"fact": d.path, **_derived_value(d)} for d in card.aggregates]
    if card.assumed:
        out["assumed"] = [{"fact": path, "note": _text(note)} for path, note in card.assumed]
    if card.sensitivity is not None:
        out["sensitivity"] = [
            {
                "rule": c.rule,
                "indicator": c.indicator,
                "params": dict(c.params),
                "why": _text(c.why),
                "document": c.document,
                "score": p(c.score),
                "alternative_score": p(c.alternative_score),
                "total": p(c.total),
                "grade": {
                    "code": c.grade.code,
                    "label": _text(c.grade.label),
                    "base": c.grade.base,
                },
            }
            for c in card.sensitivity
        ]
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
        elif kind is _FindingText or kind is _NodeText:
            append(value.text(indent, level))
        elif kind is _Raw:
            append(value.written)
        elif kind is _OutcomesText:
            level += 1
            while len(pads) <= level:
                pads.append(newline(len(pads)))
            append("[" + pads[level])
            append(("," + pads[level]).join(value.texts(indent, level)))
            append(pads[level - 1] + "]")
        else:
            append(_scalar(value))

    write(data, level)
    return "".join(out)


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
