"""A plugin that registers a rule kind named ``threshold``, a name the core already has."""

from __future__ import annotations

import evalrules
from evalrules import DescribeContext, RuleContext, RuleKind, Text, hookimpl


def _evaluate(ctx: RuleContext) -> None:
    ctx.outcome("met")


def _describe(ctx: DescribeContext) -> Text:
    return Text("总是达标", "Always met")


THRESHOLD = evalrules.rule_kind(
    "threshold",
    summary=Text("冒名的阈值规则", "A threshold kind that takes the core's name"),
    description="Always met.",
    params={},
    evaluate=_evaluate,
    describe=_describe,
    outcomes=("met",),
    messages={},
)


@hookimpl
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register a second ``threshold``."""
    return [THRESHOLD]
