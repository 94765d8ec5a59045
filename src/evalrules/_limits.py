"""The limits every document and every value handed in is held to, before any other work.

A rubric or facts file is small; what it makes evalrules do must be small too. A six-line
file with ``1.0e+99999999`` would otherwise be written out digit by digit, a mapping of
150,000 unknown keys would be sorted and re-sorted by the validator, nesting 500 levels deep
would exhaust Python's stack. Each limit below is far above what a real rubric or facts
document needs (the 2023 Panjin rubric: 3,256 values, at most 71 keys in a mapping, 10
items in a list, 12 digits in a number) and is checked first, so that a document beyond one
is refused, as a normal problem with its path, before it costs anything.

The YAML and JSON readers (:mod:`evalrules._documents`) apply them while parsing; values a
host hands in as Python objects (``CompiledRubric.evaluate(mapping)``) are held to them by
:func:`value_problems` before they are frozen or validated.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

#: Size of a document, in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: Levels of nesting (mappings and lists inside each other).
MAX_DEPTH = 64
#: Values in a document: every mapping, list and scalar counts as one.
MAX_VALUES = 100_000
#: Keys in one mapping.
MAX_KEYS = 2_000
#: Items in one list.
MAX_ITEMS = 10_000
#: Significant digits of a number: what a ``Decimal`` computes exactly by default.
MAX_DIGITS = 28
#: The largest power of ten a number may reach (``1e40``), and the smallest (``1e-40``).
MAX_EXPONENT = 40
#: The codes of the problems above: a document with one of them is refused with those alone.
LIMIT_CODES = frozenset(
    {"too-deep", "too-many-values", "too-many-keys", "too-many-items", "too-long", "number-limit"}
)
#: Characters in one piece of text (a name, a message template, a string value).
MAX_TEXT = 10_000


#: A cheap test that a finite ``Decimal`` is within the limits, as an expression of ``{v}``
#: (written into the generated validation walk, :mod:`evalrules._facts._fastcheck`, so that
#: the commonest number costs no call of :func:`number_problem`). It is sufficient, not
#: necessary: its power of ten is within the exponent limit (for a zero, its exponent), and
#: its text is no longer than the digit limit, so its coefficient has no more digits than
#: that; whenever it holds, :func:`number_problem` finds nothing (a property test holds the
#: two together), and a number it does not clear goes to :func:`number_problem`.
PLAINLY_WITHIN = (
    f"-{MAX_EXPONENT} <= {{v}}.adjusted() <= {MAX_EXPONENT} and len(str({{v}})) <= {MAX_DIGITS}"
)


def number_problem(value: Decimal | int) -> tuple[str, str] | None:
    """``(zh, en)`` when a number has too many significant digits or too large an exponent,
    else ``None``.

    Cheap for any int (its bit length is known without writing it out) and any ``Decimal``
    (its exponent is a field); NaN and infinity are left to validation, which names them.
    Trailing zeros are not significant: ``1000000000000000000000000000.0`` is exact.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # A bound on the bits first (3.33 a digit), so that a huge int is never converted.
        if value.bit_length() > MAX_EXPONENT * 4:
            return _out_of_range()
        value = Decimal(value)
    if not value.is_finite():
        return None
    if value.is_zero():
        # 0E-99999999 is zero, written out with a hundred million places
        exponent = value.as_tuple().exponent
        inside = isinstance(exponent, int) and abs(exponent) <= MAX_EXPONENT + MAX_DIGITS
        return None if inside else _out_of_range()
    adjusted = value.adjusted()
    if not -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
        return _out_of_range()
    # Rounded to MAX_DIGITS digits, a number keeps its value exactly when it has at most
    # that many significant digits (trailing zeros dropped by the rounding are not).
    if _ROUND_TO_DIGITS.plus(value) != value:
        return _too_many_digits()
    return None


#: Rounds to the significant digits allowed (the exponent is held to the limits before).
_ROUND_TO_DIGITS = decimal.Context(
    prec=MAX_DIGITS, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[]
)


def _out_of_range() -> tuple[str, str]:
    return (
        f"数值的数量级超出范围(应在1e-{MAX_EXPONENT}到1e{MAX_EXPONENT}之间)",
        f"the number's magnitude is out of range (1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT})",
    )


def _too_many_digits() -> tuple[str, str]:
    return (f"数字超过{MAX_DIGITS}位", f"a number with more than {MAX_DIGITS} digits")


def number_text_problem(text: str) -> tuple[str, str] | None:
    """``(zh, en)`` when the text of a number is too long or its exponent too large to be
    converted at all (``int()`` of 5,000 digits, or ``Decimal`` of an exponent with nine
    digits, is already the expensive part); what passes is judged by :func:`number_problem`
    once converted."""
    body = text.strip().lstrip("+-").replace("_", "")
    exponent = body.lower().partition("e")[2]
    if len(body) > 2 * MAX_DIGITS + 2 * MAX_EXPONENT:
        return _too_many_digits()
    if exponent and len(exponent.lstrip("+-").lstrip("0")) > 6:
        return _out_of_range()
    return None


#: Every int of at most this many bits has at most :data:`MAX_DIGITS` digits.
_PLAIN_BITS = (10**MAX_DIGITS).bit_length() - 1


def within_limits(value: Any) -> bool:
    """Whether :func:`value_problems` finds nothing in ``value``: the same walk, without the
    path of each value, which only a problem needs (a document within the limits, as nearly
    every one is, costs no path written; one that is not is walked again for its problems).
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return False
        kind = type(item)
        if kind is str:
            if len(item) > MAX_TEXT:
                return False
        elif kind is dict or (kind is not list and isinstance(item, Mapping)):
            if depth >= MAX_DEPTH or len(item) > MAX_KEYS:
                return False
            depth += 1
            for key, child in item.items():
                if type(key) is str or isinstance(key, str):
                    if len(key) > MAX_TEXT:
                        return False
                elif isinstance(key, Decimal | int) and number_problem(key) is not None:
                    return False
                stack.append((child, depth))
        elif kind is list or isinstance(item, list | tuple):
            if depth >= MAX_DEPTH or len(item) > MAX_ITEMS:
                return False
            depth += 1
            stack.extend([(child, depth) for child in item])
        elif kind is bool or kind is int:
            if item.bit_length() > _PLAIN_BITS and number_problem(item) is not None:
                return False
        elif isinstance(item, Decimal | int):
            if number_problem(item) is not None:
                return False
        elif isinstance(item, str) and len(item) > MAX_TEXT:
            return False
    return True


def value_problems(value: Any, prefix: str = "") -> Iterator[tuple[str, str, str, str]]:
    """Every limit the (parsed or handed-in) value exceeds, as ``(path, code, zh, en)``.

    Walks the value without recursion, so a value nested a thousand levels deep is refused
    instead of exhausting the stack; stops descending where a limit is exceeded, and stops
    altogether after :data:`MAX_VALUES` values.
    """
    stack: list[tuple[Any, str, int]] = [(value, prefix.rstrip("."), 0)]
    seen = 0
    while stack:
        item, path, depth = stack.pop()
        seen += 1
        where = path or "<document>"
        if seen > MAX_VALUES:
            yield (
                where,
                "too-many-values",
                f"文档超过{MAX_VALUES}个值",
                f"more than {MAX_VALUES} values in the document",
            )
            return
        if isinstance(item, Mapping | list | tuple):
            if depth >= MAX_DEPTH:
                yield (
                    where,
                    "too-deep",
                    f"嵌套超过{MAX_DEPTH}层",
                    f"nesting deeper than {MAX_DEPTH} levels",
                )
                continue
            if isinstance(item, Mapping):
                if len(item) > MAX_KEYS:
                    yield (
                        where,
                        "too-many-keys",
                        f"一个映射超过{MAX_KEYS}个键",
                        f"more than {MAX_KEYS} keys in one mapping",
                    )
                    continue
                for key, child in item.items():
                    name = key if isinstance(key, str) else _key_text(key)
                    if isinstance(key, str) and len(key) > MAX_TEXT:
                        yield (
                            where,
                            "too-long",
                            f"键超过{MAX_TEXT}个字符",
                            f"a key longer than {MAX_TEXT} characters",
                        )
                        continue
                    if isinstance(key, Decimal | int) and number_problem(key) is not None:
                        zh, en = number_problem(key) or ("", "")
                        yield (where, "number-limit", zh, en)
                        continue
                    stack.append((child, f"{path}.{name}" if path else name, depth + 1))
            else:
                if len(item) > MAX_ITEMS:
                    yield (
                        where,
                        "too-many-items",
                        f"列表超过{MAX_ITEMS}项",
                        f"more than {MAX_ITEMS} items in a list",
                    )
                    continue
                stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))
        elif isinstance(item, str):
            if len(item) > MAX_TEXT:
                yield (
                    where,
                    "too-long",
                    f"文字超过{MAX_TEXT}个字符",
                    f"text longer than {MAX_TEXT} characters",
                )
        elif isinstance(item, Decimal | int):
            found = number_problem(item)
            if found is not None:
                yield (where, "number-limit", *found)


def _key_text(key: Any) -> str:
    """A non-text key as a path segment, written without converting a huge number."""
    if isinstance(key, int) and not isinstance(key, bool) and number_problem(key) is not None:
        return f"<{key.bit_length()}-bit number>"
    if isinstance(key, Decimal) and number_problem(key) is not None:
        return "<number out of range>"
    return str(key)
