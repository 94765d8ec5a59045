"""Every outcome a rule produces is one its kind lists for its parameters and item
(``RuleKind.outcomes_for``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from _rubrics import engine, fact, nest, rule, single
from hypothesis import given
from hypothesis import strategies as st

from evalrules._rubric._loader import build_rubric

POINTS = st.integers(0, 40).map(lambda n: Decimal(n) / 10)
ENGINE = engine()
KINDS = {entry.name: entry.item for entry in ENGINE.rule_kinds}


def outcome_of(kind: str, params: dict[str, Any], facts_decl, facts, max_points) -> str:
    doc = single([rule("R-1", kind, params)], facts_decl, max_points=max_points)
    card = ENGINE.compile(build_rubric(doc)).evaluate(nest(facts))
    ((code, outcome),) = card.outcomes
    assert code == "R-1"
    return outcome


@given(POINTS, POINTS, st.none() | POINTS, st.integers(0, 3), st.integers(0, 30))
def test_per_incident(max_points, each, cap, allow, count):
    params: dict[str, Any] = {"fact": "x.n", "deduct_each": each, "allow": allow}
    if cap is not None:
        params["cap"] = cap
    got = outcome_of("per_incident", params, {"x.n": fact("count")}, {"x.n": count}, max_points)
    assert got in KINDS["per_incident"].outcomes_for(params, max_points)


@given(
    POINTS,
    POINTS,
    st.none() | POINTS,
    st.none() | POINTS,
    st.integers(1, 3),
    st.integers(0, 10),
    st.integers(0, 12),
)
def test_shortfall(max_points, each, cap, share, per, minimum, count):
    params: dict[str, Any] = {"fact": "x.n", "minimum": minimum, "deduct_each": each, "per": per}
    if cap is not None:
        params["cap"] = cap
    if share is not None and share <= max_points:
        params["points"] = share
    got = outcome_of("shortfall", params, {"x.n": fact("count")}, {"x.n": count}, max_points)
    assert got in KINDS["shortfall"].outcomes_for(params, max_points)


@given(POINTS, st.lists(st.tuples(POINTS, st.booleans()), min_size=1, max_size=4))
def test_checklist(max_points, conditions):
    decl = {f"c.f{i}": fact("boolean") for i in range(len(conditions))}
    params = {
        "conditions": [
            {"id": f"c{i}", "fact": f"c.f{i}", "deduct": d, "text": {"zh": "要求"}}
            for i, (d, _) in enumerate(conditions)
        ]
    }
    facts = {f"c.f{i}": met for i, (_, met) in enumerate(conditions)}
    got = outcome_of("checklist", params, decl, facts, max_points)
    assert got in KINDS["checklist"].outcomes_for(params, max_points)


@given(st.lists(st.booleans(), min_size=1, max_size=4))
def test_elements(met):
    decl = {f"e.f{i}": fact("boolean") for i in range(len(met))}
    params = {
        "elements": [
            {"id": f"e{i}", "fact": f"e.f{i}", "points": 1, "text": {"zh": "要素"}}
            for i in range(len(met))
        ]
    }
    facts = {f"e.f{i}": m for i, m in enumerate(met)}
    max_points = Decimal(len(met))
    got = outcome_of("elements", params, decl, facts, max_points)
    assert got in KINDS["elements"].outcomes_for(params, max_points)


@given(POINTS, POINTS, POINTS, st.integers(0, 100))
def test_linear(max_points, p0, p1, value):
    p0, p1 = min(p0, max_points), min(p1, max_points)
    params = {"fact": "r.v", "from": {"value": 20, "points": p0}, "to": {"value": 80, "points": p1}}
    got = outcome_of("linear", params, {"r.v": fact("percent")}, {"r.v": value}, max_points)
    assert got in KINDS["linear"].outcomes_for(params, max_points)


@given(POINTS, st.none() | POINTS, st.integers(0, 120))
def test_external_rating(max_points, points, rating):
    params: dict[str, Any] = {"fact": "r.v", "scale": 100, "rater": {"zh": "评分"}}
    if points is not None:
        params["points"] = min(points, max_points)  # a share above the item is refused
    got = outcome_of("external_rating", params, {"r.v": fact("ratio")}, {"r.v": rating}, max_points)
    assert got in KINDS["external_rating"].outcomes_for(params, max_points)
