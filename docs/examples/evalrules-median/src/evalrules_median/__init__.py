"""An evalrules aggregation: the median of a column over a table's rows (中位数)."""

from __future__ import annotations

from decimal import Decimal

import evalrules
from evalrules import AggregateResult, AggregateRows, Text


def median(rows: AggregateRows) -> AggregateResult:
    """The middle value of the rows in scope (the mean of the two middle ones for an even
    count), with the lowest and highest beside it. Module-level: a compiled rubric pickles
    the aggregations it uses by their importable name."""
    values = sorted(rows.values)
    if not values:
        return AggregateResult(None, why=Text("没有纳入计算的学校", "no school is counted"))
    middle = len(values) // 2
    if len(values) % 2:
        value = values[middle]
    else:
        value = (values[middle - 1] + values[middle]) / Decimal(2)
    return AggregateResult(
        value, (("n", len(values)), ("lowest", values[0]), ("highest", values[-1]))
    )


MEDIAN = evalrules.aggregation(
    "median",
    # names the value's formula on a card: 中位数(学校数n = 3,最低值 = 100,最高值 = 200)
    description=Text("中位数", "median"),
    compute=median,
    # the keys of its breakdown the core has no label for ("n" it has: 学校数n)
    breakdown_labels={
        "lowest": Text("最低值", "lowest"),
        "highest": Text("最高值", "highest"),
    },
)


@evalrules.hookimpl
def evalrules_register_aggregations() -> list[evalrules.Aggregation]:
    """Register ``median``."""
    return [MEDIAN]
