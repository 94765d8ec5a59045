"""A rubric's facts as JSON Schema (draft 2020-12) and as a blank, commented template.

Host applications build their data-entry forms from the schema; district offices fill in the
template. Both are generated from the rubric's fact declarations, so they never drift.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evalrules._facts._cerberus import FACTS_FORMAT
from evalrules._facts._types import SERIES, FactType
from evalrules._points import plain, to_decimal
from evalrules._rubric._model import FactSpec, Indicator, Rubric

__all__ = ["facts_json_schema", "facts_template"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _number(value: Any) -> Any:
    text = plain(value)
    return int(text) if "." not in text else float(text)


def _value_schema(spec: FactSpec, ftype: FactType) -> dict[str, Any]:
    schema = dict(ftype.json_schema)
    if ftype.numeric:
        if spec.minimum is not None:
            schema["minimum"] = _number(spec.minimum)
        upper = [v for v in (spec.maximum, spec.plausible_max) if v is not None]
        if upper:
            schema["maximum"] = _number(min(upper))
    return schema


def _fact_schema(spec: FactSpec, types: Mapping[str, FactType]) -> dict[str, Any]:
    if spec.type == SERIES:
        assert spec.items is not None
        schema: dict[str, Any] = {
            "type": "object",
            "propertyNames": {"pattern": "^(19[4-9][0-9]|2[01][0-9][0-9]|2200)$"},
            "additionalProperties": _value_schema(spec, types[spec.items]),
        }
    else:
        schema = _value_schema(spec, types[spec.type])
    schema["title"] = spec.description.zh
    if spec.description.en:
        schema["description"] = spec.description.en
    if spec.unit:
        schema["x-unit"] = spec.unit
    schema["x-evalrules-type"] = spec.type if spec.type != SERIES else f"series of {spec.items}"
    if spec.required_if:
        schema["x-required-if"] = spec.required_if
    return schema


def _facts_object(rubric: Rubric, types: Mapping[str, FactType]) -> dict[str, Any]:
    root: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
    for spec in rubric.facts:
        parts = spec.path.split(".")
        node = root
        for i, part in enumerate(parts[:-1]):
            child = node["properties"].setdefault(
                part, {"type": "object", "properties": {}, "additionalProperties": False}
            )
            if spec.required and spec.required_if is None:
                required = node.setdefault("required", [])
                if part not in required:
                    required.append(part)
            node = child
            del i
        node["properties"][parts[-1]] = _fact_schema(spec, types)
        if spec.required and spec.required_if is None:
            node.setdefault("required", []).append(parts[-1])
    _sort_required(root)
    return root


def _sort_required(node: dict[str, Any]) -> None:
    if "required" in node:
        node["required"] = sorted(set(node["required"]))
    for child in node.get("properties", {}).values():
        if child.get("type") == "object" and "properties" in child:
            _sort_required(child)


def facts_json_schema(rubric: Rubric, types: Mapping[str, FactType]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a facts document for ``rubric``.

    A document that passes evalrules' validation also passes this schema. Conditional
    requirements (``required_if``) and cross checks are carried as ``x-`` annotations,
    since they are checked by evalrules itself.
    """
    codes = [n.code for n in rubric.walk()]
    score = {"type": "number", "minimum": 0}
    return {
        "$schema": DRAFT,
        "$id": f"https://evalrules.invalid/facts/{rubric.ref}.schema.json",
        "title": f"{rubric.title.zh} — facts ({rubric.ref})",
        "description": rubric.title.en or rubric.title.zh,
        "type": "object",
        "required": ["facts"],
        "additionalProperties": False,
        "properties": {
            "evalrules": {"const": FACTS_FORMAT},
            "rubric": {"type": "string", "examples": [rubric.ref]},
            "entity": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": ["string", "integer"], "title": "行政区划代码"},
                    "name": {"type": "string"},
                },
            },
            "facts": _facts_object(rubric, types),
            "claimed": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "total": score,
                    "indicators": {
                        "type": "object",
                        "propertyNames": {"enum": codes},
                        "additionalProperties": score,
                    },
                },
            },
        },
        "x-cross-checks": [{"kind": c.kind, "facts": list(c.facts)} for c in rubric.cross_checks],
    }


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _comment(spec: FactSpec, types: Mapping[str, FactType]) -> str:
    parts = [spec.description.zh]
    if spec.description.en:
        parts.append(spec.description.en)
    kind = spec.type if spec.type != SERIES else f"series of {spec.items} by year"
    detail = [kind]
    if spec.unit:
        detail.append(spec.unit)
    type_name = spec.items if spec.type == SERIES else spec.type
    type_rules = types[type_name].rules if type_name is not None and type_name in types else {}
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


def _placeholder(spec: FactSpec) -> str:
    if spec.type == SERIES:
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
        '  id: ""      # 行政区划代码 / administrative code, e.g. "211103"',
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
        lines.append(f"{indent}# {_comment(spec, types)}")
        lines.append(f"{indent}{parts[-1]}: {_placeholder(spec)}")
    lines.append("claimed:        # optional: the self-assessed scores (自评分)")
    lines.append("  total: null")
    lines.append("  indicators:")
    for node in rubric.walk():
        lines.append(f"    {json.dumps(node.code)}: null   # {_node_comment(node)}")
    return "\n".join(lines) + "\n"


def _node_comment(node: Indicator) -> str:
    return f"{node.title.zh} ({plain(node.max)})"
