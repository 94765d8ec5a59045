"""A rule kind for evalrules: at least k of n measures in place, a deduction per one short.

Schemes often write "以下三项措施至少落实两项,每少一项扣1.5分": what counts is how many of a
list of yes/no facts hold, not which. The builtin ``checklist`` and ``elements`` kinds deduct
for each measure missing, whichever it is, so this plugin adds the kind ``at_least``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from evalrules import DescribeContext, RuleContext, RuleKind, Text, hookimpl, rule_kind

__all__ = ["AT_LEAST", "evalrules_register_rule_kinds"]

#: The rule's parameters as a cerberus schema, checked for every rule when a rubric loads.
PARAMS: Mapping[str, Any] = {
    "facts": {
        "type": "list",
        "required": True,
        "minlength": 1,
        "schema": {"type": "string", "empty": False},
    },
    "at_least": {"type": "integer", "required": True, "min": 1},
    "deduct_each": {"type": "number", "min": 0, "required": True},
}

#: Message templates: named fields, Chinese first, English second.
MESSAGES: Mapping[str, Text] = {
    "at_least.short": Text(
        "{count}项措施落实{met}项,少于规定的{at_least}项,少{short}项,每少一项扣{each}分,"
        "扣{points}分(未落实:{missing})。",
        "{met} of {count} measures in place, {short} short of the required {at_least} "
        "(−{each} each): −{points}. Not in place: {missing}.",
    ),
}

#: The fields ``evaluate`` passes with each message. A template may name these and
#: ``{points}``; the engine refuses a kind whose templates name anything else, and the
#: loader a rubric's ``message:`` that does.
FIELDS: Mapping[str, tuple[str, ...]] = {
    "at_least.short": ("count", "met", "at_least", "short", "each", "missing"),
}


def _evaluate(ctx: RuleContext) -> None:
    paths = ctx.params["facts"]
    # Each fact is read through the context: it becomes the finding's evidence.
    missing = [path for path in paths if ctx.fact(path) is not True]
    met = len(paths) - len(missing)
    at_least = int(ctx.params["at_least"])
    short = max(0, at_least - met)
    if short == 0:
        ctx.outcome("met")  # no points lost; recorded for rule-outcome coverage
        return
    each = Decimal(ctx.params["deduct_each"])
    points = min(short * each, ctx.share)  # never more than the points this rule governs
    labels = [ctx.label(path) for path in missing]
    ctx.deduct(
        points,  # nominal: the engine floors the item at zero and rounds it once
        "at_least.short",
        outcome="zero" if points == ctx.share else "partial",
        count=len(paths),
        met=met,
        at_least=at_least,
        short=short,
        each=each,
        missing=Text("；".join(t.zh for t in labels), "; ".join(t.en for t in labels)),
    )


def _describe(ctx: DescribeContext) -> Text:
    paths = ctx.params["facts"]
    k, each = ctx.params["at_least"], ctx.plain(ctx.params["deduct_each"])
    labels = [ctx.label(path) for path in paths]
    return Text(
        f"{len(paths)}项措施({'；'.join(t.zh for t in labels)})中至少落实{k}项;"
        f"每少一项扣{each}分,最多扣{ctx.plain(ctx.share)}分。",
        f"At least {k} of {len(paths)} in place ({'; '.join(t.en for t in labels)}); "
        f"−{each} for each one short, at most −{ctx.plain(ctx.share)}.",
    )


def _check(ctx: DescribeContext) -> Iterator[str]:
    """Problems the schema cannot see, reported when the rubric loads."""
    paths = ctx.params["facts"]
    if int(ctx.params["at_least"]) > len(paths):
        yield f"params.at_least: {ctx.params['at_least']} of only {len(paths)} facts"
    for i, path in enumerate(paths):
        if path in paths[:i]:
            yield f"params.facts.{i}: {path} is listed twice"
        # Asked of the type's traits, not its name: a plugin's yes/no type qualifies too.
        # None when undeclared (the loader reports that itself) or derived (a number).
        ftype = ctx.fact_type(path)
        if ctx.declaration(path) is not None and not (
            ftype is not None and ftype.accepts(True) and ftype.accepts(False)
        ):
            yield f"params.facts.{i}: {path} is not a yes/no fact"


def _reads(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The facts a rule reads (the default finds only ``fact`` keys): the loader checks
    they are declared, and ``evalrules diff`` follows them."""
    return tuple(params["facts"])


def _reachable(params: Mapping[str, Any], item_max: Decimal) -> tuple[str, ...]:
    """The outcomes a rule with these parameters can reach, for rule-outcome coverage:
    ``partial`` only when one short costs less than the rule's share, ``zero`` only when
    all ``at_least`` short cost the whole share."""
    share = item_max if params.get("points") is None else Decimal(params["points"])
    each = Decimal(params["deduct_each"])
    outcomes = ["met"]
    if each < share:
        outcomes.append("partial")
    if each * int(params["at_least"]) >= share:
        outcomes.append("zero")
    return tuple(outcomes)


AT_LEAST = rule_kind(
    "at_least",
    summary=Text("至少落实k项,每少一项扣分", "At least k of n in place, a deduction per one short"),
    description=(
        "Counts how many of the yes/no `facts` hold. At least `at_least`: no deduction. "
        "Fewer: `deduct_each` points for each one short, up to the rule's share (`points`, "
        "default the item's max); the item is floored at zero. The finding names the "
        "measures not in place."
    ),
    params=PARAMS,
    evaluate=_evaluate,
    describe=_describe,
    check=_check,
    outcomes=("met", "partial", "zero"),
    messages=MESSAGES,
    fields=FIELDS,
    reachable=_reachable,
    reads=_reads,
    example="""\
code: PJ-5.1-k
kind: at_least
params:
  facts: [double_reduction.policy_and_leadership, double_reduction.homework_management,
          double_reduction.homework_publicity]
  at_least: 2
  deduct_each: 1.5
""",
)


@hookimpl
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register the ``at_least`` rule kind."""
    return [AT_LEAST]
