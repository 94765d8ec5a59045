"""``evalrules.cohort/1``: a cohort as deterministic JSON, its schema, and reading it back.

Each member's scorecard is embedded as its own ``evalrules.scorecard/1`` object, so that a
reader of one district's card needs nothing of the cohort's format. Numbers are exact
decimals (points with the rubric's decimal places), keys come in a fixed order, and the same
cohort always gives the same bytes. The schema is shipped as ``evalrules/cohort.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from evalrules._scorecard._json import (
    Embedded,
    _points,
    dumps,
    scorecard_from_dict,
    scorecard_to_dict,
    scorecard_to_json,
)
from evalrules._scorecard._model import Entity, RubricInfo, Scorecard
from evalrules._text import Text
from evalrules._version import __version__
from evalrules.errors import FactsProblem

if TYPE_CHECKING:
    from evalrules._cohort._model import Cohort

SCHEMA_ID = "evalrules.cohort/1"


def _text(t: Text) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}


def _entity(entity: Entity | None) -> dict[str, str] | None:
    return None if entity is None else {"id": entity.id, "name": entity.name}


def _problem_value(value: Any) -> Any:
    """The offending value of a problem as JSON data: exact numbers, text, else its text."""
    if value is None or type(value) in (str, bool, int):
        return value
    if isinstance(value, Decimal):
        return value if value.is_finite() else str(value)
    return str(value)


def _problem(p: FactsProblem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": p.path,
        "code": p.code,
        "message": {"zh": p.message_zh, "en": p.message_en},
    }
    if p.value is not None:
        out["value"] = _problem_value(p.value)
    if p.location is not None:
        out["location"] = p.location
    return out


def cohort_to_dict(cohort: Cohort) -> dict[str, Any]:
    """The published JSON form as plain data (decimals stay ``Decimal``)."""
    return _cohort_data(cohort, scorecard_to_dict)


def _card_text(card: Scorecard) -> Embedded:
    """A member's scorecard as :meth:`Scorecard.to_json` writes it (at the cohort's indent),
    to be embedded where it stands."""
    return Embedded(scorecard_to_json(card, indent=2)[:-1])  # without its final newline


def _cohort_data(cohort: Cohort, card: Callable[[Scorecard], Any]) -> dict[str, Any]:
    """:func:`cohort_to_dict`, each member's scorecard as ``card`` gives it."""
    info = cohort.rubric
    pts = _points(info.precision)
    return {
        "schema": SCHEMA_ID,
        "evalrules_version": __version__,
        "rubric": {
            "ref": info.ref,
            "family": info.family,
            "year": info.year,
            "version": info.version,
            "digest": info.digest,
            "title": _text(info.title),
            "precision": info.precision,
        },
        "rank_policy": cohort.rank_policy,
        "members": [
            {
                "rank": m.rank,
                "source": m.source,
                "entity": _entity(m.card.entity),
                "total": pts(m.card.total),
                "scorecard": card(m.card),
            }
            for m in cohort.members
        ],
        "refused": [
            {
                "source": r.source,
                "entity": _entity(r.entity),
                "problems": [_problem(p) for p in r.problems],
            }
            for r in cohort.refused
        ],
        "indicators": [
            {
                "code": s.code,
                "title": _text(s.title),
                "max": pts(s.max),
                "minimum": pts(s.minimum),
                "mean": pts(s.mean),
                "maximum": pts(s.maximum),
                "scores": [{"entity": eid, "score": pts(score)} for eid, score in s.scores],
            }
            for s in cohort.indicators
        ],
    }


def cohort_to_json(cohort: Cohort) -> str:
    """Deterministic ``evalrules.cohort/1`` JSON following ``cohort.schema.json``: the bytes
    of ``dumps(cohort_to_dict(cohort))``, each member's scorecard written by the card's
    own writer (:meth:`Scorecard.to_json`) rather than built as data first."""
    return dumps(_cohort_data(cohort, _card_text))


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _t(value: Mapping[str, Any]) -> Text:
    return Text(value.get("zh", ""), value.get("en", ""))


def _read_entity(value: Mapping[str, Any] | None) -> Entity | None:
    return None if value is None else Entity(value["id"], value.get("name", ""))


def cohort_from_dict(data: Mapping[str, Any]) -> Cohort:
    """Rebuild a :class:`Cohort` from its JSON form.

    Raises:
        ValueError: if ``data`` is not an ``evalrules.cohort/1`` document, or lacks a field.
    """
    from evalrules._cohort._model import (
        Cohort,
        CohortMember,
        CohortRefusal,
        IndicatorStatistics,
    )

    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_ID:
        got = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
        raise ValueError(f"not an {SCHEMA_ID} document (schema: {got!r})")
    try:
        r = data["rubric"]
        return Cohort(
            rubric=RubricInfo(
                ref=r["ref"],
                family=r["family"],
                year=int(r["year"]),
                version=str(r["version"]),
                digest=r["digest"],
                title=_t(r.get("title", {})),
                precision=_d(r.get("precision", "0.1")),
            ),
            members=tuple(
                CohortMember(m["source"], scorecard_from_dict(m["scorecard"]), int(m["rank"]))
                for m in data["members"]
            ),
            refused=tuple(
                CohortRefusal(
                    f["source"],
                    _read_entity(f.get("entity")),
                    tuple(
                        FactsProblem(
                            p["path"],
                            p["code"],
                            p["message"]["zh"],
                            p["message"]["en"],
                            p.get("value"),
                            p.get("location"),
                        )
                        for p in f["problems"]
                    ),
                )
                for f in data["refused"]
            ),
            indicators=tuple(
                IndicatorStatistics(
                    code=s["code"],
                    title=_t(s["title"]),
                    max=_d(s["max"]),
                    minimum=_d(s["minimum"]),
                    mean=_d(s["mean"]),
                    maximum=_d(s["maximum"]),
                    scores=tuple((e["entity"], _d(e["score"])) for e in s["scores"]),
                )
                for s in data["indicators"]
            ),
            rank_policy=data.get("rank_policy", "competition"),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a complete {SCHEMA_ID} document: {exc!r}") from None


def cohort_from_json(text: str) -> Cohort:
    """Read ``evalrules.cohort/1`` JSON (numbers read as exact decimals).

    Raises:
        ValueError: if the text is not such a document.
    """
    return cohort_from_dict(json.loads(text, parse_float=Decimal))


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``evalrules.cohort/1``, shipped in the package."""
    text = resources.files("evalrules").joinpath("cohort.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
