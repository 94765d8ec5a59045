"""The compiled acceptance check never disagrees with cerberus.

cerberus is the reference validator; the compiled check in ``evalrules._fastcheck`` only
answers "would cerberus accept this document?" faster. These properties hold the two to the
same answer on valid documents and on documents with random mistakes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _generate import ANY_VALUE, _slots, valid_facts
from _rubrics import engine, nest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
import evalrules_panjin
from evalrules._facts._validator import _without_nulls
from evalrules._frozen import thaw

ENGINE = engine(evalrules_panjin)
RUBRIC = ENGINE.load_rubric("panjin-county/2023")
COMPILED = ENGINE.compile(RUBRIC)
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _cerberus_accepts(compiled: evalrules.CompiledRubric, doc: Any, *, partial: bool) -> bool:
    validator = compiled.validator._partial if partial else compiled.validator._strict
    return bool(validator.validate(doc, normalize=False))


def _fast(compiled: evalrules.CompiledRubric, *, partial: bool) -> Any:
    check = compiled.validator._fast_partial if partial else compiled.validator._fast_strict
    assert check is not None, "the Panjin rubric's fact types are all covered by the check"
    return check


@st.composite
def _broken(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(doc)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(("replace", "delete", "add")))
        if action == "replace":
            container[key] = draw(ANY_VALUE)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=6))] = draw(ANY_VALUE)
    return doc


@SLOW
@given(valid_facts(RUBRIC), st.booleans())
def test_valid_documents_are_accepted_by_both(flat, partial):
    doc = nest(flat)
    assert _fast(COMPILED, partial=partial)(doc)
    assert _cerberus_accepts(COMPILED, doc, partial=partial)


@SLOW
@given(st.data(), st.booleans())
def test_the_check_accepts_nothing_cerberus_rejects(data, partial):
    base = nest(data.draw(valid_facts(RUBRIC)))
    doc = _without_nulls(data.draw(_broken(base)))
    if _fast(COMPILED, partial=partial)(doc):
        assert _cerberus_accepts(COMPILED, doc, partial=partial)


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
