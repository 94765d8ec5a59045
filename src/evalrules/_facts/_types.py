"""Fact types: what a fact's value may be, what the core may ask of it, and the builtin types.

The core never asks "is this the builtin ``count``?". It asks the type: how its values
compare (:attr:`FactType.compares`), whether a fact of it holds one value, a year series or
a table (:attr:`FactType.shape`), its JSON Schema, how the test kit draws its values
(:attr:`FactType.strategy`) and how a spreadsheet cell shows it (:attr:`FactType.cell_format`).
The builtin types at the end of this module answer like any plugin's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._facts._numbers import YEAR_MAX, YEAR_MIN, _is_number
from evalrules._frozen import frozen_mapping
from evalrules._limits import MAX_DIGITS
from evalrules._points import to_decimal
from evalrules._text import Text

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

# ------------------------------------------------------------------------- fact types

#: How values of a type compare, from most to least: ``numbers`` (exact decimals, every
#: operator), ``ordered`` (every operator, on the type's own values), ``equality`` (``==``
#: and ``!=`` only) and ``none`` (a condition cannot compare them at all).
COMPARISONS = ("numbers", "ordered", "equality", "none")

#: What one fact of a type holds: ``scalar`` (one value), ``series`` (a value per year, of
#: the type the declaration's ``items`` names) or ``table`` (rows of typed columns, which
#: the declaration's ``columns`` declare).
SHAPES = ("scalar", "series", "table")

#: ``strategy(low, high)``: a hypothesis strategy of valid values within the inclusive bounds
#: (``None``: open; bounds are given for number types only).
Strategy = Callable[[Decimal | None, Decimal | None], "SearchStrategy[Any]"]

#: ``explain(value) -> (code, message)``: a better account than the generic one of why the
#: type refuses a value, or ``None``.
Explain = Callable[[Any], "tuple[str, Text] | None"]


@attrs.frozen
class FactType:
    """How one kind of fact is validated, compared, exported, drawn and converted.

    Build it with :func:`fact_type`. The core reads only these attributes; it never switches
    on a type's name, so a plugin's type is treated exactly like a builtin one.

    Attributes:
        name: The type name rubrics write (``count``).
        description: What values it takes, in Chinese and English.
        accepts: ``accepts(value) -> bool``: the type test (run before any other rule).
        rules: Extra cerberus rules for every fact of this type (e.g. ``{"min": 0}``).
        json_schema: The JSON Schema fragment for a value of this type. It must accept
            exactly what ``accepts`` and ``rules`` accept (a test holds the builtin types to
            that); the facts schema adds each declaration's own limits.
        convert: ``convert(value) -> value`` the rules read (e.g. ``Decimal``).
        expected: How to write such a value, for error messages ("a whole number ≥ 0").
        compares: How values compare in rule conditions, one of :data:`COMPARISONS`:
            ``numbers`` (compared as exact decimals with every operator; ranges —
            ``minimum``, ``maximum``, ``plausible_max`` — apply), ``ordered`` (every
            operator; the standard is a value the type accepts), ``equality`` (``==`` and
            ``!=`` only, against a value the type accepts) or ``none`` (not comparable).
            The rubric loader refuses a comparison the type cannot make.
        shape: What one fact holds, one of :data:`SHAPES`: ``scalar``, ``series`` (values
            by year; the declaration's ``items`` names their type) or ``table`` (rows of
            typed columns, declared by the declaration's ``columns``).
        strategy: ``strategy(low, high)`` returning a hypothesis strategy of valid values
            within the inclusive bounds (``None`` for an open end; bounds are only given to
            ``numbers`` types, already narrowed to the type's own rules and the
            declaration's limits). It must import hypothesis itself, when called, so that
            evalrules runs without it. ``None``: the test kit cannot draw the type unless
            given a strategy (``types=``).
        step: For ``numbers`` types: the smallest difference between two values the type is
            written with (1 for counts, 0.01 for money); the test kit steps by it to reach
            just past a limit or a threshold.
        cell_format: The number format of a spreadsheet cell holding a value (an Excel
            format string such as ``'0'``, ``'0.00'``, ``'@'`` for text), or ``None`` for the
            general format or a value that is not one cell.
        explain: ``explain(value) -> (code, Text) or None``: for a value the type refuses
            (the type test or the type's own ``rules``), a problem code and message that say
            more than the generic "wrong type" (e.g. ``not-whole`` for 2.5 as a count).
    """

    name: str
    description: Text
    accepts: Callable[[Any], bool]
    rules: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    json_schema: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    convert: Callable[[Any], Any]
    expected: Text
    compares: str = "equality"
    shape: str = "scalar"
    strategy: Strategy | None = None
    step: Decimal | None = None
    cell_format: str | None = None
    explain: Explain | None = None

    @property
    def numeric(self) -> bool:
        """Whether values are numbers (``compares == "numbers"``): ranges apply to them."""
        return self.compares == "numbers"

    @property
    def is_scalar(self) -> bool:
        """Whether a fact of this type holds one value (``shape == "scalar"``)."""
        return self.shape == "scalar"

    @property
    def is_series(self) -> bool:
        """Whether a fact of this type holds a value per year (``shape == "series"``)."""
        return self.shape == "series"

    @property
    def is_table(self) -> bool:
        """Whether a fact of this type holds rows of typed columns (``shape == "table"``)."""
        return self.shape == "table"


def fact_type(
    name: str,
    *,
    description: Text,
    accepts: Callable[[Any], bool],
    json_schema: Mapping[str, Any],
    expected: Text,
    rules: Mapping[str, Any] | None = None,
    convert: Callable[[Any], Any] | None = None,
    compares: str = "equality",
    shape: str = "scalar",
    strategy: Strategy | None = None,
    step: Decimal | int | str | None = None,
    cell_format: str | None = None,
    explain: Explain | None = None,
) -> FactType:
    """Build a :class:`FactType` for a plugin's ``evalrules_register_fact_types`` hook.

    Raises:
        ValueError: if ``compares`` or ``shape`` is not one of the known values, or ``step``
            is not a positive number.
    """
    if compares not in COMPARISONS:
        raise ValueError(
            f"fact type {name}: compares must be one of {COMPARISONS}, not {compares!r}"
        )
    if shape not in SHAPES:
        raise ValueError(f"fact type {name}: shape must be one of {SHAPES}, not {shape!r}")
    step_value = None if step is None else Decimal(str(step))
    if step_value is not None and not (step_value.is_finite() and step_value > 0):
        raise ValueError(f"fact type {name}: step must be a positive number, not {step!r}")
    return FactType(
        name=name,
        description=description,
        accepts=accepts,
        rules=rules,
        json_schema=json_schema,
        convert=convert or _unchanged,
        expected=expected,
        compares=compares,
        shape=shape,
        strategy=strategy,
        step=step_value,
        cell_format=cell_format,
        explain=explain,
    )


def value_type(spec_type: FactType, items: FactType | None) -> FactType:
    """The type of each value of a fact: the items' type for a series, else its own."""
    return items if spec_type.is_series and items is not None else spec_type


_YEAR = re.compile(r"[0-9]{4}")


def _is_year_key(key: Any) -> bool:
    """A series key: a year from 1949 to 2200, as a number or as four ASCII digits."""
    if isinstance(key, bool):
        return False
    if isinstance(key, str):
        if not _YEAR.fullmatch(key):
            return False
        key = int(key)
    return isinstance(key, int) and YEAR_MIN <= key <= YEAR_MAX


# ------------------------------------------------------------------------ the builtins
# Everything below is the builtin plugin's: the names of the builtin types appear here and
# in the builtin rule kinds only.
# Module-level functions, not anonymous ones: a compiled rubric pickles its fact types, and
# pickle carries a function by its importable name.


def _unchanged(value: Any) -> Any:
    return value


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_judgement(value: Any) -> bool:
    return isinstance(value, dict)


def _convert_judgement(value: Any) -> dict[str, Any]:
    return {"deduct": to_decimal(value["deduct"]), "reason": value["reason"]}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integers(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    import math

    from hypothesis import strategies as st

    # Within the number limits (evalrules._limits) when the declaration sets no bound.
    bound = 10**MAX_DIGITS - 1
    return st.integers(
        min_value=-bound if low is None else math.ceil(low),
        max_value=bound if high is None else math.floor(high),
    )


def _decimals_2(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    return _decimals(2, low, high)


def _decimals_4(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    return _decimals(4, low, high)


def _decimals(places: int, low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    step = Decimal(1).scaleb(-places)
    # Within the number limits (evalrules._limits) when the declaration sets no bound.
    bound = Decimal(10) ** (MAX_DIGITS - places) - step
    return st.decimals(
        min_value=-bound if low is None else low.quantize(step, rounding=ROUND_CEILING),
        max_value=bound if high is None else high.quantize(step, rounding=ROUND_FLOOR),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


def _booleans(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.booleans()


def _texts(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.text(max_size=40)


def _judgements(low: Decimal | None, high: Decimal | None) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    return st.fixed_dictionaries(
        {
            "deduct": st.decimals(
                min_value=0,
                max_value=Decimal(10) ** (MAX_DIGITS - 1) - Decimal("0.1"),
                places=1,
                allow_nan=False,
                allow_infinity=False,
            ),
            "reason": st.text(min_size=1, max_size=40),
        }
    )


def _explain_count(value: Any) -> tuple[str, Text] | None:
    if _is_number(value):
        return "not-whole", Text(f"应为整数,而不是{value}", f"must be a whole number, not {value}")
    return None


def _explain_percent(value: Any) -> tuple[str, Text] | None:
    if _is_number(value) and to_decimal(value) > 100:
        return "over-100", Text("百分数不能超过100", "a percentage cannot exceed 100")
    return None


_TRUE_WORDS = ("true", "yes", "是", "有")
_FALSE_WORDS = ("false", "no", "否", "无")


def _explain_boolean(value: Any) -> tuple[str, Text] | None:
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word not in _TRUE_WORDS + _FALSE_WORDS:
        return None
    truth = str(word in _TRUE_WORDS).lower()
    return "wrong-type", Text(
        f"应为布尔值而不是文字“{value}”;请写作 {truth}(不带引号)",
        f"expected a boolean, not the text “{value}”; write {truth} (unquoted)",
    )


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
        compares="numbers",
        strategy=_integers,
        step=1,
        cell_format="0",
        explain=_explain_count,
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
        compares="numbers",
        strategy=_decimals_2,
        step="0.01",
        cell_format="0.00",
    ),
    fact_type(
        "percent",
        description=Text("百分数,0到100", "A percentage from 0 to 100"),
        accepts=_is_number,
        rules={"min": 0, "max": 100},
        json_schema={"type": "number", "minimum": 0, "maximum": 100},
        convert=to_decimal,
        expected=Text("0到100之间的数字(不带%号)", "a number from 0 to 100 (without %)"),
        compares="numbers",
        strategy=_decimals_2,
        step="0.01",
        # The value is the number of percent (85 for 85 %); Excel's '0.00%' would show 8500%.
        cell_format="0.00",
        explain=_explain_percent,
    ),
    fact_type(
        "ratio",
        description=Text("比值,不小于0的小数", "A ratio, a decimal ≥ 0"),
        accepts=_is_number,
        rules={"min": 0},
        json_schema={"type": "number", "minimum": 0},
        convert=to_decimal,
        expected=Text("不小于0的数字", "a number ≥ 0"),
        compares="numbers",
        strategy=_decimals_4,
        step="0.0001",
        cell_format="0.0000",
    ),
    fact_type(
        "choice",
        description=Text(
            "从声明的取值(values)中选一个", "One of the values the declaration lists (values)"
        ),
        accepts=_is_text,
        json_schema={"type": "string"},
        expected=Text("声明的取值之一", "one of the declared values"),
        compares="equality",
        strategy=_texts,
        cell_format="@",
    ),
    fact_type(
        "boolean",
        description=Text("是或否(true / false)", "Yes or no (true / false)"),
        accepts=_is_boolean,
        json_schema={"type": "boolean"},
        expected=Text("true 或 false(不加引号)", "true or false (unquoted)"),
        compares="equality",
        strategy=_booleans,
        explain=_explain_boolean,
    ),
    fact_type(
        "text",
        description=Text("文字", "Text"),
        accepts=_is_text,
        json_schema={"type": "string"},
        expected=Text("文字", "text"),
        compares="equality",
        strategy=_texts,
        cell_format="@",
    ),
    fact_type(
        "judgement",
        description=Text(
            "评估人员的判断:扣分(deduct)和理由(reason)",
            "An assessor's judgement: deduct and reason",
        ),
        accepts=_is_judgement,
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
        convert=_convert_judgement,
        expected=Text("包含 deduct 和 reason 的映射", "a mapping with deduct and reason"),
        compares="none",
        strategy=_judgements,
    ),
    fact_type(
        "series",
        description=Text(
            "按年份的数值(items 指明每年数值的类型)",
            "Values by year (items names the type of each year's value)",
        ),
        accepts=_is_mapping,
        # The facts schema and validator build a series from its items' type.
        json_schema={"type": "object"},
        expected=Text(
            "按年份的映射,如 {2021: 28.67, 2022: 39.78}",
            "a mapping of years to values, e.g. {2021: 28.67, 2022: 39.78}",
        ),
        compares="none",
        shape="series",
    ),
    fact_type(
        "table",
        description=Text(
            "按行的记录(每校一行;columns 声明各列)",
            "Records by row (one per school; columns declares each column)",
        ),
        accepts=_is_rows,
        # The facts schema and validator build a table from its columns.
        json_schema={"type": "array"},
        expected=Text(
            "行的列表,每行是列名到值的映射", "a list of rows, each mapping column names to values"
        ),
        compares="none",
        shape="table",
    ),
)
