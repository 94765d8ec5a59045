"""Scoring invariants over generated rubrics (scripted rule kinds) and generated effects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from _generate import scripted_rubrics
from _rubrics import ScriptedPlugin, engine, nest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import share
from evalrules import CompiledRubric, Scorecard, hookimpl
from evalrules._points import quantize
from evalrules._rubric._loader import build_rubric
from evalrules._scoring._rollup import grade_for

ZERO = Decimal(0)


#: The scripted kinds' engine, shared: a rubric equal to the one compiled last is not compiled
#: again (documents are built afresh for every evaluation, so nothing else is shared).
SCRIPTED = engine(ScriptedPlugin())


def compiled_for(doc: dict[str, Any], *plugins: object) -> CompiledRubric:
    e = engine(*plugins) if plugins else SCRIPTED
    return e.compile(build_rubric(doc))


def score(doc: dict[str, Any], facts: dict[str, Any], *plugins: object) -> Scorecard:
    return compiled_for(doc, *plugins).evaluate(nest(facts))


def multiple(value: Decimal, step: Decimal) -> bool:
    q = value / step
    return q == q.to_integral_value()


def leaf_losses(card: Scorecard, code: str) -> Decimal:
    return sum(
        (
            f.points
            for f in card.findings
            if f.indicator == code and f.kind in ("deduction", "manual")
        ),
        ZERO,
    )


@given(scripted_rubrics())
def test_invariants(generated):
    doc, facts = generated
    compiled = compiled_for(doc)
    card = compiled.evaluate(nest(facts))
    precision = Decimal(doc["precision"])
    rubric = compiled.rubric
    policies: dict[str, str] = {}

    for top in card.indicators:
        for n in top.walk():
            # 0 ≤ score ≤ max at every node
            assert ZERO <= n.score <= n.max, n
            if n.children:
                # a parent is the exact sum of its children
                assert n.score == sum((c.score for c in n.children), ZERO)
                statuses = {c.status for c in n.children}
                assert n.status == (statuses.pop() if len(statuses) == 1 else "scored")
                continue
            assert multiple(n.score, precision)
            losses = leaf_losses(card, n.code)
            if n.status == "scored":
                # effective deductions add up exactly to max − score
                assert -losses == n.max - n.score
                if n.score == n.max:
                    assert losses == 0
                    assert not [
                        f
                        for f in card.findings
                        if f.indicator == n.code and f.kind in ("deduction", "manual")
                    ]
            elif n.status == "not_applicable":
                (finding,) = [
                    f for f in card.findings if f.indicator == n.code and f.kind == "not_applicable"
                ]
                policies[n.code] = finding.effect
                expected = {"full": (n.max, ZERO), "zero": (ZERO, -n.max), "exclude": (ZERO, ZERO)}[
                    finding.effect
                ]
                assert (n.score, finding.points) == expected

    for f in card.findings:
        assert multiple(f.points, precision), f
        assert f.message.zh
        assert f.message.en

    # totals: rescaled once when items are excluded; bonus on top
    raw = sum((t.score for t in card.indicators), ZERO)
    excluded = sum((rubric.indicator(c).max for c, p in policies.items() if p == "exclude"), ZERO)
    applicable = rubric.max - excluded
    if not excluded:
        assert card.base_total == raw
    elif applicable > 0:
        assert card.base_total == quantize(
            raw * rubric.max / applicable, precision, doc["rounding"]
        )
    else:
        assert card.base_total == 0
    assert card.total == card.base_total + card.bonus

    # bonus: capped per item and per rubric; its findings add up to it
    for b in card.bonus_items:
        assert ZERO <= b.score <= b.max
        awarded = sum(
            (f.points for f in card.findings if f.indicator == b.code and f.kind == "bonus"), ZERO
        )
        assert awarded == b.score
    assert card.bonus == sum((b.score for b in card.bonus_items), ZERO)
    if rubric.bonus_cap is not None:
        assert card.bonus <= rubric.bonus_cap

    # vetoes change the grade, never the score; the strongest decides
    assert card.grade.base == grade_for(card.total, rubric.grades, ()).code
    codes = [g.code for g in rubric.grades]
    base, final = codes.index(card.grade.base), codes.index(card.grade.code)
    effects = {v.effect for v in card.vetoes}
    expected = base
    if "cap_below_top" in effects:
        expected = max(expected, min(1, len(codes) - 1))  # one grade: nothing below it
    if "lower_one" in effects:
        expected = max(expected, min(base + 1, len(codes) - 1))
    if "force_fail" in effects:
        expected = len(codes) - 1
    assert final == expected

    # the JSON form round-trips
    assert Scorecard.from_dict(card.to_dict()) == card


@given(scripted_rubrics())
def test_vetoes_never_change_a_score(generated):
    doc, facts = generated
    card = score(doc, facts)
    for top in doc["indicators"]:
        stack = [top]
        while stack:
            n = stack.pop()
            stack.extend(n.get("children", []))
            for r in n.get("rules", []):
                r["params"].pop("vetoes", None)
    without = score(doc, facts)
    assert without.vetoes == ()
    assert (without.total, without.base_total) == (card.total, card.base_total)
    assert [n.score for n in without.walk()] == [n.score for n in card.walk()]


# Narrow: a scripted rubric's only facts are its not-applicable flags (two, on average), so
# there are few orders to try; a share of the profile's examples (tests/_examples.py).
@share(4)
@given(scripted_rubrics(), st.randoms(use_true_random=False))
def test_key_order_of_facts_does_not_change_results(generated, rnd):
    doc, facts = generated
    items = list(facts.items())
    rnd.shuffle(items)
    assert score(doc, dict(items)).to_json() == score(doc, facts).to_json()


class _Unrelated:
    """Another plugin registering a rule kind and a cross check under other names."""

    @staticmethod
    @hookimpl
    def evalrules_register_rule_kinds():
        from _rubrics import _scripted_kind

        return [_scripted_kind("aaa_first", "score"), _scripted_kind("zzz_last", "score")]


@settings(max_examples=10)
@given(scripted_rubrics(), st.randoms(use_true_random=False))
def test_plugin_registration_order_does_not_change_results(generated, rnd):
    doc, facts = generated
    plugins: list[object] = [ScriptedPlugin(), _Unrelated()]
    rnd.shuffle(plugins)
    assert score(doc, facts, *plugins).to_json() == score(doc, facts, *reversed(plugins)).to_json()


@given(
    st.lists(st.integers(0, 3000).map(lambda n: Decimal(n) / 1000), min_size=1, max_size=6),
    st.sampled_from(["0.1", "0.5", "1"]),
    st.integers(0, 30),
)
def test_allocation_of_a_single_item(asks, precision, max_steps):
    from evalrules._scoring._items import allocate

    step = Decimal(precision)
    max_points = step * max_steps
    nominal = sum(asks, ZERO)
    kept = quantize(min(max(max_points - nominal, ZERO), max_points), step, "ROUND_HALF_UP")
    shares = allocate(asks, max_points - kept, step, "ROUND_HALF_UP")
    assert sum(shares, ZERO) == max_points - kept
    assert all(s >= 0 and multiple(s, step) for s in shares)
