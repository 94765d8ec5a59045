"""Any rubric document either loads or raises a RubricError: never a bare exception."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from _generate import ANY_VALUE, kitchen_sink, mutated
from _rubrics import attempt, dump, engine, minimal
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import evalrules_panjin
from _examples import share
from evalrules._documents import read_document
from evalrules._rubric._loader import build_rubric
from evalrules.errors import RubricError

PANJIN = read_document(evalrules_panjin.data_dir() / "2023.yaml")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def load_or_rubric_error(folder, doc: Any) -> None:
    """Load through a file, as a user does; only a RubricError may come out."""
    path = folder / "rubric.yaml"
    # a value PyYAML cannot write (an odd key, say) is not a rubric document
    text, unwritable = attempt(lambda: dump(doc), yaml.YAMLError)
    if unwritable is not None:
        return
    assert text is not None
    path.write_text(text, encoding="utf-8")
    _, error = attempt(lambda: engine().load_rubric(path), RubricError)
    if error is not None:
        assert error.problems
        assert all(p.message for p in error.problems)
        assert all(p.code for p in error.problems)


def all_problems_at_once(doc: Any) -> None:
    """Build and compile in one pass, as a rubric with loader and rule-kind problems must
    be reported; only a RubricError may come out.

    The compiler runs on the rubric as read even when the loader found problems, so this
    also covers compiling a rubric that builds cleanly.
    """
    # A fresh engine: one that compiled the last example would first compare the two rubrics.
    e = engine()

    def compile_problems(rubric):
        _, error = attempt(lambda: e.compile(rubric), RubricError)
        return error.problems if error is not None else ()

    _, error = attempt(lambda: build_rubric(doc, check=compile_problems), RubricError)
    assert error is None or error.problems
    if error is not None:
        assert all(p.message for p in error.problems)
        assert all(p.code for p in error.problems)


# Half the profile's examples (tests/_examples.py): each one is written, read back and
# compiled twice, from the file and in memory, the dearest example of the suite.
@share(2, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(kitchen_sink()))
def test_mutated_rubric_loads_or_raises_rubric_error(folder, doc):
    load_or_rubric_error(folder, doc)
    all_problems_at_once(doc)


# Each example compiles the 200-rule rubric, and its mutations land mostly on values of the
# kinds the kitchen sink above has too: what this adds is size, so it takes a share of the
# profile's examples (tests/_examples.py).
@share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(PANJIN))
def test_mutated_panjin_rubric_loads_or_raises_rubric_error(doc):
    # in memory: writing and re-reading a thousand lines per example adds nothing here
    all_problems_at_once(doc)


@given(ANY_VALUE)
def test_any_document_at_all(folder, doc):
    load_or_rubric_error(folder, doc)
    all_problems_at_once(doc)


@given(st.dictionaries(st.sampled_from(sorted(minimal())), ANY_VALUE))
def test_top_level_keys_with_any_values(folder, doc):
    doc = {**minimal(), **doc}
    load_or_rubric_error(folder, doc)
    all_problems_at_once(doc)
