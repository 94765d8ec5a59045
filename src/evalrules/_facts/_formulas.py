"""The formulas a derived fact or a table's row-derived value may use, computed in Decimal.

A registry by name rather than a chain of cases: each formula says what it computes, in
words, and whether its second input is a divisor (a zero there leaves the value uncomputed).
``growth`` reads a year series and is computed by the derived facts themselves; it is listed
here for its words. A rubric file names a formula; it can never run code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from evalrules._points import ZERO, context
from evalrules._text import Text

_HUNDRED = Decimal(100)


@attrs.frozen
class Formula:
    """One formula of the closed set.

    Attributes:
        name: The name rubrics write (``per_capita``).
        words: What it computes, in Chinese and English.
        compute: ``compute(inputs) -> value`` over the inputs as ``Decimal``, in order
            (``None`` for ``growth``, which reads a series).
        divides: Whether it divides by its second input.
    """

    name: str
    words: Text
    compute: Callable[[Sequence[Decimal]], Decimal] | None
    divides: bool = False


def _quotient(nums: Sequence[Decimal]) -> Decimal:
    return context().divide(nums[0], nums[1])


def _share(nums: Sequence[Decimal]) -> Decimal:
    ctx = context()
    return ctx.multiply(ctx.divide(nums[0], nums[1]), _HUNDRED)


def _difference(nums: Sequence[Decimal]) -> Decimal:
    return context().subtract(nums[0], nums[1])


def _sum(nums: Sequence[Decimal]) -> Decimal:
    return sum(nums, ZERO)


_ALL = (
    Formula("ratio", Text("比值 = a ÷ b", "ratio = a ÷ b"), _quotient, divides=True),
    Formula("share", Text("占比 = 部分 ÷ 整体 × 100", "share = part ÷ whole × 100"), _share, True),
    Formula(
        "per_capita", Text("人均 = 总量 ÷ 人数", "per capita = amount ÷ count"), _quotient, True
    ),
    Formula("difference", Text("差值 = a − b", "difference = a − b"), _difference),
    Formula(
        "growth",
        Text(
            "增长率 = (当年 − 上年) ÷ 上年 × 100",
            "growth = (this year − last year) ÷ last year × 100",
        ),
        None,
    ),
    Formula("sum", Text("合计 = a + b + …", "sum = a + b + …"), _sum),
    Formula(
        "per_hundred",
        Text("每百人 = 数量 ÷ 人数 × 100", "per hundred = amount ÷ count × 100"),
        _share,
        divides=True,
    ),
)

#: Every formula by name.
FORMULA_REGISTRY: Mapping[str, Formula] = {f.name: f for f in _ALL}

#: What each formula computes, in words.
FORMULAS: Mapping[str, Text] = {f.name: f.words for f in _ALL}
