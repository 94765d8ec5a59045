"""The ``evalrules.scorecard/1`` JSON form: deterministic, exact, documented by a schema.

Points are JSON numbers written with the rubric's precision (``61.6``, never ``61.599999``);
other decimals (fact values, derived values) are written exactly. Keys are emitted in a fixed
order, so the same scorecard always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from evalrules._points import format_points, plain
from evalrules._scorecard._model import (
    ClaimComparison,
    DerivedValue,
    Entity,
    Evidence,
    Finding,
    Grade,
    NodeResult,
    RubricInfo,
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
        "vetoes": [_finding(v, p) for v in card.vetoes],
        "complete": card.complete,
        "indicators": [_node(n, p) for n in card.indicators],
        "bonus_items": [_node(n, p) for n in card.bonus_items],
        "findings": [_finding(f, p) for f in card.findings],
    }
    if card.claimed is not None:
        out["claimed"] = [_claim(c, p) for c in card.claimed]
    out["outcomes"] = [{"rule": r, "outcome": o} for r, o in card.outcomes]
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


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _t(value: Mapping[str, Any]) -> Text:
    return Text(value.get("zh", ""), value.get("en", ""))


def _fact_value(value: Any) -> Any:
    """A fact value read back: year series get their integer year keys again."""
    if isinstance(value, Mapping) and value and all(str(k).isdigit() for k in value):
        return {int(k): v for k, v in value.items()}
    return value


def _read_evidence(e: Mapping[str, Any]) -> Evidence:
    return Evidence(
        facts=tuple((path, _fact_value(v)) for path, v in e.get("facts", {}).items()),
        derived=tuple(
            DerivedValue(
                path,
                _d(d["value"]),
                d["formula"],
                tuple((p, _fact_value(v)) for p, v in d.get("inputs", {}).items()),
            )
            for path, d in e.get("derived", {}).items()
        ),
        params=tuple(e.get("params", {}).items()),
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
            )
            for c in claimed
        ),
        evalrules_version=data.get("evalrules_version", ""),
        base_total=_d(data.get("base_total", data["total"])),
        outcomes=tuple((o["rule"], o["outcome"]) for o in data.get("outcomes", [])),
    )


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``evalrules.scorecard/1``, shipped in the package."""
    text = resources.files("evalrules").joinpath("scorecard.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
