"""What a facts document's numbers and years are, without cerberus.

Reading, scoring and writing use these; cerberus (:mod:`evalrules._facts._cerberus`) is
imported only where a validator is built, to word a refusal or check a rule's parameters.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FACTS_FORMAT = "facts/1"


YEAR_MIN, YEAR_MAX = 1949, 2200


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, int)
