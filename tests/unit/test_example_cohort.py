"""The bundled example cohort: the four Panjin units, 双台子区 as reported, the three others
constructed for the example and saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

import evalrules

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "rubrics" / "panjin-county" / "examples"
COHORT = EXAMPLES / "cohort"
FILES = sorted(COHORT.glob("*.facts.yaml"))
REPORTED = "211102"


def _given(facts, declared, prefix=""):
    """The declared facts a document gives (a series is one fact)."""
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if path in declared:
            yield path
        else:
            yield from _given(value, declared, path + ".")


@pytest.fixture(scope="module")
def documents() -> dict[str, evalrules.FactsDocument]:
    docs = [evalrules.load_facts(path) for path in FILES]
    return {doc.entity.id: doc for doc in docs if doc.entity is not None}


def test_the_cohort_is_the_four_units_of_panjin(documents):
    names = {eid: doc.entity.name for eid, doc in documents.items()}
    assert names == {
        "211102": "双台子区",
        "211103": "兴隆台区",
        "211104": "大洼区",
        "211122": "盘山县",
    }
    # Each file is named by its code, so a folder read in name order is in code order.
    assert [path.name[:6] for path in FILES] == sorted(names)


def test_the_reported_unit_is_the_bundled_example(documents):
    reported = documents[REPORTED]
    original = evalrules.load_facts(EXAMPLES / "shuangtaizi-2023.facts.yaml")
    assert reported == original  # facts, entity, rubric and claimed scores
    assert reported.assumed == original.assumed


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_document_evaluates_under_the_2023_rubric(compiled, path):
    doc = evalrules.load_facts(path)
    assert doc.rubric == "panjin-county/2023"
    card = compiled.evaluate(doc)  # refused documents raise
    assert card.complete
    assert card.claimed is not None


def test_every_constructed_fact_says_it_is_constructed(panjin, documents):
    declared = {fact.path for fact in panjin.facts}
    for eid, doc in documents.items():
        if eid == REPORTED:
            continue
        given = set(_given(doc.facts, declared))
        assert given == set(doc.assumed), eid
        for path, note in doc.assumed.items():
            assert "构造" in note.zh, (eid, path)
            assert "constructed" in note.en, (eid, path)
        text = (COHORT / next(p.name for p in FILES if p.name.startswith(eid))).read_text("utf-8")
        assert "CONSTRUCTED FOR THE" in text.split("\nevalrules:")[0]
    readme = (COHORT / "README.md").read_text("utf-8")
    assert "constructed for the example" in readme


def test_the_units_differ_enough_for_a_ranking_to_show_something(compiled, documents):
    cards = {eid: compiled.evaluate(doc) for eid, doc in documents.items()}
    totals = [card.total for card in cards.values()]
    assert len(set(totals)) == len(totals)  # no tie: a strict order
    assert any(card.vetoes for card in cards.values())
    assert any(card.grade.code != "excellent" for card in cards.values())
    # a grade that the ranking by total alone does not tell: a veto changed it
    assert any(card.grade.base != card.grade.code for card in cards.values())
    with_high_school = [
        eid for eid, doc in documents.items() if doc.facts["schools"]["has_high_school"]
    ]
    with_private = [
        eid for eid, doc in documents.items() if doc.facts["schools"]["has_private_schools"]
    ]
    assert {"211104", "211122"} <= set(with_high_school) & set(with_private)
    # each constructed unit claims a score the computed one does not confirm
    for eid, card in cards.items():
        if eid != REPORTED:
            assert card.claimed is not None
            assert any(not c.agrees for c in card.claimed), eid
