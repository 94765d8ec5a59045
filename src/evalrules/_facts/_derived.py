"""Derived facts: formulas over declared facts and aggregations over tables, in Decimal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from evalrules._facts._aggregations import Aggregation, compute_aggregate
from evalrules._facts._formulas import FORMULA_REGISTRY
from evalrules._facts._formulas import FORMULAS as _FORMULA_WORDS
from evalrules._facts._tables import TableValue, div_zero_words
from evalrules._points import context, to_decimal
from evalrules._rubric._model import DerivedFact
from evalrules._scorecard._model import DerivedValue
from evalrules._text import Text
from evalrules.errors import FactsProblem

# ------------------------------------------------------------------------- derived facts

#: What each formula (``_facts._formulas``) computes.
FORMULAS: Mapping[str, Text] = _FORMULA_WORDS


def divisor(d: DerivedFact, data_year: int) -> tuple[str, int | None] | None:
    """What a derived fact divides by: ``(fact path, year)`` (the year for a series, else
    ``None``), or ``None`` when its formula divides by nothing.

    A zero there leaves the derived fact uncomputed and is a ``division-by-zero`` problem,
    so the facts schema declares it non-zero and the test kit never draws it.
    """
    if d.aggregate is not None:
        return None
    formula = FORMULA_REGISTRY.get(d.formula)
    if formula is not None and formula.divides:
        return d.inputs[1], None
    if d.formula == "growth":
        return d.inputs[0], (d.year or data_year) - 1
    return None


def years_needed(d: DerivedFact, data_year: int) -> tuple[int, ...]:
    """The years a derived fact reads from its series input (``growth``: the year and the
    year before), or ``()``."""
    if d.formula == "growth" and d.aggregate is None:
        year = d.year or data_year
        return (year - 1, year)
    return ()


def compute_derived(
    derived: Iterable[DerivedFact],
    flat: Mapping[str, Any],
    data_year: int,
    aggregations: Mapping[str, Aggregation] | None = None,
    labels: Mapping[str, Text] | None = None,
) -> tuple[dict[str, DerivedValue], list[FactsProblem]]:
    """Compute derived facts in declaration order (a derived fact may use earlier ones).

    An aggregate over a table is computed by its registered aggregation (``aggregations``,
    the builtins when not given) over the table's rows that are not excluded.

    Returns:
        The values by path, and the problems (division by zero, missing years). A derived
        fact whose inputs are absent is left out; rules that read it report it missing. So
        is one not computed for want of rows (see :func:`derive`).
    """
    values, _, problems = derive(derived, flat, data_year, aggregations, labels)
    return values, problems


def derive(
    derived: Iterable[DerivedFact],
    flat: Mapping[str, Any],
    data_year: int,
    aggregations: Mapping[str, Aggregation] | None = None,
    labels: Mapping[str, Text] | None = None,
) -> tuple[dict[str, DerivedValue], dict[str, DerivedValue], list[FactsProblem]]:
    """:func:`compute_derived`, with the derived facts that are not computed for want of
    rows: an aggregate with no counted row, and a formula reading one. Each is a
    :class:`DerivedValue` whose ``value`` is ``None`` and whose ``not_computed`` says why;
    the items whose rules read it are not applicable. ``labels``: the descriptions of the
    declared facts by path, which a problem names its divisor by (its path otherwise).

    Returns:
        The values by path, those not computed by path, and the problems.
    """
    ctx = context()
    derived = tuple(derived)

    def word(path: str) -> Text:
        """What a problem names a divisor by: its declared fact's description, else the
        derived fact's, else its path (looked up only when there is a problem)."""
        if labels and path in labels:
            return labels[path]
        return next((d.description for d in derived if d.path == path), Text(path, path))

    values: dict[str, DerivedValue] = {}
    not_computed: dict[str, DerivedValue] = {}
    problems: list[FactsProblem] = []
    for d in derived:
        if d.aggregate is not None:
            table = flat.get(d.aggregate.table)
            if isinstance(table, TableValue):
                found, problem = compute_aggregate(d, table, aggregations)
                if found is not None:
                    if found.value is None:
                        not_computed[d.path] = found
                    else:
                        values[d.path] = found
                if problem is not None:
                    problems.append(problem)
            continue
        without = next((not_computed[p] for p in d.inputs if p in not_computed), None)
        if without is not None:
            # computed from a value that is not: not computed either, for the same reason
            not_computed[d.path] = DerivedValue(
                d.path, None, d.formula, (), not_computed=without.not_computed
            )
            continue
        inputs: list[tuple[str, Any]] = []
        for path in d.inputs:
            if path in values:
                inputs.append((path, values[path].value))
            elif path in flat:
                inputs.append((path, flat[path]))
            else:
                break
        else:
            if d.formula == "growth":
                series = inputs[0][1]
                year = d.year or data_year
                if year not in series or year - 1 not in series:
                    problems.append(
                        FactsProblem(
                            d.inputs[0],
                            "missing-year",
                            f"计算“{d.description.zh}”需要{year - 1}年和{year}年的数据",
                            f"computing {d.path} needs values for {year - 1} and {year}",
                        )
                    )
                    continue
                before, now = to_decimal(series[year - 1]), to_decimal(series[year])
                if before == 0:
                    what = word(d.inputs[0])
                    what = Text(f"{what.zh}({year - 1}年)", f"{what.get('en')} ({year - 1})")
                    problems.append(_div_zero(d, f"{d.inputs[0]}[{year - 1}]", what))
                    continue
                value = ctx.multiply(ctx.divide(ctx.subtract(now, before), before), Decimal(100))
                inputs = [(f"{d.inputs[0]}[{year - 1}]", before), (f"{d.inputs[0]}[{year}]", now)]
            else:
                nums = [to_decimal(v) for _, v in inputs]
                formula = FORMULA_REGISTRY[d.formula]
                if formula.divides and nums[1] == 0:
                    what = word(d.inputs[1])
                    problems.append(_div_zero(d, d.inputs[1], what))
                    continue
                assert formula.compute is not None
                value = formula.compute(nums)
            values[d.path] = DerivedValue(d.path, value, d.formula, tuple(inputs))
    return values, not_computed, problems


def _div_zero(d: DerivedFact, divisor: str, what: Text) -> FactsProblem:
    """A derived fact not computed for a divisor of 0, both named by their descriptions."""
    words = div_zero_words(d.description, what)
    return FactsProblem(divisor, "division-by-zero", words.zh, words.en, 0)
