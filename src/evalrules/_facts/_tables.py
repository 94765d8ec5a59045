"""Table facts: rows of typed columns, their exclusions and their per-row derived values.

A table fact holds one row per unit (a school, a kindergarten, a teaching point). Validation
checks each row's columns as it checks scalar facts, naming the row (``schools[12].pupils``
and the school's name); then :func:`build_table` turns the validated rows into a
:class:`TableValue`: each row's row-derived values computed in ``Decimal``, each row the
rubric excludes marked with why, and a problem for every key given twice in one stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._cerberus import _is_number
from evalrules._facts._formulas import FORMULA_REGISTRY
from evalrules._frozen import frozen_mapping
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import TableSpec
from evalrules._text import Text
from evalrules.errors import FactsProblem

#: Operators of a row condition, beyond the comparison operators: membership in a list.
ROW_OPERATORS = (">=", ">", "<=", "<", "==", "!=", "in", "not_in")


def div_zero_words(derived: Text, divisor: Text) -> Text:
    """``“每百名学生拥有…”无法计算:除数“本学段在校生数”为0`` / ``cannot compute 'Teachers
    per 100 pupils': the divisor 'Pupils of this stage' is 0``."""
    return Text(
        f"“{derived.zh}”无法计算:除数“{divisor.zh}”为0",
        f"cannot compute '{derived.get('en')}': the divisor '{divisor.get('en')}' is 0",
    )


@attrs.frozen
class TableRow:
    """One validated row of a table fact.

    Attributes:
        index: Its position in the document (``schools[12]`` is index 12).
        key: The value of the table's key column.
        label: What names it in messages (its label column, else its key).
        stage: Its stage code, or ``None`` for a table without stages.
        values: Its columns (converted like facts) and its row-derived values (a row-derived
            value that cannot be computed is absent).
        excluded: Why the rubric leaves the row out, or ``None`` when it is counted.
    """

    index: int
    key: Any
    label: str
    stage: str | None
    values: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    excluded: Text | None = None


@attrs.frozen
class TableValue:
    """The value a rule or an aggregation reads for a table fact.

    Attributes:
        path: The table fact's path (``schools``).
        rows: Every validated row, in document order.
        stages: Stage code → its label (``junior`` → 初中), as the rubric declares them.
    """

    path: str
    rows: tuple[TableRow, ...]
    stages: Mapping[str, Text] = attrs.field(converter=frozen_mapping, factory=dict)

    def counted(self, stage: str | None = None) -> tuple[TableRow, ...]:
        """The rows not excluded, of ``stage`` when given."""
        return tuple(
            r for r in self.rows if r.excluded is None and (stage is None or r.stage == stage)
        )

    def cell(self, row: TableRow, column: str) -> str:
        """The path of a row's column, as problems and evidence name it: ``schools[12].pupils``."""
        return f"{self.path}[{row.index}].{column}"


def row_condition(cond: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether a row meets a condition (``{column, op, value}``, ``all``, ``any``).

    A row without the column meets no comparison on it. Numbers compare as exact decimals.
    """
    if "all" in cond:
        return all(row_condition(c, values) for c in cond["all"])
    if "any" in cond:
        return any(row_condition(c, values) for c in cond["any"])
    column = cond["column"]
    if column not in values:
        return False
    return compare_cell(values[column], cond.get("op", "=="), cond.get("value", True))


def compare_cell(left: Any, op: str, right: Any) -> bool:
    """A cell against a standard with a row operator (:data:`ROW_OPERATORS`)."""
    if op in ("in", "not_in"):
        options = right if isinstance(right, list | tuple) else (right,)
        found = any(_equal(left, o) for o in options)
        return found if op == "in" else not found
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if not (_is_number(left) and _is_number(right)):
        return False
    a, b = to_decimal(left), to_decimal(right)
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    raise ValueError(f"unknown operator {op!r}")


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if _is_number(left) and _is_number(right):
        return to_decimal(left) == to_decimal(right)
    return bool(left == right)


def row_condition_problems(
    cond: Any, columns: Iterable[str], where: str, *, dotted: bool = False, table: str = ""
) -> list[str]:
    """What is wrong with a row condition (``{column, op, value}``, ``all``, ``any``), one
    message per problem, each starting with ``where``.

    ``dotted`` writes the place of a condition inside ``all`` or ``any`` as a rule's
    parameters are written (``params.where.all.0``) rather than ``where.all[0]``; ``table``
    names the table in a column's problem (``the table`` without it).
    """
    known = set(columns)
    if not isinstance(cond, Mapping):
        return [f"{where}: a row condition must be a mapping"]
    for key in ("all", "any"):
        if key in cond:
            items = cond[key]
            if set(cond) != {key} or not isinstance(items, list | tuple) or not items:
                return [f"{where}: {key} takes a non-empty list of conditions and nothing else"]
            return [
                p
                for i, sub in enumerate(items)
                for p in row_condition_problems(
                    sub,
                    known,
                    f"{where}.{key}.{i}" if dotted else f"{where}.{key}[{i}]",
                    dotted=dotted,
                    table=table,
                )
            ]
    problems = []
    unknown = set(cond) - {"column", "op", "value"}
    if unknown:
        problems.append(
            f"{where}: unknown key(s) {sorted(unknown, key=str)} (use column, op, value)"
        )
    column = cond.get("column")
    if not isinstance(column, str) or column not in known:
        of = table or "the table"
        problems.append(f"{where}: column {column!r} is not a column of {of}")
    op = cond.get("op", "==")
    if op not in ROW_OPERATORS:
        problems.append(f"{where}: operator {op!r} is not one of {', '.join(ROW_OPERATORS)}")
    elif op in ("in", "not_in") and not isinstance(cond.get("value"), list | tuple):
        problems.append(f"{where}: {op} takes a list of values")
    return problems


def row_condition_text(cond: Mapping[str, Any]) -> str:
    """A row condition written out as a rubric writes it, for evidence:
    ``category in [nine_year] and pupils > 100``."""
    for key in ("all", "any"):
        if key in cond:
            parts = [row_condition_text(c) for c in cond[key]]
            nested = len(parts) > 1
            inner = [f"({p})" if nested and (" and " in p or " or " in p) else p for p in parts]
            return f" {'and' if key == 'all' else 'or'} ".join(inner)
    value = cond.get("value", True)
    if isinstance(value, list | tuple):
        shown = "[" + ", ".join(_written(v) for v in value) + "]"
    else:
        shown = _written(value)
    return f"{cond['column']} {cond.get('op', '==')} {shown}"


def _written(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return plain(to_decimal(value))
    return str(value)


def row_name(label: str, path: str, index: int) -> Text:
    """How a problem names a row: its label, else its path in the document
    (``schools[3]``, counted from 0 like the problem's own path)."""
    if label:
        return Text(label, label)
    where = f"{path}[{index}]"
    return Text(where, where)


def row_reference(label: str, path: str, index: int) -> Text:
    """Another row a problem points to: its path in the document, with its label when it
    has one (``schools[1](第二小学)`` / ``schools[1] (第二小学)``)."""
    where = f"{path}[{index}]"
    if not label:
        return Text(where, where)
    return Text(f"{where}({label})", f"{where} ({label})")


def row_problem(
    path: str, code: str, name: Text, zh: str, en: str, value: Any = None
) -> FactsProblem:
    """A problem in a row, its message opened by the row's name."""
    return FactsProblem(path, code, f"{name.zh}:{zh}", f"{name.en}: {en}", value)


def raw_label(spec: TableSpec, row: Any) -> str:
    """A row's label as written in the document (before validation), or ``""``."""
    if not isinstance(row, Mapping):
        return ""
    for column in (spec.label, spec.key):
        value = row.get(column)
        if isinstance(value, str) and value:
            return value[:80]
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return ""


def build_table(
    spec: TableSpec, path: str, rows: Sequence[Mapping[str, Any] | None]
) -> tuple[TableValue, list[FactsProblem]]:
    """The validated rows of a table fact as a :class:`TableValue`, and its problems.

    Each row's row-derived values are computed in declaration order (one may read an earlier
    one); a divisor of 0 in a counted row is a ``division-by-zero`` problem naming the row
    (in an excluded row the value is simply not computed). Exclusions are decided on the
    row's columns and row-derived values. A key given twice in one stage is a
    ``duplicate-key`` problem at the second row. A ``None`` in ``rows`` is a row refused for
    a problem of its own: it keeps its index and is otherwise left out.
    """
    problems: list[FactsProblem] = []
    out: list[TableRow] = []
    seen: dict[tuple[Any, Any], int] = {}
    labels: list[str] = []
    for index, raw in enumerate(rows):
        if raw is None:  # a row refused for a problem of its own keeps its place
            labels.append("")
            continue
        values = dict(raw)
        key = values.get(spec.key)
        label_value = values.get(spec.label, key)
        label = "" if label_value is None else str(label_value)
        labels.append(label)
        stage = values.get(spec.stage) if spec.stage is not None else None
        blocked: list[tuple[str, str]] = []
        for d in spec.row_derived:
            nums = [values.get(i) for i in d.inputs]
            if not all(_is_number(n) for n in nums):
                continue
            decimals = [to_decimal(n) for n in nums]
            formula = FORMULA_REGISTRY[d.formula]
            if formula.divides and decimals[1] == 0:
                blocked.append((d.path, d.inputs[1]))
                continue
            assert formula.compute is not None
            values[d.path] = formula.compute(decimals)
        excluded = next((x.why for x in spec.exclude if row_condition(x.when, values)), None)
        name = row_name(label, path, index)
        if excluded is None:
            for derived_name, divisor in blocked:
                d = next(r for r in spec.row_derived if r.path == derived_name)
                column = spec.column(divisor)
                what = column.description if column is not None else Text(divisor, divisor)
                words = div_zero_words(d.description, what)
                problems.append(
                    row_problem(
                        f"{path}[{index}].{divisor}",
                        "division-by-zero",
                        name,
                        words.zh,
                        words.en,
                        0,
                    )
                )
        if key is not None:
            first = seen.setdefault((stage, key), index)
            if first != index:
                other = row_reference(labels[first], path, first)
                problems.append(
                    row_problem(
                        f"{path}[{index}].{spec.key}",
                        "duplicate-key",
                        name,
                        f"{spec.key} {key} 与 {other.zh} 重复"
                        + (f"(同一学段 {stage})" if stage is not None else ""),
                        f"{spec.key} {key} repeats {other.en}"
                        + (f" (same stage {stage})" if stage is not None else ""),
                        key,
                    )
                )
        out.append(TableRow(index, key, label, stage, values, excluded))
    return TableValue(path, tuple(out), spec.stages), problems


def table_cells(value: TableValue) -> Iterable[Any]:
    """Every value in a table's rows (for the number limits)."""
    for row in value.rows:
        yield from row.values.values()


def numeric(value: Any) -> Decimal | None:
    """A cell as ``Decimal``, or ``None`` when it is not a number."""
    return to_decimal(value) if _is_number(value) else None
