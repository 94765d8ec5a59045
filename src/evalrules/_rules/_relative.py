"""The builtin cohort-relative rule kinds: points by place among the districts of a cohort.

``by_place``, ``threshold_else_place``, ``relative_to_mean`` and ``relative_to_best`` score
an entity's fact against the same fact of the other entities evaluated with it. A cohort
collects those values first (``CohortStatistics``, through the kind's ``ranks``) and then
evaluates each entity with them; evaluated alone, such a rule makes its item not assessable
and says why.

Places follow standard competition ranking: an entity's place is one more than the number
of entities strictly better than it, so tied entities share the higher place and each gets
its points ("1, 2, 2, 4"). An entity whose fact is missing is not among the values: it is not
ranked (its own item is not assessable, or its document refused), and the others are ranked
among themselves. A finding says the entity's own value, place and points, never another
entity's facts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from evalrules._points import ZERO, context, quantize, to_decimal
from evalrules._rules._builtin import _FACT, _NUMBERS, _POINTS, _amount, _needs, _unit
from evalrules._rules._context import DescribeContext, RuleContext
from evalrules._rules._kind import RuleKind, rule_kind
from evalrules._text import Text
from evalrules._units import unit_in

_DIRECTION = {
    "type": "string",
    "allowed": ["higher_first", "lower_first"],
    "default": "higher_first",
}
_PLACES = {
    "type": "list",
    "required": True,
    "minlength": 1,
    "schema": {"type": "number", "min": 0},
}

#: What every cohort-relative kind says when it is evaluated without the cohort.
_ALONE = Text(
    "本项按全市各县区排序计分,单独评价时无法计算,暂不得分。",
    "Scored by place among the city's districts; it cannot be scored alone and scores "
    "nothing for now.",
)


def _ranked_fact(params: Mapping[str, Any]) -> str:
    return str(params["fact"])


def _reads(params: Mapping[str, Any]) -> tuple[str, ...]:
    return (str(params["fact"]),)


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _better(direction: str, other: Decimal, mine: Decimal) -> bool:
    return other > mine if direction == "higher_first" else other < mine


def _others(ctx: RuleContext) -> list[Decimal] | None:
    """The other entities' values of the ranked fact; ``None`` when evaluated alone."""
    values = ctx.cohort_values()
    if values is None:
        return None
    return [v for eid, v in values.items() if eid != ctx.entity]


def _place(direction: str, mine: Decimal, others: Iterable[Decimal]) -> int:
    """One more than the number strictly better: ties share the higher place."""
    return 1 + sum(1 for v in others if _better(direction, v, mine))


def _points_at(params: Mapping[str, Any], place: int) -> Decimal:
    places = [to_decimal(p) for p in params["places"]]
    if place <= len(places):
        return places[place - 1]
    return to_decimal(params.get("beyond", 0))


def _alone(ctx: RuleContext) -> None:
    ctx.not_assessable("cohort.alone", outcome="alone", fact=ctx.params["fact"])


def _placed(ctx: RuleContext, awarded: Decimal, message: str, outcome: str, **fields: Any) -> None:
    """Report the entity's points: full marks as an outcome, anything less as a deduction
    of the rest (the item never goes below zero)."""
    awarded = min(awarded, ctx.share)
    if awarded >= ctx.share:
        ctx.outcome("full")
        return
    unit = ctx.unit(ctx.params["fact"])
    # {amount} (and {standard}) carry the unit in each language: an English message shows
    # no 人 or 次, which have no English word after a number
    shown: dict[str, Any] = {"amount": _amount(to_decimal(fields["value"]), unit)}
    if "threshold" in fields:
        shown["standard"] = _amount(to_decimal(fields["threshold"]), unit)
    ctx.deduct(
        ctx.share - awarded,
        message,
        outcome=outcome,
        fact=ctx.params["fact"],
        awarded=awarded,
        unit=_unit(unit),
        **shown,
        **fields,
    )


def _direction_words(direction: str) -> Text:
    if direction == "higher_first":
        return Text("从高到低", "highest first")
    return Text("从低到高", "lowest first")


def _places_words(ctx: DescribeContext) -> Text:
    places = "、".join(ctx.plain(p) for p in ctx.params["places"])
    places_en = ", ".join(ctx.plain(p) for p in ctx.params["places"])
    beyond = ctx.plain(ctx.params.get("beyond", 0))
    return Text(
        f"依次得{places}分,其后各得{beyond}分",
        f"{places_en} points by place, {beyond} for every place after",
    )


def _places_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _NUMBERS)
    places = [to_decimal(p) for p in ctx.params.get("places", ())]
    for i, points in enumerate(places):
        if points > ctx.share:
            yield (
                f"params.places.{i}: {ctx.plain(points)} is more than the "
                f"{ctx.plain(ctx.share)} points this rule governs"
            )
    if any(later > earlier for earlier, later in itertools.pairwise(places)):
        yield "params.places: a later place gets more points than an earlier one"
    beyond = to_decimal(ctx.params.get("beyond", 0))
    if places and beyond > places[-1]:
        yield "params.beyond: the places after the list get more than the last place"


def _places_reachable(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    """``alone`` always (evaluated without the cohort); ``full`` when a place's points are the
    rule's share, ``placed`` when one is below it, ``beyond`` when ``beyond`` is."""
    share = max_points if params.get("points") is None else to_decimal(params["points"])
    places = [to_decimal(p) for p in params["places"]]
    beyond = to_decimal(params.get("beyond", 0))
    out = ["alone"]
    if any(p >= share for p in places) or beyond >= share:
        out.append("full")
    if any(p < share for p in places):
        out.append("placed")
    if beyond < share:
        out.append("beyond")
    return out


_COHORT_FIELDS = ("fact", "place", "count", "awarded", "ordinal", "unit", "value", "amount")


# ----------------------------------------------------------------------------- by_place


def _by_place_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    mine = to_decimal(ctx.fact(path))
    others = _others(ctx)
    if others is None:
        _alone(ctx)
        return
    direction = ctx.params.get("direction", "higher_first")
    place = _place(direction, mine, others)
    within = place <= len(ctx.params["places"])
    _placed(
        ctx,
        _points_at(ctx.params, place),
        "by_place.placed",
        "placed" if within else "beyond",
        place=place,
        ordinal=_ordinal(place),
        count=len(others) + 1,
        value=mine,
    )


def _by_place_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    order = _direction_words(ctx.params.get("direction", "higher_first"))
    places = _places_words(ctx)
    return Text(
        f"按{label.zh}在各县区中{order.zh}排序,{places.zh}(并列者同得较高名次的分数)。",
        f"Districts ranked by {label.en or label.zh}, {order.en}: {places.en} (tied "
        "districts share the higher place).",
    )


_BY_PLACE_MESSAGES = {
    "by_place.placed": Text(
        "{fact_label}为{amount},在{count}个县区中排第{place},得{awarded}分(扣{points}分)。",
        "{fact_label} is {amount}, {ordinal} of {count} districts: {awarded} points (−{points}).",
    ),
    "cohort.alone": _ALONE,
}

BY_PLACE = rule_kind(
    "by_place",
    summary=Text("按各县区排名计分", "Points by place among the districts"),
    description=(
        "Ranks the districts of a cohort by one fact (`direction`: `higher_first`, the "
        "default, or `lower_first`) and gives each the points of its place: `places` lists "
        "the points of the first, second, ... place, and `beyond` (default 0) those of every "
        "place after the list. Tied districts share the higher place and each gets its "
        "points (standard competition ranking: 1, 2, 2, 4). A district whose fact is missing "
        "is not ranked; the others are ranked among themselves. Scored only with the "
        "cohort's statistics (`evaluate_cohort`, `evalrules cohort`): evaluated alone the "
        "item is not assessable. The finding says the district's own value and place, never "
        "another district's facts."
    ),
    params={"fact": _FACT, "direction": _DIRECTION, "places": _PLACES, "beyond": _POINTS},
    evaluate=_by_place_eval,
    describe=_by_place_describe,
    check=_places_check,
    reads=_reads,
    ranks=_ranked_fact,
    outcomes=("alone", "full", "placed", "beyond"),
    reachable=_places_reachable,
    messages=_BY_PLACE_MESSAGES,
    fields={"by_place.placed": _COHORT_FIELDS, "cohort.alone": ("fact",)},
    example="""\
code: EX-7
kind: by_place
params: {fact: x.completion_rate, direction: higher_first, places: [10, 8, 6, 4]}
""",
)


# ------------------------------------------------------------------ threshold_else_place


def _meets(direction: str, value: Decimal, standard: Decimal) -> bool:
    return value >= standard if direction == "higher_first" else value <= standard


def _threshold_else_place_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    mine = to_decimal(ctx.fact(path))
    standard = to_decimal(ctx.params["value"])
    direction = ctx.params.get("direction", "higher_first")
    if _meets(direction, mine, standard):
        ctx.outcome("full")  # meeting the standard needs no other district
        return
    others = _others(ctx)
    if others is None:
        _alone(ctx)
        return
    missed = [v for v in others if not _meets(direction, v, standard)]
    place = _place(direction, mine, missed)
    within = place <= len(ctx.params["places"])
    _placed(
        ctx,
        _points_at(ctx.params, place),
        "threshold_else_place.placed",
        "placed" if within else "beyond",
        place=place,
        ordinal=_ordinal(place),
        count=len(missed) + 1,
        value=mine,
        threshold=standard,
        relation=Text("低于", "below") if direction == "higher_first" else Text("高于", "above"),
    )


def _threshold_else_place_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    unit = ctx.unit(ctx.params["fact"])
    direction = ctx.params.get("direction", "higher_first")
    standard = ctx.plain(ctx.params["value"])
    share = ctx.plain(ctx.share)
    order = _direction_words(direction)
    places = _places_words(ctx)
    reach = Text("达到", "at least") if direction == "higher_first" else Text("不超过", "at most")
    return Text(
        f"{label.zh}{reach.zh}{standard}{unit}的得{share}分;未达到的县区按{order.zh}排序,"
        f"{places.zh}(并列者同得较高名次的分数)。",
        f"{label.en or label.zh} {reach.en} {standard}{unit_in(unit, 'en')}: {share} points; "
        "the districts "
        f"that miss it are ranked {order.en}: {places.en} (tied districts share the higher "
        "place).",
    )


def _threshold_else_place_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _places_check(ctx)


def _threshold_else_place_reachable(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    """As ``by_place``, and ``full`` always (a district that meets the standard)."""
    out = _places_reachable(params, max_points)
    return out if "full" in out else [*out, "full"]


THRESHOLD_ELSE_PLACE = rule_kind(
    "threshold_else_place",
    summary=Text(
        "达到标准得满分,未达到的按排名计分",
        "Full marks at the standard; the rest by place",
    ),
    description=(
        "A district whose fact meets the standard `value` (at least it for `direction: "
        "higher_first`, the default; at most it for `lower_first`) gets the rule's full "
        "points, with or without the cohort. The districts that miss it are ranked among "
        "themselves and get the points of their place (`places`, then `beyond`, default 0), "
        "as `by_place` gives them: ties share the higher place, a district whose fact is "
        "missing is not ranked. Evaluated alone, a district that misses the standard is not "
        "assessable."
    ),
    params={
        "fact": _FACT,
        "value": {"type": "number", "required": True},
        "direction": _DIRECTION,
        "places": _PLACES,
        "beyond": _POINTS,
    },
    evaluate=_threshold_else_place_eval,
    describe=_threshold_else_place_describe,
    check=_threshold_else_place_check,
    reads=_reads,
    ranks=_ranked_fact,
    outcomes=("alone", "full", "placed", "beyond"),
    reachable=_threshold_else_place_reachable,
    messages={
        "threshold_else_place.placed": Text(
            "{fact_label}为{amount},{relation}{standard}的标准;在未达标的{count}个"
            "县区中排第{place},得{awarded}分(扣{points}分)。",
            "{fact_label} is {amount}, {relation} the standard of {standard}; "
            "{ordinal} of the {count} districts below it: {awarded} points (−{points}).",
        ),
        "cohort.alone": _ALONE,
    },
    fields={
        "threshold_else_place.placed": (*_COHORT_FIELDS, "threshold", "relation", "standard"),
        "cohort.alone": ("fact",),
    },
    example="""\
code: EX-8
kind: threshold_else_place
params: {fact: x.coverage_rate, value: 85, places: [8, 6, 4, 2]}
""",
)


# ---------------------------------------------------------------------- relative_to_mean


def _mean(values: list[Decimal]) -> Decimal:
    ctx = context()
    return ctx.divide(sum(values, ZERO), Decimal(len(values)))


def _relative_to_mean_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    mine = to_decimal(ctx.fact(path))
    others = _others(ctx)
    if others is None:
        _alone(ctx)
        return
    direction = ctx.params.get("direction", "higher_first")
    mean = _mean([mine, *others])
    if _meets(direction, mine, mean):
        ctx.outcome("full")
        return
    _placed(
        ctx,
        to_decimal(ctx.params.get("otherwise", 0)),
        "relative_to_mean.below",
        "below",
        count=len(others) + 1,
        value=mine,
        relation=Text("低于", "below") if direction == "higher_first" else Text("高于", "above"),
    )


def _relative_to_mean_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    direction = ctx.params.get("direction", "higher_first")
    share = ctx.plain(ctx.share)
    otherwise = ctx.plain(ctx.params.get("otherwise", 0))
    reach = (
        Text("高于或等于", "at or above")
        if direction == "higher_first"
        else Text("低于或等于", "at or below")
    )
    return Text(
        f"{label.zh}{reach.zh}各县区平均值的得{share}分,否则得{otherwise}分。",
        f"{label.en or label.zh} {reach.en} the districts' mean: {share} points; otherwise "
        f"{otherwise}.",
    )


def _relative_to_mean_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _NUMBERS)
    otherwise = ctx.params.get("otherwise")
    if otherwise is not None and to_decimal(otherwise) > ctx.share:
        yield (
            f"params.otherwise: {ctx.plain(otherwise)} is more than the "
            f"{ctx.plain(ctx.share)} points this rule governs"
        )


def _relative_to_mean_reachable(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    """``alone`` and ``full`` always; ``below`` when ``otherwise`` is below the share."""
    share = max_points if params.get("points") is None else to_decimal(params["points"])
    otherwise = to_decimal(params.get("otherwise", 0))
    return ["alone", "full", "below"] if otherwise < share else ["alone", "full"]


RELATIVE_TO_MEAN = rule_kind(
    "relative_to_mean",
    summary=Text("达到各县区平均水平得分", "Full marks at or above the districts' mean"),
    description=(
        "Compares a district's fact with the mean of the same fact over the districts of "
        "the cohort (itself included; a district whose fact is missing is left out of the "
        "mean). At or above the mean (`direction: higher_first`, the default; at or below "
        "it for `lower_first`): the rule's full points; otherwise `otherwise` points "
        "(default 0). The finding says whether the district reached the mean, not the mean "
        "itself. Evaluated alone, the item is not assessable."
    ),
    params={"fact": _FACT, "direction": _DIRECTION, "otherwise": _POINTS},
    evaluate=_relative_to_mean_eval,
    describe=_relative_to_mean_describe,
    check=_relative_to_mean_check,
    reads=_reads,
    ranks=_ranked_fact,
    outcomes=("alone", "full", "below"),
    reachable=_relative_to_mean_reachable,
    messages={
        "relative_to_mean.below": Text(
            "{fact_label}为{amount},{relation}{count}个县区的平均水平,得{awarded}分"
            "(扣{points}分)。",
            "{fact_label} is {amount}, {relation} the mean of {count} districts: "
            "{awarded} points (−{points}).",
        ),
        "cohort.alone": _ALONE,
    },
    fields={
        "relative_to_mean.below": (
            "fact",
            "count",
            "awarded",
            "unit",
            "value",
            "relation",
            "amount",
        ),
        "cohort.alone": ("fact",),
    },
    example="""\
code: EX-9
kind: relative_to_mean
params: {fact: x.spending_growth, otherwise: 0}
""",
)


# ---------------------------------------------------------------------- relative_to_best


def _relative_to_best_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    mine = to_decimal(ctx.fact(path))
    others = _others(ctx)
    if others is None:
        _alone(ctx)
        return
    direction = ctx.params.get("direction", "higher_first")
    values = [mine, *others]
    best = max(values) if direction == "higher_first" else min(values)
    if mine == best:
        ctx.outcome("full")
        return
    num, den = (mine, best) if direction == "higher_first" else (best, mine)
    share = ctx.share
    if den <= 0 or num < 0:
        awarded = ZERO  # no proportion of a best that is not above zero
    else:
        awarded = quantize(
            min(share, context().divide(share * num, den)),
            ctx.rubric.precision,
            ctx.rubric.rounding,
        )
    _placed(
        ctx,
        awarded,
        "relative_to_best.share",
        "share",
        place=_place(direction, mine, others),
        ordinal=_ordinal(_place(direction, mine, others)),
        count=len(values),
        value=mine,
    )


def _relative_to_best_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    share = ctx.plain(ctx.share)
    direction = ctx.params.get("direction", "higher_first")
    best = Text("最高", "highest") if direction == "higher_first" else Text("最低", "lowest")
    return Text(
        f"{label.zh}为各县区{best.zh}值的得{share}分,其余按与{best.zh}值之比折算得分。",
        f"{label.en or label.zh}: the district with the {best.en} value gets {share} points, "
        f"the others in proportion to it.",
    )


def _relative_to_best_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _NUMBERS)


RELATIVE_TO_BEST = rule_kind(
    "relative_to_best",
    summary=Text("按与最好水平之比计分", "Points in proportion to the best district"),
    description=(
        "The district with the best value of a fact among the cohort (the highest for "
        "`direction: higher_first`, the default; the lowest for `lower_first`) gets the "
        "rule's full points; each other district the points in proportion: value ÷ best "
        "(best ÷ value for `lower_first`), rounded to the rubric's precision. A best value "
        "that is not above zero gives the others 0. The finding says the district's value, "
        "place and points, not the best value. Evaluated alone, the item is not assessable."
    ),
    params={"fact": _FACT, "direction": _DIRECTION},
    evaluate=_relative_to_best_eval,
    describe=_relative_to_best_describe,
    check=_relative_to_best_check,
    reads=_reads,
    ranks=_ranked_fact,
    outcomes=("alone", "full", "share"),
    messages={
        "relative_to_best.share": Text(
            "{fact_label}为{amount},在{count}个县区中排第{place},按与最好水平之比得"
            "{awarded}分(扣{points}分)。",
            "{fact_label} is {amount}, {ordinal} of {count} districts: {awarded} points "
            "in proportion to the best (−{points}).",
        ),
        "cohort.alone": _ALONE,
    },
    fields={"relative_to_best.share": _COHORT_FIELDS, "cohort.alone": ("fact",)},
    example="""\
code: EX-10
kind: relative_to_best
params: {fact: x.teachers_per_100_pupils}
""",
)


#: The cohort-relative kinds, registered with the other builtins.
RELATIVE_KINDS: tuple[RuleKind, ...] = (
    BY_PLACE,
    THRESHOLD_ELSE_PLACE,
    RELATIVE_TO_MEAN,
    RELATIVE_TO_BEST,
)
