"""A rubric's facts as JSON Schema (draft 2020-12) and as a blank, commented template.

A table fact is an array of row objects with typed columns; its template entry is an empty
list with each column commented and a blank row to copy.

Host applications build their data-entry forms from the schema; district offices fill in the
template. Both are generated from the rubric's fact declarations, so they never drift.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evalrules._facts._derived import divisor, years_needed
from evalrules._facts._document import REFERENCE, accepted_rubric_names, claim_limits
from evalrules._facts._numbers import FACTS_FORMAT
from evalrules._facts._types import FactType
from evalrules._limits import MAX_ITEMS
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import FactSpec, Indicator, Rubric

__all__ = ["facts_json_schema", "facts_template"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: A year from 1949 to 2200, as a JSON object key.
YEAR_PATTERN = "^(19(49|[5-9][0-9])|2[01][0-9][0-9]|2200)$"

_NULL = {"type": "null"}


def _number(value: Any) -> Any:
    text = plain(value)
    return int(text) if "." not in text else float(text)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null: a blank (null) value is a value not given."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**schema, "type": [*kind, "null"]} if "null" not in kind else schema
    return {"anyOf": [schema, _NULL]}


def _value_schema(spec: FactSpec, ftype: FactType, *, nonzero: bool = False) -> dict[str, Any]:
    """One value of a fact: its type's schema narrowed by the declaration's limits, exactly as
    validation narrows the type's rules (a declared limit replaces the type's own)."""
    schema = dict(ftype.json_schema)
    if not ftype.numeric:
        return schema
    rules = ftype.rules
    low = spec.minimum if spec.minimum is not None else _decimal_or_none(rules.get("min"))
    upper = [
        v
        for v in (
            spec.maximum if spec.maximum is not None else _decimal_or_none(rules.get("max")),
            spec.plausible_max,
        )
        if v is not None
    ]
    if low is not None:
        schema["minimum"] = _number(low)
    if upper:
        schema["maximum"] = _number(min(upper))
    if nonzero and (low is None or low <= 0):
        if low is not None and low == 0:
            del schema["minimum"]
            schema["exclusiveMinimum"] = 0
        else:
            schema["not"] = {"const": 0}
    return schema


def _fact_schema(
    spec: FactSpec,
    types: Mapping[str, FactType],
    divisors: Mapping[str, set[int | None]],
    years: Mapping[str, set[int]],
) -> dict[str, Any]:
    ftype = types[spec.type]
    nonzero = divisors.get(spec.path, set())
    if spec.table is not None:
        schema: dict[str, Any] = _table_schema(spec, types)
    elif ftype.is_series:
        assert spec.items is not None
        items = types[spec.items]
        values = _value_schema(spec, items)
        schema = {
            "type": "object",
            "propertyNames": {"pattern": YEAR_PATTERN},
            "additionalProperties": _nullable(values),
        }
        needed = sorted(years.get(spec.path, set()))
        if needed:
            # The years a growth formula reads must be there, and the year before must
            # not be zero (it is divided by).
            schema["required"] = [str(y) for y in needed]
            schema["properties"] = {
                str(y): _value_schema(spec, items, nonzero=y in nonzero) for y in needed
            }
    else:
        schema = _value_schema(spec, ftype, nonzero=None in nonzero)
    schema["title"] = spec.description.zh
    if spec.description.en:
        schema["description"] = spec.description.en
    if spec.unit:
        schema["x-unit"] = spec.unit
    schema["x-evalrules-type"] = f"{spec.type} of {spec.items}" if ftype.is_series else spec.type
    if spec.required_if:
        schema["x-required-if"] = spec.required_if
    if not _required(spec):
        schema = _nullable(schema)
    return schema


def _table_schema(spec: FactSpec, types: Mapping[str, FactType]) -> dict[str, Any]:
    """A table fact: an array of rows, each an object of its typed columns (the stage column
    one of the declared stages). Keys unique per stage are said under ``x-unique``, which
    JSON Schema cannot check."""
    table = spec.table
    assert table is not None
    columns: dict[str, Any] = {}
    for column in table.columns:
        value = _value_schema(column, types[column.type])
        allowed = column.values
        if column.path == table.stage and allowed is None:
            allowed = tuple(table.stages)
        if allowed is not None:
            value["enum"] = list(allowed)
        value["title"] = column.description.zh
        if column.description.en:
            value["description"] = column.description.en
        if column.unit:
            value["x-unit"] = column.unit
        value["x-evalrules-type"] = column.type
        columns[column.path] = value if column.required else _nullable(value)
    schema: dict[str, Any] = {
        "type": "array",
        "maxItems": min(table.max_rows or MAX_ITEMS, MAX_ITEMS),
        "items": {
            "type": "object",
            "required": [c.path for c in table.columns if c.required],
            "additionalProperties": False,
            "properties": columns,
        },
        "x-unique": [table.stage, table.key] if table.stage is not None else [table.key],
    }
    if table.min_rows is not None:
        schema["minItems"] = table.min_rows
    if table.cross_checks:
        schema["x-cross-checks"] = [
            {"kind": c.kind, "columns": list(c.facts)} for c in table.cross_checks
        ]
    if table.totals:
        schema["x-totals"] = dict(table.totals)
    if table.stages:
        schema["x-stages"] = {code: text.zh for code, text in table.stages.items()}
    return schema


def _required(spec: FactSpec) -> bool:
    return spec.required and spec.required_if is None


def _group() -> dict[str, Any]:
    return {"type": "object", "properties": {}, "additionalProperties": False}


def _facts_object(rubric: Rubric, types: Mapping[str, FactType]) -> dict[str, Any]:
    data_year = rubric.data_year or rubric.year - 1
    divisors: dict[str, set[int | None]] = {}
    years: dict[str, set[int]] = {}
    for d in rubric.derived:
        found = divisor(d, data_year)
        if found is not None:
            divisors.setdefault(found[0], set()).add(found[1])
        if years_needed(d, data_year):
            years.setdefault(d.inputs[0], set()).update(years_needed(d, data_year))
    root = _group()
    required_groups: set[str] = set()
    for spec in rubric.facts:
        parts = spec.path.split(".")
        node = root
        for i, part in enumerate(parts[:-1]):
            node = node["properties"].setdefault(part, _group())
            if _required(spec):
                required_groups.add(".".join(parts[: i + 1]))
        node["properties"][parts[-1]] = _fact_schema(spec, types, divisors, years)
    _finish_groups(root, "", required_groups, {s.path for s in rubric.facts if _required(s)})
    conditions = [
        {"if": _nested(s.required_if, {"const": True}), "then": _nested(s.path, {"not": _NULL})}
        for s in rubric.facts
        if s.required_if is not None
    ]
    if conditions:
        root["allOf"] = conditions
    return root


def _finish_groups(node: dict[str, Any], prefix: str, groups: set[str], facts: set[str]) -> None:
    """Sort each group's ``required``; a group holding no required fact may be null."""
    required = sorted(
        key for key in node["properties"] if f"{prefix}{key}" in groups or f"{prefix}{key}" in facts
    )
    if required:
        node["required"] = required
    for key, child in list(node["properties"].items()):
        path = f"{prefix}{key}"
        if child.get("properties") is not None and child.get("x-evalrules-type") is None:
            _finish_groups(child, path + ".", groups, facts)
            if path not in groups:
                node["properties"][key] = _nullable(child)


def _nested(path: str, leaf: Mapping[str, Any]) -> dict[str, Any]:
    """A schema saying that ``path`` is present (through its groups) and matches ``leaf``."""
    schema: dict[str, Any] = dict(leaf)
    for part in reversed(path.split(".")):
        schema = {"type": "object", "required": [part], "properties": {part: schema}}
    return schema


def facts_json_schema(rubric: Rubric, types: Mapping[str, FactType]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a facts document for ``rubric``.

    The schema is as strict as evalrules' validation: it accepts exactly the documents that
    validation accepts, with three exceptions that JSON Schema cannot express. Cross checks
    (a part never exceeds its whole) are listed under ``x-cross-checks``; a derived fact
    that divides by another derived fact lists that divisor under ``x-nonzero-derived``;
    and JSON cannot tell 2 from 2.0, which a count refuses. Conditional requirements
    (``required_if``) are ``if``/``then`` clauses; a fact a derived ratio divides by is
    declared non-zero; a blank (null) value is accepted wherever a fact may be left out.
    """
    data_year = rubric.data_year or rubric.year - 1
    limits = claim_limits(rubric)
    declared = {s.path for s in rubric.facts}
    derived_divisors = sorted(
        {
            found[0]
            for d in rubric.derived
            if (found := divisor(d, data_year)) is not None and found[0] not in declared
        }
    )

    def score(limit: Decimal) -> dict[str, Any]:
        return {"type": ["number", "null"], "minimum": 0, "maximum": _number(limit)}

    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": f"https://evalrules.invalid/facts/{rubric.ref}.schema.json",
        "title": f"{rubric.title.zh} — facts ({rubric.ref})",
        "description": rubric.title.en or rubric.title.zh,
        "type": "object",
        "required": ["facts"],
        "additionalProperties": False,
        "properties": {
            "evalrules": {"const": FACTS_FORMAT},
            # A reference must name this rubric (or the base of the same year it extends);
            # any other string names a rubric file by its path.
            "rubric": {
                "anyOf": [
                    {"type": "null"},
                    {"enum": accepted_rubric_names(rubric.ref, rubric.extends)},
                    {"type": "string", "not": {"pattern": f"^{REFERENCE.pattern}$"}},
                ],
                "examples": [rubric.ref],
            },
            "entity": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": ["string", "integer", "null"], "title": "行政区划代码"},
                    "name": {"type": "string"},
                },
            },
            "facts": _facts_object(rubric, types),
            "claimed": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "total": score(limits["total"]),
                    "indicators": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {n.code: score(n.max) for n in rubric.walk()},
                    },
                },
            },
            "assumed": {
                "type": ["object", "null"],
                "title": "推算数据说明 / facts assumed or back-calculated",
                "additionalProperties": False,
                "properties": {
                    f.path: {
                        "type": "object",
                        "required": ["zh"],
                        "additionalProperties": False,
                        "properties": {
                            "zh": {"type": "string", "minLength": 1},
                            "en": {"type": "string"},
                        },
                    }
                    for f in rubric.facts
                },
            },
        },
        "x-cross-checks": [{"kind": c.kind, "facts": list(c.facts)} for c in rubric.cross_checks],
    }
    if derived_divisors:
        schema["x-nonzero-derived"] = derived_divisors
    return schema


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _table_comment(spec: FactSpec, types: Mapping[str, FactType]) -> list[str]:
    """The comment lines of a table fact: what a row is, each column, a blank row."""
    table = spec.table
    assert table is not None
    head = [spec.description.zh] + ([spec.description.en] if spec.description.en else [])
    unique = f"{table.key} unique per {table.stage}" if table.stage else f"{table.key} unique"
    if table.min_rows is not None:
        unique += f"; at least {table.min_rows} row{'s' if table.min_rows != 1 else ''}"
    lines = [" / ".join(head) + f" — table, one row per unit ({unique})"]
    if table.stages:
        stages = ", ".join(f"{code} = {text.zh}" for code, text in table.stages.items())
        lines.append(f"  stages: {stages}")
    for column in table.columns:
        lines.append(f"  {column.path}: {_comment(column, types)}")
    for check in table.cross_checks:
        lines.append(f"  check: {check.kind}({', '.join(check.facts)})")
    for total, part in table.totals.items():
        lines.append(f"  check: {total} = the sum of {part} over the rows of one {table.key}")
    for exclusion in table.exclude:
        scope = f" ({', '.join(exclusion.columns)})" if exclusion.columns else ""
        lines.append(f"  not counted{scope}: {exclusion.why.zh}")
    blank = ", ".join(f"{c.path}: null" for c in table.columns)
    lines.append(f"  - {{{blank}}}")
    return lines


def _comment(spec: FactSpec, types: Mapping[str, FactType]) -> str:
    parts = [spec.description.zh]
    if spec.description.en:
        parts.append(spec.description.en)
    ftype = types[spec.type]
    series = ftype.is_series
    kind = f"{spec.type} of {spec.items} by year" if series else spec.type
    detail = [kind]
    if spec.unit:
        detail.append(spec.unit)
    value_type = types[spec.items] if series and spec.items is not None else ftype
    if spec.values is not None:
        detail.append("one of " + ", ".join(str(v) for v in spec.values))
    type_rules = value_type.rules if value_type.numeric else {}
    lo = spec.minimum if spec.minimum is not None else _decimal_or_none(type_rules.get("min"))
    hi = spec.maximum if spec.maximum is not None else spec.plausible_max
    if hi is None:
        hi = _decimal_or_none(type_rules.get("max"))
    if lo is not None or hi is not None:
        detail.append(
            f"{plain(lo) if lo is not None else ''}–{plain(hi) if hi is not None else ''}"
        )
    if spec.required_if:
        detail.append(f"required if {spec.required_if}")
    elif spec.required:
        detail.append("required")
    else:
        detail.append("optional")
    return " / ".join(parts) + " — " + ", ".join(detail)


def _placeholder(spec: FactSpec, types: Mapping[str, FactType]) -> str:
    if spec.table is not None:
        return "[]"
    if types[spec.type].is_series:
        return "{}"
    return "null"


def facts_template(rubric: Rubric, types: Mapping[str, FactType]) -> str:
    """A blank facts document in YAML, each fact commented with description, unit and range."""
    lines = [
        f"# Facts for {rubric.ref}: {rubric.title.zh}",
        f"# {rubric.title.en}" if rubric.title.en else "#",
        "# Fill in every value (replace null). Numbers without units or thousands separators;",
        "# year series as {2021: 28.67, 2022: 39.78}; booleans as true / false.",
        f"evalrules: {FACTS_FORMAT}",
        f"rubric: {rubric.ref}",
        "entity:",
        '  id: ""      # 行政区划代码 / administrative code, e.g. "211102"',
        '  name: ""    # 名称 / name',
        "facts:",
    ]
    opened: list[str] = []
    for spec in sorted(rubric.facts, key=lambda s: s.path.split(".")):
        parts = spec.path.split(".")
        common = 0
        while common < min(len(opened), len(parts) - 1) and opened[common] == parts[common]:
            common += 1
        opened = opened[:common]
        for part in parts[common:-1]:
            lines.append("  " * (len(opened) + 1) + f"{part}:")
            opened.append(part)
        indent = "  " * (len(opened) + 1)
        if spec.table is not None:
            lines.extend(f"{indent}# {line}" for line in _table_comment(spec, types))
        else:
            lines.append(f"{indent}# {_comment(spec, types)}")
        lines.append(f"{indent}{parts[-1]}: {_placeholder(spec, types)}")
    lines.append("claimed:        # optional: the self-assessed scores (自评分)")
    lines.append("  total: null")
    lines.append("  indicators:")
    for node in rubric.walk():
        lines.append(f"    {json.dumps(node.code)}: null   # {_node_comment(node)}")
    return "\n".join(lines) + "\n"


def _node_comment(node: Indicator) -> str:
    return f"{node.title.zh} ({plain(node.max)})"
