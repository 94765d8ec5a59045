"""Generated facts for the 2023 Panjin rubric, drawn by ``evalrules.testing``.

Documents evalrules accepts are valid for the exported JSON Schema; invalid documents raise a
FactsError listing exactly their problems, each worded for people; garbled documents evaluate
or raise a FactsError; the order of keys never changes a result. (The stock invariants on
valid documents are ``tests/rubrics/test_panjin_invariants.py``'s ``run_invariants``.)
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from _generate import ANY_VALUE, mutated
from _rubrics import attempt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _examples import share
from evalrules import FactsDocument
from evalrules._text import natural_order
from evalrules.errors import FactsError
from evalrules.testing import check_invariants, invalid_facts, valid_facts

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


def shuffled(value: Any, rnd: Any) -> Any:
    """The same document with every mapping's keys in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    return value


def check_problems(error: FactsError) -> None:
    """Problems are sorted by location (a path's numbers as numbers: ``schools[3]`` before
    ``schools[10]``) and worded in Chinese and English, for people."""
    assert error.problems
    in_order = sorted(error.problems, key=lambda p: (natural_order(p.path), p.code))
    assert list(error.problems) == in_order
    for p in error.problems:
        assert p.path
        assert p.code
        assert p.message_zh
        assert p.message_en
        assert p.message_zh != p.message_en
        # no problem leaks the validator's internals
        assert "ValidationError" not in p.message_en


def test_documents_valid_for_evalrules_are_valid_for_the_schema(engine, panjin, compiled):
    schema = jsonschema.Draft202012Validator(engine.facts_schema(panjin))

    @SLOW
    @given(
        valid_facts(compiled),
        st.sampled_from(sorted(n.code for n in panjin.walk())),
        st.decimals(min_value=0, max_value=100, places=1),
    )
    def valid_for_both(facts, code, claim):
        document = {
            "evalrules": "facts/1",
            "rubric": "panjin-county/2023",
            "entity": {"id": "211102", "name": "双台子区"},
            "facts": facts,
            "claimed": {
                "total": claim,
                "indicators": {code: min(claim, panjin.indicator(code).max)},
            },
        }
        compiled.evaluate(FactsDocument.from_mapping(document))  # evalrules accepts it
        errors = [e.message for e in schema.iter_errors(as_json(document))]
        assert errors == []

    valid_for_both()


def test_invalid_facts_raise_a_facts_error_listing_exactly_their_problems(compiled):
    @SLOW
    @given(invalid_facts(compiled))
    def reported(invalid):
        with pytest.raises(FactsError) as info:
            compiled.evaluate(invalid.facts)
        got = sorted((p.path, p.code) for p in info.value.problems)
        assert got == sorted((p.path, p.code) for p in invalid.problems)
        check_problems(info.value)

    reported()


def test_garbled_facts_evaluate_or_raise_facts_error(compiled):
    @SLOW
    @given(valid_facts(compiled).flatmap(mutated), st.booleans())
    def evaluates_or_raises(facts, partial):
        card, error = attempt(
            lambda: compiled.evaluate(copy.deepcopy(facts), partial=partial), FactsError
        )
        if error is not None:
            check_problems(error)
            return
        assert card is not None
        # what is accepted scores as any valid document does
        assert check_invariants(compiled, facts, partial=partial) == card
        if not partial:
            assert card.complete

    evaluates_or_raises()


@SLOW
@given(ANY_VALUE, ANY_VALUE)
def test_any_document_envelope_reads_or_raises_facts_error(compiled, facts, claimed):
    doc, error = attempt(
        lambda: FactsDocument.from_mapping({"facts": facts, "claimed": claimed}), FactsError
    )
    if error is not None:
        assert error.problems
        return
    assert doc is not None
    with pytest.raises(FactsError):
        compiled.evaluate(doc)


def test_key_order_of_facts_does_not_change_results(compiled):
    # The determinism invariant (run_invariants, tests/rubrics) already evaluates every
    # document it draws in reversed key order; random orders get a share of the examples.
    @share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(valid_facts(compiled), st.randoms(use_true_random=False))
    def same_bytes(facts, rnd):
        first = compiled.evaluate(facts).to_json()
        assert compiled.evaluate(shuffled(facts, rnd)).to_json() == first

    same_bytes()
