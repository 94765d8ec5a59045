"""Fact types: what a fact's value may be, and the builtin types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from evalrules._facts._cerberus import YEAR_MAX, YEAR_MIN, _is_number
from evalrules._points import to_decimal
from evalrules._text import Text

# ------------------------------------------------------------------------- fact types


@attrs.frozen
class FactType:
    """How one kind of fact is validated, exported and converted. Build with :func:`fact_type`.

    Attributes:
        name: The type name rubrics write (``count``).
        description: What values it takes, in Chinese and English.
        accepts: ``accepts(value) -> bool``: the type test (run before any other rule).
        rules: Extra cerberus rules for every fact of this type (e.g. ``{"min": 0}``).
        json_schema: The JSON Schema fragment for a value of this type.
        convert: ``convert(value) -> value`` the rules read (e.g. ``Decimal``).
        expected: How to write such a value, for error messages ("a whole number ≥ 0").
        numeric: Whether ranges (``minimum``, ``maximum``, ``plausible_max``) apply.
    """

    name: str
    description: Text
    accepts: Callable[[Any], bool]
    rules: Mapping[str, Any]
    json_schema: Mapping[str, Any]
    convert: Callable[[Any], Any]
    expected: Text
    numeric: bool = False


def fact_type(
    name: str,
    *,
    description: Text,
    accepts: Callable[[Any], bool],
    json_schema: Mapping[str, Any],
    expected: Text,
    rules: Mapping[str, Any] | None = None,
    convert: Callable[[Any], Any] | None = None,
    numeric: bool = False,
) -> FactType:
    """Build a :class:`FactType` for a plugin's ``evalrules_register_fact_types`` hook."""
    return FactType(
        name=name,
        description=description,
        accepts=accepts,
        rules=dict(rules or {}),
        json_schema=dict(json_schema),
        convert=convert or (lambda v: v),
        expected=expected,
        numeric=numeric,
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_year_key(key: Any) -> bool:
    if isinstance(key, bool):
        return False
    if isinstance(key, str) and key.isdigit():
        key = int(key)
    return isinstance(key, int) and YEAR_MIN <= key <= YEAR_MAX


_NUM_SCHEMA = {"type": "number"}

BUILTIN_TYPES: tuple[FactType, ...] = (
    fact_type(
        "count",
        description=Text(
            "非负整数(人数、所数、次数)", "A whole number ≥ 0 (people, schools, times)"
        ),
        accepts=_is_count,
        rules={"min": 0},
        json_schema={"type": "integer", "minimum": 0},
        expected=Text("不小于0的整数", "a whole number ≥ 0"),
        numeric=True,
    ),
    fact_type(
        "money",
        description=Text("金额,精确小数,不小于0", "An amount of money, exact decimal ≥ 0"),
        accepts=_is_number,
        rules={"min": 0},
        json_schema={"type": "number", "minimum": 0},
        convert=to_decimal,
        expected=Text(
            "不小于0的数字(不带千分位逗号和单位)", "a number ≥ 0 (no thousands separators, no unit)"
        ),
        numeric=True,
    ),
    fact_type(
        "percent",
        description=Text("百分数,0到100", "A percentage from 0 to 100"),
        accepts=_is_number,
        rules={"min": 0, "max": 100},
        json_schema={"type": "number", "minimum": 0, "maximum": 100},
        convert=to_decimal,
        expected=Text("0到100之间的数字(不带%号)", "a number from 0 to 100 (without %)"),
        numeric=True,
    ),
    fact_type(
        "ratio",
        description=Text("比值,不小于0的小数", "A ratio, a decimal ≥ 0"),
        accepts=_is_number,
        rules={"min": 0},
        json_schema={"type": "number", "minimum": 0},
        convert=to_decimal,
        expected=Text("不小于0的数字", "a number ≥ 0"),
        numeric=True,
    ),
    fact_type(
        "boolean",
        description=Text("是或否(true / false)", "Yes or no (true / false)"),
        accepts=lambda v: isinstance(v, bool),
        json_schema={"type": "boolean"},
        expected=Text("true 或 false(不加引号)", "true or false (unquoted)"),
    ),
    fact_type(
        "text",
        description=Text("文字", "Text"),
        accepts=lambda v: isinstance(v, str),
        json_schema={"type": "string"},
        expected=Text("文字", "text"),
    ),
    fact_type(
        "judgement",
        description=Text(
            "评估人员的判断:扣分(deduct)和理由(reason)",
            "An assessor's judgement: deduct and reason",
        ),
        accepts=lambda v: isinstance(v, dict),
        rules={
            "schema": {
                "deduct": {"type": "number", "required": True, "min": 0},
                "reason": {"type": "string", "required": True, "empty": False},
            }
        },
        json_schema={
            "type": "object",
            "required": ["deduct", "reason"],
            "additionalProperties": False,
            "properties": {
                "deduct": {"type": "number", "minimum": 0},
                "reason": {"type": "string", "minLength": 1},
            },
        },
        convert=lambda v: {"deduct": to_decimal(v["deduct"]), "reason": v["reason"]},
        expected=Text("包含 deduct 和 reason 的映射", "a mapping with deduct and reason"),
    ),
)

SERIES = "series"
