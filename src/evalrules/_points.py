"""Points: exact decimal arithmetic, one quantization, deterministic text.

Points are :class:`decimal.Decimal` everywhere. Floats never enter: YAML and JSON loaders
produce ``Decimal`` directly, and a float handed in by a host application is converted through
its shortest ``repr`` (so ``4.8`` becomes ``Decimal("4.8")``, not the binary neighbour).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

ROUNDINGS = {
    "ROUND_HALF_UP": decimal.ROUND_HALF_UP,
    "ROUND_HALF_EVEN": decimal.ROUND_HALF_EVEN,
    "ROUND_DOWN": decimal.ROUND_DOWN,
    "ROUND_UP": decimal.ROUND_UP,
    "ROUND_FLOOR": decimal.ROUND_FLOOR,
    "ROUND_CEILING": decimal.ROUND_CEILING,
}

ZERO = Decimal(0)

# Enough digits for any plausible money amount divided by any plausible count.
_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


def context() -> decimal.Context:
    """Return the decimal context every computation in evalrules uses."""
    return _CONTEXT


def to_decimal(value: object) -> Decimal:
    """Convert an int, float, str or Decimal to ``Decimal`` without binary noise.

    Raises:
        TypeError: for booleans and other non-numbers.
        decimal.InvalidOperation: for text that is not a number.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value.strip())
    raise TypeError(f"{type(value).__name__} is not a number")


def quantize(value: Decimal, precision: Decimal, rounding: str) -> Decimal:
    """Round ``value`` to a multiple of ``precision`` (``0.1``, ``0.5``, ``1``) with a named
    rounding; the result has the precision's decimal places (``2.50`` → ``2.5``)."""
    mode = ROUNDINGS[rounding]
    # Count whole steps of the precision, so that 0.5 gives multiples of one half and not
    # of one tenth (Decimal.quantize only knows powers of ten).
    steps = (value / precision).quantize(_ONE, rounding=mode, context=_CONTEXT)
    quantum = _QUANTA.get(precision)
    if quantum is None:  # equal precisions (0.1, 0.10) have the same places, so one entry
        quantum = _ONE.scaleb(-places(precision))
        if len(_QUANTA) < 64:
            _QUANTA[precision] = quantum
    return (steps * precision).quantize(quantum, context=_CONTEXT)


_ONE = Decimal(1)

#: Precision → the quantum of its decimal places, for :func:`quantize` (a rubric has one).
_QUANTA: dict[Decimal, Decimal] = {}


def places(precision: Decimal) -> int:
    """Return the number of decimal places of a precision such as ``0.1`` (1) or ``1`` (0)."""
    exponent = precision.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def format_points(value: Decimal, precision: Decimal) -> str:
    """Write points with exactly the rubric's decimal places: ``61.6``, ``4.0``, ``-0.2``."""
    digits = places(precision)
    quantum = Decimal(1).scaleb(-digits)
    text = f"{value.quantize(quantum, context=_CONTEXT):f}"
    return "0" + text[2:] if text.startswith("-0") and Decimal(text) == 0 else text


#: Beyond this power of ten :func:`plain` keeps the exponent.
_PLAIN_EXPONENT = 100


def plain(value: Decimal) -> str:
    """Write a decimal without exponent and without trailing zeros (``850``, ``84.92``)."""
    if value.is_nan() or value.is_infinite():
        return str(value)
    if not -_PLAIN_EXPONENT <= value.adjusted() <= _PLAIN_EXPONENT:
        # Written out, 1e+99999999 is a hundred million digits: beyond any limit a
        # document is held to, such a value is written with its exponent.
        return str(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
