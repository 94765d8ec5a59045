"""Engine.compile caches by the rubric's digest; a rubric holding NaN or sNaN is no trap."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import evalrules
from evalrules.errors import RubricError


@pytest.fixture(scope="module")
def engine():
    return evalrules.Engine()


@pytest.fixture(scope="module")
def panjin(engine):
    return engine.load_rubric("panjin-county/2023")


def _with_first_rule_value(rubric, value):
    """The rubric with its first threshold's ``value`` replaced."""

    def swap(node, done):
        rules = []
        for r in node.rules:
            if not done and r.kind == "threshold":
                r = attrs.evolve(r, params={**r.params, "value": value})
                done = True
            rules.append(r)
        children = []
        for child in node.children:
            child, done = swap(child, done)
            children.append(child)
        return attrs.evolve(node, rules=tuple(rules), children=tuple(children)), done

    tops, done = [], False
    for top in rubric.indicators:
        top, done = swap(top, done)
        tops.append(top)
    assert done
    return attrs.evolve(rubric, indicators=tuple(tops))


def test_an_equal_rubric_gets_the_cached_compiled_rubric(engine, panjin):
    first = engine.compile(panjin)
    copy = attrs.evolve(panjin)
    assert copy is not panjin
    assert engine.compile(copy) is first


def test_a_changed_rubric_is_compiled_again(engine, panjin):
    first = engine.compile(panjin)
    changed = _with_first_rule_value(panjin, Decimal(51))
    assert engine.compile(changed) is not first
    assert engine.compile(changed).rubric == changed


@pytest.mark.parametrize("value", [Decimal("sNaN"), Decimal("NaN")])
def test_a_rubric_holding_a_nan_is_refused_not_a_decimal_error(engine, panjin, value):
    engine.compile(panjin)  # the cache holds a rubric with the same ref and file
    broken = _with_first_rule_value(panjin, value)
    for _ in range(2):
        with pytest.raises(RubricError) as info:
            engine.compile(broken)
        assert [p.code for p in info.value.problems] == ["bad-params"]
