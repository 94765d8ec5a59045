"""Hypothesis strategies generated from a rubric's fact declarations.

:func:`valid_facts` draws facts documents that pass the rubric's validation *and* evaluate:
every value has its declared type and lies within its type's range, its declared
``minimum``/``maximum`` and below its ``plausible_max``; year series carry the years the
derived facts need; cross checks declared ``at_most`` (the builtin ``part_of``) hold because
wholes are drawn before their parts, and other cross checks hold by filtering;
a fact some derived fact divides by is never zero; ``required_if`` facts are present when their
condition is true. :func:`invalid_facts` breaks such a document in known ways and says which
problems validation must report. :func:`monotonic_cases` draws the pairs of documents that
check a rule's declared monotonicity.

Strategies are built from a :class:`~evalrules.CompiledRubric` because it knows the fact types
and cross checks the engine registered (a plugin's types included).
"""

from __future__ import annotations

import difflib
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from evalrules._compiler._compiled import CompiledRubric
from evalrules._facts._derived import divisor, years_needed
from evalrules._facts._numbers import _is_number
from evalrules._facts._types import FactType
from evalrules._points import to_decimal
from evalrules._rubric._model import FactSpec, Indicator, Monotonic, Rubric, Rule, TableSpec

__all__ = [
    "PROBLEM_CODES",
    "ExpectedProblem",
    "InvalidFacts",
    "MonotonicCase",
    "invalid_facts",
    "monotonic_cases",
    "monotonic_declarations",
    "valid_facts",
]

#: How many years before the data year a series may reach back.
_SERIES_YEARS = 4


# ----------------------------------------------------------------------------- values


@attrs.frozen
class ExpectedProblem:
    """A problem validation must report for an invalid document.

    Attributes:
        path: The dotted path of the problem, e.g. ``"pupils.primary"``.
        code: The problem code, e.g. ``"missing"``, ``"wrong-type"``, ``"part-of"``.
    """

    path: str
    code: str

    def __str__(self) -> str:
        return f"{self.path} [{self.code}]"


@attrs.frozen
class InvalidFacts:
    """A facts document with the exact list of problems its validation must report.

    Attributes:
        facts: The facts as nested mappings.
        problems: The expected problems, sorted by path and code.
    """

    facts: Mapping[str, Any]
    problems: tuple[ExpectedProblem, ...]


@attrs.frozen
class MonotonicCase:
    """Two facts documents that differ only in one fact, for a monotonicity check.

    Attributes:
        item: The item the rule belongs to.
        rule: The rule declaring the monotonicity.
        declaration: The declaration (fact and direction).
        low: The smaller value of the fact.
        high: The larger value of the fact.
        facts_low: The document with the smaller value.
        facts_high: The document with the larger value.
    """

    item: Indicator
    rule: Rule
    declaration: Monotonic
    low: Any
    high: Any
    facts_low: Mapping[str, Any]
    facts_high: Mapping[str, Any]


def monotonic_declarations(
    compiled: CompiledRubric,
) -> tuple[tuple[Indicator, Rule, Monotonic], ...]:
    """Every ``(item, rule, declaration)`` of the rubric's declared monotonicity, in order."""
    compiled_only(compiled, "monotonic_declarations")
    return tuple((item, rule, m) for item, rule in compiled.rubric.rules() for m in rule.monotonic)


# ----------------------------------------------------------------------------- the plan


@attrs.frozen
class _Range:
    """The range of a number fact's values: its type's, narrowed by the declaration."""

    ftype: FactType
    low: Decimal | None
    high: Decimal | None

    @property
    def step(self) -> Decimal:
        """The type's step (a type that declares none is stepped by 1)."""
        return self.ftype.step if self.ftype.step is not None else Decimal(1)


def _read_by_rules(compiled: CompiledRubric) -> frozenset[str]:
    """The facts the rules read (their kinds' ``reads``), with the inputs of the derived
    facts they read, transitively."""
    kinds = compiled._plan.kinds
    inputs = {d.path: d.inputs for d in compiled.rubric.derived}
    todo: list[str] = []
    for _, rule in compiled.rubric.rules():
        kind = kinds.get(rule.kind)
        if kind is not None:
            todo.extend(kind.reads(rule.params))
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(inputs.get(path, ()))
    return frozenset(seen)


class _Plan:
    """What a rubric's declarations say about drawing its facts (built once per rubric)."""

    def __init__(self, compiled: CompiledRubric) -> None:
        rubric = compiled.rubric
        # The rubric, not the compiled rubric: plans are cached by compiled rubric, weakly.
        self.rubric = rubric
        self.types = compiled._validator.types
        self.cross_kinds = compiled._validator.cross_checks
        self.specs: dict[str, FactSpec] = {s.path: s for s in rubric.facts}
        self.data_year = rubric.data_year or rubric.year - 1
        self.parts: dict[str, list[str]] = {p: [] for p in self.specs}
        self.wholes: dict[str, list[str]] = {p: [] for p in self.specs}
        #: The problem code of each (part, whole) relation, from the check that declares it.
        self.bound_codes: dict[tuple[str, str], str] = {}
        for check in rubric.cross_checks:
            if self.cross_kinds[check.kind].at_most and all(f in self.specs for f in check.facts):
                part, whole = check.facts
                self.parts[whole].append(part)
                self.wholes[part].append(whole)
                self.bound_codes[part, whole] = check.kind.replace("_", "-")
        self.series = compiled._validator.series
        #: The table facts by path, and the type of each of their columns.
        self.tables = {
            p: (s, compiled._validator.column_types(s))
            for p, s in compiled._validator.tables.items()
        }
        self.aggregations = compiled._validator.aggregations
        self.value_types = {p: compiled._validator.value_type(p) for p in self.specs}
        self.nonzero: set[str] = set()
        self.growth_years: dict[str, set[int]] = {}
        for d in rubric.derived:
            found = divisor(d, self.data_year)
            needed = years_needed(d, self.data_year)
            if found is not None and found[0] in self.specs and found[0] not in self.series:
                self.nonzero.add(found[0])
            if needed and d.inputs[0] in self.specs:
                self.growth_years.setdefault(d.inputs[0], set()).add(needed[-1])
        # Facts a rule reads, directly or through derived facts: a complete document has
        # them even when they are declared optional, since the rule cannot be scored
        # without them (evalrules check warns about such declarations).
        self.read = _read_by_rules(compiled)
        conditions = {s.required_if for s in rubric.facts if s.required_if in self.specs}
        self.conditions = [p for p in self.specs if p in conditions]
        self.order = self._order()
        self.ranges: dict[str, _Range | None] = {
            p: self._range(s, self.value_types[p]) for p, s in self.specs.items()
        }

    def _order(self) -> list[str]:
        """Facts in drawing order: conditions first, then every whole before its parts."""
        rest = [p for p in self.specs if p not in self.conditions]
        placed: list[str] = []
        seen: set[str] = set()
        pending = list(rest)
        while pending:
            progressed = False
            for path in list(pending):
                if all(w in seen or w in self.conditions for w in self.wholes[path]):
                    placed.append(path)
                    seen.add(path)
                    pending.remove(path)
                    progressed = True
            if not progressed:
                # A cycle of at-most checks: draw the rest in declaration order; the final
                # cross-check filter keeps only valid documents.
                placed.extend(pending)
                break
        return [*self.conditions, *placed]

    def _range(self, spec: FactSpec, ftype: FactType) -> _Range | None:
        if not ftype.numeric:
            return None
        rules = ftype.rules
        low = spec.minimum if spec.minimum is not None else _opt_decimal(rules.get("min"))
        high = spec.maximum if spec.maximum is not None else _opt_decimal(rules.get("max"))
        if spec.plausible_max is not None:
            high = spec.plausible_max if high is None else min(high, spec.plausible_max)
        return _Range(ftype, low, high)

    def column_range(self, column: FactSpec, ftype: FactType) -> _Range | None:
        """The range of a table column's values (as a fact's)."""
        return self._range(column, ftype)

    def floor(self, path: str, values: Mapping[str, Any], present: Mapping[str, bool]) -> Any:
        """The least value ``path`` may take: its own minimum, its present parts' values."""
        rng = self.ranges[path]
        low = rng.low if rng is not None else None
        if path in self.nonzero and rng is not None and (low is None or low <= 0):
            low = max(low if low is not None else rng.step, rng.step)
        for part in self.parts[path]:
            if not present.get(part):
                continue
            part_low = (
                to_decimal(values[part]) if part in values else self.floor(part, values, present)
            )
            if part_low is not None and (low is None or part_low > low):
                low = part_low
        return low

    def ceiling(self, path: str, values: Mapping[str, Any], present: Mapping[str, bool]) -> Any:
        """The largest value ``path`` may take: its own maximum, its present wholes' values."""
        rng = self.ranges[path]
        high = rng.high if rng is not None else None
        for whole in self.wholes[path]:
            if present.get(whole) and whole in values:
                value = to_decimal(values[whole])
                high = value if high is None else min(high, value)
        return high

    def converted(self, flat: Mapping[str, Any]) -> dict[str, Any]:
        """Values as the validator hands them to cross checks (``Decimal`` for money...)."""
        out: dict[str, Any] = {}
        for path, value in flat.items():
            conv = self.value_types[path].convert
            if path in self.tables:
                continue  # a cross check names scalar facts only
            if path in self.series:
                out[path] = {int(k): conv(v) for k, v in value.items()}
            else:
                out[path] = conv(value)
        return out

    def failing_checks(self, flat: Mapping[str, Any]) -> list[ExpectedProblem]:
        """The problems the rubric's cross checks report for these values."""
        values = self.converted(flat)
        problems = []
        for check in self.rubric.cross_checks:
            if not all(p in values for p in check.facts):
                continue
            kind = self.cross_kinds[check.kind]
            if kind.check(tuple(values[p] for p in check.facts)) is not None:
                problems.append(ExpectedProblem(check.facts[0], check.kind.replace("_", "-")))
        return problems


_PLANS: weakref.WeakKeyDictionary[CompiledRubric, _Plan] = weakref.WeakKeyDictionary()


def compiled_only(value: object, name: str) -> None:
    """Refuse what is not a compiled rubric with a TypeError saying what to pass (a loaded
    ``Rubric``, a rubric reference): the test kit draws from what the compiler worked out."""
    if isinstance(value, CompiledRubric):
        return
    if isinstance(value, Rubric):
        hint = "compile it first: engine.compile(rubric)"
    elif isinstance(value, str):
        hint = f"load and compile it first: engine.compile(engine.load_rubric({value!r}))"
    else:
        hint = "build one with engine.compile(engine.load_rubric(ref))"
    raise TypeError(f"{name}() takes a CompiledRubric, not {type(value).__name__}: {hint}")


def _plan(compiled: CompiledRubric) -> _Plan:
    plan = _PLANS.get(compiled)
    if plan is None:
        plan = _PLANS[compiled] = _Plan(compiled)
    return plan


def _opt_decimal(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _is_yes_no(ftype: FactType) -> bool:
    """A fact type whose values are true and false (ordered false < true for monotonicity)."""
    return ftype.is_scalar and ftype.accepts(True) and ftype.accepts(False)


# ------------------------------------------------------------------------ drawing values


def _number(rng: _Range, low: Decimal | None, high: Decimal | None) -> st.SearchStrategy[Any]:
    """Numbers of a range's type within ``[low, high]`` (either end may be open), drawn with
    the type's own strategy."""
    strategy = rng.ftype.strategy
    if strategy is None:
        raise TypeError(
            f"no strategy for fact type {rng.ftype.name!r}; give the type a strategy, or pass "
            f"one with types={{{rng.ftype.name!r}: <strategy>}}"
        )
    return strategy(low, high)


def _on_step(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    """``value`` moved onto the range's grid of steps (up or down)."""
    return (value / step).quantize(Decimal(1), rounding=rounding) * step


def _empty_range(rng: _Range, low: Decimal | None, high: Decimal | None) -> bool:
    if low is None or high is None:
        return False
    step = rng.step
    return _on_step(low, step, ROUND_CEILING) > _on_step(high, step, ROUND_FLOOR)


def _scalar(
    plan: _Plan,
    ftype: FactType,
    path: str,
    extra: Mapping[str, st.SearchStrategy[Any]],
    low: Decimal | None = None,
    high: Decimal | None = None,
) -> st.SearchStrategy[Any]:
    """Values of one (non-series) fact type."""
    if ftype.name in extra:
        return extra[ftype.name]
    # A series' range is its items' range, so the fact's range fits either way.
    rng = plan.ranges[path] if ftype.numeric else None
    if rng is not None:
        return _number(rng, rng.low if low is None else low, rng.high if high is None else high)
    if ftype.strategy is not None:
        return ftype.strategy(None, None)
    raise TypeError(
        f"no strategy for fact type {ftype.name!r} (fact {path}); give the type a strategy, or "
        f"pass one with types={{{ftype.name!r}: <strategy>}}"
    )


def _series(
    draw: st.DrawFn,
    plan: _Plan,
    path: str,
    extra: Mapping[str, st.SearchStrategy[Any]],
) -> dict[int, Any]:
    """A year series: any years of the window, always the ones a growth formula reads."""
    window = range(plan.data_year - _SERIES_YEARS + 1, plan.data_year + 1)
    needed: set[int] = set()
    for year in plan.growth_years.get(path, ()):
        needed |= {year, year - 1}
    years = draw(st.sets(st.sampled_from(list(window)))) | needed
    before_growth = {year - 1 for year in plan.growth_years.get(path, ())}
    series: dict[int, Any] = {}
    for year in sorted(years):
        rng = plan.ranges[path]
        if year in before_growth and rng is not None:
            low = rng.low if rng.low is not None and rng.low > 0 else rng.step
            value = draw(_number(rng, low, rng.high))
        else:
            value = draw(_scalar(plan, plan.value_types[path], path, extra))
        series[year] = value
    return series


#: The most rows the test kit draws for a table.
_TABLE_ROWS = 8


def _table(
    draw: st.DrawFn,
    plan: _Plan,
    path: str,
    extra: Mapping[str, st.SearchStrategy[Any]],
) -> list[dict[str, Any]]:
    """A table's rows: every column drawn like a fact of its type (within its declared
    range, among its declared values), keys unique per stage, every stage present, and no
    zero divisor of a row-derived value; documents whose aggregations cannot be computed
    (a mean of 0) are filtered out. Every row of a stage may be excluded: its aggregates
    are then not computed, and the items reading them not applicable."""
    from evalrules._facts._aggregations import compute_aggregate
    from evalrules._facts._tables import build_table

    spec, types = plan.tables[path]
    table = spec.table
    assert table is not None
    stages = list(table.stages)
    least = max(1, len(stages), table.min_rows or 0)
    count = draw(st.integers(min_value=least, max_value=max(least, _TABLE_ROWS)))
    divisors = {d.inputs[1] for d in table.row_derived if len(d.inputs) > 1}
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = {}
        for column in table.columns:
            ftype = types[column.path]
            if column.path == table.key:
                row[column.path] = _key(ftype, i)
                continue
            if column.path == table.stage and stages:
                row[column.path] = (
                    stages[i % len(stages)] if i < len(stages) else draw(st.sampled_from(stages))
                )
                continue
            if not column.required and not draw(st.booleans()):
                continue
            if column.values is not None:
                row[column.path] = draw(st.sampled_from(list(column.values)))
                continue
            rng = plan.column_range(column, ftype)
            if rng is not None and ftype.name not in extra:
                low = rng.low
                if column.path in divisors and (low is None or low <= 0):
                    low = rng.step
                row[column.path] = draw(_number(rng, low, rng.high))
            elif ftype.name in extra:
                row[column.path] = draw(extra[ftype.name])
            elif ftype.strategy is not None:
                row[column.path] = draw(ftype.strategy(None, None))
            else:
                raise TypeError(
                    f"no strategy for fact type {ftype.name!r} (column {path}.{column.path})"
                )
        _clean_text(table, row, i)
        _relate_row(plan, table, row)
        rows.append(row)
    converted = [{k: types[k].convert(v) for k, v in row.items()} for row in rows]
    for check in table.cross_checks:  # a relation the drawing did not make hold: filtered
        kind = plan.cross_kinds[check.kind]
        for values in converted:
            if all(c in values for c in check.facts):
                assume(kind.check(tuple(values[c] for c in check.facts)) is None)
    value, problems = build_table(table, path, converted)
    assume(not problems)
    for derived in plan.rubric.derived:
        agg = derived.aggregate
        if agg is not None and agg.table == path:
            assume(compute_aggregate(derived, value, plan.aggregations)[1] is None)
    return rows


def _clean_text(table: TableSpec, row: dict[str, Any], index: int) -> None:
    """A drawn row's text cells as a valid row holds them: no control character, and a
    label that is not blank."""
    for name, cell in row.items():
        if isinstance(cell, str):
            row[name] = "".join(ch for ch in cell if unicodedata.category(ch) != "Cc")
    label = row.get(table.label)
    if isinstance(label, str) and not label.strip():
        row[table.label] = f"单位{index + 1}"


def _relate_row(plan: _Plan, table: TableSpec, row: dict[str, Any]) -> None:
    """Make a drawn row meet its table's relations: a part (``at_most``) no larger than its
    whole, a total equal to the column it totals (each row has a key of its own). What
    cannot be made to hold within the columns' ranges is filtered out."""
    for check in table.cross_checks:
        if not (plan.cross_kinds[check.kind].at_most and all(c in row for c in check.facts)):
            continue
        part, whole = check.facts
        if not (_is_number(row[part]) and _is_number(row[whole])):
            continue
        if to_decimal(row[part]) <= to_decimal(row[whole]):
            continue
        if _within(plan, table, part, row[whole]):
            row[part] = row[whole]
        else:
            assume(_within(plan, table, whole, row[part]))
            row[whole] = row[part]
    for total, part in table.totals.items():
        if total in row and part in row:
            assume(_within(plan, table, total, row[part]))
            row[total] = row[part]


def _within(plan: _Plan, table: TableSpec, name: str, value: Any) -> bool:
    """Whether ``value`` is within the range of the column ``name``."""
    column = table.column(name)
    if not isinstance(column, FactSpec):
        return False
    ftype = plan.types[column.type]
    if not ftype.accepts(value):
        return False
    rng = plan.column_range(column, ftype)
    if rng is None:
        return True
    number = to_decimal(value)
    return (rng.low is None or number >= rng.low) and (rng.high is None or number <= rng.high)


def _key(ftype: FactType, index: int) -> Any:
    """A row's key, different for every row: a code for text, a number otherwise."""
    if ftype.accepts(f"K{index:04d}"):
        return f"K{index:04d}"
    if ftype.accepts(index + 1):
        return index + 1
    raise TypeError(f"the test kit cannot draw keys of type {ftype.name!r}")


def _nest(flat: Mapping[str, Any], groups: Iterable[str] = ()) -> dict[str, Any]:
    """Dotted paths → nested mappings; ``groups`` are created even when empty."""
    root: dict[str, Any] = {}
    for path in groups:
        level = root
        for part in path.split("."):
            level = level.setdefault(part, {})
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        level = root
        for part in parents:
            level = level.setdefault(part, {})
        level[leaf] = value
    return root


def _groups(specs: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for path in specs:
        parts = path.split(".")
        for i in range(1, len(parts)):
            out[".".join(parts[:i])] = None
    return list(out)


def _check_overrides(plan: _Plan, overrides: Mapping[str, Any]) -> None:
    unknown = [p for p in overrides if p not in plan.specs]
    if unknown:
        hints = []
        for path in unknown:
            near = difflib.get_close_matches(path, list(plan.specs), n=1)
            hints.append(f"{path} (did you mean {near[0]}?)" if near else path)
        raise ValueError(
            f"overrides name facts the rubric {plan.rubric.ref} does not declare: "
            + ", ".join(hints)
        )


def _draw_flat(
    draw: st.DrawFn,
    plan: _Plan,
    *,
    overrides: Mapping[str, Any],
    partial: bool,
    extra: Mapping[str, st.SearchStrategy[Any]],
) -> dict[str, Any]:
    """Draw a valid document as ``{path: raw value}``."""
    values: dict[str, Any] = {}
    present: dict[str, bool] = {}
    for path, override in overrides.items():
        value = draw(override) if isinstance(override, st.SearchStrategy) else override
        present[path] = value is not None
        if value is not None:
            values[path] = value

    def decide(path: str) -> None:
        if path in present:
            return
        spec = plan.specs[path]
        must = (
            not partial
            and (spec.required or path in plan.read)
            and (spec.required_if is None or values.get(spec.required_if) is True)
        )
        present[path] = True if must else draw(st.booleans())

    for path in plan.order:
        if path in plan.conditions:
            decide(path)
            if present[path] and path not in values:
                values[path] = draw(_scalar(plan, plan.value_types[path], path, extra))
    for path in plan.order:
        decide(path)
    for path in plan.order:
        if not present[path] or path in values:
            continue
        ftype = plan.value_types[path]
        if path in plan.tables:
            values[path] = _table(draw, plan, path, extra)
            continue
        if path in plan.series:
            values[path] = _series(draw, plan, path, extra)
            continue
        rng = plan.ranges[path]
        if rng is None or ftype.name in extra:
            values[path] = draw(_scalar(plan, ftype, path, extra))
            continue
        low = plan.floor(path, values, present)
        high = plan.ceiling(path, values, present)
        if _empty_range(rng, low, high):
            raise ValueError(
                f"no valid value for {path}: it must lie between {low} and {high} "
                "(check the overrides against the rubric's ranges and at-most cross checks)"
            )
        value = draw(_number(rng, low, high))
        if path in plan.nonzero and low is not None and low < 0:
            assume(value != 0)
        values[path] = value
    # Cross checks without the at_most trait (a plugin's) are met by filtering.
    assume(not plan.failing_checks(values))
    return values


def valid_facts(
    compiled: CompiledRubric,
    *,
    overrides: Mapping[str, Any] | None = None,
    partial: bool = False,
    types: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Facts documents (nested mappings) that validate and evaluate against ``compiled``.

    Args:
        compiled: The compiled rubric whose fact declarations drive the strategy.
        overrides: Dotted fact path → a fixed value, a strategy, or ``None`` to leave the
            fact out. Overridden values are used as given (they are not checked against the
            declaration, so an override can make a document invalid on purpose); the other
            facts are drawn to agree with them (a part is drawn no larger than an overridden
            whole).
        partial: Draw documents for partial mode: any fact may be missing.
        types: Strategies by type name, for fact types without a ``strategy`` trait (a
            plugin's types may have none); they also replace the strategies of the types
            they name.

    Raises:
        ValueError: if an override names an undeclared fact.
        TypeError: if ``compiled`` is not a :class:`~evalrules.CompiledRubric` (a
            ``Rubric``: compile it first); (when drawing) if a fact's type has no strategy.
    """
    compiled_only(compiled, "valid_facts")
    plan = _plan(compiled)
    fixed = dict(overrides or {})
    _check_overrides(plan, fixed)
    extra = dict(types or {})

    @st.composite
    def draw_document(draw: st.DrawFn) -> dict[str, Any]:
        return _nest(_draw_flat(draw, plan, overrides=fixed, partial=partial, extra=extra))

    return draw_document()


# ----------------------------------------------------------------------- invalid documents


def _value_codes(plan: _Plan, path: str, value: Any) -> list[str]:
    """The range problems of a number of the right type (mirrors the declared limits)."""
    spec = plan.specs[path]
    ftype = plan.value_types[path]
    rules = ftype.rules
    low = spec.minimum if spec.minimum is not None else _opt_decimal(rules.get("min"))
    high = spec.maximum if spec.maximum is not None else _opt_decimal(rules.get("max"))
    number = to_decimal(value)
    codes = []
    if low is not None and number < low:
        codes.append("negative" if low == 0 and number < 0 else "too-small")
    if high is not None and number > high:
        # Above the type's own limit, the type may name the problem (a percentage over 100).
        explained = None
        if spec.maximum is None and ftype.explain is not None:
            explained = ftype.explain(value)
        codes.append(explained[0] if explained is not None else "too-large")
    if spec.plausible_max is not None and number > spec.plausible_max:
        codes.append("implausible")
    return codes


#: Values that are of the wrong type for most fact types, with their catalogue labels.
_WRONG_VALUES: tuple[tuple[str, Any], ...] = (
    ("wrong-type", "12"),
    ("wrong-type", "是"),
    ("a-number", 1),
    ("a-boolean", True),
    ("wrong-type", "扣1分"),
)


def _refusal_code(ftype: FactType, value: Any) -> str:
    """The code validation gives a value the type's test refuses."""
    explained = ftype.explain(value) if ftype.explain is not None else None
    return explained[0] if explained is not None else "wrong-type"


def _mutations(
    plan: _Plan, path: str, flat: Mapping[str, Any]
) -> list[tuple[str, Any, list[ExpectedProblem]]]:
    """Ways to break one fact's value: ``(label, new value, problems)``."""
    out: list[tuple[str, Any, list[ExpectedProblem]]] = []

    def add(label: str, value: Any, codes: Iterable[str], where: str = path) -> None:
        out.append((label, value, [ExpectedProblem(where, c) for c in codes]))

    if path in plan.tables:
        add("wrong-type", "12 schools", ["wrong-type"])
        rows = list(flat.get(path) or [])
        if rows:
            # an undeclared column in the first row
            undeclared = [{**rows[0], "zz_undeclared": 1}, *rows[1:]]
            add("unknown-column", undeclared, ["unknown"], f"{path}[0].zz_undeclared")
        return out
    if path in plan.series:
        add("wrong-type", "2022: 12", ["wrong-type"])
        series = dict(flat.get(path) or {})
        if series:
            # A year far beyond the accepted range, carrying a valid value.
            year = plan.data_year + 300
            series[year] = next(iter(series.values()))
            add("bad-year", series, ["bad-year"], f"{path}.{year}")
        return out
    spec = plan.specs[path]
    ftype = plan.value_types[path]
    rng = plan.ranges.get(path)
    taken: set[str] = set()
    for label, value in _WRONG_VALUES:
        # one wrong value of each label the type refuses
        if label not in taken and not ftype.accepts(value):
            taken.add(label)
            add(label, value, [_refusal_code(ftype, value)])
    if rng is not None:
        fraction = Decimal("2.5")
        if not ftype.accepts(fraction) and ftype.accepts(2):
            add("not-whole", fraction, [_refusal_code(ftype, fraction)])
        else:
            add("not-finite", Decimal("NaN"), ["not-finite"])
        if rng.low is not None:
            below = rng.low - rng.step
            add("below", _as_type(ftype, below), _value_codes(plan, path, below))
        type_high = spec.maximum
        if type_high is None:
            type_high = _opt_decimal(ftype.rules.get("max"))
        for limit, label in ((type_high, "above"), (spec.plausible_max, "implausible")):
            if limit is not None:
                above = limit + rng.step
                add(label, _as_type(ftype, above), _value_codes(plan, path, above))
    return out


def _as_type(ftype: FactType, value: Decimal) -> Any:
    """``value`` as the type writes it (an ``int`` for a type of whole numbers)."""
    if not ftype.accepts(value) and value == value.to_integral_value():
        as_int = int(value)
        if ftype.accepts(as_int):
            return as_int
    return value


@st.composite
def _invalid(
    draw: st.DrawFn,
    plan: _Plan,
    extra: Mapping[str, st.SearchStrategy[Any]],
    max_problems: int,
    codes: frozenset[str] | None,
) -> InvalidFacts:
    flat = _draw_flat(draw, plan, overrides={}, partial=False, extra=extra)
    groups = _groups(plan.specs)
    catalogue = _catalogue(plan, flat, extra, codes)
    relational = _relational_candidates(plan, flat, codes)
    if not catalogue and not relational:
        raise ValueError(
            f"the rubric {plan.rubric.ref} offers no way to make the problems {sorted(codes or ())}"
        )
    if relational and (not catalogue or draw(st.booleans())):
        how = draw(st.sampled_from(relational))
        how(draw, flat)
        problems = plan.failing_checks(flat)
        for spec in plan.specs.values():
            if (
                spec.required_if is not None
                and flat.get(spec.required_if) is True
                and spec.path not in flat
            ):
                problems.append(ExpectedProblem(spec.path, "missing"))
        assume(bool(problems) and (codes is None or {p.code for p in problems} <= codes))
        return InvalidFacts(_nest(flat, groups), tuple(sorted(problems, key=_problem_key)))
    problems = []
    extra_keys: dict[str, Any] = {}
    broken: set[str] = set()
    for _ in range(draw(st.integers(1, max_problems))):
        # The kind of problem first, then the fact: drawing a fact first would let the kinds
        # of problems the most facts can have crowd out the others.
        labels = sorted(
            label
            for label, options in catalogue.items()
            if any(o[0] not in broken for o in options)
        )
        if not labels:
            break
        label = draw(st.sampled_from(labels))
        path, value, expected = draw(
            st.sampled_from([o for o in catalogue[label] if o[0] not in broken])
        )
        broken.add(path)
        if label == "missing":
            flat.pop(path, None)
        elif label == "unknown":
            extra_keys[f"{path}_typo"] = flat.get(path, 1)
        else:
            flat[path] = value
        problems.extend(expected)
    document = _nest({**flat, **extra_keys}, groups)
    return InvalidFacts(document, tuple(sorted(problems, key=_problem_key)))


def _catalogue(
    plan: _Plan,
    flat: Mapping[str, Any],
    extra: Mapping[str, st.SearchStrategy[Any]],
    codes: frozenset[str] | None,
) -> dict[str, list[tuple[str, Any, list[ExpectedProblem]]]]:
    """Ways to break single values, by kind: ``{label: [(path, value, problems)]}``."""
    catalogue: dict[str, list[tuple[str, Any, list[ExpectedProblem]]]] = {}
    for path, spec in plan.specs.items():
        if spec.type in extra or plan.value_types[path].name in extra:
            continue
        options = list(_mutations(plan, path, flat))
        if spec.required and spec.required_if is None:
            options.append(("missing", None, [ExpectedProblem(path, "missing")]))
        if f"{path}_typo" not in plan.specs:
            options.append(("unknown", None, [ExpectedProblem(f"{path}_typo", "unknown")]))
        for label, value, expected in options:
            if codes is None or {p.code for p in expected} <= codes:
                catalogue.setdefault(label, []).append((path, value, expected))
    return catalogue


def _problem_key(problem: ExpectedProblem) -> tuple[str, str]:
    return (problem.path, problem.code)


def _relational_candidates(
    plan: _Plan, flat: dict[str, Any], codes: frozenset[str] | None
) -> list[Callable[[st.DrawFn, dict[str, Any]], None]]:
    """Ways to break a relation between facts while every value stays valid on its own."""
    out: list[Callable[[st.DrawFn, dict[str, Any]], None]] = []
    for part, wholes in plan.wholes.items():
        for whole in wholes:
            if codes is not None and plan.bound_codes[part, whole] not in codes:
                continue
            part_rng, whole_rng = plan.ranges[part], plan.ranges[whole]
            if part_rng is None or whole_rng is None:
                continue
            if part not in flat or whole not in flat:
                continue
            out.append(_exceed(plan, part, whole))
    for spec in plan.specs.values():
        cond = spec.required_if
        if cond is None or cond not in plan.specs or (codes is not None and "missing" not in codes):
            continue
        out.append(_drop_required(spec.path, cond))
    return out


def _exceed(plan: _Plan, part: str, whole: str) -> Callable[[st.DrawFn, dict[str, Any]], None]:
    """Make ``part`` larger than ``whole``, each within its own declared range."""

    def apply(draw: st.DrawFn, flat: dict[str, Any]) -> None:
        part_rng, whole_rng = plan.ranges[part], plan.ranges[whole]
        assert part_rng is not None
        assert whole_rng is not None
        whole_value = to_decimal(flat[whole])
        step = max(part_rng.step, whole_rng.step)
        if part_rng.high is None or whole_value + step <= part_rng.high:
            flat[part] = draw(_number(part_rng, whole_value + step, part_rng.high))
            return
        part_value = to_decimal(flat[part])
        low = whole_rng.low if whole_rng.low is not None else Decimal(0)
        if whole in plan.nonzero:
            low = max(low, whole_rng.step)
        assume(part_value - step >= low)
        flat[whole] = draw(_number(whole_rng, low, part_value - step))

    return apply


def _drop_required(path: str, cond: str) -> Callable[[st.DrawFn, dict[str, Any]], None]:
    """Make ``cond`` true and leave out ``path``, which it makes required."""

    def apply(draw: st.DrawFn, flat: dict[str, Any]) -> None:
        flat[cond] = True
        flat.pop(path, None)

    return apply


#: The problem codes :func:`invalid_facts` draws (a plugin's cross checks add their own).
PROBLEM_CODES: tuple[str, ...] = (
    "wrong-type",
    "not-whole",
    "negative",
    "too-small",
    "too-large",
    "over-100",
    "implausible",
    "not-finite",
    "missing",
    "unknown",
    "bad-year",
    "part-of",
)


def invalid_facts(
    compiled: CompiledRubric,
    *,
    max_problems: int = 3,
    codes: Iterable[str] | None = None,
    types: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[InvalidFacts]:
    """Invalid facts documents, each with the exact problems validation must report.

    A document breaks either up to ``max_problems`` values on their own (wrong type, not a
    whole number, below the minimum, above the maximum or the plausible maximum, not finite,
    a required fact left out, an undeclared fact, a year out of range) or a relation between
    valid values (a part larger than its whole, a fact left out that a true condition makes
    required). Relations are checked only when every value is valid on its own, so the two
    kinds are not mixed.

    Args:
        compiled: The compiled rubric.
        max_problems: The most values broken in one document.
        codes: Draw only problems with these codes (see :data:`PROBLEM_CODES`).
        types: Strategies for a plugin's fact types, as for :func:`valid_facts`; facts of
            those types are left intact.

    Raises:
        ValueError: if ``max_problems`` is below 1 or a code is unknown; (when drawing) if
            the rubric offers no way to make the problems asked for.
    """
    compiled_only(compiled, "invalid_facts")
    if max_problems < 1:
        raise ValueError("max_problems must be at least 1")
    plan = _plan(compiled)
    chosen = None if codes is None else frozenset(codes)
    if chosen is not None:
        known = set(PROBLEM_CODES) | {k.replace("_", "-") for k in plan.cross_kinds}
        unknown = sorted(chosen - known)
        if unknown or not chosen:
            raise ValueError(
                f"unknown problem codes {unknown} (known: {', '.join(sorted(known))})"
                if unknown
                else "codes must name at least one problem code"
            )
    return _invalid(plan, dict(types or {}), max_problems, chosen)


# --------------------------------------------------------------------------- monotonicity


def _constants(value: Any) -> Iterator[Decimal]:
    """Every number in a rule's parameters (thresholds, band edges, anchors)."""
    if isinstance(value, Mapping):
        for sub in value.values():
            yield from _constants(sub)
    elif isinstance(value, list | tuple):
        for sub in value:
            yield from _constants(sub)
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        yield to_decimal(value)


def _ordered_pair(
    draw: st.DrawFn,
    rng: _Range,
    low: Decimal | None,
    high: Decimal | None,
    params: Mapping[str, Any],
) -> tuple[Any, Any]:
    """Two different values within ``[low, high]``, smaller first.

    They are drawn independently (drawing the second above the first keeps pairs close
    together), and often at a number of the rule's parameters or one step either side, where
    a wrongly declared direction shows.
    """
    # Two different values need room for two: a part whose whole is 0 has none.
    assume(not _empty_range(rng, low, None if high is None else high - rng.step))
    step = rng.step
    edges = sorted(
        {
            _as_type(rng.ftype, v)
            for c in _constants(params)
            for v in (c - step, c, c + step)
            if (low is None or v >= low)
            and (high is None or v <= high)
            and _on_step(v, step, ROUND_FLOOR) == v
        },
        key=to_decimal,
    )
    values = _number(rng, low, high)
    if edges:
        values = st.one_of(st.sampled_from(edges), values)
    pair = draw(st.lists(values, min_size=2, max_size=2, unique_by=to_decimal))
    return min(pair, key=to_decimal), max(pair, key=to_decimal)


@st.composite
def _monotonic(
    draw: st.DrawFn,
    plan: _Plan,
    item: Indicator,
    rule: Rule,
    declaration: Monotonic,
    extra: Mapping[str, st.SearchStrategy[Any]],
) -> MonotonicCase:
    path = declaration.fact
    yes_no = _is_yes_no(plan.value_types[path]) and path not in plan.series
    # A yes/no fact is drawn true so that the facts it makes required are present in both
    # documents.
    fixed = {path: True} if yes_no else {}
    flat = _draw_flat(draw, plan, overrides=fixed, partial=False, extra=extra)
    present = {p: p in flat for p in plan.specs}
    others = {p: v for p, v in flat.items() if p != path}
    if yes_no:
        low, high = False, True
    else:
        rng = plan.ranges[path]
        assert rng is not None
        low, high = _ordered_pair(
            draw,
            rng,
            plan.floor(path, others, present),
            plan.ceiling(path, others, present),
            rule.params,
        )
    groups = _groups(plan.specs)
    return MonotonicCase(
        item=item,
        rule=rule,
        declaration=declaration,
        low=low,
        high=high,
        facts_low=_nest({**others, path: low}, groups),
        facts_high=_nest({**others, path: high}, groups),
    )


def monotonic_cases(
    compiled: CompiledRubric,
    rule: str | Rule,
    fact: str | None = None,
    *,
    types: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[MonotonicCase]:
    """Pairs of valid documents differing only in a fact a rule declares monotonic.

    Args:
        compiled: The compiled rubric.
        rule: The rule (or its code) declaring the monotonicity.
        fact: Which of its declarations, when it declares several.
        types: Strategies for a plugin's fact types, as for :func:`valid_facts`.

    Raises:
        LookupError: if the rule or the declaration does not exist.
        TypeError: if the fact is not a number or a boolean (nothing to order).
    """
    code = rule if isinstance(rule, str) else rule.code
    compiled_only(compiled, "monotonic_cases")
    found = [
        (item, r, m)
        for item, r, m in monotonic_declarations(compiled)
        if r.code == code and (fact is None or m.fact == fact)
    ]
    if not found:
        raise LookupError(
            f"rule {code} declares no monotonicity"
            + (f" for {fact}" if fact else "")
            + f" in {compiled.rubric.ref}"
        )
    if fact is None and len({m.fact for _, _, m in found}) > 1:
        raise LookupError(
            f"rule {code} declares several monotonic facts "
            f"({', '.join(m.fact for _, _, m in found)}); name one with fact="
        )
    item, found_rule, declaration = found[0]
    plan = _plan(compiled)
    spec = plan.specs[declaration.fact]
    yes_no = _is_yes_no(plan.value_types[declaration.fact])
    if not yes_no and plan.ranges[declaration.fact] is None:
        raise TypeError(
            f"{declaration.fact} is a {spec.type}; monotonicity is checked for numbers and booleans"
        )
    return _monotonic(plan, item, found_rule, declaration, dict(types or {}))
