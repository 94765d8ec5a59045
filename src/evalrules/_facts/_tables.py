"""Table facts: rows of typed columns, their exclusions and their per-row derived values.

A table fact holds one row per unit (a school, a kindergarten, a teaching point). Validation
checks each row's columns as it checks scalar facts, naming the row (``schools[12].pupils``
and the school's name); then :func:`build_table` turns the validated rows into a
:class:`TableValue`: each row's row-derived values computed in ``Decimal``, each row the
rubric excludes marked with why, and a problem for every key given twice in one stage.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._crosschecks import CrossCheckKind
from evalrules._facts._formulas import FORMULA_REGISTRY
from evalrules._facts._numbers import _is_number
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
        left_out: Column → why, for the columns (and row-derived values) an exclusion with
            ``columns`` leaves out of a counted row: they are absent from ``values``, so no
            aggregation or row rule reads them, while the row counts for the others.
    """

    index: int
    key: Any
    label: str
    stage: str | None
    values: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    excluded: Text | None = None
    left_out: Mapping[str, Text] = attrs.field(converter=frozen_mapping, factory=dict)


@attrs.frozen
class TableValue:
    """The value a rule or an aggregation reads for a table fact.

    Attributes:
        path: The table fact's path (``schools``).
        rows: Every validated row, in document order.
        stages: Stage code → its label (``junior`` → 初中), as the rubric declares them.
        row_noun: What one row is (幼儿园 / kindergartens), as the rubric declares it, or
            ``None`` (学校 / schools).
    """

    path: str
    rows: tuple[TableRow, ...]
    stages: Mapping[str, Text] = attrs.field(converter=frozen_mapping, factory=dict)
    row_noun: Text | None = None

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
        if isinstance(value, str) and value.strip() and _control(value) is None:
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
    row's columns and row-derived values; one with ``columns`` leaves only those (and the
    row-derived values computed from them) out of the row, which stays counted for the
    rest (no ``division-by-zero`` problem for a value left out). A key given twice in one stage is a
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
        if not label.strip() or _control(label) is not None:
            label = ""  # a blank or garbled name names nothing: the row's path names it
        labels.append(label)
        text_problems = list(
            _text_problems(spec, path, index, values, row_name(label, path, index))
        )
        problems.extend(text_problems)
        if any(p.path == f"{path}[{index}].{spec.key}" for p in text_problems):
            key = None  # a blank key identifies nothing: it repeats no other
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
        excluded, left_out = _exclusions(spec, values)
        for column in left_out:
            values.pop(column, None)
        name = row_name(label, path, index)
        if excluded is None:
            for derived_name, divisor in blocked:
                if derived_name in left_out:
                    continue
                d = next(r for r in spec.row_derived if r.path == derived_name)
                divisor_spec = spec.column(divisor)
                what = (
                    divisor_spec.description if divisor_spec is not None else Text(divisor, divisor)
                )
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
                key_spec = spec.column(spec.key)
                key_words = (
                    key_spec.description if key_spec is not None else Text(spec.key, spec.key)
                )
                stage_words = spec.stages.get(stage, Text(stage, stage)) if stage else None
                problems.append(
                    row_problem(
                        f"{path}[{index}].{spec.key}",
                        "duplicate-key",
                        name,
                        f"{key_words.zh}{key}与{other.zh}重复"
                        + (f"(同为{stage_words.zh}学段)" if stage_words is not None else ""),
                        f"{key_words.en or key_words.zh} {key} repeats {other.en}"
                        + (
                            f" (both {stage_words.en or stage_words.zh} stage)"
                            if stage_words is not None
                            else ""
                        ),
                        key,
                    )
                )
        out.append(TableRow(index, key, label, stage, values, excluded, left_out))
    return TableValue(path, tuple(out), spec.stages, spec.row_noun), problems


def _exclusions(spec: TableSpec, values: Mapping[str, Any]) -> tuple[Text | None, dict[str, Text]]:
    """Whether the exclusions leave a row out (why, or ``None``) and, when they do not, the
    columns they leave out of it (column → why): those an exclusion with ``columns``
    names, and the row-derived values computed from them."""
    left_out: dict[str, Text] = {}
    for x in spec.exclude:
        if not row_condition(x.when, values):
            continue
        if not x.columns:
            return x.why, {}
        for column in x.columns:
            left_out.setdefault(column, x.why)
    if left_out:
        for d in spec.row_derived:  # in declaration order: one may read an earlier one
            why = next((left_out[i] for i in d.inputs if i in left_out), None)
            if why is not None:
                left_out.setdefault(d.path, why)
    return None, left_out


def _control(text: str) -> str | None:
    """The first control character in ``text`` (a tab, a line break, U+0007...), or ``None``."""
    return next((ch for ch in text if unicodedata.category(ch) == "Cc"), None)


def _text_problems(
    spec: TableSpec, path: str, index: int, values: Mapping[str, Any], name: Text
) -> Iterable[FactsProblem]:
    """What a row's text cells say wrongly: the key or the label blank (empty or only
    spaces), any text cell holding a control character (a tab, a line break, U+0007),
    which no name or code holds and which a printed list would show garbled."""
    for column in spec.columns:
        cell = values.get(column.path)
        if not isinstance(cell, str):
            continue
        at = f"{path}[{index}].{column.path}"
        words = column.description
        if column.path in (spec.key, spec.label) and not cell.strip():
            yield row_problem(
                at,
                "empty",
                name,
                f"“{words.zh}”不能为空或只有空格",
                f"“{words.en or words.zh}” cannot be empty or only spaces",
                cell,
            )
            continue
        found = _control(cell)
        if found is not None:
            code = f"U+{ord(found):04X}"
            yield row_problem(
                at,
                "control-character",
                name,
                f"“{words.zh}”含有控制字符({code}),请删除",
                f"“{words.en or words.zh}” holds a control character ({code}); remove it",
                cell,
            )


def row_cross_problems(
    spec: TableSpec, value: TableValue, kinds: Mapping[str, CrossCheckKind]
) -> list[FactsProblem]:
    """The problems of the table's cross checks between the columns of each row (counted
    or excluded: a row's numbers must agree either way), each at the row's first column of
    the check (``schools[3].compliant_classes``), naming the row and both values.

    A relation of a kind declared ``at_most`` is said in the columns' words: “班额达标的班级数”
    (12个)大于“班级数”(10个); another kind's problem is said as the kind says it.
    """
    problems: list[FactsProblem] = []
    for check in spec.cross_checks:
        kind = kinds[check.kind]
        columns = [spec.column(c) for c in check.facts]
        for row in value.rows:
            if not all(c in row.values for c in check.facts):
                continue  # an optional column not given: nothing to relate
            values = tuple(row.values[c] for c in check.facts)
            found = kind.check(values)
            if found is None:
                continue
            name = row_name(row.label, value.path, row.index)
            words = [
                c.description if c is not None else Text(n, n)
                for c, n in zip(columns, check.facts, strict=True)
            ]
            if kind.at_most:
                (part, whole), (pv, wv) = words, values
                pu, wu = (_unit(c) for c in columns)
                tail = check.description if check.description.zh else _PART_TAIL
                zh = (
                    f"“{part.zh}”({plain(to_decimal(pv))}{pu})大于“{whole.zh}”"
                    f"({plain(to_decimal(wv))}{wu}),{tail.zh}"
                )
                en = (
                    f"“{part.en or part.zh}” ({plain(to_decimal(pv))}) exceeds "
                    f"“{whole.en or whole.zh}” ({plain(to_decimal(wv))}); {tail.en or tail.zh}"
                )
            else:
                zh = f"{found[0]}:" + " / ".join(f"“{w.zh}”" for w in words)
                en = f"{found[1]}: " + " / ".join(f"“{w.en or w.zh}”" for w in words)
            problems.append(
                row_problem(
                    value.cell(row, check.facts[0]),
                    check.kind.replace("_", "-"),
                    name,
                    zh,
                    en,
                    values,
                )
            )
    return problems


#: What a part larger than its whole breaks, when the rubric's check does not say.
_PART_TAIL = Text("部分不能大于整体", "a part cannot exceed its whole")


def _unit(column: Any) -> str:
    unit = getattr(column, "unit", None)
    return "" if unit in (None, "%") else str(unit)


def total_problems(
    spec: TableSpec, value: TableValue, *, skip: Iterable[Any] = ()
) -> list[FactsProblem]:
    """The problems of the table's ``totals``: on each row of a key, a total given (the
    school's pupils of both stages) must equal the sum of its column over the key's rows
    (each stage's pupils). A key given twice in one stage (a problem of its own) or with
    a row lacking the column summed is left alone: its sum would say nothing; so are the
    keys in ``skip`` (those of rows refused for problems of their own)."""
    left_out = set(skip)
    problems: list[FactsProblem] = []
    groups: dict[Any, list[TableRow]] = {}
    for row in value.rows:
        if row.key is not None:
            groups.setdefault(row.key, []).append(row)
    key_column = spec.column(spec.key)
    key_words = key_column.description if key_column is not None else Text(spec.key, spec.key)
    key_en = key_words.en or key_words.zh
    for total, part in spec.totals.items():
        t_spec, p_spec = spec.column(total), spec.column(part)
        t_words = t_spec.description if t_spec is not None else Text(total, total)
        p_words = p_spec.description if p_spec is not None else Text(part, part)
        unit = _unit(t_spec)
        for key, rows in groups.items():
            if key in left_out:
                continue
            stages = [r.stage for r in rows]
            if len(set(stages)) != len(stages):
                continue
            if not all(_is_number(r.values.get(part)) for r in rows):
                continue
            parts = [to_decimal(r.values[part]) for r in rows]
            expected = sum(parts, Decimal(0))
            shown_zh = " + ".join(
                f"{value.path}[{r.index}] {plain(v)}{unit}"
                for r, v in zip(rows, parts, strict=True)
            )
            shown_en = " + ".join(
                f"{value.path}[{r.index}] {plain(v)}" for r, v in zip(rows, parts, strict=True)
            )
            for row in rows:
                given = row.values.get(total)
                if not _is_number(given) or to_decimal(given) == expected:
                    continue
                problems.append(
                    row_problem(
                        value.cell(row, total),
                        "total-mismatch",
                        row_name(row.label, value.path, row.index),
                        f"“{t_words.zh}”为{plain(to_decimal(given))}{unit},不等于{key_words.zh}"
                        f"{key}各行“{p_words.zh}”之和{plain(expected)}{unit}({shown_zh})",
                        f"“{t_words.en or t_words.zh}” is {plain(to_decimal(given))}, not the "
                        f"sum of “{p_words.en or p_words.zh}” over the rows of {key_en} {key}, "
                        f"{plain(expected)} ({shown_en})",
                        given,
                    )
                )
    return problems


def table_cells(value: TableValue) -> Iterable[Any]:
    """Every value in a table's rows (for the number limits)."""
    for row in value.rows:
        yield from row.values.values()


def numeric(value: Any) -> Decimal | None:
    """A cell as ``Decimal``, or ``None`` when it is not a number."""
    return to_decimal(value) if _is_number(value) else None
