"""A plugin whose rule kind raises during evaluation, and a rubric that uses it."""

from __future__ import annotations

from pathlib import Path

import evalrules
from evalrules import DescribeContext, RubricSource, RuleContext, RuleKind, Text, hookimpl


def _evaluate(ctx: RuleContext) -> None:
    completion = ctx.fact(ctx.params["fact"])
    # The bug this plugin exists for: a division by a value that can be zero.
    ctx.outcome("met" if 100 / (100 - completion) > 1 else "missed")


def _describe(ctx: DescribeContext) -> Text:
    return Text("会出错的规则", "A rule that raises")


EXPLODING = evalrules.rule_kind(
    "exploding",
    summary=Text("会出错的规则", "A rule kind that raises"),
    description="Divides by `100 - fact`, which raises when the fact is 100.",
    params={"fact": {"type": "string", "required": True}},
    evaluate=_evaluate,
    describe=_describe,
    outcomes=("met", "missed"),
    messages={},
)


@hookimpl
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register ``exploding``."""
    return [EXPLODING]


@hookimpl
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register ``broken-county/2024``, whose item 2.2 uses ``exploding``."""
    folder = Path(__file__).parent / "rubrics" / "broken-county"
    return [evalrules.rubric_source("broken-county/2024", folder / "2024.yaml")]
