"""The scorecard JSON writer gives, byte for byte, what the writer before it gave.

The writer in ``evalrules._scorecard._json`` was rewritten for speed; the one it replaced is
kept in ``tests/unit/_json_reference.py``. Both write the bundled example, generated Panjin
facts and generated rubrics (every precision, bonus items, vetoes, not-applicable items), and
arbitrary plain data, with every indent.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import _json_reference as reference
import attrs
import pytest
from _generate import scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalrules
import evalrules_national
import evalrules_panjin
from evalrules import Entity, Scorecard
from evalrules._rubric._loader import build_rubric
from evalrules._scorecard._json import dumps, scorecard_to_dict
from evalrules.testing import valid_facts

INDENTS = (2, None, 0, 4)
ENGINE = engine(evalrules_panjin)
COMPILED = ENGINE.compile(ENGINE.load_rubric("panjin-county/2023"))
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_same_bytes(card: Scorecard) -> None:
    for indent in INDENTS:
        before = reference.dumps(reference.scorecard_to_dict(card), indent=indent)
        assert card.to_json(indent=indent) == before, indent


def test_the_example(compiled, example):
    card = compiled.evaluate(example)
    # the example exercises claims and evidence
    assert card.claimed
    assert card.findings
    assert_same_bytes(card)


def test_the_example_with_a_veto_and_an_entity(compiled, example):
    facts = nest({"safety.major_accident": True})
    doc = {**example.facts, "safety": {**example.facts["safety"], **facts["safety"]}}
    # a name with what JSON must escape
    card = compiled.evaluate(doc, entity=Entity("211102", '双台子区 "x" \\ \u2028 \x01'))
    assert card.vetoes
    assert_same_bytes(card)


def test_a_certification_rubrics_verdict(certification, certified):
    for changes in ({}, {"g.meetings": 1, "g.exam_admission": True}):
        card = certification.evaluate(certified.with_facts(changes))
        assert card.verdict is not None
        assert_same_bytes(card)
    assert_same_bytes(
        certification.evaluate(certified.with_facts({"g.meetings": None}), partial=True)
    )


@pytest.mark.parametrize("precision", ["0.1", "0.5", "1", "0.01", "0.0000001", "1E+1"])
@pytest.mark.parametrize("points", ["-0", "-0.0", "-0.04", "0.05", "-1.25", "1E+2", "12.345"])
def test_points_at_any_precision(compiled, example, precision, points):
    # negative zero, half-way values, exponents and more places than str() writes plainly
    card = compiled.evaluate(example)
    value = Decimal(points)
    finding = attrs.evolve(card.findings[0], points=value, nominal=value)
    node = attrs.evolve(card.indicators[0], score=value, claimed=value)
    card = attrs.evolve(
        card,
        rubric=attrs.evolve(card.rubric, precision=Decimal(precision)),
        findings=(finding, *card.findings[1:]),
        indicators=(node, *card.indicators[1:]),
        total=value,
        bonus=-value,
    )
    assert_same_bytes(card)


@SLOW
@given(valid_facts(COMPILED))
def test_generated_panjin_facts(facts):
    assert_same_bytes(COMPILED.evaluate(facts))


@SLOW
@given(scripted_rubrics())
def test_generated_rubrics(generated):
    doc, facts = generated
    card = engine(ScriptedPlugin()).compile(build_rubric(doc)).evaluate(nest(facts))
    assert_same_bytes(card)


PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.text()
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.integers(-3, 3) | st.booleans(), inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3).map(MappingProxyType)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), PLAIN, max_size=4), st.sampled_from(INDENTS))
def test_plain_data(data, indent):
    assert dumps(data, indent=indent) == reference.dumps(data, indent=indent)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1.5, TypeError),
        (Decimal("NaN"), ValueError),
        (Decimal("-Infinity"), ValueError),
        (object(), TypeError),
        (b"bytes", TypeError),
    ],
)
@pytest.mark.parametrize("indent", INDENTS)
def test_what_json_cannot_hold_is_refused_as_before(value, error, indent):
    for data in ({"a": value}, {"a": [1, {"b": value}]}):
        with pytest.raises(error) as before:
            reference.dumps(data, indent=indent)
        with pytest.raises(error) as now:
            dumps(data, indent=indent)
        assert str(now.value) == str(before.value)


def test_a_finding_shared_by_cards_is_written_for_each_as_its_own(compiled, example):
    # Cards of different documents share their findings, and a finding is written from the
    # text written for it before: that text must be what each card would write for it
    # afresh, at the card's own precision and indent.
    from evalrules._scorecard import _json

    first = compiled.evaluate(example)
    second = compiled.evaluate(example.with_facts({"kindergarten.inclusive_children": 4100}))
    shared = {id(f) for f in first.findings} & {id(f) for f in second.findings}
    assert shared  # the two cards do share findings
    finer = attrs.evolve(second, rubric=attrs.evolve(second.rubric, precision=Decimal("0.01")))
    for card in (first, second, finer, first):
        assert_same_bytes(card)
    written = {indent: finer.to_json(indent=indent) for indent in INDENTS}
    _json._FINDING_TEXTS.clear()
    _json._LEAF_TEXTS.clear()
    assert {indent: finer.to_json(indent=indent) for indent in INDENTS} == written


def test_an_indicator_is_written_from_its_own_fields_whatever_was_written_before(compiled, example):
    # A parent is written around its children's texts, after the text of its code and
    # title kept from before: a card whose indicator differs in any one of its fields (its
    # score, its claimed score, its title, one item's result) must not take another's.
    from evalrules._scorecard import _json

    card = compiled.evaluate(example)
    parent = next(n for n in card.indicators if n.children)
    item = parent.children[0]
    variants = [
        attrs.evolve(parent, score=parent.score - 1),
        attrs.evolve(parent, claimed=(parent.claimed or parent.score) + 1),
        attrs.evolve(parent, claimed=None),
        attrs.evolve(parent, title=attrs.evolve(parent.title, en=parent.title.en + " (B)")),
        attrs.evolve(parent, code=parent.code + "x"),
        attrs.evolve(parent, children=(attrs.evolve(item, status="manual"), *parent.children[1:])),
    ]
    for variant in [parent, *variants, parent]:
        indicators = tuple(variant if n is parent else n for n in card.indicators)
        assert_same_bytes(attrs.evolve(card, indicators=indicators))
    assert len(_json._HEAD_TEXTS)  # the parents' codes and titles were kept, and found again


def test_a_card_written_again_gives_the_bytes_a_fresh_writer_gives(compiled, example):
    # Everything the writer keeps between cards (findings', items' and titles' texts,
    # points, outcomes, quoted keys) gives what writing the card afresh gives, however
    # often it is written and whatever was written between.
    from evalrules._scorecard import _json

    docs = [
        example,
        *(example.with_facts({"kindergarten.inclusive_children": n}) for n in (1, 4100)),
    ]
    cards = [compiled.evaluate(d) for d in docs]
    twice = [[card.to_json(indent=indent) for indent in INDENTS] for card in cards * 2]
    for table in (
        _json._FINDING_TEXTS,
        _json._LEAF_TEXTS,
        _json._HEAD_TEXTS,
        _json._RUBRIC_TEXTS,
    ):
        table.clear()
    _json._LAYOUTS.clear()  # and the outcomes' texts each layout keeps
    _json._POINTS_TEXTS.clear()
    fresh = [[card.to_json(indent=indent) for indent in INDENTS] for card in cards]
    assert twice == fresh * 2
    for card in cards:
        assert_same_bytes(card)


def test_the_tables_of_written_texts_are_bounded_and_keep_what_is_still_written():
    from evalrules._scorecard._json import _Texts

    table = _Texts(4)
    for n in range(100):
        table.put(n, str(n))
        assert table.get(0) == "0"  # written on every card: never dropped
        assert len(table) <= 8
    assert table.get(99) == "99"
    assert table.get(50) is None


REPO = Path(__file__).resolve().parents[2]
NATIONAL = [
    ("national-balance/2017", "national-balance/examples/jia-county.facts.yaml"),
    ("national-balance/2017", "national-balance/examples/yi-county.facts.yaml"),
    ("national-preschool/2020", "national-preschool/examples/jia-county.facts.yaml"),
]


def assert_same_as_the_data(card: Scorecard) -> None:
    # to_json() writes the card straight from its values; dumps() writes the plain data
    # of to_dict(): the same bytes, for the fields the reference above does not have too.
    for indent in INDENTS:
        assert card.to_json(indent=indent) == dumps(scorecard_to_dict(card), indent=indent)


@pytest.mark.parametrize(("ref", "facts"), NATIONAL)
def test_cards_with_aggregates_rows_and_derived_evidence_write_their_data(ref, facts):
    # the national rubrics' cards: values over a table's rows (aggregates, with their
    # breakdown), findings on one row, derived values, assumed facts, a verdict
    national = evalrules.Engine(plugins=[evalrules_national], autoload=False)
    compiled = national.compile(national.load_rubric(ref))
    doc = national.load_facts(REPO / "rubrics" / facts)
    card = compiled.evaluate(doc)
    assert card.aggregates
    assert_same_as_the_data(card)
    assert_same_as_the_data(compiled.evaluate(doc, partial=True))
    assert_same_as_the_data(compiled.sensitivity(doc, card))


def test_a_card_with_claims_and_sensitivity_cases_writes_its_data(compiled, example):
    card = compiled.evaluate(example)
    assert card.claimed
    assert_same_as_the_data(card)
    sensitive = compiled.sensitivity(example, card)
    assert sensitive.sensitivity is not None
    assert_same_as_the_data(sensitive)
    assert_same_as_the_data(attrs.evolve(card, evaluated_at="2024-01-01T00:00:00Z"))


@SLOW
@given(valid_facts(COMPILED))
def test_generated_panjin_cards_write_their_data(facts):
    assert_same_as_the_data(COMPILED.evaluate(facts))


def test_claims_of_every_form_write_as_before(compiled, example):
    card = compiled.evaluate(example)
    claims = list(card.claimed or ())
    assert len(claims) > 2
    claims[0] = attrs.evolve(claims[0], depends_on_cohort=True, findings=())
    claims[1] = attrs.evolve(
        claims[1],
        code='A1 "引号" \\ \u2028',
        findings=('A1-a "x"', "B\\2", "\x01"),
        reason=evalrules.Text('理由 "x" \x1f', "why \\ \ud800"),
        difference=Decimal("-0.0"),
    )
    for changed in (tuple(claims), (), tuple(claims[:1]), tuple(claims[1:])):
        assert_same_as_the_data(attrs.evolve(card, claimed=changed))
    # The writer before had no depends_on_cohort; without it, its bytes too.
    assert_same_bytes(attrs.evolve(card, claimed=tuple(claims[1:])))


@pytest.mark.parametrize("indent", INDENTS)
@pytest.mark.parametrize("depth", [0, 1, 3, 30])
def test_a_card_embedded_at_any_depth_gives_the_bytes_of_its_data(compiled, example, indent, depth):
    # A cohort embeds its members' cards as their own writer wrote them (Embedded): at any
    # depth (beyond the writer's first levels of indentation too) and any indent, the bytes
    # are those of the card's data written in place.
    from evalrules._scorecard._json import Embedded

    card = compiled.evaluate(example)
    text = card.to_json(indent=indent)
    embedded = Embedded(text if indent is None else text[:-1])
    data = scorecard_to_dict(card)

    def nested(value: object) -> object:
        for level in range(depth):
            value = {"members": [value, level]} if level % 2 else [{"card": value}]
        return value

    assert dumps(nested(embedded), indent=indent) == dumps(nested(data), indent=indent)
