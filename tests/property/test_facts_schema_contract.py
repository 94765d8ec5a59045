"""The facts JSON Schema is the contract: what it accepts evaluates, what validation refuses
it refuses (cross checks, which JSON Schema cannot say, aside)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jsonschema
from _from_schema import documents
from _rubrics import attempt, engine
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import evalrules_panjin
from evalrules import FactsDocument
from evalrules.errors import FactsError
from evalrules.testing import invalid_facts

ENGINE = engine(evalrules_panjin)
RUBRIC = ENGINE.load_rubric("panjin-county/2023")
COMPILED = ENGINE.compile(RUBRIC)
SCHEMA = ENGINE.facts_schema(RUBRIC)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Problem codes of relations between facts, which the schema lists under x-cross-checks.
CROSS_CHECK_CODES = {c["kind"].replace("_", "-") for c in SCHEMA["x-cross-checks"]}


def as_json(value: Any) -> Any:
    """What writing a document as JSON makes of it: numbers, string keys."""
    if isinstance(value, Decimal) and value.is_finite():
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def _get(facts: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(facts, dict) or facts.get(part) is None:
            return None
        facts = facts[part]
    return facts


def _set(facts: dict[str, Any], path: str, value: Any) -> None:
    *groups, leaf = path.split(".")
    for part in groups:
        facts = facts[part]
    facts[leaf] = value


def hold_cross_checks(document: dict[str, Any]) -> None:
    """Make the declared cross checks hold: a part larger than its whole becomes the whole."""
    facts = document["facts"]
    for check in SCHEMA["x-cross-checks"]:
        assert check["kind"] == "part_of", check  # the only kind panjin-county/2023 declares
        part, whole = (_get(facts, p) for p in check["facts"])
        if part is not None and whole is not None and Decimal(part) > Decimal(whole):
            _set(facts, check["facts"][0], whole)


def test_the_schema_says_what_it_did_not_before():
    facts = SCHEMA["properties"]["facts"]
    # conditional requirements as if/then
    conditions = [c["if"] for c in facts["allOf"]]
    assert any("schools" in c["properties"] for c in conditions)
    # every divisor of a derived ratio is declared non-zero
    pupils = facts["properties"]["pupils"]["properties"]
    assert pupils["primary"]["exclusiveMinimum"] == 0
    assert "minimum" not in pupils["primary"]
    # claimed scores up to each indicator's max and the total up to max plus bonus
    claimed = SCHEMA["properties"]["claimed"]["properties"]
    assert claimed["total"]["maximum"] == 100
    assert claimed["indicators"]["properties"]["1.1"]["maximum"] == 1


@SLOW
@given(documents(SCHEMA))
def test_documents_the_schema_accepts_evaluate(document):
    hold_cross_checks(document)
    assert VALIDATOR.is_valid(document), [e.message for e in VALIDATOR.iter_errors(document)]
    card, error = attempt(
        lambda: COMPILED.evaluate(FactsDocument.from_mapping(document)), FactsError
    )
    assert error is None, error
    assert card is not None
    assert card.complete


@SLOW
@given(invalid_facts(COMPILED), st.booleans())
def test_the_schema_refuses_what_validation_refuses(invalid, in_a_document):
    codes = {p.code for p in invalid.problems}
    # JSON has no NaN or infinity: a document that JSON carries never has them.
    assume("not-finite" not in codes)
    facts = as_json(invalid.facts)
    document = {"evalrules": "facts/1", "facts": facts}
    if in_a_document:
        document["entity"] = {"id": "211102", "name": "双台子区"}
    _, error = attempt(lambda: COMPILED.evaluate(FactsDocument.from_mapping(document)), FactsError)
    assert error is not None
    errors = [e.message for e in VALIDATOR.iter_errors(document)]
    if codes <= CROSS_CHECK_CODES:
        # a relation between valid values is x-cross-checks' to say: the schema accepts it
        assert errors == []
    else:
        assert errors, invalid.problems
