"""``within_limits`` (the limits' walk without paths) agrees with ``value_problems`` on
every value: nothing found exactly when it says the value is within the limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalrules._limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_ITEMS,
    MAX_KEYS,
    MAX_TEXT,
    MAX_VALUES,
    value_problems,
    within_limits,
)


class Key(str):
    """A key of a ``str`` subclass."""


_NUMBERS = st.one_of(
    st.integers(min_value=-(10**45), max_value=10**45),
    st.sampled_from([10**MAX_DIGITS - 1, 10**MAX_DIGITS, 2**93, 2**94 + 1, 10**40, 10**41, True]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda c, e: Decimal((0, tuple(int(d) for d in str(c)), e)),
        st.integers(min_value=0, max_value=10**32),
        st.integers(min_value=-(MAX_EXPONENT + 30), max_value=MAX_EXPONENT + 5),
    ),
)
_TEXTS = st.one_of(
    st.text(max_size=5),
    st.sampled_from(["x" * MAX_TEXT, "x" * (MAX_TEXT + 1)]),
    st.builds(Key, st.sampled_from(["k", "k" * (MAX_TEXT + 1)])),
)
_SCALARS = st.one_of(_NUMBERS, _TEXTS, st.none(), st.floats(allow_nan=True))
# (a signaling NaN cannot be a key: it does not hash)
_KEYS = st.one_of(_TEXTS, _NUMBERS.filter(lambda n: not (isinstance(n, Decimal) and n.is_snan())))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=4),
    ),
    max_leaves=20,
)


def _agree(value: object) -> None:
    assert within_limits(value) == (not any(True for _ in value_problems(value)))


@given(_VALUES)
def test_the_walk_without_paths_agrees_with_value_problems(value):
    _agree(value)


def _nested(depth: int) -> object:
    value: object = 1
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        _nested(MAX_DEPTH),
        _nested(MAX_DEPTH + 1),
        _nested(3 * MAX_DEPTH),
        {str(i): i for i in range(MAX_KEYS)},
        {str(i): i for i in range(MAX_KEYS + 1)},
        list(range(MAX_ITEMS)),
        list(range(MAX_ITEMS + 1)),
        [list(range(MAX_ITEMS // 2))] * 10,
        [list(range(MAX_ITEMS // 2))] * 25,
        {Decimal("1E+50"): 1},
        {10**50: 1},
        {"a": [Decimal("1." + "1" * MAX_DIGITS)]},
        (1, ("x" * (MAX_TEXT + 1),)),
    ],
    ids=lambda v: type(v).__name__,
)
def test_the_limits_themselves(value):
    # the two lists of lists: within the number of values, and beyond it
    assert 10 * (MAX_ITEMS // 2 + 1) + 1 <= MAX_VALUES < 25 * (MAX_ITEMS // 2)
    _agree(value)
