"""Table facts under generated documents (the constructed rubric of tests/unit/tables): a
valid document validates and evaluates, the fast check and cerberus give the same answer,
and a broken table is refused with the problem the test kit expects."""

from __future__ import annotations

import copy
from pathlib import Path

from _generate import mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
from evalrules._facts._validator import _without_nulls
from evalrules.testing import invalid_facts, valid_facts

RUBRIC = Path(__file__).parents[1] / "unit" / "tables" / "rubric.yaml"
ENGINE = evalrules.Engine(autoload=False)
COMPILED = ENGINE.compile(ENGINE.load_rubric(RUBRIC))
SLOW = settings(
    max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def _cerberus_accepts(doc, *, partial):
    validator = COMPILED._validator._partial if partial else COMPILED._validator._strict
    return bool(validator.validate(doc, normalize=False))


def _fast(*, partial):
    check = COMPILED._validator._fast_partial if partial else COMPILED._validator._fast_strict
    assert check is not None
    return check


@SLOW
@given(valid_facts(COMPILED))
def test_a_generated_table_document_validates_and_evaluates(doc):
    assert _fast(partial=False)(doc)
    assert _cerberus_accepts(doc, partial=False)
    card = COMPILED.evaluate(doc)
    assert 0 <= card.total <= 30


#: Keys beside the rows while they are mutated, so that four mutations (each may remove a
#: key) never leave an empty document to mutate.
_PADDING = ("pad_a", "pad_b", "pad_c", "pad_d")


def _mutated_rows(doc):
    """The document with its rows garbled by the shared mutations (values of any type
    anywhere in them, a key removed, an unknown one added)."""
    return mutated({"schools": doc["schools"], **dict.fromkeys(_PADDING, 0)}).map(
        lambda m: {k: v for k, v in m.items() if k not in _PADDING}
    )


@SLOW
@given(
    st.one_of(
        valid_facts(COMPILED).flatmap(_mutated_rows),
        invalid_facts(COMPILED).map(lambda i: i.facts),
    ),
    st.booleans(),
)
def test_the_fast_check_accepts_nothing_cerberus_rejects(doc, partial):
    doc = _without_nulls(copy.deepcopy(doc))
    if _fast(partial=partial)(doc):
        assert _cerberus_accepts(doc, partial=partial)


@SLOW
@given(invalid_facts(COMPILED))
def test_a_broken_table_is_refused_with_the_expected_problem(invalid):
    _, problems = COMPILED._validator.check(invalid.facts)
    found = {(p.path, p.code) for p in problems}
    for expected in invalid.problems:
        assert (expected.path, expected.code) in found


@SLOW
@given(valid_facts(COMPILED))
def test_scores_only_gives_the_explained_scores(doc):
    explained = COMPILED.evaluate(doc)
    quick = COMPILED.evaluate(doc, explain=False)
    assert quick.total == explained.total
    assert [(n.code, n.score, n.status) for n in quick.walk()] == [
        (n.code, n.score, n.status) for n in explained.walk()
    ]


_REQUIRED_COLUMNS = frozenset(
    c.path for c in COMPILED._validator.tables["schools"].table.columns if c.required
)


@st.composite
def _with_blank_cells(draw):
    """A valid document with some of its cells blank (null), the rows as a list or, as a
    document read from a file holds them, a tuple; and the blank cells' paths."""
    doc = copy.deepcopy(draw(valid_facts(COMPILED)))
    rows = doc["schools"]
    cells = [(i, c) for i, row in enumerate(rows) for c in row]
    blank = draw(st.sets(st.sampled_from(cells), min_size=1, max_size=6)) if cells else set()
    for i, column in blank:
        rows[i][column] = None
    if draw(st.booleans()):
        doc["schools"] = tuple(rows)
    return doc, {f"schools[{i}].{c}" for i, c in blank}


@SLOW
@given(_with_blank_cells(), st.booleans())
def test_blank_cells_get_the_same_answer_from_the_fast_check_and_cerberus(drawn, partial):
    doc, blank = drawn
    stripped = _without_nulls(doc)
    assert _fast(partial=partial)(stripped) == _cerberus_accepts(stripped, partial=partial)
    # a blank required cell is a missing one, a blank optional cell is a cell not given
    _, problems = COMPILED._validator.check(doc, partial=partial)
    missing = {p for p in blank if p.rsplit(".", 1)[1] in _REQUIRED_COLUMNS}
    assert {(p.path, p.code) for p in problems if p.code == "missing"} == {
        (p, "missing") for p in missing
    }
    assert not [p for p in problems if p.path in blank and p.code != "missing"]


def _related() -> evalrules.CompiledRubric:
    """The test rubric with relations within a row: a part and its whole, a total."""
    import yaml

    raw = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    table = raw["facts"]["schools"]
    table["columns"]["whole"] = {
        "type": "count",
        "optional": True,
        "unit": "人",
        "plausible_max": 20000,
        "description": {"zh": "全校在校生数", "en": "Pupils of the school"},
    }
    table["cross_checks"] = [{"kind": "part_of", "columns": ["qualified_teachers", "pupils"]}]
    table["totals"] = {"whole": "pupils"}
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rubric.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return ENGINE.compile(ENGINE.load_rubric(path))


RELATED = _related()


@SLOW
@given(valid_facts(RELATED))
def test_the_test_kit_draws_rows_that_meet_their_relations(doc):
    table = RELATED.validate(doc)["schools"]
    for row in table.rows:
        assert row.values["qualified_teachers"] <= row.values["pupils"]
        if "whole" in row.values:
            assert row.values["whole"] == row.values["pupils"]
