"""The compiled acceptance check never disagrees with cerberus.

cerberus is the reference validator; the compiled check in ``evalrules._fastcheck`` only
answers "would cerberus accept this document?" faster. These properties hold the two to the
same answer on valid documents and on documents with random mistakes.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from _generate import mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules._facts._validator import _beyond_limits, _without_nulls
from evalrules._frozen import thaw
from evalrules.testing import invalid_facts, valid_facts

SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _cerberus_accepts(compiled: evalrules.CompiledRubric, doc: Any, *, partial: bool) -> bool:
    validator = compiled._validator._partial if partial else compiled._validator._strict
    return bool(validator.validate(doc, normalize=False))


def _fast(compiled: evalrules.CompiledRubric, *, partial: bool) -> Any:
    check = compiled._validator._fast_partial if partial else compiled._validator._fast_strict
    assert check is not None, "the Panjin rubric's fact types are all covered by the check"
    return check


@pytest.mark.parametrize("partial", [False, True], ids=["complete", "partial"])
def test_valid_documents_are_accepted_by_both(compiled, partial):
    @SLOW
    @given(valid_facts(compiled, partial=partial))
    def accepted(doc):
        assert _fast(compiled, partial=partial)(doc)
        assert _cerberus_accepts(compiled, doc, partial=partial)

    accepted()


def test_the_check_accepts_nothing_cerberus_rejects(compiled):
    # Near misses with known mistakes (a boolean for a count, 2.5 children, one step below a
    # minimum...), and documents garbled with values of any type anywhere.
    documents = st.one_of(
        invalid_facts(compiled).map(lambda invalid: invalid.facts),
        valid_facts(compiled).flatmap(mutated),
    )

    @SLOW
    @given(documents, st.booleans())
    def never_more_lenient(doc, partial):
        doc = _without_nulls(copy.deepcopy(doc))
        if _fast(compiled, partial=partial)(doc):
            assert _cerberus_accepts(compiled, doc, partial=partial)

    never_more_lenient()


def test_the_example_takes_the_fast_path(compiled, example):
    assert _fast(compiled, partial=False)(dict(example.facts))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("pupils", "primary"), -1),
        (("pupils", "primary"), "10,140"),
        (("pupils", "primary"), 10.5),
        (("pupils", "primary"), True),
        (("kindergarten", "children"), None),
        (("nonexistent",), 1),
    ],
)
def test_a_single_mistake_sends_the_document_to_cerberus(compiled, example, path, value):
    doc = thaw(example.facts)
    level = doc
    for part in path[:-1]:
        level = level[part]
    level[path[-1]] = value
    assert not _fast(compiled, partial=False)(doc)
    assert not _cerberus_accepts(compiled, doc, partial=False)


def _full_path(compiled: evalrules.CompiledRubric, doc: Any, *, partial: bool) -> Any:
    """What the check, then the conversion, gives for ``doc``: the flat facts, or ``None``
    when the check refuses it or a number is beyond the limits."""
    validator = compiled._validator
    stripped = _without_nulls(doc)
    if not _fast(compiled, partial=partial)(stripped):
        return None
    flat = validator._collect(stripped, frozenset())
    if any(_beyond_limits(v) for v in flat.values()):
        return None
    return flat


def _flatten(compiled: evalrules.CompiledRubric, *, partial: bool) -> Any:
    flatten = compiled._validator._flatten(partial)
    assert flatten is not None, "the Panjin rubric's fact types are all covered by the walk"
    return flatten


@pytest.mark.parametrize("partial", [False, True], ids=["complete", "partial"])
def test_the_fused_walk_gives_what_the_check_and_the_conversion_give(compiled, partial):
    documents = st.one_of(
        valid_facts(compiled, partial=partial),
        invalid_facts(compiled).map(lambda invalid: invalid.facts),
        valid_facts(compiled).flatmap(mutated),
    )

    @SLOW
    @given(documents)
    def same(doc):
        expected = _full_path(compiled, copy.deepcopy(doc), partial=partial)
        got = _flatten(compiled, partial=partial)(doc)
        assert got == expected
        if got is not None:
            assert list(got) == list(expected)  # in declaration order
            assert all(type(got[p]) is type(expected[p]) for p in got)

    same()


@pytest.mark.parametrize(
    "value",
    [None, {"2022": None}, 10**40, Decimal("1e-50"), Decimal("1.00000000000000000000000000001")],
)
def test_the_fused_walk_drops_blanks_and_holds_numbers_to_the_limits(compiled, example, value):
    doc = thaw(example.facts)
    doc["pupils"]["primary"] = value
    assert _flatten(compiled, partial=False)(doc) == _full_path(compiled, doc, partial=False)


@pytest.mark.parametrize(
    "change",
    [
        {"unknown": None},  # an unknown key left blank: ignored, as by the full path
        {"unknown": 1},  # an unknown key with a value: refused
        {"pupils": None},  # a required group left blank: refused
        {"ratings": {"fitness": 96, "myopia": 94, "obesity": 90, "extra": None}},
        {"ethics": {"major_cases": True}},  # a boolean for a count
        {"funding": {"education_spending": 1.5}},  # a float for an amount
    ],
    ids=["blank-unknown", "unknown", "blank-group", "blank-unknown-inside", "bool-count", "float"],
)
def test_the_generated_walk_sends_what_it_is_unsure_of_to_the_walk(compiled, example, change):
    doc = thaw(example.facts)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key].update(value)
        else:
            doc[key] = value
    got = _flatten(compiled, partial=False)(doc)
    assert got == _full_path(compiled, copy.deepcopy(doc), partial=False)
    if got is not None:
        assert list(got) == list(_full_path(compiled, copy.deepcopy(doc), partial=False))


@pytest.mark.parametrize("partial", [False, True], ids=["complete", "partial"])
def test_the_walk_is_generated_for_the_second_document_of_its_mode(panjin, example, partial):
    fresh = evalrules.Engine().compile(panjin)
    validator = fresh._validator
    facts = dict(example.facts)
    first = validator.check(facts, partial=partial)
    # One document of a mode took the general path: nothing was generated for it.
    assert partial not in validator._flatteners
    second = validator.check(facts, partial=partial)
    assert validator._flatteners[partial] is not None
    assert not validator._flatteners.keys() - {partial}
    assert first == second
    # The card of a first document (the general path) is the card of a later one (the walk).
    unseen = evalrules.Engine().compile(panjin)
    assert unseen.evaluate(example, partial=partial) == fresh.evaluate(example, partial=partial)


@pytest.mark.parametrize("partial", [False, True], ids=["complete", "partial"])
def test_a_first_document_is_checked_as_a_later_one(panjin, compiled, partial):
    # A first document of a mode takes the general path; a later one the generated walk.
    # The whole answer is the same: the flat facts, in order, and every problem.
    walked = compiled._validator
    walked._flatten(partial)
    walked._seen.add(partial)
    first = evalrules.Engine().compile(panjin)._validator
    documents = st.one_of(
        valid_facts(compiled, partial=partial),
        invalid_facts(compiled).map(lambda invalid: invalid.facts),
        valid_facts(compiled).flatmap(mutated),
    )

    def answer(validator: Any, doc: Any) -> Any:
        flat, problems = validator.check(copy.deepcopy(doc), partial=partial)
        return list(flat.items()), sorted(map(repr, problems))

    @SLOW
    @given(documents)
    def same(doc):
        first._seen.clear()
        first._flatteners.clear()
        assert answer(first, doc) == answer(walked, doc)
        assert partial not in first._flatteners

    same()
