"""A rule kind for evalrules: a deduction for every step short of a standard.

Schemes often write "每低于标准1个百分点扣0.5分,扣完为止": the further a rate falls short, the
more is deducted, a started step counting as a whole one. The builtin ``threshold`` kind is
all-or-nothing and ``linear`` interpolates, so this plugin adds the kind ``rate_steps``.
(evalrules' builtin ``shortfall`` kind scores such rules too; this one is the example of
how a plugin writes a kind.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

from evalrules import DescribeContext, FactSpec, RuleContext, RuleKind, Text, hookimpl, rule_kind

__all__ = ["RATE_STEPS", "evalrules_register_rule_kinds"]

#: The rule's parameters as a cerberus schema, checked for every rule when a rubric loads.
PARAMS: Mapping[str, Any] = {
    "fact": {"type": "string", "required": True, "empty": False},
    "target": {"type": "number", "required": True},
    "step": {"type": "number", "min": 0, "forbidden": [0]},
    "deduct_each": {"type": "number", "min": 0, "required": True},
}

#: Message templates: named fields, Chinese first, English second.
MESSAGES: Mapping[str, Text] = {
    "rate_steps.below": Text(
        "{fact_label}为{value}{unit},比标准{target}{unit}低{gap}{unit},"
        "按{steps}档、每档扣{each}分,扣{points}分。",
        "{fact_label} is {value}{unit}, {gap}{unit} short of the standard {target}{unit}: "
        "{steps} step(s) at −{each}: −{points}.",
    ),
}

#: The fields ``evaluate`` passes with each message. A template may name these, ``{points}``
#: and (since ``fact`` is one) ``{fact_label}``; the engine refuses a kind whose templates
#: name anything else, and the loader a rubric's ``message:`` that does.
FIELDS: Mapping[str, tuple[str, ...]] = {
    "rate_steps.below": ("fact", "value", "target", "gap", "steps", "each", "unit"),
}


def _step(params: Mapping[str, Any]) -> Decimal:
    return Decimal(params.get("step", 1))


def _evaluate(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    value = ctx.fact(path)  # read through the context: it becomes the finding's evidence
    target = Decimal(ctx.params["target"])
    gap = target - value
    if gap <= 0:
        ctx.outcome("met")  # no points lost; recorded for rule-outcome coverage
        return
    steps = (gap / _step(ctx.params)).to_integral_value(rounding=ROUND_CEILING)
    each = Decimal(ctx.params["deduct_each"])
    points = min(steps * each, ctx.share)  # never more than the points this rule governs
    ctx.deduct(
        points,  # nominal: the engine floors the item at zero and rounds it once
        "rate_steps.below",
        outcome="zero" if points == ctx.share else "partial",
        fact=path,
        value=value,
        target=target,
        gap=gap,
        steps=steps,
        each=each,
        unit=ctx.unit(path),
    )


def _describe(ctx: DescribeContext) -> Text:
    path = ctx.params["fact"]
    label, unit = ctx.label(path), ctx.unit(path)
    target, step = ctx.plain(ctx.params["target"]), ctx.plain(_step(ctx.params))
    each, share = ctx.plain(ctx.params["deduct_each"]), ctx.plain(ctx.share)
    return Text(
        f"{label.zh}应不低于{target}{unit};每低{step}{unit}扣{each}分"
        f"(不足{step}{unit}按{step}{unit}计),最多扣{share}分。",
        f"{label.en} should be at least {target}{unit}; −{each} for each {step}{unit} short "
        f"(a started step counts), at most −{share}.",
    )


def _check(ctx: DescribeContext) -> Iterator[str]:
    """Problems the schema cannot see, reported when the rubric loads."""
    path = ctx.params["fact"]
    declared = ctx.declaration(path)  # None when undeclared: the loader reports that itself
    if isinstance(declared, FactSpec) and not ctx.is_numeric(path):
        yield f"params.fact: {path} is a {declared.type}; rate_steps needs a number"


def _reachable(params: Mapping[str, Any], item_max: Decimal) -> tuple[str, ...]:
    """The outcomes a rule with these parameters can reach, for rule-outcome coverage:
    ``partial`` only when one step costs less than the rule's share, ``zero`` only when
    steps cost something (or the share is nothing)."""
    share = item_max if params.get("points") is None else Decimal(params["points"])
    each = Decimal(params["deduct_each"])
    outcomes = ["met"]
    if each < share:
        outcomes.append("partial")
    if each > 0 or share == 0:
        outcomes.append("zero")
    return tuple(outcomes)


RATE_STEPS = rule_kind(
    "rate_steps",
    summary=Text("每低于标准一档扣分", "A deduction per step short of a standard"),
    description=(
        "Compares a numeric fact with `target`. At or above it: no deduction. Below it: "
        "`deduct_each` points for every `step` (default 1) of the gap, a started step "
        "counting as a whole one, up to the rule's share (`points`, default the item's max); "
        "the item is floored at zero."
    ),
    params=PARAMS,
    evaluate=_evaluate,
    describe=_describe,
    check=_check,
    outcomes=("met", "partial", "zero"),
    messages=MESSAGES,
    fields=FIELDS,
    reachable=_reachable,
    example="""\
code: PJ-11-s
kind: rate_steps
params: {fact: derived.kindergarten.inclusive_rate, target: 85, step: 1, deduct_each: 0.5}
""",
)


@hookimpl
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register the ``rate_steps`` rule kind."""
    return [RATE_STEPS]
