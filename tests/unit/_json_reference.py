"""The scorecard JSON writer as it was before it was rewritten for speed (evalrules 0.1).

Kept verbatim as the reference: the writer in ``evalrules._scorecard._json`` must give the
same bytes for every scorecard (``tests/unit/test_scorecard_json_writer.py``). When the
``evalrules.scorecard/1`` form changes on purpose (a field added), change it here too (as
``rubric.family`` was added).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evalrules._points import format_points, plain
from evalrules._scorecard._model import (
    ClaimComparison,
    Evidence,
    Finding,
    NodeResult,
    Scorecard,
)
from evalrules._text import Text

SCHEMA_ID = "evalrules.scorecard/1"


class _Points(Decimal):
    """A decimal already formatted to the rubric's precision (written as is)."""

    __slots__ = ()


def _pts(value: Decimal, precision: Decimal) -> Decimal:
    return _Points(format_points(value, precision))


def _value(value: Any) -> Any:
    """Plain data for JSON: Text → {zh, en}, tuples → lists, Decimal kept exact."""
    if isinstance(value, Text):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def _text(t: Text) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}


def _evidence(e: Evidence) -> dict[str, Any]:
    def series(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {str(k): _value(x) for k, x in sorted(v.items())}
        return _value(v)

    return {
        "facts": {path: series(v) for path, v in e.facts},
        "derived": {
            d.path: {
                "value": d.value,
                "formula": d.formula,
                "inputs": {p: series(v) for p, v in d.inputs},
            }
            for d in e.derived
        },
        "params": {k: _value(v) for k, v in e.params},
    }


def _finding(f: Finding, precision: Decimal) -> dict[str, Any]:
    return {
        "indicator": f.indicator,
        "rule": f.rule,
        "kind": f.kind,
        "points": _pts(f.points, precision),
        "nominal": f.nominal,
        "outcome": f.outcome,
        "effect": f.effect,
        "message": _text(f.message),
        "message_id": f.message_id,
        "params": _value(dict(f.params)),
        "evidence": _evidence(f.evidence),
    }


def _node(n: NodeResult, precision: Decimal) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": n.code,
        "title": _text(n.title),
        "max": _pts(n.max, precision),
        "score": _pts(n.score, precision),
        "status": n.status,
    }
    if n.claimed is not None:
        out["claimed"] = _pts(n.claimed, precision)
    out["children"] = [_node(c, precision) for c in n.children]
    return out


def _claim(c: ClaimComparison, precision: Decimal) -> dict[str, Any]:
    return {
        "code": c.code,
        "claimed": _pts(c.claimed, precision),
        "computed": _pts(c.computed, precision),
        "difference": _pts(c.difference, precision),
        "findings": list(c.findings),
        "reason": _text(c.reason),
    }


def scorecard_to_dict(card: Scorecard) -> dict[str, Any]:
    """The published JSON form as plain data (decimals stay ``Decimal``)."""
    p = card.rubric.precision
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
        "total": _pts(card.total, p),
        "base_total": _pts(card.base_total, p),
        "max": _pts(card.max, p),
        "bonus": _pts(card.bonus, p),
        "grade": {
            "code": card.grade.code,
            "label": _text(card.grade.label),
            "base": card.grade.base,
        },
    }
    if card.verdict is not None:
        v = card.verdict
        out["verdict"] = {
            "code": v.code,
            "label": _text(v.label),
            **{
                key: [
                    {
                        "code": g.code,
                        "title": _text(g.title),
                        "score": _pts(g.score, p),
                        "max": _pts(g.max, p),
                        "reason": _text(g.reason),
                        "rule": g.rule,
                    }
                    for g in gates
                ]
                for key, gates in (("failed", v.failed), ("undecided", v.undecided))
            },
        }
    out |= {
        "vetoes": [_finding(v, p) for v in card.vetoes],
        "complete": card.complete,
        "indicators": [_node(n, p) for n in card.indicators],
        "bonus_items": [_node(n, p) for n in card.bonus_items],
        "findings": [_finding(f, p) for f in card.findings],
    }
    if card.claimed is not None:
        out["claimed"] = [_claim(c, p) for c in card.claimed]
    out["outcomes"] = [{"rule": r, "outcome": o} for r, o in card.outcomes]
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
                "score": _pts(c.score, p),
                "alternative_score": _pts(c.alternative_score, p),
                "total": _pts(c.total, p),
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


def _write(value: Any, indent: int | None, level: int, out: list[str]) -> None:
    if isinstance(value, _Points):
        out.append(str(Decimal(value)))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        out.append(plain(value))
    elif value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        raise TypeError("floats never appear in a scorecard; use Decimal")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping | list | tuple):
        is_map = isinstance(value, Mapping)
        items = list(value.items()) if is_map else list(value)  # type: ignore[union-attr]
        open_, close = ("{", "}") if is_map else ("[", "]")
        if not items:
            out.append(open_ + close)
            return
        pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
        end = "" if indent is None else "\n" + " " * (indent * level)
        colon = ":" if indent is None else ": "
        out.append(open_)
        for i, item in enumerate(items):
            if i:
                out.append(",")
            out.append(pad)
            if is_map:
                key, sub = item
                out.append(json.dumps(str(key), ensure_ascii=False) + colon)
                _write(sub, indent, level + 1, out)
            else:
                _write(item, indent, level + 1, out)
        out.append(end + close)
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """Write scorecard data as deterministic JSON with exact decimal numbers."""
    out: list[str] = []
    _write(data, indent, 0, out)
    return "".join(out) + ("\n" if indent is not None else "")
