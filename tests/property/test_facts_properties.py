"""Generated facts for the 2023 Panjin rubric: they evaluate or raise a FactsError; documents
evalrules accepts are valid for the exported JSON Schema; results hold the invariants."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from _generate import ANY_VALUE, _slots, valid_facts
from _rubrics import attempt, engine, nest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules_panjin
from evalrules import FactsDocument, Scorecard
from evalrules.errors import FactsError

ZERO = Decimal(0)
ENGINE = engine(evalrules_panjin)
RUBRIC = ENGINE.load_rubric("panjin-county/2023")
COMPILED = ENGINE.compile(RUBRIC)
SCHEMA = jsonschema.Draft202012Validator(ENGINE.facts_schema(RUBRIC))
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def as_json(value: Any) -> Any:
    """What writing a document as JSON makes of it: floats and ints, string keys."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def check_scorecard(card: Scorecard) -> None:
    for n in card.walk():
        assert ZERO <= n.score <= n.max
        if n.children:
            assert n.score == sum((c.score for c in n.children), ZERO)
        elif n.status == "scored":
            lost = sum(
                (
                    f.points
                    for f in card.findings
                    if f.indicator == n.code and f.kind in ("deduction", "manual")
                ),
                ZERO,
            )
            assert -lost == n.max - n.score
    assert card.total == card.base_total + card.bonus
    assert Scorecard.from_dict(card.to_dict()) == card


@SLOW
@given(valid_facts(RUBRIC))
def test_valid_facts_evaluate_and_hold_the_invariants(flat):
    card, error = attempt(lambda: COMPILED.evaluate(nest(flat)), FactsError)
    if error is not None:
        # the only problems facts that pass validation can still have: a derived fact
        # that cannot be computed
        assert {p.code for p in error.problems} <= {"division-by-zero", "missing-year"}
        return
    assert card is not None
    assert card.complete
    check_scorecard(card)


@SLOW
@given(
    valid_facts(RUBRIC),
    st.sampled_from(sorted(n.code for n in RUBRIC.walk())),
    st.decimals(min_value=0, max_value=100, places=1),
)
def test_documents_valid_for_evalrules_are_valid_for_the_schema(flat, code, claim):
    document = {
        "evalrules": "facts/1",
        "rubric": "panjin-county/2023",
        "entity": {"id": "211103", "name": "双台子区"},
        "facts": nest(flat),
        "claimed": {"total": claim, "indicators": {code: min(claim, RUBRIC.indicator(code).max)}},
    }
    doc = FactsDocument.from_mapping(document)
    _, error = attempt(lambda: COMPILED.evaluate(doc), FactsError)
    if error is not None:
        # the generator may draw a zero divisor, which evaluation (and the schema) refuses
        assert {p.code for p in error.problems} <= {"division-by-zero", "missing-year"}
        return
    errors = [e.message for e in SCHEMA.iter_errors(as_json(document))]
    assert errors == []


@st.composite
def mutated_facts(draw: st.DrawFn) -> dict[str, Any]:
    facts = nest(draw(valid_facts(RUBRIC)))
    for _ in range(draw(st.integers(1, 4))):
        container, key = draw(st.sampled_from(_slots(facts)))
        action = draw(st.sampled_from(("replace", "replace", "delete", "add")))
        if action == "replace":
            container[key] = draw(ANY_VALUE)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=6))] = draw(ANY_VALUE)
    return facts


@SLOW
@given(mutated_facts(), st.booleans())
def test_any_facts_evaluate_or_raise_facts_error(facts, partial):
    card, error = attempt(
        lambda: COMPILED.evaluate(copy.deepcopy(facts), partial=partial), FactsError
    )
    if error is not None:
        assert error.problems
        assert list(error.problems) == sorted(error.problems, key=lambda p: (p.path, p.code))
        for p in error.problems:
            assert p.path
            assert p.code
            assert p.message_zh
            assert p.message_en
            # no problem leaks the validator's internals
            assert "ValidationError" not in p.message_en
        return
    assert card is not None
    check_scorecard(card)
    if not partial:
        assert card.complete


@SLOW
@given(ANY_VALUE, ANY_VALUE)
def test_any_document_envelope_reads_or_raises_facts_error(facts, claimed):
    doc, error = attempt(
        lambda: FactsDocument.from_mapping({"facts": facts, "claimed": claimed}), FactsError
    )
    if error is not None:
        assert error.problems
        return
    assert doc is not None
    with pytest.raises(FactsError):
        COMPILED.evaluate(doc)


@SLOW
@given(valid_facts(RUBRIC), st.randoms(use_true_random=False))
def test_key_order_of_facts_does_not_change_results(flat, rnd):
    items = list(flat.items())
    rnd.shuffle(items)
    try:
        first = COMPILED.evaluate(nest(flat)).to_json()
    except FactsError:
        return
    assert COMPILED.evaluate(nest(dict(items))).to_json() == first
