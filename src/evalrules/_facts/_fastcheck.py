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

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._numbers import _is_number
from evalrules._facts._types import (
    FactType,
    _is_boolean,
    _is_count,
    _is_year_key,
    _unchanged,
)
from evalrules._limits import MAX_DEPTH, MAX_ITEMS, PLAINLY_WITHIN, number_problem
from evalrules._points import to_decimal
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
    """The check of a table fact: a list of at least ``min_rows`` and at most ``max_rows``
    rows (and the core's limit), each a mapping of declared columns, every required column
    present, every value valid."""
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
    least = table.min_rows or 0

    def check(rows: Any) -> bool:
        if not isinstance(rows, list) or len(rows) > limit or len(rows) < least:
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


# ----------------------------------------------------------------- the fused valid path

#: ``flatten(document) -> flat facts or None``: the compiled check, the conversion and the
#: flattening in one walk. ``None`` when the check would refuse the document (or a number in
#: it is beyond the limits); the caller then runs the full validation.
Flatten = Callable[[Any], "dict[str, Any] | None"]

#: An int strictly between these has at most 28 digits and a magnitude below 1e28: within
#: every number limit, without writing it out.
_SAFE_INT = 10**28

#: Types of values that are never mappings (a quick answer before ``isinstance``).
_SCALARS = frozenset({bool, int, str, Decimal, float})


def _within_limits(value: Any) -> bool:
    """Whether a converted value holds no number beyond the limits (as the full check's
    ``_beyond_limits`` says, without it)."""
    cls = type(value)
    if cls is bool or cls is str:
        return True
    if cls is int:
        return -_SAFE_INT < value < _SAFE_INT or number_problem(value) is None
    if isinstance(value, dict):
        return all(_within_limits(v) for v in value.values())
    if isinstance(value, Decimal | int):
        return number_problem(value) is None
    return True


def _null_free(value: Any, depth: int) -> Any:
    """``value`` as the full check reads it: mappings copied without blank (null) values."""
    if depth > MAX_DEPTH:
        return dict(value)
    return {
        key: _null_free(item, depth + 1) if isinstance(item, Mapping) else item
        for key, item in value.items()
        if item is not None
    }


#: What a value reader gives for a value the check refuses.
_REFUSED: Any = object()

#: ``read(value) -> converted value or _REFUSED``: one value checked and converted.
_Read = Callable[[Any], Any]


def _read_boolean(value: Any) -> Any:
    """A yes/no fact's value (the walk reads one inline, without this call)."""
    return value if value is True or value is False else _REFUSED


def _reader(ftype: FactType, lo: Decimal | None, hi: Decimal | None) -> _Read:
    """Check one value as :func:`compile_check` does, convert it, hold it to the limits.

    The builtin types' usual values (a boolean, an int, a ``Decimal``) are read without
    the general calls; anything else goes through the type's ``accepts`` and ``convert``.
    """
    check = _bound_check(ftype.accepts, lo, hi)
    convert = ftype.convert

    def general(value: Any) -> Any:
        if not check(value):
            return _REFUSED
        converted = convert(value)
        return converted if _within_limits(converted) else _REFUSED

    accepts = ftype.accepts
    if accepts is _is_boolean and convert is _unchanged and lo is None and hi is None:
        return _read_boolean
    if accepts is _is_count and convert is _unchanged:

        def integer(value: Any) -> Any:
            if type(value) is int and -_SAFE_INT < value < _SAFE_INT:
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    return _REFUSED
                return value
            return general(value)

        return integer
    if accepts is _is_number and convert is to_decimal:

        def number(value: Any) -> Any:
            cls = type(value)
            if cls is Decimal:
                if not value.is_finite():
                    return _REFUSED
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    return _REFUSED
                return value if number_problem(value) is None else _REFUSED
            if cls is int and -_SAFE_INT < value < _SAFE_INT:
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    return _REFUSED
                return Decimal(value)
            return general(value)

        return number
    return general


#: A fact: ``(path, read one value, is a series, depth, is a plain yes/no fact)``.
_Leaf = tuple[str, _Read, bool, int, bool]
#: A group: its keys' facts and groups, and the keys it requires.
_Level = tuple[dict[str, Any], tuple[str, ...]]


def compile_flatten(
    specs: Mapping[str, FactSpec],
    values: Mapping[str, FactType],
    series: frozenset[str],
    *,
    partial: bool,
) -> Flatten | None:
    """Compile the check of :func:`compile_check` fused with the conversion of every fact.

    ``flatten(document)`` walks the document once: it drops blank (null) values as the full
    validation does, checks each value as :func:`compile_check` does, converts it with its
    type's ``convert`` (a series year by year, its keys as ints) and holds it to the number
    limits. It returns the flat facts (path → converted value, in declaration order), exactly
    what the full validation returns for a document with no problem, or ``None`` when the full
    validation must run: it never accepts what the check refuses.

    Returns:
        ``flatten``, or ``None`` when :func:`compile_check` gives no check.
    """
    leaves: dict[str, _Leaf] = {}
    bounds: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for path, spec in specs.items():
        ftype = values[path]
        if set(ftype.rules) - _SUPPORTED_RULES:
            return None  # a fact type the check does not cover: cerberus alone decides
        lo = hi = None
        if ftype.numeric:
            lo = _tightest(spec.minimum if spec.minimum is not None else ftype.rules.get("min"))
            hi = _tightest(
                spec.maximum if spec.maximum is not None else ftype.rules.get("max"),
                spec.plausible_max,
            )
        read = _reader(ftype, lo, hi)
        is_series = path in series
        bounds[path] = (lo, hi)
        leaves[path] = (
            path,
            read,
            is_series,
            path.count(".") + 1,
            read is _read_boolean and not is_series,
        )

    tree: dict[str, Any] = {}  # as compile_check builds it: a fact is its path
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
    groups = _required_groups(tree, required)
    order = tuple(specs)

    def compiled_level(node: Mapping[str, Any], prefix: str) -> _Level:
        out: dict[str, _Leaf | _Level] = {}
        needed = []
        for key, target in node.items():
            if isinstance(target, str):
                out[key] = leaves[target]
                if target in required:
                    needed.append(key)
            else:
                path = f"{prefix}{key}"
                out[key] = compiled_level(target, path + ".")
                if path in groups:
                    needed.append(key)
        return out, tuple(needed)

    root = compiled_level(tree, "")

    def walk(level: _Level, doc: Mapping[Any, Any], flat: dict[str, Any]) -> bool:
        node, needed = level
        for key, value in doc.items():
            if value is None:
                continue  # a blank value is a value not given
            target = node.get(key)
            if target is None or (type(key) is not str and not isinstance(key, str)):
                return False
            if len(target) == 2:  # a group
                if type(value) is not dict and not isinstance(value, Mapping):
                    return False
                if not walk(target, value, flat):
                    return False
                continue
            path, read, is_series, depth, is_boolean = target
            if is_boolean:  # the commonest fact, read without a call
                if value is not True and value is not False:
                    return False
                flat[path] = value
                continue
            cls = type(value)
            if cls is dict or (cls not in _SCALARS and isinstance(value, Mapping)):
                value = _null_free(value, depth)
            if is_series:
                if not isinstance(value, dict):
                    return False
                converted: Any = {}
                for year, item in value.items():
                    if not _is_year_key(year):
                        return False
                    item = read(item)
                    if item is _REFUSED:
                        return False
                    converted[int(year)] = item
            else:
                converted = read(value)
                if converted is _REFUSED:
                    return False
            flat[path] = converted
        for key in needed:  # noqa: SIM110 (a loop is faster than all() over a generator)
            if doc.get(key) is None:
                return False
        return True

    def walked(document: Mapping[Any, Any]) -> dict[str, Any] | None:
        flat: dict[str, Any] = {}
        if not walk(root, document, flat):
            return None
        if len(flat) == len(order):
            return {path: flat[path] for path in order}
        return {path: flat[path] for path in order if path in flat}

    # The walk as straight-line code; the walk itself decides whatever that code does not
    # accept.
    straight = _generate(root, bounds, order)

    def fused(document: Any) -> dict[str, Any] | None:
        if not isinstance(document, Mapping):
            return None
        flat = straight(document)
        if flat is None:  # refused, or not sure (an unknown key): the walk decides
            return walked(document)
        return flat

    return fused


# -------------------------------------------------------- the walk as straight-line code


def _leaf_general(value: Any, read: _Read, is_series: bool, depth: int) -> Any:
    """One fact's value as the walk reads it (``_REFUSED`` when the walk refuses it)."""
    cls = type(value)
    if cls is dict or (cls not in _SCALARS and isinstance(value, Mapping)):
        value = _null_free(value, depth)
    if not is_series:
        return read(value)
    if not isinstance(value, dict):
        return _REFUSED
    converted: Any = {}
    for year, item in value.items():
        if not _is_year_key(year):
            return _REFUSED
        item = read(item)
        if item is _REFUSED:
            return _REFUSED
        converted[int(year)] = item
    return converted


def _not_sure(document: Mapping[Any, Any]) -> None:
    """What :func:`_generate` gives when it writes no code: the walk decides."""


def _generate(
    root: _Level,
    bounds: Mapping[str, tuple[Decimal | None, Decimal | None]],
    order: tuple[str, ...],
) -> Callable[[Mapping[Any, Any]], dict[str, Any] | None]:
    """The walk over ``root`` as one generated function of straight-line code.

    ``straight(document)`` looks up each declared key of each group (rather than going
    through the document's keys), then reads each fact in declaration order: the commonest
    values inline (a yes/no fact, an int count, a ``Decimal`` or int number within its
    bounds and the limits), anything else through :func:`_leaf_general`. It returns the
    flat facts in declaration order, or ``None`` whenever the walk might refuse the
    document — a value refused, a required fact or group absent, or a group with a key it
    does not declare (the walk ignores an unknown key whose value is blank, and refuses any
    other) — so the caller runs the walk then, and the two never differ on a document
    ``straight`` accepts.
    """
    names: dict[str, Any] = {
        "_M": _REFUSED,
        "_E": {},
        "Decimal": Decimal,
        "Mapping": Mapping,
        "_general": _leaf_general,
        "_S": _SAFE_INT,
    }
    lines = ["def straight(g0):"]
    leaves: dict[str, tuple[str, _Leaf]] = {}  # path -> (its local, the fact)
    counter = itertools.count(1)

    def constant(value: Any) -> str:
        name = f"_c{len(names)}"
        names[name] = value
        return name

    def bounded(var: str, path: str) -> str:
        lo, hi = bounds[path]
        parts = []
        if lo is not None:
            parts.append(f" and {var} >= {constant(lo)}")
        if hi is not None:
            parts.append(f" and {var} <= {constant(hi)}")
        return "".join(parts)

    def group(level: _Level, g: str) -> None:
        node, needed = level
        n = f"n{g}"
        lines.append(f"    {n} = 0")
        inner: list[tuple[str, _Level]] = []
        for key, target in node.items():
            required = key in needed
            local = f"a{next(counter)}"
            lines.append(f"    {local} = {g}.get({key!r}, _M)")
            if len(target) == 2:  # a group: an empty one when absent or blank
                lines.append(
                    f"    if {local} is _M: {'return None' if required else f'{local} = _E'}"
                )
                lines.append("    else:")
                lines.append(f"        {n} += 1")
                lines.append(
                    f"        if {local} is None: {'return None' if required else f'{local} = _E'}"
                )
                lines.append(
                    f"        elif type({local}) is not dict and not isinstance({local}, Mapping): "
                    "return None"
                )
                inner.append((local, target))
            else:
                leaves[target[0]] = (local, target)
                if required:
                    lines.append(f"    if {local} is _M or {local} is None: return None")
                    lines.append(f"    {n} += 1")
                else:
                    lines.append(f"    if {local} is not _M: {n} += 1")
        lines.append(f"    if {n} != len({g}): return None")
        for local, target in inner:
            group(target, local)

    group(root, "g0")
    if any(path not in leaves for path in order):
        # A fact's path is also a group's (a rubric refused for it, checked by compiling):
        # no straight-line code; the walk decides every document.
        return _not_sure
    lines.append("    flat = {}")
    for path in order:
        v, (_, read, is_series, depth, is_boolean) = leaves[path]
        slot = f"flat[{path!r}]"
        lines.append(f"    if {v} is not _M and {v} is not None:")
        general = (
            f"            r = _general({v}, {constant(read)}, {is_series}, {depth})",
            "            if r is _M: return None",
            f"            {slot} = r",
        )
        if is_boolean:
            lines.append(f"        if {v} is True or {v} is False: {slot} = {v}")
            lines.append("        else: return None")
        elif not is_series and read.__name__ == "integer":
            lines.append(
                f"        if type({v}) is int and -_S < {v} < _S{bounded(v, path)}: {slot} = {v}"
            )
            lines.append("        else:")
            lines.extend(general)
        elif not is_series and read.__name__ == "number":
            lines.append(
                f"        if type({v}) is Decimal and {v}.is_finite(){bounded(v, path)}"
                f" and {PLAINLY_WITHIN.format(v=v)}: {slot} = {v}"
            )
            lines.append(
                f"        elif type({v}) is int and -_S < {v} < _S{bounded(v, path)}: "
                f"{slot} = Decimal({v})"
            )
            lines.append("        else:")
            lines.extend(general)
        else:
            lines.append("        if True:")
            lines.extend(general)
    lines.append("    return flat")
    exec(
        compile("\n".join(lines), "<evalrules facts walk>", "exec"), names
    )  # generated from the declarations alone
    straight: Callable[[Mapping[Any, Any]], dict[str, Any] | None] = names["straight"]
    return straight
