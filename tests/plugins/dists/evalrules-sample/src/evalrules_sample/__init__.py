"""A sample evalrules plugin, built and installed by the plugin tests (never published).

It uses only the public API, as a third party would, and implements every hook:

* a rubric, ``sample-county/2024``, that extends ``panjin-county/2023`` (YAML inside the
  package, so that it is in the wheel);
* a rule kind, ``ratio_band``: a ratio of two facts must lie in a band;
* a fact type, ``permille``: a number from 0 to 1000 (‰);
* a cross check, ``sum_at_most``: two facts add up to at most a third;
* an aggregation, ``median``: the median of a table's column over the rows counted;
* a renderer, ``csv``: one row per indicator;
* a facts reader, ``flat-json``: a JSON object of dotted paths (``.flat.json``, chosen over
  the builtin ``.json`` by its longer suffix);
* a scorecard wrapper that fills in the entity's name from its administrative code, for this
  plugin's rubrics only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Generator, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import evalrules
from evalrules import (
    CrossCheckKind,
    DescribeContext,
    FactsReader,
    FactType,
    Renderer,
    RenderOptions,
    Rubric,
    RubricSource,
    RuleContext,
    RuleKind,
    Scorecard,
    Text,
    hookimpl,
)
from evalrules.errors import FactsError, FactsProblem

__all__ = [
    "ENTITY_NAMES",
    "FAMILY",
    "FLAT_JSON",
    "PERMILLE",
    "RATIO_BAND",
    "SUM_AT_MOST",
    "evalrules_modify_scorecard",
    "evalrules_register_cross_checks",
    "evalrules_register_fact_types",
    "evalrules_register_facts_readers",
    "evalrules_register_renderers",
    "evalrules_register_rubrics",
    "evalrules_register_rule_kinds",
]

#: The rubric family this plugin ships.
FAMILY = "sample-county"
#: Fictional administrative codes (no province has the prefix 99) and their names.
ENTITY_NAMES = {"990101": "样例一区", "990102": "样例二区"}

_RUBRICS = Path(__file__).parent / "rubrics" / FAMILY


def _number(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# ---------------------------------------------------------------------------- ratio_band


def _ratio_band_evaluate(ctx: RuleContext) -> None:
    numerator = _number(ctx.fact(ctx.params["numerator"]))
    denominator = _number(ctx.fact(ctx.params["denominator"]))
    deduct = ctx.share if ctx.params.get("deduct") is None else _number(ctx.params["deduct"])
    low = _number(ctx.params["min"])
    high = None if ctx.params.get("max") is None else _number(ctx.params["max"])
    if denominator == 0:
        ctx.deduct(deduct, "ratio_band.no_base", outcome="no_base", denominator=denominator)
        return
    ratio = numerator / denominator
    if ratio >= low and (high is None or ratio <= high):
        ctx.outcome("within")
        return
    ctx.deduct(
        deduct,
        "ratio_band.outside",
        outcome="outside",
        ratio=ratio,
        low=low,
        high="∞" if high is None else high,
    )


def _ratio_band_describe(ctx: DescribeContext) -> Text:
    num, den = ctx.label(ctx.params["numerator"]), ctx.label(ctx.params["denominator"])
    low = _number(ctx.params["min"])
    return Text(
        f"{num.zh}与{den.zh}之比不低于{low};否则扣分。",
        f"{num.en} / {den.en} must be at least {low}; otherwise points are deducted.",
    )


def _ratio_band_check(ctx: DescribeContext) -> Iterable[str]:
    high = ctx.params.get("max")
    if high is not None and _number(high) < _number(ctx.params["min"]):
        yield f"params.max ({high}) is below params.min ({ctx.params['min']})"


def _ratio_band_reads(params: Any) -> tuple[str, ...]:
    return (params["numerator"], params["denominator"])


RATIO_BAND: RuleKind = evalrules.rule_kind(
    "ratio_band",
    summary=Text("两项数据之比应在区间内", "The ratio of two facts must lie in a band"),
    description="Deducts when `numerator / denominator` is below `min` or above `max`.",
    params={
        "numerator": {"type": "string", "required": True, "empty": False},
        "denominator": {"type": "string", "required": True, "empty": False},
        "min": {"type": "number", "required": True, "min": 0},
        "max": {"type": "number", "nullable": True, "min": 0},
        "deduct": {"type": "number", "nullable": True, "min": 0},
    },
    evaluate=_ratio_band_evaluate,
    describe=_ratio_band_describe,
    outcomes=("within", "outside", "no_base"),
    messages={
        "ratio_band.outside": Text(
            "比值{ratio}不在{low}至{high}之间,扣{points}分。",
            "The ratio {ratio} is outside {low} to {high}: −{points}.",
        ),
        "ratio_band.no_base": Text(
            "分母为{denominator},无法计算比值,扣{points}分。",
            "The denominator is {denominator}; no ratio can be computed: −{points}.",
        ),
    },
    reads=_ratio_band_reads,
    check=_ratio_band_check,
    example="""\
code: EX-ratio
kind: ratio_band
params: {numerator: drills.participants, denominator: drills.pupils, min: 0.95}
""",
)


# ------------------------------------------------------------------------------ permille


def _is_permille(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return _number(value).is_finite()


PERMILLE: FactType = evalrules.fact_type(
    "permille",
    description=Text("千分率,0到1000", "A rate per thousand, from 0 to 1000"),
    accepts=_is_permille,
    rules={"min": 0, "max": 1000},
    json_schema={"type": "number", "minimum": 0, "maximum": 1000},
    convert=_number,
    expected=Text("0到1000之间的数字(不带‰号)", "a number from 0 to 1000 (without ‰)"),
    compares="numbers",
)


# --------------------------------------------------------------------------- sum_at_most


def _sum_at_most(values: tuple[Any, ...]) -> tuple[str, str] | None:
    first, second, whole = (_number(v) for v in values)
    if first + second > whole:
        return (
            f"两项之和({first + second})大于上限({whole})",
            f"the sum ({first + second}) exceeds the limit ({whole})",
        )
    return None


SUM_AT_MOST: CrossCheckKind = evalrules.cross_check_kind(
    "sum_at_most",
    description=Text("前两项之和不大于第三项", "The first two facts add up to at most the third"),
    arity=3,
    check=_sum_at_most,
)


# ----------------------------------------------------------------------------------- csv


def _render_csv(card: Scorecard, options: RenderOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "title", "max", "score", "status"])
    for node in card.walk():
        writer.writerow(
            [node.code, node.title.get(options.lang), node.max, node.score, node.status]
        )
    writer.writerow(
        ["total", "合计" if options.lang == "zh" else "Total", card.max, card.total, ""]
    )
    return out.getvalue()


CSV: Renderer = evalrules.renderer(
    "csv",
    description=Text("每个指标一行的 CSV", "CSV, one row per indicator"),
    media_type="text/csv",
    suffix=".csv",
    render=_render_csv,
)


def _flat_problem(zh: str, en: str, path: str = "<document>") -> FactsError:
    return FactsError([FactsProblem(path, "flat-json", zh, en)])


def _read_flat_json(data: bytes, source: str) -> dict[Any, Any]:
    """``{"facts.party.branches": 19, "entity.id": "990101"}`` → a facts document."""
    try:
        flat = json.loads(data.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _flat_problem("不是有效的 JSON", f"not valid JSON: {exc}") from None
    if not isinstance(flat, dict):
        raise _flat_problem("应为 JSON 对象", "must be a JSON object")
    document: dict[Any, Any] = {}
    problems = []
    for key, value in flat.items():
        *parents, last = [int(p) if p.isdigit() else p for p in key.split(".")]
        level = document
        for part in parents:
            level = level.setdefault(part, {})
            if not isinstance(level, dict):
                break
        if not isinstance(level, dict) or isinstance(level.get(last), dict):
            problems.append(FactsProblem(key, "flat-json", "路径与其他键冲突", "path clashes"))
            continue
        level[last] = value
    if problems:
        raise FactsError(problems)
    return document


FLAT_JSON: FactsReader = evalrules.facts_reader(
    "flat-json",
    suffixes=[".flat.json"],
    read=_read_flat_json,
    description=Text("以点分路径为键的 JSON 对象", "A JSON object keyed by dotted paths"),
)


# ---------------------------------------------------------------------------------- hooks


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register ``sample-county/2024``."""
    return [
        evalrules.rubric_source(
            f"{FAMILY}/2024",
            _RUBRICS / "2024.yaml",
            title=Text("样例县2024年履行教育职责评价(测试用)", "Sample county 2024 (for tests)"),
        )
    ]


@hookimpl
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register ``ratio_band``."""
    return [RATIO_BAND]


@hookimpl
def evalrules_register_fact_types() -> list[FactType]:
    """Register ``permille``."""
    return [PERMILLE]


@hookimpl
def evalrules_register_cross_checks() -> list[CrossCheckKind]:
    """Register ``sum_at_most``."""
    return [SUM_AT_MOST]


def _median(rows: evalrules.AggregateRows) -> evalrules.AggregateResult:
    values = sorted(rows.values)
    if not values:
        return evalrules.AggregateResult(
            None, why=Text("没有纳入计算的学校", "no rows are counted")
        )
    middle = len(values) // 2
    odd = len(values) % 2
    value = values[middle] if odd else (values[middle - 1] + values[middle]) / 2
    return evalrules.AggregateResult(value, (("n", len(values)),))


MEDIAN = evalrules.aggregation("median", description=Text("中位数", "the median"), compute=_median)


@hookimpl
def evalrules_register_aggregations() -> list[evalrules.Aggregation]:
    """Register ``median``."""
    return [MEDIAN]


@hookimpl
def evalrules_register_renderers() -> list[Renderer]:
    """Register ``csv``."""
    return [CSV]


@hookimpl
def evalrules_register_facts_readers() -> list[FactsReader]:
    """Register ``flat-json``."""
    return [FLAT_JSON]


@hookimpl(wrapper=True)
def evalrules_modify_scorecard(
    scorecard: Scorecard, rubric: Rubric
) -> Generator[None, Scorecard, Scorecard]:
    """Fill in the entity's name from its code, on this plugin's rubrics only."""
    result = yield
    name = ENTITY_NAMES.get(result.entity.id)
    if rubric.family != FAMILY or result.entity.name or name is None:
        return result
    return attrs.evolve(result, entity=attrs.evolve(result.entity, name=name))
