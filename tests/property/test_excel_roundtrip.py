"""Any valid facts document → fact-collection workbook → read back: the same document, and
the same scorecard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
from evalrules._excel._form import facts_workbook
from evalrules._excel._read import read_workbook
from evalrules.errors import FactsError
from evalrules.testing import valid_facts

TINY = """\
evalrules: rubric/1
family: tiny-county
year: 2024
version: "1.0.0"
title: {zh: 测试评价方案, en: Test rubric}
source: {number: 测试〔2024〕1号, title: 测试方案}
total: 10
precision: "0.1"
rounding: ROUND_HALF_UP
not_applicable: full
grades:
  - {code: pass, label: {zh: 合格, en: Pass}, min: 6}
  - {code: fail, label: {zh: 不合格, en: Fail}}
facts:
  x.rate: {type: percent, unit: "%", description: {zh: 达标率, en: Rate}}
  # Bounded: Excel holds 15 significant digits, and the writer refuses a value with more
  # (test_a_number_excel_cannot_hold_is_refused below).
  x.share: {type: ratio, description: {zh: 比值, en: Share}, required: false, maximum: 1000000}
  x.note: {type: text, description: {zh: 说明, en: Note}, required: false}
  x.judgement: {type: judgement, description: {zh: 评估人员判断, en: Judgement}}
indicators:
  - code: "1"
    title: {zh: 达标, en: Compliance}
    max: 6
    rules:
      - code: T-1
        kind: threshold
        name: {zh: 未达标, en: Below standard}
        params: {fact: x.rate, op: ">=", value: 90, deduct: 2}
        source: {inferred: true, why: 测试}
  - code: "2"
    title: {zh: 酌情, en: Judged}
    max: 4
    rules:
      - code: T-2
        kind: manual
        name: {zh: 酌情扣分, en: Judgement}
        params: {fact: x.judgement}
        source: {inferred: true, why: 测试}
"""

# Text a workbook cell holds as typed: no control characters or lone surrogates; an empty
# text is an empty cell, which is a missing value.
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


def _claims(compiled: evalrules.CompiledRubric) -> st.SearchStrategy[dict]:
    codes = {n.code: n.max for n in compiled.rubric.walk()}
    return st.dictionaries(
        st.sampled_from(sorted(codes)),
        st.decimals(min_value=0, max_value=6, places=1, allow_nan=False, allow_infinity=False),
        max_size=4,
    )


@pytest.fixture(scope="module")
def tiny(engine, tmp_path_factory) -> evalrules.CompiledRubric:
    path = tmp_path_factory.mktemp("tiny") / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return engine.compile(engine.load_rubric(path))


def _without_empty(value):
    """A workbook has no cell for a series without years: it reads as no series at all."""
    if not isinstance(value, dict):
        return value
    kept = {k: _without_empty(v) for k, v in value.items()}
    return {k: v for k, v in kept.items() if v != {}}


def _round_trip(engine, compiled, facts, claimed):
    types = {r.name: r.item for r in engine.fact_types}
    doc = evalrules.FactsDocument(
        facts=_without_empty(facts),
        entity=evalrules.Entity("211102", "双台子区"),
        rubric=compiled.rubric.ref,
        claimed={k: v for k, v in claimed.items() if v <= compiled.rubric.indicator(k).max},
    )
    back = read_workbook(facts_workbook(compiled, types, doc), "f.xlsx")
    assert back == doc
    original = evalrules.FactsDocument(facts=facts, entity=doc.entity, claimed=doc.claimed)
    assert compiled.evaluate(back) == compiled.evaluate(original)


@settings(max_examples=20)
@given(data=st.data())
def test_panjin_facts_round_trip_through_a_workbook(engine, compiled, data):
    facts = data.draw(valid_facts(compiled))
    _round_trip(engine, compiled, facts, data.draw(_claims(compiled)))


@settings(max_examples=20)
@given(data=st.data())
def test_text_ratio_and_judgement_round_trip_through_a_workbook(engine, tiny, data):
    judgement = st.fixed_dictionaries(
        {
            "deduct": st.decimals(min_value=0, places=1, max_value=100, allow_nan=False),
            "reason": _TEXT,
        }
    )
    facts = data.draw(valid_facts(tiny, types={"text": _TEXT, "judgement": judgement}))
    _round_trip(engine, tiny, facts, data.draw(_claims(tiny)))


def test_a_percentage_and_a_ratio_keep_their_digits(engine, tiny):
    facts = {
        "x": {
            "rate": Decimal("84.92"),
            "share": Decimal("0.8492"),
            "judgement": {"deduct": Decimal("0.5"), "reason": " 资料=不全 "},
        }
    }
    _round_trip(engine, tiny, facts, {})


def test_a_number_excel_cannot_hold_is_refused(engine, tiny):
    types = {r.name: r.item for r in engine.fact_types}
    facts = {
        "x": {
            "rate": 90,
            "share": Decimal("100000000000.0001"),
            "judgement": {"deduct": 0, "reason": "-"},
        }
    }
    with pytest.raises(FactsError) as info:
        facts_workbook(tiny, types, evalrules.FactsDocument(facts=facts))
    assert [(p.path, p.code) for p in info.value.problems] == [("x.share", "cannot-write")]
