"""Scoring semantics (docs/explanation/scoring.md): each rule written there is tested here.

Most tests use the ``scripted`` rule kind (tests/unit/_rubrics.py), whose deductions, awards
and vetoes are its parameters, so a semantic is tested without a builtin kind in between.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from _rubrics import (
    evaluate,
    fact,
    item,
    minimal,
    nest,
    node,
    rule,
    scripted_card,
)

D = Decimal


def scripted(code: str = "S-1", **params: Any) -> dict[str, Any]:
    """A scripted rule (score phase)."""
    return rule(code, "scripted", params)


def one_item(max_points: Any, *rules: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc = minimal()
    doc["facts"] = {}
    doc["indicators"] = [node("A", max_points, [item("1", max_points, list(rules))])]
    doc["total"] = max_points
    doc.update(top)
    return doc


def item_findings(card, code: str = "1"):
    return [f for f in card.findings if f.indicator == code and f.kind in ("deduction", "manual")]


def reconciles(card) -> None:
    """Every scored item's effective deductions add up exactly to max − score."""
    for top in card.indicators:
        for n in top.walk():
            if n.children or n.status != "scored":
                continue
            lost = -sum((f.points for f in item_findings(card, n.code)), D(0))
            assert lost == n.max - n.score, (n.code, lost, n.max, n.score)


# ------------------------------------------------------------------ exact decimal points


def test_points_are_decimals_and_sums_are_exact(tmp_path):
    # 4.8 + 4.7 + 4.5 = 14.0, not 14.000000000000002
    doc = minimal()
    doc["facts"] = {}
    doc["indicators"] = [
        node(
            "A",
            15,
            [
                item("3.1", 5, [scripted("S-1", deductions=[D("0.2")])]),
                item("3.2", 5, [scripted("S-2", deductions=[D("0.3")])]),
                item("3.3", 5, [scripted("S-3", deductions=[D("0.5")])]),
            ],
        )
    ]
    doc["total"] = 15
    card = scripted_card(tmp_path, doc)
    assert [card.node(c).score for c in ("3.1", "3.2", "3.3")] == [D("4.8"), D("4.7"), D("4.5")]
    assert card.node("A").score == D("14.0")
    assert str(card.total) == "14.0"
    assert all(isinstance(n.score, Decimal) for n in card.walk())


# -------------------------------------------------------------- one quantization per item


def test_one_quantization_at_the_item_half_up(tmp_path):
    # 0.25 + 0.25 = 0.5 exactly; rounding each first would give 0.6 (up) or 0.4 (even)
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[D("0.25"), D("0.25")])))
    assert card.node("1").score == D("2.5")
    reconciles(card)


@pytest.mark.parametrize(
    ("deduction", "score"),
    [(D("0.25"), D("2.8")), (D("0.35"), D("2.7")), (D("0.24"), D("2.8")), (D("0.26"), D("2.7"))],
)
def test_half_up(tmp_path, deduction, score):
    # 2.75 → 2.8 and 2.65 → 2.7: ROUND_HALF_UP (half even would give 2.8 and 2.6)
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[deduction])))
    assert card.node("1").score == score
    reconciles(card)


@pytest.mark.parametrize(
    ("rounding", "precision", "score"),
    [
        ("ROUND_HALF_EVEN", "0.1", D("2.6")),
        ("ROUND_DOWN", "0.1", D("2.6")),
        ("ROUND_UP", "0.1", D("2.7")),
        ("ROUND_HALF_UP", "1", D("3")),
        ("ROUND_HALF_UP", "0.01", D("2.65")),
        ("ROUND_HALF_UP", "0.5", D("2.5")),
    ],
)
def test_the_rubric_declares_precision_and_rounding(tmp_path, rounding, precision, score):
    doc = one_item(3, scripted(deductions=[D("0.35")]), rounding=rounding, precision=precision)
    card = scripted_card(tmp_path, doc)
    assert card.node("1").score == score
    reconciles(card)


@pytest.mark.parametrize(
    ("deductions", "score"),
    [
        ([D("0.3")], D("2.5")),  # 2.7 → 2.5 (a multiple of 0.5, not of 0.1)
        ([D("0.2")], D("3")),  # 2.8 → 3.0
        ([D("0.75")], D("2.5")),  # 2.25 → 2.5 (half up)
    ],
)
def test_half_point_precision_gives_multiples_of_half_a_point(tmp_path, deductions, score):
    doc = one_item(3, scripted(deductions=deductions), precision="0.5")
    card = scripted_card(tmp_path, doc)
    assert card.node("1").score == score
    reconciles(card)
    for f in card.findings:
        assert (f.points / D("0.5")) == (f.points / D("0.5")).to_integral_value()


# ------------------------------------------------------------- 扣完为止: clamped to [0, max]


def test_never_below_zero(tmp_path):
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[2, 2, 2])))
    assert card.node("1").score == 0
    assert [f.points for f in item_findings(card)] == [D(-2), D(-1), D(0)]
    assert [f.nominal for f in item_findings(card)] == [D(2), D(2), D(2)]
    reconciles(card)


def test_never_above_max(tmp_path):
    # a plugin that "deducts" a negative amount cannot lift an item above its max
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[-2, D("0.5")])))
    assert card.node("1").score == 3
    assert item_findings(card) == []


# ------------------------------------------------------------------- deductions reconcile


@pytest.mark.parametrize(
    "deductions",
    [
        [D("0.03"), D("0.03"), D("0.03")],  # 0.09 → 0.1 lost, but each is below 0.05
        [D("0.04"), D("0.04")],
        [D("0.05"), D("0.05"), D("0.05")],
        [D("0.14"), D("0.14"), D("0.14"), D("0.14")],
        [D(1) / D(3), D(1) / D(3)],
        [D("2.96"), D("0.01")],
    ],
)
def test_effective_deductions_add_up_exactly_to_the_points_lost(tmp_path, deductions):
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=deductions)))
    reconciles(card)
    for f in card.findings:
        # every finding's points are written with the rubric's precision
        assert f.points == f.points.quantize(D("0.1"))


def test_rounding_residue_stays_with_the_deductions_and_zero_out(tmp_path):
    doc = one_item(3, scripted(deductions=[D("0.05"), D("0.05")], zero_out=True))
    card = scripted_card(tmp_path, doc)
    assert card.node("1").score == 0
    assert sum(f.points for f in item_findings(card)) == D(-3)
    for f in card.findings:
        assert f.points == f.points.quantize(D("0.1"))


def test_manual_deductions_reconcile_with_computed_ones(tmp_path):
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[1], manual=[D("2.5")])))
    assert card.node("1").score == 0
    assert [(f.kind, f.points) for f in item_findings(card)] == [
        ("deduction", D(-1)),
        ("manual", D(-2)),
    ]


def test_full_marks_carry_no_deduction(tmp_path):
    # 0.04 rounds away: the item keeps 3.0, and no finding claims points were lost
    card = scripted_card(tmp_path, one_item(3, scripted(deductions=[D("0.04")])))
    assert card.node("1").score == 3
    assert card.findings == ()
    assert card.outcomes == (("S-1", "deducted"),)


# ------------------------------------------------------------------------ parents, totals


def test_a_parent_is_the_exact_sum_of_its_children(tmp_path):
    doc = minimal()
    doc["facts"] = {}
    doc["indicators"] = [
        node(
            "A",
            6,
            [
                node(
                    "1",
                    6,
                    [
                        item("1.1", 1, [scripted("S-1", deductions=[D("0.15")])]),
                        item("1.2", 2, [scripted("S-2", deductions=[D("0.15")])]),
                        item("1.3", 3, [scripted("S-3", deductions=[D("0.15")])]),
                    ],
                )
            ],
        ),
        node("B", 4, [item("2", 4, [scripted("S-4")])]),
    ]
    doc["total"] = 10
    card = scripted_card(tmp_path, doc)
    # each item: x − 0.15 → x − 0.1 (0.85 → 0.9 half up); the parent adds exactly
    assert [card.node(c).score for c in ("1.1", "1.2", "1.3")] == [D("0.9"), D("1.9"), D("2.9")]
    assert card.node("1").score == D("5.7")
    assert card.node("A").score == D("5.7")
    assert card.total == D("9.7")
    assert card.max == 10


def test_parent_status(tmp_path):
    facts = {"s.has": fact("boolean")}
    na = rule("NA-1", "not_applicable_when", {"when": {"fact": "s.has", "value": False}})
    na2 = rule("NA-2", "not_applicable_when", {"when": {"fact": "s.has", "value": False}})
    doc = minimal()
    doc["facts"] = facts
    doc["indicators"] = [
        node("A", 4, [item("1", 2, [na, scripted("S-1")]), item("2", 2, [na2, scripted("S-2")])]),
        node("B", 2, [item("3", 2, [scripted("S-3")])]),
    ]
    doc["total"] = 6
    card = scripted_card(tmp_path, doc, {"s": {"has": False}})
    assert card.node("A").status == "not_applicable"  # all its children are
    assert card.node("B").status == "scored"


# ------------------------------------------------------------------------ not applicable


def _na_rubric(policy: str) -> dict[str, Any]:
    na = rule("NA-1", "not_applicable_when", {"when": {"fact": "s.has", "value": False}})
    doc = minimal()
    doc["facts"] = {"s.has": fact("boolean")}
    doc["not_applicable"] = policy
    doc["indicators"] = [
        node(
            "A",
            100,
            [
                item("1", 40, [na, scripted("S-1", deductions=[10])]),
                item("2", 60, [scripted("S-2", deductions=[6])]),
            ],
        )
    ]
    doc["total"] = 100
    return doc


@pytest.mark.parametrize(
    ("policy", "item_score", "base_total", "points"),
    [
        ("full", D(40), D(94), D(0)),
        ("zero", D(0), D(54), D(-40)),
        # excluded: 54 of the 60 applicable points, rescaled to 100 → 90
        ("exclude", D(0), D("90.0"), D(0)),
    ],
)
def test_not_applicable_policies(tmp_path, policy, item_score, base_total, points):
    card = scripted_card(tmp_path, _na_rubric(policy), {"s": {"has": False}})
    n = card.node("1")
    assert (n.score, n.status) == (item_score, "not_applicable")
    assert card.base_total == base_total == card.total
    (finding,) = card.findings_for("1")
    assert finding.kind == "not_applicable"
    assert finding.effect == policy  # the finding says which policy applied
    assert finding.points == points
    assert {"full": "按满分计", "zero": "按0分计", "exclude": "不计分"}[
        policy
    ] in finding.message.zh


def test_exclude_rescales_with_one_quantization(tmp_path):
    doc = _na_rubric("exclude")
    doc["indicators"][0]["children"][1]["rules"][0]["params"]["deductions"] = [D("6.1")]
    card = scripted_card(tmp_path, doc, {"s": {"has": False}})
    # 53.9 / 60 × 100 = 89.8333… → 89.8
    assert card.base_total == D("89.8")
    assert card.grade.code == "good"


def test_exclude_everything(tmp_path):
    doc = _na_rubric("exclude")
    doc["indicators"][0]["children"][1]["rules"].insert(
        0, rule("NA-2", "not_applicable_when", {"when": {"fact": "s.has", "value": False}})
    )
    card = scripted_card(tmp_path, doc, {"s": {"has": False}})
    assert card.total == 0


def test_applicable_items_are_scored_normally(tmp_path):
    card = scripted_card(tmp_path, _na_rubric("exclude"), {"s": {"has": True}})
    assert card.total == 84
    assert card.node("1").status == "scored"


# -------------------------------------------------------------------------------- bonus


def _bonus_rubric(*bonus_items: dict[str, Any], cap: Any = None) -> dict[str, Any]:
    doc = one_item(100, scripted("S-1"))
    doc["bonus"] = list(bonus_items)
    doc["bonus_cap"] = cap
    return doc


def _award(code: str, max_points: Any, *awards: Any) -> dict[str, Any]:
    return item(code, max_points, [rule(f"R-{code}", "scripted_bonus", {"awards": list(awards)})])


def test_bonus_is_added_on_top_and_the_total_may_exceed_100(tmp_path):
    card = scripted_card(tmp_path, _bonus_rubric(_award("B1", 2, 1)))
    assert (card.base_total, card.bonus, card.total) == (D(100), D(1), D(101))
    assert card.max == 100
    assert card.grade.code == "excellent"


def test_bonus_is_capped_per_item(tmp_path):
    card = scripted_card(tmp_path, _bonus_rubric(_award("B1", 1, 1, 1)))
    assert card.node("B1").score == 1
    assert [f.points for f in card.findings_for("B1")] == [D(1)]
    assert card.total == 101


def test_bonus_is_capped_per_rubric(tmp_path):
    card = scripted_card(
        tmp_path,
        _bonus_rubric(_award("B1", 1, 1), _award("B2", 1, 1), _award("B3", 1, 1), cap=D("1.5")),
    )
    assert card.bonus == D("1.5")
    assert [card.node(c).score for c in ("B1", "B2", "B3")] == [D(1), D("0.5"), D(0)]
    assert [(f.indicator, f.points) for f in card.findings if f.kind == "bonus"] == [
        ("B1", D(1)),
        ("B2", D("0.5")),
    ]


def test_bonus_is_quantized_once_and_findings_match_the_item(tmp_path):
    # 0.25 → 0.3 (half up); the finding must say 0.3, as the item does
    card = scripted_card(tmp_path, _bonus_rubric(_award("B1", 1, D("0.25"))))
    assert card.node("B1").score == D("0.3")
    assert [f.points for f in card.findings_for("B1")] == [D("0.3")]
    assert "0.3" in card.findings_for("B1")[0].message.zh


def test_bonus_findings_add_up_to_the_bonus(tmp_path):
    card = scripted_card(tmp_path, _bonus_rubric(_award("B1", 2, D("0.04"), D("0.04"), D("0.04"))))
    assert card.node("B1").score == D("0.1")
    assert sum(f.points for f in card.findings_for("B1")) == D("0.1")
    for f in card.findings:
        assert f.points == f.points.quantize(D("0.1"))


# -------------------------------------------------------------------------------- vetoes


@pytest.mark.parametrize(
    ("effects", "total", "grade"),
    [
        (["cap_below_top"], 95, "good"),
        (["lower_one"], 95, "good"),
        (["force_fail"], 95, "fail"),
        (["cap_below_top", "lower_one"], 85, "pass"),  # lower_one decides more than the cap
        (["lower_one", "force_fail"], 95, "fail"),
        (["cap_below_top", "force_fail", "lower_one"], 95, "fail"),
        (["lower_one", "lower_one"], 95, "good"),  # two vetoes lower one grade, not two
        ([], 95, "excellent"),
    ],
)
def test_veto_precedence(tmp_path, effects, total, grade):
    doc = one_item(100, scripted(deductions=[100 - total], vetoes=effects))
    card = scripted_card(tmp_path, doc)
    assert card.total == total  # a veto never changes the score
    assert card.grade.code == grade
    assert [v.effect for v in card.vetoes] == effects


# ------------------------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (D("89.9"), "good"),
        (80, "good"),
        (D("79.9"), "pass"),
        (60, "pass"),
        (D("59.9"), "fail"),
        (0, "fail"),
    ],
)
def test_grade_lower_edges_are_inclusive(tmp_path, total, grade):
    card = scripted_card(tmp_path, one_item(100, scripted(deductions=[100 - D(total)])))
    assert card.total == total
    assert (card.grade.code, card.grade.base) == (grade, grade)


# ------------------------------------------------------------------------------- claims


def test_claims_explain_the_difference_with_the_findings(tmp_path):
    doc = minimal()
    doc["facts"] = {}
    doc["indicators"] = [
        node(
            "A",
            10,
            [
                item("1", 5, [scripted("S-1", deductions=[2])]),
                item("2", 5, [scripted("S-2")]),
            ],
        )
    ]
    card = scripted_card(tmp_path, doc, claimed={"1": 5, "2": 5, "A": 10, "total": 10})
    by_code = {c.code: c for c in card.claimed}
    assert by_code["2"].agrees
    for code in ("1", "A", "total"):
        c = by_code[code]
        assert (c.claimed, c.computed, c.difference) == (
            D(10 if code != "1" else 5),
            D(8 if code != "1" else 3),
            D(2),
        )
        assert c.findings == ("S-1",)
        assert "[S-1]" in c.reason.zh
    assert card.node("1").claimed == 5


def test_claims_in_a_facts_document(tmp_path):
    doc = one_item(10, rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50}))
    doc["facts"] = {"x.value": fact("percent")}
    from evalrules import FactsDocument

    facts = FactsDocument(nest({"x.value": 40}), claimed={"total": D(10)})
    card = evaluate(tmp_path, doc, facts.facts, claimed=facts.claimed)
    (total,) = card.claimed
    assert (total.code, total.difference) == ("total", D(10))
