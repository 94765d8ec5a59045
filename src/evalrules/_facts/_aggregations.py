"""Aggregations: values over a table's rows, a registry plugins extend.

A rubric's ``derived:`` may name an aggregation instead of a formula (``aggregate: cv``,
``table: schools``, ``column: ...``, optionally ``stage``, ``weight`` and ``where``). The
core hands the aggregation the rows in scope (not excluded, of the stage) and stores what it
returns as a derived fact like any other, with a breakdown (X̄, S, CV, n, P) that evidence
and every renderer show. The builtins are registered through
``evalrules_register_aggregations`` like a plugin's.

Precision of ``cv`` (教督〔2017〕6号): X̄ = Σ PᵢXᵢ / P, S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²), CV = S / X̄
are computed in a decimal context of 50 significant digits (the square root with
``Decimal.sqrt``); X̄, S and CV are then rounded half to even to 0.000001 (six decimal
places), which is the value a rule compares.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._tables import TableRow, TableValue, numeric, row_condition
from evalrules._points import ZERO, context
from evalrules._rubric._model import DerivedFact
from evalrules._scorecard._model import DerivedValue
from evalrules._text import Text
from evalrules.errors import FactsProblem

#: The decimal places X̄, S and CV keep (0.000001), rounded half to even.
CV_PLACES = Decimal("0.000001")

_WIDE = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN)


@attrs.frozen
class AggregateRows:
    """What an aggregation is given: the rows in scope.

    Attributes:
        values: Each row's value of the column (``Decimal``; empty for an aggregation that
            takes no column). Rows without a value of the column are left out.
        weights: Each row's weight, in the same order, or ``None`` without ``weight``.
        matched: For an aggregation that counts rows meeting ``where`` (``where_counts``):
            whether each row meets it; otherwise every row given met it.
        labels: Each row's label, in the same order.
    """

    values: tuple[Decimal, ...]
    weights: tuple[Decimal, ...] | None
    matched: tuple[bool, ...]
    labels: tuple[str, ...] = ()


@attrs.frozen
class AggregateResult:
    """What an aggregation computes.

    Attributes:
        value: The value, or ``None`` when it cannot be computed (no rows, a mean of 0).
        breakdown: ``(name, value)`` pairs shown beside it (``mean``, ``sd``, ``cv``, ``n``,
            ``weight_total``, ``matched``).
        why: When ``value`` is ``None``: why, in Chinese and English.
    """

    value: Decimal | None
    breakdown: tuple[tuple[str, Any], ...] = ()
    why: Text | None = None


@attrs.frozen
class Aggregation:
    """A registered aggregation over a table's rows.

    Build it with :func:`aggregation`.

    Attributes:
        name: The name rubrics write (``aggregate: cv``).
        description: What it computes, in Chinese and English (shown by ``evalrules show``
            and the rubric-format page).
        compute: ``compute(rows: AggregateRows) -> AggregateResult``.
        needs_column: Whether a rubric must name a ``column``.
        needs_weight: Whether a rubric must name a ``weight`` column.
        where_counts: Whether ``where`` marks the rows counted (``count``, ``share_where``)
            rather than narrowing the rows aggregated.
        breakdown_labels: ``(key, Text)`` pairs naming the keys of the breakdown ``compute``
            returns, in Chinese and English (``("iqr", Text("四分位距", "interquartile
            range"))``); a key not named here is shown with the core's label for it
            (``n`` 学校数n, ``mean`` 平均值X̄, …) or as it is.
    """

    name: str
    description: Text
    compute: Callable[[AggregateRows], AggregateResult]
    needs_column: bool = True
    needs_weight: bool = False
    where_counts: bool = False
    breakdown_labels: tuple[tuple[str, Text], ...] = ()


def aggregation(
    name: str,
    *,
    description: Text,
    compute: Callable[[AggregateRows], AggregateResult],
    needs_column: bool = True,
    needs_weight: bool = False,
    where_counts: bool = False,
    breakdown_labels: Mapping[str, Text] | None = None,
) -> Aggregation:
    """Build an :class:`Aggregation` for a plugin's ``evalrules_register_aggregations`` hook.

    ``compute`` must be an importable module-level function: a compiled rubric pickles the
    aggregations it was bound to. A plugin's ``description`` is what a scorecard names the
    value's formula by (``中位数(学校数n = 17)``); ``breakdown_labels`` names the keys of the
    breakdown ``compute`` returns, in Chinese and English.

    Raises:
        ValueError: if ``name`` is not a lowercase word.
        TypeError: if ``description`` or a breakdown label is not a :class:`~evalrules.Text`.
    """
    if not name or not name.replace("_", "a").isalnum() or name.lower() != name:
        raise ValueError(f"aggregation name must be lowercase words joined by _, not {name!r}")
    labels = tuple(sorted((breakdown_labels or {}).items()))
    for what, text in (("description", description), *labels):
        if not isinstance(text, Text):
            raise TypeError(
                f"aggregation {name!r}: {what} must be an evalrules.Text (Chinese and English),"
                f" not {type(text).__name__}"
            )
    return Aggregation(name, description, compute, needs_column, needs_weight, where_counts, labels)


# ------------------------------------------------------------------------ computing


def compute_aggregate(
    d: DerivedFact, table: TableValue, aggregations: Mapping[str, Aggregation] | None
) -> tuple[DerivedValue | None, FactsProblem | None]:
    """One aggregate derived fact over a validated table: its value or its problem.

    An aggregation given no row that gives no value (a coefficient of variation of no
    school) is not a problem: its value is ``None`` with why (:attr:`DerivedValue.not_computed`).
    One given rows that still gives none (a mean of 0, weights that sum to 0) is the
    ``not-computable`` problem. ``sum`` and ``count`` of no row are 0, a value.
    """
    agg = d.aggregate
    assert agg is not None
    registry = aggregations if aggregations is not None else BUILTIN_BY_NAME
    how = registry[agg.name]
    # A plugin's aggregation is named on the card by its own description and breakdown
    # labels; the builtins by the core's labels (短名: 差异系数, 最小值).
    named = {} if BUILTIN_BY_NAME.get(agg.name) == how else _names(how)
    rows: list[TableRow] = list(table.counted(agg.stage))
    if agg.where is not None and not how.where_counts:
        rows = [r for r in rows if row_condition(agg.where, r.values)]
    values: list[Decimal] = []
    weights: list[Decimal] = []
    matched: list[bool] = []
    labels: list[str] = []
    takes_column = how.needs_column or agg.column is not None
    for row in rows:
        value = numeric(row.values.get(agg.column or "")) if takes_column else ZERO
        weight = numeric(row.values.get(agg.weight)) if agg.weight is not None else ZERO
        if value is None or weight is None:
            continue  # an optional column not given: the row has nothing to add
        if takes_column:
            values.append(value)
        if agg.weight is not None:
            weights.append(weight)
        matched.append(
            agg.where is None or not how.where_counts or row_condition(agg.where, row.values)
        )
        labels.append(row.label)
    result = how.compute(
        AggregateRows(
            tuple(values),
            tuple(weights) if agg.weight is not None else None,
            tuple(matched),
            tuple(labels),
        )
    )
    if result.value is None and not matched:
        # No counted row (no school of the stage, every row excluded, no row for a share's
        # denominator): there is nothing the standard could be held to. Not a problem of
        # the facts: the items whose rules read it are not applicable.
        return (
            DerivedValue(
                d.path,
                None,
                agg.name,
                (),
                breakdown=(("n", 0),),
                description=d.description,
                not_computed=no_rows(table, agg.stage),
                **named,
            ),
            None,
        )
    if result.value is None:
        why = result.why or Text("没有纳入计算的学校", "no rows are counted")
        return None, FactsProblem(
            agg.table,
            "not-computable",
            f"“{d.description.zh}”无法计算:{why.zh}",
            f"cannot compute '{d.description.get('en')}': {why.en}",
        )
    return (
        DerivedValue(
            d.path,
            result.value,
            agg.name,
            (),
            breakdown=result.breakdown,
            description=d.description,
            **named,
        ),
        None,
    )


def _names(how: Aggregation) -> dict[str, Any]:
    """How a plugin's aggregation is named on a card: its description, its breakdown keys."""
    return {"formula_label": how.description, "breakdown_labels": how.breakdown_labels}


def no_rows(table: TableValue, stage: str | None) -> Text:
    """Why an aggregate has no value when no row is counted: ``没有纳入计算的初中学校`` /
    ``No junior secondary school is counted`` (the stage's label as the rubric declares it)."""
    noun = table.row_noun
    if stage is None:
        if noun is not None:
            return Text(f"没有纳入计算的{noun.zh}", f"No {noun.en or noun.zh} are counted")
        return Text("没有纳入计算的学校", "No school is counted")
    label = table.stages.get(stage) or Text(stage, stage)
    if noun is not None:
        return Text(
            f"没有纳入计算的{label.zh}{noun.zh}",
            f"No {label.en or stage} {noun.en or noun.zh} are counted",
        )
    return Text(f"没有纳入计算的{label.zh}学校", f"No {label.en or stage} school is counted")


# ------------------------------------------------------------------------ the builtins
# Module-level functions: a compiled rubric pickles its aggregations by importable name.

_EMPTY = Text("没有纳入计算的学校", "no rows are counted")


def _n(rows: AggregateRows) -> tuple[str, Any]:
    return ("n", len(rows.matched))


def _sum(rows: AggregateRows) -> AggregateResult:
    return AggregateResult(sum(rows.values, ZERO), (_n(rows),))


def _count(rows: AggregateRows) -> AggregateResult:
    matched = sum(1 for m in rows.matched if m)
    return AggregateResult(Decimal(matched), (("matched", matched), _n(rows)))


def _share_where(rows: AggregateRows) -> AggregateResult:
    n = len(rows.matched)
    if n == 0:
        return AggregateResult(None, why=_EMPTY)
    matched = sum(1 for m in rows.matched if m)
    ctx = context()
    value = ctx.multiply(ctx.divide(Decimal(matched), Decimal(n)), Decimal(100))
    return AggregateResult(value, (("matched", matched), ("n", n)))


def _weights(rows: AggregateRows) -> tuple[Decimal, ...]:
    return rows.weights if rows.weights is not None else tuple(Decimal(1) for _ in rows.values)


def _weighted_mean(rows: AggregateRows) -> AggregateResult:
    weights = _weights(rows)
    total = sum(weights, ZERO)
    if not rows.values or total == 0:
        return AggregateResult(None, why=_EMPTY if not rows.values else _ZERO_WEIGHT)
    ctx = context()
    mean = ctx.divide(
        sum((ctx.multiply(w, x) for w, x in zip(weights, rows.values, strict=True)), ZERO), total
    )
    breakdown: list[tuple[str, Any]] = [("n", len(rows.values))]
    if rows.weights is not None:
        breakdown.append(("weight_total", total))
    return AggregateResult(mean, tuple(breakdown))


_ZERO_WEIGHT = Text("权数合计为0", "the weights sum to 0")


def coefficient_of_variation(
    values: Sequence[Decimal], weights: Sequence[Decimal]
) -> tuple[Decimal, Decimal, Decimal] | None:
    """X̄, S and CV as 教督〔2017〕6号 defines them, each rounded to :data:`CV_PLACES`.

    X̄ = Σ PᵢXᵢ / P, S = √( Σ (Pᵢ/P)(Xᵢ − X̄)² ), CV = S / X̄, with Pᵢ the weight of row i and
    P their sum; computed in a 50-digit context, then rounded half to even. ``None`` when
    there is no row, the weights sum to 0 or X̄ is 0.
    """
    c = _WIDE
    total = sum(weights, ZERO)
    if not values or total == 0:
        return None
    mean = c.divide(
        c.add(ZERO, sum((c.multiply(p, x) for p, x in zip(weights, values, strict=True)), ZERO)),
        total,
    )
    if mean == 0:
        return None
    variance = ZERO
    for p, x in zip(weights, values, strict=True):
        gap = c.subtract(x, mean)
        variance = c.add(variance, c.multiply(c.divide(p, total), c.multiply(gap, gap)))
    sd = c.sqrt(variance)
    cv = c.divide(sd, mean)
    return (
        mean.quantize(CV_PLACES, rounding=decimal.ROUND_HALF_EVEN, context=c),
        sd.quantize(CV_PLACES, rounding=decimal.ROUND_HALF_EVEN, context=c),
        cv.quantize(CV_PLACES, rounding=decimal.ROUND_HALF_EVEN, context=c),
    )


def _cv(rows: AggregateRows) -> AggregateResult:
    weights = _weights(rows)
    found = coefficient_of_variation(rows.values, weights)
    if found is None:
        why = _EMPTY if not rows.values else Text("平均值为0", "the mean is 0")
        return AggregateResult(None, why=why)
    mean, sd, cv = found
    return AggregateResult(
        cv,
        (
            ("mean", mean),
            ("sd", sd),
            ("cv", cv),
            ("n", len(rows.values)),
            ("weight_total", sum(weights, ZERO)),
        ),
    )


def _min(rows: AggregateRows) -> AggregateResult:
    if not rows.values:
        return AggregateResult(None, why=_EMPTY)
    low = min(rows.values)
    at = rows.labels[rows.values.index(low)] if rows.labels else ""
    return AggregateResult(low, (("n", len(rows.values)), ("row", at)))


def _max(rows: AggregateRows) -> AggregateResult:
    if not rows.values:
        return AggregateResult(None, why=_EMPTY)
    high = max(rows.values)
    at = rows.labels[rows.values.index(high)] if rows.labels else ""
    return AggregateResult(high, (("n", len(rows.values)), ("row", at)))


BUILTIN_AGGREGATIONS: tuple[Aggregation, ...] = (
    aggregation(
        "count",
        description=Text(
            "计数:纳入计算且满足 where 条件的行数", "count: rows counted that meet `where`"
        ),
        compute=_count,
        needs_column=False,
        where_counts=True,
    ),
    aggregation(
        "cv",
        description=Text(
            "差异系数(教督〔2017〕6号):CV = S ÷ X̄,X̄ = ΣPᵢXᵢ ÷ P,S = √(Σ(Pᵢ÷P)(Xᵢ − X̄)²)",
            "coefficient of variation (教督〔2017〕6号): CV = S ÷ X̄, X̄ = ΣPᵢXᵢ ÷ P, "
            "S = √(Σ(Pᵢ÷P)(Xᵢ − X̄)²)",
        ),
        compute=_cv,
        needs_weight=True,
    ),
    aggregation("max", description=Text("最大值", "the largest value"), compute=_max),
    aggregation("min", description=Text("最小值", "the smallest value"), compute=_min),
    aggregation(
        "share_where",
        description=Text(
            "占比:满足 where 条件的行数 ÷ 纳入计算的行数 × 100",
            "share: rows meeting `where` ÷ rows counted × 100",
        ),
        compute=_share_where,
        needs_column=False,
        where_counts=True,
    ),
    aggregation("sum", description=Text("合计", "the sum"), compute=_sum),
    aggregation(
        "weighted_mean",
        description=Text(
            "加权平均 = ΣPᵢXᵢ ÷ P(无 weight 时为简单平均)",
            "weighted mean = ΣPᵢXᵢ ÷ P (a plain mean without `weight`)",
        ),
        compute=_weighted_mean,
    ),
)

#: The builtin aggregations by name.
BUILTIN_BY_NAME: Mapping[str, Aggregation] = {a.name: a for a in BUILTIN_AGGREGATIONS}
