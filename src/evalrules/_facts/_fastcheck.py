"""A compiled acceptance check for facts documents, in front of cerberus.

cerberus is the reference validator: it decides what is wrong and how to say it. It is also
slow (milliseconds for a rubric with seventy facts), and almost every document a platform
sends is valid. This module compiles a rubric's fact declarations into one plain-Python check
that answers a single question — "would cerberus find no problem at all?" — in a fraction of
the time. When the answer is yes, the document is accepted; when it is no (or the check does
not cover a fact's type), cerberus runs and reports every problem as before.

The check never accepts what cerberus would reject: ``tests/property/test_fastcheck.py`` holds
the two to the same answer on generated valid and invalid documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._types import FactType, _is_year_key
from evalrules._limits import MAX_ITEMS
from evalrules._rubric._model import FactSpec

Check = Callable[[Any], bool]

#: Rule keys of a fact type that the compiled check knows how to apply.
_SUPPORTED_RULES = frozenset({"min", "max"})


def _bound_check(accepts: Callable[[Any], bool], lo: Decimal | None, hi: Decimal | None) -> Check:
    if lo is None and hi is None:
        return accepts

    def check(value: Any) -> bool:
        if not accepts(value):
            return False
        if lo is not None and value < lo:
            return False
        return not (hi is not None and value > hi)

    return check


def _tightest(*values: Any) -> Decimal | None:
    present = [
        Decimal(str(v)) if not isinstance(v, Decimal) else v for v in values if v is not None
    ]
    return min(present) if present else None


def compile_check(
    specs: Mapping[str, FactSpec],
    values: Mapping[str, FactType],
    series: frozenset[str],
    *,
    partial: bool,
    tables: Mapping[str, tuple[FactSpec, Mapping[str, FactType]]] | None = None,
) -> Check | None:
    """Compile the acceptance check for a rubric's facts.

    Args:
        specs: The fact declarations by path.
        values: The type of each fact's values (the items' type for a series), by path.
        series: The paths of the facts that hold a value per year.
        partial: Whether required facts may be absent.
        tables: The table facts by path, each with the type of each of its columns.

    Returns:
        ``check(document) -> bool``, or ``None`` when some fact type carries rules the check
        does not implement (then cerberus alone decides).
    """
    leaf_checks: dict[str, Check] = {}
    tables = tables or {}
    for path, spec in specs.items():
        if path in tables:
            table_check = _table_check(*tables[path])
            if table_check is None:
                return None
            leaf_checks[path] = table_check
            continue
        ftype = values[path]
        value_check = _value_check(ftype, spec)
        if value_check is None:
            return None
        leaf_checks[path] = _series_check(value_check) if path in series else value_check

    tree: dict[str, Any] = {}
    for path in specs:
        level = tree
        parts = path.split(".")
        for part in parts[:-1]:
            level = level.setdefault(part, {})
        level[parts[-1]] = path

    required = {
        path
        for path, spec in specs.items()
        if spec.required and spec.required_if is None and not partial
    }
    group_required = _required_groups(tree, required)

    def check_level(node: Mapping[str, Any], doc: Any, prefix: str) -> bool:
        if not isinstance(doc, dict):
            return False
        for key, value in doc.items():
            target = node.get(key) if isinstance(key, str) else None
            if target is None:
                return False
            if isinstance(target, str):
                if not leaf_checks[target](value):
                    return False
            elif not check_level(target, value, f"{prefix}{key}."):
                return False
        for key, target in node.items():
            if key in doc:
                continue
            path = target if isinstance(target, str) else f"{prefix}{key}"
            if path in required or path in group_required:
                return False
        return True

    def check(document: Any) -> bool:
        return check_level(tree, document, "")

    return check


def _value_check(ftype: FactType, spec: FactSpec) -> Check | None:
    """The check of one value of a fact (or a table's column), or ``None`` when the type
    carries rules the check does not implement."""
    type_rules = ftype.rules
    if set(type_rules) - _SUPPORTED_RULES:
        return None
    lo = hi = None
    if ftype.numeric:
        # A declared minimum or maximum replaces the type's own (a growth rate may be
        # negative although percentages start at 0), exactly as the cerberus rules do.
        lo = _tightest(spec.minimum if spec.minimum is not None else type_rules.get("min"))
        hi = _tightest(
            spec.maximum if spec.maximum is not None else type_rules.get("max"),
            spec.plausible_max,
        )
    bounded = _bound_check(ftype.accepts, lo, hi)
    if spec.values is None:
        return bounded
    return _allowed_check(bounded, spec.values)


def _allowed_check(value_check: Check, allowed: tuple[Any, ...]) -> Check:
    def check(value: Any) -> bool:
        # cerberus' `allowed` is membership by equality (True == 1: the type test decides)
        return value_check(value) and value in allowed

    return check


def _table_check(spec: FactSpec, types: Mapping[str, FactType]) -> Check | None:
    """The check of a table fact: a list of at most ``max_rows`` rows (and the core's limit),
    each a mapping of declared columns, every required column present, every value valid."""
    table = spec.table
    assert table is not None
    cells: dict[str, Check] = {}
    for column in table.columns:
        values = column.values
        if column.path == table.stage and values is None:
            column = attrs.evolve(column, values=tuple(table.stages))
        cell = _value_check(types[column.path], column)
        if cell is None:
            return None
        cells[column.path] = cell
    required = frozenset(c.path for c in table.columns if c.required)
    limit = min(table.max_rows or MAX_ITEMS, MAX_ITEMS)

    def check(rows: Any) -> bool:
        if not isinstance(rows, list) or len(rows) > limit:
            return False
        for row in rows:
            if not isinstance(row, dict) or not required <= row.keys():
                return False
            for key, value in row.items():
                cell = cells.get(key) if isinstance(key, str) else None
                if cell is None or not cell(value):
                    return False
        return True

    return check


def _series_check(value_check: Check) -> Check:
    def check(series: Any) -> bool:
        if not isinstance(series, dict):
            return False
        return all(_is_year_key(k) and value_check(v) for k, v in series.items())

    return check


def _required_groups(tree: Mapping[str, Any], required: set[str], prefix: str = "") -> set[str]:
    """Group paths that cerberus requires because some fact inside them is required."""
    out: set[str] = set()
    for key, target in tree.items():
        if isinstance(target, str):
            continue
        path = f"{prefix}{key}"
        inner = _required_groups(target, required, path + ".")
        out |= inner
        if any(r.startswith(path + ".") for r in required):
            out.add(path)
    return out
