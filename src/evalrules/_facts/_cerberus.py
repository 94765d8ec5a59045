"""cerberus with Decimal numbers: the validator class every facts and parameter schema uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cerberus

from evalrules._facts._numbers import FACTS_FORMAT, YEAR_MAX, YEAR_MIN, _is_number

__all__ = ["FACTS_FORMAT", "YEAR_MAX", "YEAR_MIN", "DecimalValidator", "_is_number"]

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


class DecimalValidator(cerberus.Validator):  # type: ignore[misc]
    """A cerberus validator whose ``number`` is a finite int, float or ``Decimal`` (not a
    boolean): NaN and infinity fail the type test instead of breaking comparisons."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["number"] = _predicate_type("number", _is_number)
