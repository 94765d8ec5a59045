"""The significant-digit limit (``evalrules._limits.number_problem``), held to counting the
digits one by one as it was first written."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from evalrules._limits import MAX_DIGITS, MAX_EXPONENT, PLAINLY_WITHIN, number_problem


def _too_many_digits(value: Decimal) -> bool:
    digits = value.as_tuple().digits
    significant = len(digits)
    while significant > MAX_DIGITS and digits[significant - 1] == 0:
        significant -= 1
    return significant > MAX_DIGITS


@given(
    st.integers(min_value=1, max_value=10**34),
    st.integers(min_value=-(MAX_EXPONENT + 34), max_value=MAX_EXPONENT),
    st.integers(min_value=0, max_value=8),
    st.booleans(),
)
def test_the_digit_limit_counts_significant_digits(coefficient, exponent, zeros, negative):
    value = Decimal((int(negative), tuple(int(d) for d in f"{coefficient}{'0' * zeros}"), exponent))
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        assert number_problem(value) is not None  # beyond the exponent limit
        return
    assert (number_problem(value) is not None) == _too_many_digits(value)


def _plainly_within(value: Decimal) -> bool:
    return bool(eval(PLAINLY_WITHIN.format(v="value"), {}, {"value": value}))


_DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.builds(
        lambda coefficient, exponent, negative: Decimal(
            (int(negative), tuple(int(d) for d in str(coefficient)), exponent)
        ),
        st.integers(min_value=0, max_value=10**40),
        st.integers(min_value=-(MAX_EXPONENT + 40), max_value=MAX_EXPONENT + 5),
        st.booleans(),
    ),
)


@given(_DECIMALS)
def test_a_number_the_cheap_test_clears_is_within_the_limits(value):
    # The generated validation walk takes a number the cheap test clears without calling
    # number_problem: the test must never clear a number number_problem would refuse.
    if _plainly_within(value):
        assert number_problem(value) is None


def test_the_cheap_test_clears_the_commonest_numbers():
    assert _plainly_within(Decimal("81.00"))
    assert _plainly_within(Decimal("0"))
    assert not _plainly_within(Decimal("1E+41"))
    assert not _plainly_within(Decimal("1." + "1" * 28))
