"""cerberus with Decimal numbers: the validator class every facts and parameter schema uses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import cerberus

FACTS_FORMAT = "facts/1"


YEAR_MIN, YEAR_MAX = 1949, 2200

#: The error of a value above a fact's ``plausible_max`` (a rule of its own, so the problem
#: names it and its limit).
_IMPLAUSIBLE = cerberus.errors.ErrorDefinition(0x4F, "plausible_max")


class _PredicateMeta(type):
    """Metaclass whose ``isinstance`` check runs the class's ``accepts`` predicate."""

    accepts: Callable[[Any], bool]

    def __instancecheck__(cls, value: Any) -> bool:
        return bool(cls.accepts(value))


def _predicate_type(name: str, accepts: Callable[[Any], bool]) -> cerberus.TypeDefinition:
    """A cerberus type definition that accepts exactly the values ``accepts`` accepts."""
    included = _PredicateMeta(name, (), {"accepts": staticmethod(accepts)})
    return cerberus.TypeDefinition(name, (included,), ())


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, int)


class DecimalValidator(cerberus.Validator):  # type: ignore[misc]
    """A cerberus validator whose ``number`` is a finite int, float or ``Decimal`` (not a
    boolean): NaN and infinity fail the type test instead of breaking comparisons."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["number"] = _predicate_type("number", _is_number)
