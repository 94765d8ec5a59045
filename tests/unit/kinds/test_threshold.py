"""The ``threshold`` rule kind: met / missed, operators, exact comparison, parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import assert_problems, deductions, evaluate, fact, nest, rule, rule_problems, single

from evalrules._points import context
from evalrules._rules._builtin import THRESHOLD

PERCENT = {"x.value": fact("percent", unit="%")}


def _card(tmp_path, params: dict[str, Any], value: Any, *, facts=PERCENT, max_points=10):
    doc = single([rule("R-1", "threshold", params)], facts, max_points=max_points)
    return evaluate(tmp_path, doc, nest({"x.value": value}))


# ------------------------------------------------------------------------------ outcomes

OUTCOMES = {
    "met": (Decimal("50"), Decimal("10.0")),
    "missed": (Decimal("49.9"), Decimal("7.0")),
}


def test_every_outcome_is_covered():
    assert set(OUTCOMES) == set(THRESHOLD.outcomes)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome(tmp_path, outcome):
    value, score = OUTCOMES[outcome]
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 50, "deduct": 3}, value)
    assert card.outcomes == (("R-1", outcome),)
    assert card.node("1").score == score


def test_missed_finding_names_value_standard_and_points(tmp_path):
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 50, "deduct": 3}, 40)
    (finding,) = card.findings
    assert finding.kind == "deduction"
    assert finding.outcome == "missed"
    assert finding.points == Decimal("-3")
    assert finding.message_id == "threshold.missed"
    assert "40%" in finding.message.zh
    assert "50%" in finding.message.zh
    assert "−3" in finding.message.en
    assert finding.evidence.facts == (("x.value", Decimal("40")),)
    assert dict(finding.evidence.params) == {"op": ">=", "value": 50, "deduct": 3}


def test_met_leaves_no_finding(tmp_path):
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 50}, 80)
    assert card.findings == ()


def test_deduct_defaults_to_the_whole_item(tmp_path):
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 50}, 10, max_points=4)
    assert card.node("1").score == 0
    assert [f.points for f in deductions(card)] == [Decimal("-4")]


def test_deduct_defaults_to_the_rules_points_share(tmp_path):
    params = {"fact": "x.value", "op": ">=", "value": 50, "points": Decimal("1.5")}
    card = _card(tmp_path, params, 10, max_points=4)
    assert card.node("1").score == Decimal("2.5")


# ----------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("op", "value", "met"),
    [
        (">=", 50, True),  # inclusive: the boundary meets it
        (">=", Decimal("49.99"), False),
        (">", 50, False),  # exclusive: the boundary misses
        (">", Decimal("50.01"), True),
        ("<=", 50, True),
        ("<=", Decimal("50.01"), False),
        ("<", 50, False),
        ("<", Decimal("49.99"), True),
        ("==", 50, True),
        ("==", Decimal("50.0"), True),
        ("!=", 50, False),
        ("!=", 51, True),
    ],
)
def test_operators_compare_exactly(tmp_path, op, value, met):
    # the fact is `value`, the standard is 50: `value op 50`
    card = _card(tmp_path, {"fact": "x.value", "op": op, "value": 50, "deduct": 1}, value)
    assert card.outcomes == (("R-1", "met" if met else "missed"),)


def test_no_rounding_before_comparing(tmp_path):
    # 84.92 reads as "85%" in a report, but 84.92 < 85.
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 85}, Decimal("84.92"))
    assert card.outcomes == (("R-1", "missed"),)


@pytest.mark.parametrize(("observed", "outcome"), [(True, "met"), (False, "missed")])
def test_boolean_fact(tmp_path, observed, outcome):
    facts = {"x.value": fact("boolean")}
    params = {"fact": "x.value", "op": "==", "value": True}
    assert _card(tmp_path, params, observed, facts=facts).outcomes == (("R-1", outcome),)


@pytest.mark.parametrize(("observed", "outcome"), [("达标", "met"), ("未达标", "missed")])
def test_text_fact(tmp_path, observed, outcome):
    facts = {"x.value": fact("text")}
    params = {"fact": "x.value", "op": "==", "value": "达标"}
    assert _card(tmp_path, params, observed, facts=facts).outcomes == (("R-1", outcome),)


def test_derived_fact_shows_in_evidence_with_inputs(tmp_path):
    facts = {"k.part": fact("count"), "k.whole": fact("count")}
    derived = {
        "derived.k.share": {
            "formula": "share",
            "inputs": ["k.part", "k.whole"],
            "unit": "%",
            "description": {"zh": "占比", "en": "share"},
        }
    }
    params = {"fact": "derived.k.share", "op": ">=", "value": 85}
    doc = single([rule("R-1", "threshold", params)], facts, derived=derived)
    card = evaluate(tmp_path, doc, nest({"k.part": 4443, "k.whole": 5232}))
    (finding,) = card.findings
    (dv,) = finding.evidence.derived
    assert dv.path == "derived.k.share"
    assert dv.formula == "share"
    assert dv.inputs == (("k.part", 4443), ("k.whole", 5232))
    exact = context().multiply(context().divide(Decimal(4443), Decimal(5232)), Decimal(100))
    assert dv.value == exact
    assert "84.92%" in finding.message.zh


# ---------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"fact": "x.value", "op": "=>", "value": 50}, ("params.op", "bad-params")),
        ({"fact": "x.value", "value": 50}, ("params.op", "bad-params")),
        ({"fact": "x.value", "op": ">="}, ("params.value", "bad-params")),
        ({"op": ">=", "value": 50}, ("params.fact", "bad-params")),
        ({"fact": "", "op": ">=", "value": 50}, ("params.fact", "bad-params")),
        ({"fact": "x.value", "op": ">=", "value": [50]}, ("params.value", "bad-params")),
        (
            {"fact": "x.value", "op": ">=", "value": 50, "deduct": -1},
            ("params.deduct", "bad-params"),
        ),
        (
            {"fact": "x.value", "op": ">=", "value": 50, "deduct": "1"},
            ("params.deduct", "bad-params"),
        ),
        (
            {"fact": "x.value", "op": ">=", "value": 50, "points": -1},
            ("params.points", "bad-params"),
        ),
        (
            {"fact": "x.value", "op": ">=", "value": 50, "dedcut": 1},
            ("params.dedcut", "bad-params"),
        ),
        (
            {"fact": "x.value", "op": ">=", "value": True},
            (None, "bad-params", "params.value: operator >= needs a number, got True"),
        ),
        (
            {"fact": "x.value", "op": "<", "value": "五十"},
            (
                None,
                "bad-params",
                "params: x.value is a percent; the comparison needs a number, not '五十'",
            ),
        ),
    ],
)
def test_bad_parameters_fail_at_load_time(tmp_path, params, problem):
    assert_problems(rule_problems(tmp_path, [rule("R-1", "threshold", params)], PERCENT), problem)


def test_undeclared_fact_fails_at_load_time(tmp_path):
    params = {"fact": "y.value", "op": ">=", "value": 50}
    found = rule_problems(tmp_path, [rule("R-1", "threshold", params)], PERCENT)
    message = "reads fact 'y.value', which the rubric does not declare"
    assert_problems(found, (None, "undeclared-fact", message))


@pytest.mark.parametrize(
    ("ftype", "op", "value", "message"),
    [
        # a boolean has no order
        ("boolean", ">=", 1, "params: x.value is a boolean; operator >= needs a number"),
        ("text", ">", 5, "params: x.value is a text; operator > needs a number"),
        # a number never equals a boolean
        (
            "boolean",
            "==",
            1,
            "params: x.value is a boolean; compare it with true or false (unquoted), not 1",
        ),
        (
            "percent",
            "==",
            True,
            "params: x.value is a percent; the comparison needs a number, not True",
        ),
        (
            "count",
            "==",
            "many",
            "params: x.value is a count; the comparison needs a number, not 'many'",
        ),
    ],
)
def test_comparison_that_cannot_work_on_the_facts_type_fails_at_load_time(
    tmp_path, ftype, op, value, message
):
    facts = {"x.value": fact(ftype)}
    params = {"fact": "x.value", "op": op, "value": value}
    found = rule_problems(tmp_path, [rule("R-1", "threshold", params)], facts)
    assert_problems(found, (None, "bad-params", message))


# ------------------------------------------------------------------- digits of the value

CV = {"x.value": fact("ratio")}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.504900", "0.5049"),  # two decimals would write 0.50, read as "0.5", the limit
        ("0.500001", "0.500001"),
        ("0.597745", "0.5977"),  # not "0.6"
        ("0.512345", "0.51"),  # two decimals differ from the limit already
    ],
)
def test_a_value_above_its_limit_never_reads_as_the_limit(tmp_path, value, shown):
    params = {"fact": "x.value", "op": "<=", "value": 0.5}
    card = _card(tmp_path, params, Decimal(value), facts=CV)
    (finding,) = card.findings
    assert f"为{shown},超过0.5的标准" in finding.message.zh
    assert f"is {shown}, above the standard of 0.5" in finding.message.en
    assert finding.params["value"] == Decimal(value)  # the field itself stays exact


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("人", "为40人,低于50人的标准", "is 40, below the standard of 50:"),
        ("元", "为40元,低于50元的标准", "is 40 yuan, below the standard of 50 yuan:"),
        ("平方米", "为40平方米,低于50平方米的标准", "is 40 m², below the standard of 50 m²:"),
    ],
)
def test_an_english_message_writes_the_unit_in_english(tmp_path, unit, zh, en):
    facts = {"x.value": fact("count", unit=unit)}
    card = _card(tmp_path, {"fact": "x.value", "op": ">=", "value": 50}, 40, facts=facts)
    (finding,) = card.findings
    assert zh in finding.message.zh
    assert en in finding.message.en
    assert unit not in finding.message.en
