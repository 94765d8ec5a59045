"""How a message writes a number: huge values keep every digit instead of failing."""

from decimal import Decimal

from evalrules._rules._messages import MESSAGE_PLACES, figure


def test_a_huge_value_with_decimals_is_written_not_refused() -> None:
    # 25 integer digits: two decimals end in a 0 (…486.10), so it takes four, 29 digits in
    # all, more than the default context holds
    value = Decimal("9277814889037333927113486.096266607")
    assert figure(value, MESSAGE_PLACES) == "9277814889037333927113486.0963"


def test_small_values_keep_their_places() -> None:
    assert figure(Decimal("84.9197"), MESSAGE_PLACES) == "84.92"
    assert figure(Decimal("0.5977"), MESSAGE_PLACES) == "0.5977"
