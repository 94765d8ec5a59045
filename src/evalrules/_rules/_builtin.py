"""The builtin rule kinds, registered through ``evalrules_register_rule_kinds`` like any plugin's.

Each kind documents itself (summary, description, example); the rule-kind catalogue in the
docs is generated from these values.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

from evalrules._facts._tables import (
    TableRow,
    TableValue,
    row_condition,
    row_condition_problems,
)
from evalrules._facts._types import FactType
from evalrules._points import ZERO, context, plain, to_decimal
from evalrules._rubric._model import DerivedFact, FactSpec, Rubric, TableSpec
from evalrules._rules._conditions import (
    DERIVED,
    OPERATORS,
    check_policy,
    compare,
    compile_compare,
    compile_condition,
    lower_first,
)
from evalrules._rules._context import DescribeContext, RuleContext
from evalrules._rules._kind import RuleKind, Score, Scorer, rule_kind
from evalrules._rules._messages import figure, percent_figure, show
from evalrules._scorecard._model import VETO_EFFECTS, DerivedValue
from evalrules._text import Text
from evalrules._units import unit_in
from evalrules.hookspecs import hookimpl

_NUMBER = {"type": "number"}
_POINTS = {"type": "number", "min": 0}
_TEXT = {
    "type": "dict",
    "schema": {"zh": {"type": "string", "required": True}, "en": {"type": "string"}},
}
_FACT = {"type": "string", "required": True, "empty": False}


def _opening(text: Text) -> Text:
    """Words that open a message: the English with a capital letter."""
    en = text.en[:1].upper() + text.en[1:] if text.en else text.en
    return Text(text.zh, en)


def _deduct_amount(ctx: RuleContext | DescribeContext) -> Decimal:
    deduct = ctx.params.get("deduct")
    return ctx.share if deduct is None else to_decimal(deduct)


# ------------------------------------------------------------------------------ scorers
#
# Each builtin kind's rules compiled over their parameters, for evaluations without
# explanations: the effects ``evaluate`` reports, as ``(action, points, outcome, effect)``,
# from parameters converted once. Effects that do not depend on the facts are built once.

_Values = Mapping[str, Any]
_Scored = tuple[Score, ...]


def _outcome_only(outcome: str) -> _Scored:
    return (("outcome", ZERO, outcome, None),)


def _threshold_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    check = compile_compare(params["op"], params["value"])
    deduct = params.get("deduct")
    met = _outcome_only("met")
    missed: _Scored = (
        ("deduction", share if deduct is None else to_decimal(deduct), "missed", None),
    )

    def score(values: _Values) -> _Scored:
        return met if check(values[path]) else missed

    return score


def _per_incident_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    allow = int(params.get("allow") or 0)
    each = to_decimal(params["deduct_each"])
    cap = params.get("cap")
    limit = None if cap is None else to_decimal(cap)
    full = _outcome_only("full")

    def score(values: _Values) -> _Scored:
        counted = max(0, int(values[path]) - allow)
        if counted == 0:
            return full
        points = each * counted
        if limit is not None:
            points = min(points, limit)
        return (("deduction", points, "zero" if points >= item_max else "partial", None),)

    return score


def _each_true_scorer(
    entries: Iterable[Mapping[str, Any]], points_key: str, all_met: str, outcome_of: Any
) -> Scorer:
    """Checklist and elements: a deduction for each entry whose fact is not true."""
    facts = tuple((e["fact"], to_decimal(e[points_key])) for e in entries)
    met = _outcome_only(all_met)

    def score(values: _Values) -> _Scored:
        unmet = [points for path, points in facts if values[path] is not True]
        if not unmet:
            return met
        outcome = outcome_of(unmet, len(facts))
        return tuple([("deduction", points, outcome, None) for points in unmet])

    return score


def _checklist_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    def outcome_of(unmet: list[Decimal], _count: int) -> str:
        return "zero" if sum(unmet, ZERO) >= item_max else "partial"

    return _each_true_scorer(params["conditions"], "deduct", "all_met", outcome_of)


def _elements_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    def outcome_of(unmet: list[Decimal], count: int) -> str:
        return "none" if len(unmet) == count else "some"

    return _each_true_scorer(params["elements"], "points", "all", outcome_of)


def _rating_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    scale = to_decimal(params["scale"])
    one = Decimal(1)
    full = _outcome_only("full")

    def score(values: _Values) -> _Scored:
        earned = min(max(to_decimal(values[path]) / scale, ZERO), one) * share
        lost = share - earned
        if lost <= 0:
            return full
        return (("deduction", lost, "zero" if earned <= 0 else "partial", None),)

    return score


def _when_scorer(when: Mapping[str, Any], hit: Score, miss: str) -> Scorer:
    """A rule with one condition: ``hit`` when it holds, the outcome ``miss`` when not."""
    test = compile_condition(when)
    held: _Scored = (hit,)
    clear = _outcome_only(miss)

    def score(values: _Values) -> _Scored:
        return held if test(values) else clear

    return score


def _zero_out_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    return _when_scorer(params["when"], ("zero_out", ZERO, "zeroed", None), "clear")


def _na_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    hit = ("not_applicable", ZERO, "not_applicable", params.get("policy"))
    return _when_scorer(params["when"], hit, "applicable")


def _bonus_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    hit = ("bonus", to_decimal(params["points"]), "awarded", None)
    return _when_scorer(params["when"], hit, "none")


def _veto_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    # A veto that holds is explained even without explanations: the engine runs the rule
    # through ``evaluate`` for its finding.
    return _when_scorer(params["when"], ("veto", ZERO, "vetoed", params["effect"]), "clear")


def _bands_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    bands = []
    for band in params["bands"]:
        lo, hi = band.get("min"), band.get("max")
        deduct = to_decimal(band["deduct"])
        effect: Score = ("outcome", ZERO, band["id"], None)
        if deduct != 0:
            effect = ("deduction", deduct, band["id"], None)
        bands.append(
            (
                None if lo is None else to_decimal(lo),
                band.get("min_inclusive", True),
                None if hi is None else to_decimal(hi),
                band.get("max_inclusive", False),
                (effect,),
            )
        )

    def score(values: _Values) -> _Scored:
        value = to_decimal(values[path])
        for lo, lo_in, hi, hi_in, scored in bands:
            if lo is not None and (value < lo or (value == lo and not lo_in)):
                continue
            if hi is not None and (value > hi or (value == hi and not hi_in)):
                continue
            return scored
        raise ValueError(path)  # in no band: the kind's evaluate says so

    return score


def _linear_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    x0, p0 = to_decimal(params["from"]["value"]), to_decimal(params["from"]["points"])
    x1, p1 = to_decimal(params["to"]["value"]), to_decimal(params["to"]["points"])
    one = Decimal(1)
    full = _outcome_only("full")

    def score(values: _Values) -> _Scored:
        t = (to_decimal(values[path]) - x0) / (x1 - x0)
        earned = p0 + (p1 - p0) * min(max(t, ZERO), one)
        lost = share - earned
        if lost <= 0:
            return full
        return (("deduction", lost, "zero" if earned <= 0 else "partial", None),)

    return score


def _manual_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    full = _outcome_only("full")

    def score(values: _Values) -> _Scored:
        deduct = to_decimal(values[path]["deduct"])
        if deduct == 0:
            return full
        return (("manual", deduct, "deducted", None),)

    return score


# ----------------------------------------------------------------------------- threshold


def _threshold_eval(ctx: RuleContext) -> None:
    path, op, value = ctx.params["fact"], ctx.params["op"], ctx.params["value"]
    observed = ctx.fact(path)
    if ctx.compare(observed, op, value):
        ctx.outcome("met")
        return
    if isinstance(observed, bool) or isinstance(value, bool | str):
        # A yes/no standard reads as the statement of what is wrong: the rule's name.
        statement = (
            ctx.rule.name
            if ctx.rule.name.zh
            else ctx.condition_words(
                {"fact": path, "op": "!=" if op == "==" else "==", "value": value}
            )
        )
        ctx.deduct(
            _deduct_amount(ctx),
            "threshold.not_met",
            outcome="missed",
            fact=path,
            statement=statement,
            value=observed,
            op=OPERATORS[op],
            relation=_SHORT_OF[op],
            threshold=value,
            unit=_unit(ctx.unit(path)),
        )
        return
    unit = ctx.unit(path)
    standard = to_decimal(value)
    if op == ">=" and unit == "%" and standard == 100:
        message = "threshold.incomplete"  # a task or a coverage that must be complete
    elif op == ">=" and unit == "%" and standard == 0:
        message = "threshold.fell"  # a growth rate that must not be negative: 只增不减
    else:
        message = "threshold.missed"
    cv = _is_cv(ctx, path) and not unit
    ctx.deduct(
        _deduct_amount(ctx),
        message,
        outcome="missed",
        fact=path,
        value=observed,
        op=OPERATORS[op],
        relation=_CV_ABOVE if cv and op in ("<=", "<") else _SHORT_OF[op],
        threshold=value,
        shortfall=abs(to_decimal(value) - to_decimal(observed)),
        unit=_unit(unit),
        amount=(
            _cv_text(to_decimal(observed), 3, op, standard)
            if cv
            else _amount(to_decimal(observed), unit)
        ),
        standard=_cv_text(standard, 2) if cv else _amount(standard, unit),
    )


def _unit(unit: str) -> Text:
    """A unit for a message: as written in Chinese, in words in English."""
    return Text(unit, unit_in(unit, "en"))


def _amount(value: Decimal, unit: str, shown: str | None = None) -> Text:
    """An amount with its unit: ``17550万元`` / ``175.50 million yuan`` (an English reader
    counts money in millions, not in tens of thousands), a percentage with two decimals
    (``4.20%``, see :func:`percent_figure`), else as :func:`_unit` writes it. ``shown`` is
    the number as written when the caller chose its digits (:func:`_percent_of`)."""
    if shown is None:
        shown = percent_figure(value) if unit == "%" else show(value, "zh")
    zh = shown + unit
    if unit == "万元":
        millions = value / 100
        cents = millions.quantize(Decimal("0.01"), context=context())
        shown = str(cents) if cents == millions else plain(millions)
        return Text(zh, f"{shown} million yuan")
    return Text(zh, shown + unit_in(unit, "en"))


def _is_cv(ctx: RuleContext | DescribeContext, path: str) -> bool:
    """Whether ``path`` is a coefficient of variation over a table (aggregation ``cv``)."""
    declared = ctx.declaration(path)
    return isinstance(declared, DerivedFact) and declared.formula == "cv"


def _cv_text(value: Decimal, places: int, op: str | None = None, limit: Decimal = ZERO) -> Text:
    """A coefficient of variation written with ``places`` decimals: a CV with 3 (0.598), its
    limit with 2 (0.50), as 教督〔2017〕6号 writes it. A CV that misses its limit (``op``)
    takes more decimals when 3 would make it look as if it met it (0.5004 reads 0.5004, not
    0.500 against 0.50)."""
    shown = value.quantize(Decimal(1).scaleb(-places), context=context())
    while op is not None and compare(shown, op, limit) and places < 20:
        places += 1
        shown = value.quantize(Decimal(1).scaleb(-places), context=context())
    return Text(format(shown, "f"), format(shown, "f"))


#: A CV above its limit: 大于0.50的标准 (the 办法's 小于或等于0.50, negated).
_CV_ABOVE = Text("大于", "above")

#: How a value stands to the standard it misses, by the standard's operator.
_SHORT_OF: Mapping[str, Text] = {
    ">=": Text("低于", "below"),
    ">": Text("未超过", "not above"),
    "<=": Text("超过", "above"),
    "<": Text("未低于", "not below"),
    "==": Text("不等于", "not equal to"),
    "!=": Text("等于", "equal to"),
}


def _threshold_describe(ctx: DescribeContext) -> Text:
    cond = ctx.condition_words(
        {"fact": ctx.params["fact"], "op": ctx.params["op"], "value": ctx.params["value"]}
    )
    d = ctx.plain(_deduct_amount(ctx))
    return Text(
        f"要求{cond.zh};未达到扣{d}分。", f"Standard: {lower_first(cond.en)}; if not met, −{d}."
    )


def _threshold_check(ctx: DescribeContext) -> Iterable[str]:
    cond = {"fact": ctx.params["fact"], "op": ctx.params["op"], "value": ctx.params["value"]}
    yield from ctx.condition_problems(cond, "params")


def _is_numbers(ftype: FactType) -> bool:
    return ftype.is_scalar and ftype.compares == "numbers"


def _is_whole_numbers(ftype: FactType) -> bool:
    return _is_numbers(ftype) and ftype.step == 1


def _is_yes_no(ftype: FactType) -> bool:
    return ftype.is_scalar and ftype.accepts(True) and ftype.accepts(False)


#: What each kind of fact a rule may need is called in messages, and whether a derived fact
#: (always a number) qualifies.
_NUMBERS = (_is_numbers, "number", True)
_WHOLE_NUMBERS = (_is_whole_numbers, "whole number (such as a count)", False)
_YES_NO = (_is_yes_no, "yes/no (boolean) fact", False)


def _needs(
    ctx: DescribeContext,
    path: str,
    where: str,
    need: tuple[Callable[[FactType], bool], str, bool],
) -> Iterable[str]:
    """A problem when a declared fact's type lacks what the rule needs of it (asked of the
    type's traits, so a plugin's type qualifies as a builtin one does)."""
    test, want, derived_ok = need
    if any(d.path == path for d in ctx.rubric.derived):
        if not derived_ok:
            yield f"{where}: {path} is a {DERIVED}, but this rule needs a {want}"
        return
    ftype = ctx.fact_type(path)
    if ftype is not None and not test(ftype):
        also = " (or a derived fact)" if derived_ok else ""
        yield f"{where}: {path} is a {ftype.name}, but this rule needs a {want}{also}"


def _numeric_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _NUMBERS)


THRESHOLD = rule_kind(
    "threshold",
    summary=Text("达到标准得分,未达到扣分", "Full marks when a value meets a standard"),
    description=(
        "Compares one fact with a standard using an explicit operator (`>=` is inclusive, "
        "`>` exclusive). Met: no deduction. Missed: `deduct` points (default: the whole "
        "item, or the rule's `points` share). Comparison is exact: 84.92 is below 85 even "
        "if a report rounds it to 85."
    ),
    params={
        "fact": _FACT,
        "op": {"type": "string", "required": True, "allowed": list(OPERATORS)},
        "value": {"required": True, "type": ["number", "boolean", "string"]},
        "deduct": _POINTS,
    },
    evaluate=_threshold_eval,
    scorer=_threshold_scorer,
    describe=_threshold_describe,
    check=_threshold_check,
    outcomes=("met", "missed"),
    messages={
        "threshold.missed": Text(
            "{fact_label}为{amount},{relation}{standard}的标准,扣{points}分。",
            "{fact_label} is {amount}, {relation} the standard of {standard}: −{points}.",
        ),
        "threshold.incomplete": Text(
            "{fact_label}为{value}{unit},未全覆盖,扣{points}分。",
            "{fact_label} is {value}{unit}, not full coverage: −{points}.",
        ),
        "threshold.fell": Text(
            "按{fact_label}计,同比下降{shortfall}{unit},未落实“只增不减”要求,扣{points}分。",
            "{fact_label}: a fall of {shortfall}{unit} year on year; it must not decrease: "
            "−{points}.",
        ),
        "threshold.not_met": Text("{statement},扣{points}分。", "{statement}: −{points}."),
    },
    fields={
        "threshold.missed": (
            "fact",
            "value",
            "op",
            "relation",
            "threshold",
            "shortfall",
            "unit",
            "amount",
            "standard",
        ),
        "threshold.incomplete": (
            "fact",
            "value",
            "op",
            "relation",
            "threshold",
            "shortfall",
            "unit",
            "amount",
            "standard",
        ),
        "threshold.fell": (
            "fact",
            "value",
            "op",
            "relation",
            "threshold",
            "shortfall",
            "unit",
            "amount",
            "standard",
        ),
        "threshold.not_met": ("fact", "statement", "value", "op", "relation", "threshold", "unit"),
    },
    example="""\
code: PJ-8.2-a
kind: threshold
params: {fact: derived.per_pupil.primary, op: ">=", value: 850, deduct: 1.5}
""",
)


# -------------------------------------------------------------------------- per_incident


def _per_incident_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    count = int(ctx.fact(path))
    allow = int(ctx.params.get("allow") or 0)
    counted = max(0, count - allow)
    if counted == 0:
        ctx.outcome("full")
        return
    each = to_decimal(ctx.params["deduct_each"])
    points = each * counted
    cap = ctx.params.get("cap")
    if cap is not None:
        points = min(points, to_decimal(cap))
    outcome = "zero" if points >= ctx.item.max else "partial"
    ctx.deduct(
        points,
        "per_incident.counted_after_allowance" if allow else "per_incident.counted",
        outcome=outcome,
        fact=path,
        count=count,
        allow=allow,
        each=each,
        year=_period(ctx.label(path), ctx.data_year),
        unit=_count_unit(ctx.unit(path)),
    )


def _period(label: Text, year: int) -> Text:
    """The data year before a count (2022年…), unless the fact's label names its own year."""
    if label.zh[:4].isdigit():
        return Text("", "")
    return Text(f"{year}年", f" in {year}")


def _count_unit(unit: str) -> Text:
    """The unit an incident is counted in (人, 起, 所; 项 when the fact declares none)."""
    unit = unit or "项"
    return Text(unit, unit_in(unit, "en"))


def _per_incident_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _WHOLE_NUMBERS)


def _per_incident_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    each = ctx.plain(ctx.params["deduct_each"])
    allow = int(ctx.params.get("allow") or 0)
    cap = ctx.params.get("cap")
    unit = ctx.unit(ctx.params["fact"]) or "项"
    zh = f"{label.zh}每1{unit}扣{each}分"
    en = f"−{each} for each one of “{lower_first(label.en)}”"
    if allow:
        zh += f"(前{allow}{unit}不扣分)"
        en += f" beyond the first {allow}"
    if cap is not None:
        zh += f",最多扣{ctx.plain(cap)}分"
        en += f", at most −{ctx.plain(cap)}"
    return Text(zh + ",扣完为止。", en + "; floored at zero.")


def _per_incident_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """A rule whose one incident takes the whole item never ends ``partial``; one that
    can never take the whole item never ends ``zero``."""
    each = to_decimal(params["deduct_each"])
    cap = None if params.get("cap") is None else to_decimal(params["cap"])
    fewest = each if cap is None else min(each, cap)  # what one counted incident costs
    # what enough incidents cost: the cap, or without one as much as it takes
    most = ZERO if each == 0 else cap
    out = {"full"}
    if fewest < max_points:
        out.add("partial")
    if (each > 0 and most is None) or (most is not None and most >= max_points):
        out.add("zero")
    return out


PER_INCIDENT = rule_kind(
    "per_incident",
    summary=Text("每发生一次扣分,扣完为止", "A deduction per incident, floored at zero"),
    description=(
        "Deducts `deduct_each` points for every counted incident (a count fact), after "
        "`allow` free incidents, up to `cap` if given. The item never goes below zero "
        "(扣完为止): the effective deduction is capped at what is left."
    ),
    params={
        "fact": _FACT,
        "deduct_each": {"type": "number", "min": 0, "required": True},
        "allow": {"type": "integer", "min": 0},
        "cap": _POINTS,
    },
    evaluate=_per_incident_eval,
    scorer=_per_incident_scorer,
    describe=_per_incident_describe,
    check=_per_incident_check,
    outcomes=("full", "partial", "zero"),
    messages={
        "per_incident.counted": Text(
            "{year}{fact_label}:{count}{unit},每{unit}扣{each}分,共扣{points}分。",
            "{fact_label}{year}: {count}, −{each} each: −{points} in all.",
        ),
        "per_incident.counted_after_allowance": Text(
            "{year}{fact_label}:{count}{unit},{allow}{unit}以内不扣分,超出部分每{unit}扣{each}分,"
            "共扣{points}分。",
            "{fact_label}{year}: {count}; up to {allow} no deduction, −{each} for each beyond: "
            "−{points} in all.",
        ),
    },
    fields={
        "per_incident.counted": ("fact", "count", "allow", "each", "year", "unit"),
        "per_incident.counted_after_allowance": (
            "fact",
            "count",
            "allow",
            "each",
            "year",
            "unit",
        ),
    },
    reachable=_per_incident_reachable,
    example="""\
code: PJ-7.2-a
kind: per_incident
params: {fact: rectification.monitoring_2021.open, deduct_each: 0.2}
""",
)


# ----------------------------------------------------------------------------- shortfall


def _shortfall_units(gap: Decimal, per: Decimal) -> int:
    """The units a value is short, a started unit counting as a whole one (不足1次按1次计)."""
    return int((gap / per).to_integral_value(rounding=ROUND_CEILING))


def _shortfall_points(units: int, each: Decimal, cap: Decimal | None, share: Decimal) -> Decimal:
    """What ``units`` short cost: each unit's points, at most ``cap``, at most the share."""
    points = each * units
    if cap is not None:
        points = min(points, cap)
    return min(points, share)


def _shortfall_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["fact"]
    minimum = to_decimal(params["minimum"])
    per = to_decimal(params.get("per") or 1)
    each = to_decimal(params["deduct_each"])
    cap = None if params.get("cap") is None else to_decimal(params["cap"])
    met = _outcome_only("met")

    def score(values: _Values) -> _Scored:
        gap = minimum - to_decimal(values[path])
        if gap <= 0:
            return met
        points = _shortfall_points(_shortfall_units(gap, per), each, cap, share)
        return (("deduction", points, "zero" if points >= share else "partial", None),)

    return score


def _shortfall_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    value = to_decimal(ctx.fact(path))
    minimum = to_decimal(ctx.params["minimum"])
    gap = minimum - value
    if gap <= 0:
        ctx.outcome("met")
        return
    per = to_decimal(ctx.params.get("per") or 1)
    each = to_decimal(ctx.params["deduct_each"])
    cap = None if ctx.params.get("cap") is None else to_decimal(ctx.params["cap"])
    units = _shortfall_units(gap, per)
    points = _shortfall_points(units, each, cap, ctx.share)
    unit = ctx.unit(path)
    # "少1次" reads true only when the gap is a whole number of units of one; otherwise the
    # message says how the gap was counted.
    whole = per == 1 and gap == units
    limited = points < each * units
    if unit == "%":  # a gap between percentages is in percentage points (个百分点)
        message = "shortfall.percentage_points"
    else:
        message = "shortfall.short" if whole else "shortfall.short_steps"
    ctx.deduct(
        points,
        message,
        outcome="zero" if points >= ctx.share else "partial",
        fact=path,
        value=value,
        minimum=minimum,
        short=gap,
        units=units,
        per=per,
        each=each,
        year=_period(ctx.label(path), ctx.data_year),
        unit=_unit(unit),
        amount=_amount(value, unit),
        minimum_amount=_amount(minimum, unit),
        short_amount=_amount(gap, unit),
        per_amount=_amount(per, unit),
        limit=_shortfall_limit(each * units, points) if limited else Text("", ""),
    )


def _shortfall_limit(counted: Decimal, most: Decimal) -> Text:
    """Why fewer points are deducted than the units short count: the cap or the share."""
    asked, kept = plain(counted), plain(most)
    return Text(f"(应扣{asked}分,最多扣{kept}分)", f" ({asked} as counted, at most {kept})")


def _shortfall_describe(ctx: DescribeContext) -> Text:
    path = ctx.params["fact"]
    label, unit = ctx.label(path), ctx.unit(path)
    minimum = ctx.plain(ctx.params["minimum"])
    per = ctx.plain(ctx.params.get("per") or 1)
    each = ctx.plain(ctx.params["deduct_each"])
    cap = ctx.params.get("cap")
    most = ctx.share if cap is None else min(to_decimal(cap), ctx.share)
    en_unit = unit_in(unit, "en")
    ftype = ctx.fact_type(path)
    started = not (ftype is not None and _is_whole_numbers(ftype) and to_decimal(per) % 1 == 0)
    if unit == "%":  # a gap between percentages is in percentage points (个百分点)
        zh = f"{label.zh}应不低于{minimum}%,每低{per}个百分点扣{each}分"
        en = (
            f"{label.en} must be at least {minimum}%; −{each} for every {per} percentage "
            "points below"
        )
        if started:
            zh += f"(不足{per}个百分点按{per}个百分点计)"
            en += " (a started step counts)"
    else:
        zh = f"{label.zh}应不少于{minimum}{unit},每少{per}{unit}扣{each}分"
        en = (
            f"{label.en} must be at least {minimum}{en_unit}; −{each} for each {per}{en_unit} short"
        )
        if started:
            zh += f"(不足{per}{unit}按{per}{unit}计)"
            en += " (a started one counts)"
    zh += f",最多扣{ctx.plain(most)}分,扣完为止。"
    en += f", at most −{ctx.plain(most)}; floored at zero."
    return Text(zh, en)


def _shortfall_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _needs(ctx, ctx.params["fact"], "params.fact", _NUMBERS)


def _shortfall_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """``partial`` when one unit short costs less than the rule's share; ``zero`` when
    enough units short can cost the whole share (no cap below it)."""
    share = _share_of(params, max_points)
    each = to_decimal(params["deduct_each"])
    cap = None if params.get("cap") is None else to_decimal(params["cap"])
    out = {"met"}
    if _shortfall_points(1, each, cap, share) < share:
        out.add("partial")
    if (each > 0 and (cap is None or cap >= share)) or share == 0:
        out.add("zero")
    return out


_SHORTFALL_FIELDS = (
    "fact",
    "value",
    "minimum",
    "short",
    "units",
    "per",
    "each",
    "year",
    "unit",
    "amount",
    "minimum_amount",
    "short_amount",
    "per_amount",
    "limit",
)

SHORTFALL = rule_kind(
    "shortfall",
    summary=Text(
        "不少于规定数量,每少一次(一档)扣分,扣完为止",
        "A deduction for each unit short of a minimum, floored at zero",
    ),
    description=(
        "For a standard written as a minimum with a deduction per unit short "
        "(每年研究教育工作不少于2次,每少1次扣0.2分). At or above `minimum`: no deduction. "
        "Below it: `deduct_each` points for every `per` (default 1) short, a started unit "
        "counting as a whole one (不足1次按1次计), at most `cap` if given and at most the "
        "rule's share (`points`, default the item's max): 扣完为止. The finding names the "
        "value, the minimum and how far short it is."
    ),
    params={
        "fact": _FACT,
        "minimum": {"type": "number", "required": True},
        "deduct_each": {"type": "number", "min": 0, "required": True},
        "per": {"type": "number", "min": 0, "forbidden": [0]},
        "cap": _POINTS,
    },
    evaluate=_shortfall_eval,
    scorer=_shortfall_scorer,
    describe=_shortfall_describe,
    check=_shortfall_check,
    outcomes=("met", "partial", "zero"),
    messages={
        "shortfall.short": Text(
            "{year}{fact_label}{value}{unit},少于规定的{minimum}{unit},少{short}{unit},"
            "扣{points}分{limit}。",
            "{fact_label}{year}: {amount}, below the required {minimum_amount}; "
            "{short_amount} short: −{points}{limit}.",
        ),
        "shortfall.short_steps": Text(
            "{year}{fact_label}{value}{unit},低于规定的{minimum}{unit},差{short}{unit},"
            "按每{per}{unit}扣{each}分(不足{per}{unit}按{per}{unit}计)计{units}档,"
            "扣{points}分{limit}。",
            "{fact_label}{year}: {amount}, below the required {minimum_amount}; "
            "{short_amount} short, {units} step(s) of {per_amount} at −{each} (a started one "
            "counts): −{points}{limit}.",
        ),
        "shortfall.percentage_points": Text(
            "{year}{fact_label}{value}%,低于规定的{minimum}%,差{short}个百分点,"
            "每低{per}个百分点扣{each}分(不足{per}个百分点按{per}个百分点计),计{units}档,"
            "扣{points}分{limit}。",
            "{fact_label}{year}: {amount}, below the required {minimum_amount}; {short} "
            "percentage points short, −{each} for every {per} percentage points below (a "
            "started step counts), {units} step(s): −{points}{limit}.",
        ),
    },
    fields={
        "shortfall.percentage_points": _SHORTFALL_FIELDS,
        "shortfall.short": _SHORTFALL_FIELDS,
        "shortfall.short_steps": _SHORTFALL_FIELDS,
    },
    reachable=_shortfall_reachable,
    example="""\
code: EX-10
kind: shortfall
params: {fact: supervision.education_meetings, minimum: 2, deduct_each: 0.2}
""",
)


# ----------------------------------------------------------------------------- checklist

_CONDITION_ITEM = {
    "type": "dict",
    "schema": {
        "id": {"type": "string", "required": True, "empty": False},
        "fact": _FACT,
        "deduct": {"type": "number", "min": 0, "required": True},
        "text": {**_TEXT, "required": True},
    },
}


def _checklist_eval(ctx: RuleContext) -> None:
    unmet = []
    conditions = ctx.params["conditions"]
    for cond in conditions:
        met = ctx.fact(cond["fact"])
        if met is not True:
            unmet.append(cond)
    if not unmet:
        ctx.outcome("all_met")
        return
    total = sum((to_decimal(c["deduct"]) for c in unmet), ZERO)
    outcome = "zero" if total >= ctx.item.max else "partial"
    for cond in unmet:
        ctx.deduct(
            cond["deduct"],
            "checklist.unmet",
            outcome=outcome,
            fact=cond["fact"],
            condition=cond["id"],
            requirement=Text(cond["text"]["zh"], cond["text"].get("en", "")),
        )


def _checklist_describe(ctx: DescribeContext) -> Text:
    zh = [
        f"{c['text']['zh']}(未做到扣{ctx.plain(c['deduct'])}分)" for c in ctx.params["conditions"]
    ]
    en = [
        f"{c['text'].get('en') or c['text']['zh']} (−{ctx.plain(c['deduct'])} if not)"
        for c in ctx.params["conditions"]
    ]
    return Text(";".join(zh) + "。扣完为止。", "; ".join(en) + ". Floored at zero.")


def _checklist_check(ctx: DescribeContext) -> Iterable[str]:
    ids = [c["id"] for c in ctx.params["conditions"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"params.conditions: condition id {dup!r} is used twice"
    for i, cond in enumerate(ctx.params["conditions"]):
        yield from _needs(ctx, cond["fact"], f"params.conditions.{i}.fact", _YES_NO)


def _checklist_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """A checklist whose deductions cannot add up to the item's max never ends ``zero``."""
    deducts = [to_decimal(c["deduct"]) for c in params["conditions"]]
    out = {"all_met"}
    if min(deducts) < max_points:
        out.add("partial")
    if sum(deducts, ZERO) >= max_points:
        out.add("zero")
    return out


CHECKLIST = rule_kind(
    "checklist",
    summary=Text("逐项检查,未做到的逐项扣分", "Named requirements, each with its own deduction"),
    description=(
        "A list of named requirements, each read from a boolean fact (true = the requirement "
        "is met) that an assessor records. Every unmet requirement deducts its own points; "
        "the item is floored at zero. Qualitative judgements (落实不到位, 成效不明显) become "
        "requirements this way."
    ),
    params={
        "conditions": {"type": "list", "required": True, "minlength": 1, "schema": _CONDITION_ITEM}
    },
    evaluate=_checklist_eval,
    scorer=_checklist_scorer,
    describe=_checklist_describe,
    check=_checklist_check,
    outcomes=("all_met", "partial", "zero"),
    messages={
        "checklist.unmet": Text(
            "未做到“{requirement}”,扣{points}分。",
            'Not done: "{requirement}": −{points}.',
        )
    },
    fields={"checklist.unmet": ("fact", "condition", "requirement")},
    reachable=_checklist_reachable,
    example="""\
code: PJ-1.3-a
kind: checklist
params:
  conditions:
    - {id: life_meetings, fact: party.life_meetings_held, deduct: 1,
       text: {zh: 按要求召开民主生活会、组织生活会, en: Democratic life meetings held}}
""",
)


# ------------------------------------------------------------------------------ elements

_ELEMENT = {
    "type": "dict",
    "schema": {
        "id": {"type": "string", "required": True, "empty": False},
        "fact": _FACT,
        "points": {"type": "number", "min": 0, "required": True},
        "text": {**_TEXT, "required": True},
    },
}


def _elements_eval(ctx: RuleContext) -> None:
    elements = ctx.params["elements"]
    missing = [e for e in elements if ctx.fact(e["fact"]) is not True]
    if not missing:
        ctx.outcome("all")
        return
    outcome = "none" if len(missing) == len(elements) else "some"
    for element in missing:
        ctx.deduct(
            element["points"],
            "elements.missing",
            outcome=outcome,
            fact=element["fact"],
            element=element["id"],
            requirement=Text(element["text"]["zh"], element["text"].get("en", "")),
        )


def _elements_describe(ctx: DescribeContext) -> Text:
    zh = [f"{e['text']['zh']}得{ctx.plain(e['points'])}分" for e in ctx.params["elements"]]
    en = [
        f"{e['text'].get('en') or e['text']['zh']}: {ctx.plain(e['points'])}"
        for e in ctx.params["elements"]
    ]
    return Text(";".join(zh) + "。", "; ".join(en) + ".")


def _elements_check(ctx: DescribeContext) -> Iterable[str]:
    total = sum((to_decimal(e["points"]) for e in ctx.params["elements"]), ZERO)
    if total > ctx.share:
        yield f"params.elements: points add up to {plain(total)}, more than {plain(ctx.share)}"
    for i, element in enumerate(ctx.params["elements"]):
        yield from _needs(ctx, element["fact"], f"params.elements.{i}.fact", _YES_NO)


def _elements_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """A rule with one element has it met or not, never ``some``."""
    return {"all", "none", "some"} if len(params["elements"]) > 1 else {"all", "none"}


ELEMENTS = rule_kind(
    "elements",
    summary=Text("每个要素达到得相应分", "Points for each element met"),
    description=(
        "Additive points: each element (a boolean fact) is worth `points`. An element not "
        "met loses its points, reported as its own deduction, so the item's score is the sum "
        "of the elements met. The elements' points may not exceed the rule's share."
    ),
    params={"elements": {"type": "list", "required": True, "minlength": 1, "schema": _ELEMENT}},
    evaluate=_elements_eval,
    scorer=_elements_scorer,
    describe=_elements_describe,
    check=_elements_check,
    outcomes=("all", "some", "none"),
    messages={
        "elements.missing": Text(
            "未达到“{requirement}”要求,该要素不得分(扣{points}分)。",
            'Not met: "{requirement}"; the element scores nothing (−{points}).',
        )
    },
    fields={"elements.missing": ("fact", "element", "requirement")},
    reachable=_elements_reachable,
    example="""\
code: PJ-11-a
kind: elements
params:
  elements:
    - {id: public_share, fact: kindergarten.public_share_ok, points: 2,
       text: {zh: 公办园在园幼儿占比达到50%, en: Public kindergarten share reaches 50%}}
""",
)


# --------------------------------------------------------------------------------- bands

_BAND = {
    "type": "dict",
    "schema": {
        "id": {"type": "string", "required": True, "empty": False},
        "min": _NUMBER,
        "max": _NUMBER,
        "min_inclusive": {"type": "boolean"},
        "max_inclusive": {"type": "boolean"},
        "deduct": {"type": "number", "min": 0, "required": True},
    },
}


def _in_band(value: Decimal, band: Mapping[str, Any]) -> bool:
    lo, hi = band.get("min"), band.get("max")
    if lo is not None:
        lo_d = to_decimal(lo)
        if value < lo_d or (value == lo_d and not band.get("min_inclusive", True)):
            return False
    if hi is not None:
        hi_d = to_decimal(hi)
        if value > hi_d or (value == hi_d and not band.get("max_inclusive", False)):
            return False
    return True


def _band_text(ctx: RuleContext | DescribeContext, band: Mapping[str, Any]) -> Text:
    """A band in words, each edge with its unit and whether it is included: ``低于90%``,
    ``90%(含)至95%(不含)`` / ``below 90%``, ``90% (inclusive) to 95% (exclusive)``."""
    unit = ctx.unit(ctx.params["fact"]) or ""
    zu = unit

    def en(edge: Any) -> str:
        # as the value is shown: 万元 in millions of yuan, 人 with no word
        return _amount(to_decimal(edge), unit).en

    lo, hi = band.get("min"), band.get("max")
    lo_inc, hi_inc = bool(band.get("min_inclusive", True)), bool(band.get("max_inclusive"))
    if lo is None and hi is None:
        return Text("全部数值", "any value")
    if lo is None:
        h = ctx.plain(hi)
        if hi_inc:
            return Text(f"{h}{zu}(含)以下", f"{en(hi)} or below")
        return Text(f"低于{h}{zu}", f"below {en(hi)}")
    low = ctx.plain(lo)
    if hi is None:
        if lo_inc:
            return Text(f"{low}{zu}(含)以上", f"{en(lo)} or above")
        return Text(f"高于{low}{zu}", f"above {en(lo)}")
    h = ctx.plain(hi)

    def zh_mark(inc: bool) -> str:
        return "(含)" if inc else "(不含)"

    def en_mark(inc: bool) -> str:
        return " (inclusive)" if inc else " (exclusive)"

    return Text(
        f"{low}{zu}{zh_mark(lo_inc)}至{h}{zu}{zh_mark(hi_inc)}",
        f"{en(lo)}{en_mark(lo_inc)} to {en(hi)}{en_mark(hi_inc)}",
    )


def _bands_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    value = to_decimal(ctx.fact(path))
    for band in ctx.params["bands"]:
        if _in_band(value, band):
            deduct = to_decimal(band["deduct"])
            if deduct == 0:
                ctx.outcome(band["id"])
            else:
                ctx.deduct(
                    deduct,
                    "bands.band",
                    outcome=band["id"],
                    fact=path,
                    value=value,
                    band=_band_text(ctx, band),
                    unit=_unit(ctx.unit(path)),
                    amount=_amount(value, ctx.unit(path)),
                )
            return
    raise ValueError(f"{path} = {plain(value)} falls in no band of rule {ctx.rule.code}")


def _bands_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    zh = [f"{_band_text(ctx, b).zh}扣{ctx.plain(b['deduct'])}分" for b in ctx.params["bands"]]
    en = [f"{_band_text(ctx, b).en}: −{ctx.plain(b['deduct'])}" for b in ctx.params["bands"]]
    return Text(f"按{label.zh}分档:" + ";".join(zh) + "。", f"By {label.en}: " + "; ".join(en))


def _edge(band: Mapping[str, Any], side: str) -> tuple[Decimal | None, bool]:
    value = band.get(side)
    inclusive = band.get(f"{side}_inclusive", side == "min")
    return (None if value is None else to_decimal(value)), bool(inclusive)


def _declared_range(ctx: DescribeContext, path: str) -> tuple[Decimal | None, Decimal | None]:
    """The values a fact can take: its declared limits, else its type's (a percent is 0 to
    100, a count 0 or more), as validation enforces them."""
    spec = next((f for f in ctx.rubric.facts if f.path == path), None)
    if spec is None:
        return None, None
    ftype = ctx.fact_type(path)
    limits = ftype.rules if ftype is not None and ftype.numeric else {}
    lo = spec.minimum if spec.minimum is not None else limits.get("min")
    hi = spec.maximum if spec.maximum is not None else limits.get("max")
    return (None if lo is None else to_decimal(lo)), (None if hi is None else to_decimal(hi))


def _uncovered(
    edge: Decimal | None, inclusive: bool, domain: Decimal | None, *, below: bool
) -> bool:
    """Whether values beyond a band's outer edge can occur: the fact's range goes further,
    or ends exactly at an edge the band leaves out."""
    if edge is None:
        return False
    if domain is None:
        return True
    beyond = edge > domain if below else edge < domain
    return beyond or (edge == domain and not inclusive)


def _bands_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _numeric_check(ctx)
    bands = list(ctx.params["bands"])
    ids = [b["id"] for b in bands]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"params.bands: band id {dup!r} is used twice"
    for band in bands:
        lo, _ = _edge(band, "min")
        hi, _ = _edge(band, "max")
        if lo is not None and hi is not None and lo > hi:
            yield f"params.bands: band {band['id']!r} has min {plain(lo)} above max {plain(hi)}"
            return

    def sort_key(b: Mapping[str, Any]) -> tuple[int, Decimal]:
        lo, _ = _edge(b, "min")
        return (0, Decimal(0)) if lo is None else (1, lo)

    ordered = sorted(bands, key=sort_key)
    domain_lo, domain_hi = _declared_range(ctx, ctx.params["fact"])
    first_lo, first_inc = _edge(ordered[0], "min")
    if first_lo is not None and _uncovered(first_lo, first_inc, domain_lo, below=True):
        yield (
            f"params.bands: nothing covers values below {plain(first_lo)} "
            f"(band {ordered[0]['id']!r})"
        )
    last_hi, last_inc = _edge(ordered[-1], "max")
    if last_hi is not None and _uncovered(last_hi, last_inc, domain_hi, below=False):
        yield (
            f"params.bands: nothing covers values above {plain(last_hi)} "
            f"(band {ordered[-1]['id']!r})"
        )
    for a, b in itertools.pairwise(ordered):
        a_hi, a_inc = _edge(a, "max")
        b_lo, b_inc = _edge(b, "min")
        if a_hi is None or b_lo is None:
            yield f"params.bands: bands {a['id']!r} and {b['id']!r} overlap"
        elif a_hi > b_lo or (a_hi == b_lo and a_inc and b_inc):
            yield f"params.bands: bands {a['id']!r} and {b['id']!r} overlap at {plain(b_lo)}"
        elif a_hi < b_lo or (a_hi == b_lo and not a_inc and not b_inc):
            yield (
                f"params.bands: gap between bands {a['id']!r} and {b['id']!r} "
                f"({plain(a_hi)} to {plain(b_lo)})"
            )


def _bands_reachable(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    """One outcome per band: its ``id``."""
    return [band["id"] for band in params["bands"]]


BANDS = rule_kind(
    "bands",
    summary=Text("按数值分档扣分", "Deductions by band of a value"),
    description=(
        "Ordered bands over a numeric fact, each with explicit edges (`min` inclusive and "
        "`max` exclusive unless `min_inclusive`/`max_inclusive` say otherwise) and a "
        "deduction. The rubric checker reports gaps and overlaps, and bands that leave part "
        "of the fact's declared range uncovered."
    ),
    params={
        "fact": _FACT,
        "bands": {"type": "list", "required": True, "minlength": 1, "schema": _BAND},
    },
    evaluate=_bands_eval,
    scorer=_bands_scorer,
    describe=_bands_describe,
    check=_bands_check,
    outcomes=(),  # the band ids, from ``reachable``
    messages={
        "bands.band": Text(
            "{fact_label}为{amount},属“{band}”档,扣{points}分。",
            "{fact_label} is {amount}, in the band {band}: −{points}.",
        )
    },
    fields={"bands.band": ("fact", "value", "band", "unit", "amount")},
    reachable=_bands_reachable,
    example="""\
code: EX-1
kind: bands
params:
  fact: teaching.rate
  bands:
    - {id: low, max: 90, deduct: 2}
    - {id: mid, min: 90, max: 95, deduct: 1}
    - {id: high, min: 95, deduct: 0}
""",
)


# -------------------------------------------------------------------------------- linear


def _interpolate(ctx_params: Mapping[str, Any], x: Decimal) -> Decimal:
    x0, p0 = to_decimal(ctx_params["from"]["value"]), to_decimal(ctx_params["from"]["points"])
    x1, p1 = to_decimal(ctx_params["to"]["value"]), to_decimal(ctx_params["to"]["points"])
    t = (x - x0) / (x1 - x0)
    t = min(max(t, ZERO), Decimal(1))
    return p0 + (p1 - p0) * t


def _linear_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    value = to_decimal(ctx.fact(path))
    earned = _interpolate(ctx.params, value)
    lost = ctx.share - earned
    if lost <= 0:
        ctx.outcome("full")
        return
    ctx.deduct(
        lost,
        "linear.scaled",
        outcome="zero" if earned <= 0 else "partial",
        fact=path,
        value=value,
        earned=earned,
        share=ctx.share,
        unit=_unit(ctx.unit(path)),
        amount=_amount(value, ctx.unit(path)),
    )


def _linear_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    f, t = ctx.params["from"], ctx.params["to"]
    v0, p0 = ctx.plain(f["value"]), ctx.plain(f["points"])
    v1, p1 = ctx.plain(t["value"]), ctx.plain(t["points"])
    return Text(
        f"按{label.zh}在{v0}({p0}分)与{v1}({p1}分)之间线性计分。",
        f"Linear in {label.en} between {v0} ({p0} points) and {v1} ({p1} points).",
    )


def _linear_check(ctx: DescribeContext) -> Iterable[str]:
    f, t = ctx.params["from"], ctx.params["to"]
    if to_decimal(f["value"]) == to_decimal(t["value"]):
        yield "params: 'from' and 'to' need different values"
    for name, anchor in (("from", f), ("to", t)):
        if to_decimal(anchor["points"]) > ctx.share:
            yield f"params.{name}.points: more than the rule's {plain(ctx.share)} points"
    yield from _numeric_check(ctx)


_ANCHOR = {
    "type": "dict",
    "required": True,
    "schema": {
        "value": {"type": "number", "required": True},
        "points": {"type": "number", "min": 0, "required": True},
    },
}


def _share_of(params: Mapping[str, Any], max_points: Decimal) -> Decimal:
    return max_points if params.get("points") is None else to_decimal(params["points"])


def _linear_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """Only what the anchors' points allow: no ``full`` when both are below the rule's
    share, no ``zero`` when both are above 0."""
    share = _share_of(params, max_points)
    ends = sorted((to_decimal(params["from"]["points"]), to_decimal(params["to"]["points"])))
    low, high = ends
    out = set()
    if high >= share:
        out.add("full")
    if low <= 0 and low < share:
        out.add("zero")
    between = (low < share and high > 0) if low < high else (0 < low < share)
    if between:
        out.add("partial")
    return out


LINEAR = rule_kind(
    "linear",
    summary=Text("在两个锚点之间线性计分", "Points interpolated between two anchors"),
    description=(
        "Points move linearly with a numeric fact between the anchor `from` (value, points) "
        "and the anchor `to`, clamped outside them. The deduction is the rule's share minus "
        "the interpolated points, quantized once at the item."
    ),
    params={"fact": _FACT, "from": _ANCHOR, "to": _ANCHOR},
    evaluate=_linear_eval,
    scorer=_linear_scorer,
    describe=_linear_describe,
    check=_linear_check,
    outcomes=("full", "partial", "zero"),
    messages={
        "linear.scaled": Text(
            "{fact_label}为{amount},按比例折算得{earned}分(满分{share}分),扣{points}分。",
            "{fact_label} is {amount}: {earned} of {share} points by linear scale: −{points}.",
        )
    },
    fields={"linear.scaled": ("fact", "value", "earned", "share", "unit", "amount")},
    reachable=_linear_reachable,
    example="""\
code: EX-2
kind: linear
params: {fact: rates.coverage, from: {value: 60, points: 0}, to: {value: 100, points: 2}}
""",
)


# ------------------------------------------------------------------------------ zero_out


def _when_check(ctx: DescribeContext) -> Iterable[str]:
    yield from ctx.condition_problems(ctx.params["when"], "params.when")


def _zero_out_eval(ctx: RuleContext) -> None:
    if ctx.condition(ctx.params["when"]):
        ctx.zero_out(
            "zero_out.triggered",
            outcome="zeroed",
            condition=_opening(ctx.condition_words(ctx.params["when"], clause=True)),
        )
    else:
        ctx.outcome("clear")


def _zero_out_describe(ctx: DescribeContext) -> Text:
    cond = ctx.condition_words(ctx.params["when"], clause=True)
    return Text(f"出现“{cond.zh}”的,本项不得分。", f"If {cond.en}, the item scores zero.")


_WHEN = {"type": "dict", "required": True}

ZERO_OUT = rule_kind(
    "zero_out",
    summary=Text("出现严重问题本项不得分", "The item scores zero on a serious failure"),
    description=(
        "When its condition holds, the item is set to zero whatever the other rules say "
        "(不得分). The zero-out finding takes whatever points the other deductions left."
    ),
    params={"when": _WHEN},
    evaluate=_zero_out_eval,
    scorer=_zero_out_scorer,
    describe=_zero_out_describe,
    check=_when_check,
    outcomes=("clear", "zeroed"),
    messages={
        "zero_out.triggered": Text(
            "{condition},本项不得分(扣{points}分)。",
            "{condition}: the item scores zero (−{points}).",
        )
    },
    fields={"zero_out.triggered": ("condition",)},
    example="""\
code: EX-3
kind: zero_out
params: {when: {fact: safety.major_incident}}
""",
)


# ------------------------------------------------------------------------- non_decrease


def _series_value(ctx: RuleContext, path: str, year: int) -> Decimal | None:
    series = ctx.fact(path)
    value = series.get(year)
    return None if value is None else to_decimal(value)


def _non_decrease_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    year = int(ctx.params.get("year") or ctx.data_year)
    now, before = _series_value(ctx, path, year), _series_value(ctx, path, year - 1)
    if now is None or before is None:
        missing = year if now is None else year - 1
        ctx.deduct(
            _deduct_amount(ctx),
            "non_decrease.no_data",
            outcome="no_data",
            fact=path,
            year=missing,
        )
        return
    other = ctx.params.get("faster_than")
    if other is None:
        if now >= before:
            ctx.outcome("met")
            return
        decline = (before - now) / before * 100 if before else ZERO
        ctx.deduct(
            _deduct_amount(ctx),
            "non_decrease.decreased",
            outcome="missed",
            fact=path,
            year=year,
            value=now,
            previous=before,
            decline=decline.quantize(Decimal("0.01"), context=context()),
            unit=_unit(ctx.unit(path)),
            amount=_amount(now, ctx.unit(path)),
            previous_amount=_amount(before, ctx.unit(path)),
        )
        return
    o_now, o_before = _series_value(ctx, other, year), _series_value(ctx, other, year - 1)
    if o_now is None or o_before is None or before == 0 or o_before == 0:
        ctx.deduct(
            _deduct_amount(ctx), "non_decrease.no_data", outcome="no_data", fact=other, year=year
        )
        return
    growth = (now - before) / before * 100
    other_growth = (o_now - o_before) / o_before * 100
    if growth > other_growth:
        ctx.outcome("met")
        return
    ctx.deduct(
        _deduct_amount(ctx),
        "non_decrease.slower",
        outcome="missed",
        fact=path,
        year=year,
        growth=growth.quantize(Decimal("0.01"), context=context()),
        other=other,
        other_growth=other_growth.quantize(Decimal("0.01"), context=context()),
    )


def _non_decrease_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    d = ctx.plain(_deduct_amount(ctx))
    other = ctx.params.get("faster_than")
    if other:
        o = ctx.label(other)
        return Text(
            f"{label.zh}增幅应高于{o.zh}增幅;否则扣{d}分。",
            f"{label.en} must grow faster than {o.en}; otherwise −{d}.",
        )
    return Text(
        f"{label.zh}应只增不减(当年不低于上年);否则扣{d}分。",
        f"{label.en} must not decrease year over year; otherwise −{d}.",
    )


def _series_check(ctx: DescribeContext) -> Iterable[str]:
    for key in ("fact", "faster_than"):
        path = ctx.params.get(key)
        ftype = ctx.fact_type(path) if path else None
        if ftype is not None and not ftype.is_series:
            yield f"params.{key}: {path} is a {ftype.name}, not a year series"
        elif path and any(d.path == path for d in ctx.rubric.derived):
            yield f"params.{key}: {path} is a {DERIVED}, not a year series"


NON_DECREASE = rule_kind(
    "non_decrease",
    summary=Text("只增不减(与上年比较)", "Year over year: must not decrease"),
    description=(
        "Reads a year series and compares the data year with the year before: the value must "
        "not decrease (只增不减). With `faster_than`, the growth rate must exceed another "
        "series' growth rate (e.g. 教育拨款增长高于财政经常性收入增长). A missing year "
        "deducts, with a finding that names the year."
    ),
    params={
        "fact": _FACT,
        "year": {"type": "integer", "min": 1949, "max": 2200},
        "deduct": _POINTS,
        "faster_than": {"type": "string", "empty": False},
    },
    evaluate=_non_decrease_eval,
    describe=_non_decrease_describe,
    check=_series_check,
    outcomes=("met", "missed", "no_data"),
    messages={
        "non_decrease.decreased": Text(
            "{year}年{fact_label}为{value}{unit},上年为{previous}{unit},同比下降{decline}%,"
            "未落实“只增不减”要求,扣{points}分。",
            "{fact_label} fell {decline}% in {year}, from {previous_amount} to {amount}; "
            "it must not decrease: −{points}.",
        ),
        "non_decrease.slower": Text(
            "{year}年{fact_label}增长{growth}%,未高于{other_label}增幅({other_growth}%),"
            "扣{points}分。",
            "{fact_label} grew {growth}% in {year}, not faster than {other_label} "
            "({other_growth}%): −{points}.",
        ),
        "non_decrease.no_data": Text(
            "缺少{year}年{fact_label}数据,无法认定是否落实“只增不减”要求,扣{points}分。",
            "No {year} value of {fact_label}; non-decrease not shown: −{points}.",
        ),
    },
    fields={
        "non_decrease.decreased": (
            "fact",
            "year",
            "value",
            "previous",
            "decline",
            "unit",
            "amount",
            "previous_amount",
        ),
        "non_decrease.slower": ("fact", "year", "growth", "other", "other_growth"),
        "non_decrease.no_data": ("fact", "year"),
    },
    example="""\
code: EX-4
kind: non_decrease
params: {fact: funding.per_student_spending, deduct: 4}
""",
)


# ------------------------------------------------------------------ consecutive_decline


def _consecutive_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    years = int(ctx.params["years"])
    last = int(ctx.params.get("year") or ctx.data_year)
    first = last - years
    values: list[Decimal] = []
    for year in range(first, last + 1):
        value = _series_value(ctx, path, year)
        if value is None:
            ctx.deduct(
                _deduct_amount(ctx),
                "consecutive_decline.no_data",
                outcome="no_data",
                fact=path,
                year=year,
                years=years,
            )
            return
        values.append(value)
    if all(after < before for before, after in itertools.pairwise(values)):
        ctx.deduct(
            _deduct_amount(ctx),
            "consecutive_decline.declined",
            outcome="missed",
            fact=path,
            years=years,
            first=first,
            year=last,
            start=values[0],
            value=values[-1],
            unit=_unit(ctx.unit(path)),
            start_amount=_amount(values[0], ctx.unit(path)),
            amount=_amount(values[-1], ctx.unit(path)),
        )
        return
    ctx.outcome("met")


def _consecutive_describe(ctx: DescribeContext) -> Text:
    label = ctx.label(ctx.params["fact"])
    n = int(ctx.params["years"])
    d = ctx.plain(_deduct_amount(ctx))
    return Text(
        f"{label.zh}连续{n}年下降的,扣{d}分。",
        f"{label.en} falling {n} years in a row (each year below the year before): −{d}.",
    )


CONSECUTIVE_DECLINE = rule_kind(
    "consecutive_decline",
    summary=Text("连续N年下降", "Falling N years in a row"),
    description=(
        "Reads a year series over the data year and the `years` years before it, and deducts "
        "when the value fell in each of those `years` years (连续N年下降: every year strictly "
        "below the year before). A year that stays level or rises breaks the run. A missing "
        "year deducts, with a finding that names the year, as `non_decrease` does: the run "
        "cannot be ruled out."
    ),
    params={
        "fact": _FACT,
        "years": {"type": "integer", "min": 1, "max": 30, "required": True},
        "year": {"type": "integer", "min": 1949, "max": 2200},
        "deduct": _POINTS,
    },
    evaluate=_consecutive_eval,
    describe=_consecutive_describe,
    check=_series_check,
    outcomes=("met", "missed", "no_data"),
    messages={
        "consecutive_decline.declined": Text(
            "{fact_label}由{first}年的{start}{unit}降至{year}年的{value}{unit},连续{years}年下降,"
            "扣{points}分。",
            "{fact_label} fell {years} years in a row, from {start_amount} in {first} to "
            "{amount} in {year}: −{points}.",
        ),
        "consecutive_decline.no_data": Text(
            "未提供{year}年{fact_label}数据,无法核实是否连续{years}年下降,按未达标扣{points}分。",
            "No {year} value of {fact_label}, so a fall over {years} years in a row cannot be "
            "ruled out; counted as not met: −{points}.",
        ),
    },
    fields={
        "consecutive_decline.declined": (
            "fact",
            "years",
            "first",
            "year",
            "start",
            "value",
            "unit",
            "start_amount",
            "amount",
        ),
        "consecutive_decline.no_data": ("fact", "year", "years"),
    },
    example="""\
code: EX-9
kind: consecutive_decline
params: {fact: enrolment.rural_pupils, years: 3, deduct: 2}
""",
)


# -------------------------------------------------------------------- not_applicable_when


def _na_eval(ctx: RuleContext) -> None:
    if ctx.condition(ctx.params["when"]):
        condition = ctx.condition_words(ctx.params["when"], clause=True)
        ctx.not_applicable(
            "not_applicable.when",
            outcome="not_applicable",
            policy=ctx.params.get("policy"),
            condition=condition,
            statement=ctx.rule.name if ctx.rule.name.zh else condition,
        )
    else:
        ctx.outcome("applicable")


def _na_describe(ctx: DescribeContext) -> Text:
    cond = ctx.condition_words(ctx.params["when"], clause=True)
    return Text(f"{cond.zh}时,本项不适用。", f"Not applicable when {cond.en}.")


def _na_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _when_check(ctx)
    problem = check_policy(ctx.params.get("policy"))
    if problem:
        yield f"params.policy: {problem}"


NOT_APPLICABLE_WHEN = rule_kind(
    "not_applicable_when",
    summary=Text("无此类情况时不适用", "Not applicable under a condition"),
    description=(
        "Runs before the item's other rules. When its condition holds (e.g. the district has "
        "no high school) the item is not applicable and the other rules are skipped; the "
        "rubric's (or the item's, or this rule's `policy`) not-applicable policy decides the "
        "points: `full`, `exclude` or `zero`."
    ),
    params={"when": _WHEN, "policy": {"type": "string", "allowed": ["full", "exclude", "zero"]}},
    evaluate=_na_eval,
    scorer=_na_scorer,
    describe=_na_describe,
    check=_na_check,
    outcomes=("applicable", "not_applicable"),
    messages={
        "not_applicable.when": Text(
            "{statement},本项不适用,{policy}。",
            "{statement}: not applicable, {policy}.",
        )
    },
    fields={"not_applicable.when": ("condition", "statement", "policy")},
    phase="applicability",
    example="""\
code: PJ-4.1-na
kind: not_applicable_when
params: {when: {fact: schools.has_high_school, value: false}}
""",
)


# --------------------------------------------------------------------------------- bonus


def _bonus_eval(ctx: RuleContext) -> None:
    if ctx.condition(ctx.params["when"]):
        ctx.award(
            ctx.params["points"],
            "bonus.awarded",
            outcome="awarded",
            condition=_opening(ctx.condition_words(ctx.params["when"], clause=True)),
        )
    else:
        ctx.outcome("none")


def _bonus_describe(ctx: DescribeContext) -> Text:
    cond = ctx.condition_words(ctx.params["when"], clause=True)
    p = ctx.plain(ctx.params["points"])
    return Text(f"{cond.zh}的,加{p}分。", f"+{p} if {cond.en}.")


BONUS = rule_kind(
    "bonus",
    summary=Text("符合条件加分", "Bonus points under a condition"),
    description=(
        "Only on bonus items (加分). When its condition holds it awards `points`, capped by "
        "the bonus item's max and by the rubric's `bonus_cap`. Bonus points are added on "
        "top of the base total, which may then exceed 100."
    ),
    params={"when": _WHEN, "points": {"type": "number", "min": 0, "required": True}},
    evaluate=_bonus_eval,
    scorer=_bonus_scorer,
    describe=_bonus_describe,
    check=_when_check,
    outcomes=("awarded", "none"),
    messages={
        "bonus.awarded": Text("{condition},加{points}分。", "{condition}: +{points}."),
    },
    fields={"bonus.awarded": ("condition",)},
    phase="bonus",
    example="""\
code: EX-5
kind: bonus
params: {when: {fact: awards.national_demonstration}, points: 1}
""",
)


# ---------------------------------------------------------------------------------- veto

_EFFECT_TEXT = {
    "force_fail": Text("实行一票否决,评为不合格", "vetoed: graded as fail"),
    "lower_one": Text("降低一个等次", "the grade is lowered one step"),
    "cap_below_top": Text("不得评为最高等次", "the top grade is ruled out"),
}


def _not_certified(rubric: Rubric) -> Text | None:
    """On a certification rubric (one with a verdict), what a ``force_fail`` veto does:
    the county is not certified, its verdict the rubric's fail label. ``None`` on a points
    rubric, whose veto sets the lowest grade."""
    if rubric.verdict is None:
        return None
    fail = rubric.verdict.fail_label
    return Text(
        f"实行一票否决,不予认定(认定结论为{fail.zh})",
        f"a veto: not certified (verdict: {lower_first(fail.get('en'))})",
    )


def veto_message(rubric: Rubric, effect: str) -> tuple[str, Text]:
    """The message id and the consequence words of a veto with ``effect`` on ``rubric``:
    ``veto.not_certified`` for ``force_fail`` on a certification rubric (its points only
    itemise the verdict, so the score is not spoken of), else ``veto.triggered``."""
    certification = _not_certified(rubric) if effect == "force_fail" else None
    if certification is not None:
        return "veto.not_certified", certification
    return "veto.triggered", _EFFECT_TEXT[effect]


def _veto_eval(ctx: RuleContext) -> None:
    if ctx.condition(ctx.params["when"]):
        effect = ctx.params["effect"]
        message, consequence = veto_message(ctx.rubric, effect)
        ctx.veto(
            effect,
            message,
            outcome="vetoed",
            condition=_opening(ctx.condition_words(ctx.params["when"], clause=True)),
            consequence=consequence,
        )
    else:
        ctx.outcome("clear")


def _veto_describe(ctx: DescribeContext) -> Text:
    cond = ctx.condition_words(ctx.params["when"], clause=True)
    message, e = veto_message(ctx.rubric, ctx.params["effect"])
    if message == "veto.not_certified":
        return Text(f"{cond.zh}的,{e.zh}。", f"If {lower_first(cond.en)}, {e.en}.")
    return Text(
        f"{cond.zh}的,{e.zh}(不影响得分)。",
        f"If {lower_first(cond.en)}, {e.en} (the score is unchanged).",
    )


VETO = rule_kind(
    "veto",
    summary=Text(
        "等次调整(降低等次、一票否决):改变等次,不改变得分",
        "Grade modifier (downgrade or veto): changes the grade, not the score",
    ),
    description=(
        "When its condition holds, the grade is modified and the score is kept: "
        "`force_fail` (不合格) takes precedence over `lower_one` (降低一个等次), which takes "
        "precedence over `cap_below_top` (不得评为优秀). Each veto is reported with its "
        "reason; its finding's points are 0."
    ),
    params={
        "when": _WHEN,
        "effect": {"type": "string", "required": True, "allowed": list(VETO_EFFECTS)},
    },
    evaluate=_veto_eval,
    scorer=_veto_scorer,
    describe=_veto_describe,
    check=_when_check,
    outcomes=("clear", "vetoed"),
    messages={
        "veto.triggered": Text(
            "{condition},{consequence}(不影响得分)。",
            "{condition}: {consequence} (the score is unchanged).",
        ),
        "veto.not_certified": Text("{condition},{consequence}。", "{condition}: {consequence}."),
    },
    fields={
        "veto.triggered": ("condition", "consequence"),
        "veto.not_certified": ("condition", "consequence"),
    },
    example="""\
code: PJ-2.3-veto
kind: veto
params: {when: {fact: safety.major_accident}, effect: lower_one}
""",
)


# ----------------------------------------------------------------------- external_rating


def _rating_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    rating = to_decimal(ctx.fact(path))
    scale = to_decimal(ctx.params["scale"])
    earned = min(max(rating / scale, ZERO), Decimal(1)) * ctx.share
    lost = ctx.share - earned
    rater = _opening(Text(ctx.params["rater"]["zh"], ctx.params["rater"].get("en", "")))
    if lost <= 0:
        ctx.outcome("full")
        return
    ctx.deduct(
        lost,
        "external_rating.assumed" if ctx.is_assumed(path) else "external_rating.scaled",
        outcome="zero" if earned <= 0 else "partial",
        fact=path,
        rating=rating,
        scale=scale,
        rater=rater,
        earned=earned,
        share=ctx.share,
    )


def _rating_describe(ctx: DescribeContext) -> Text:
    rater = ctx.params["rater"]
    s, share = ctx.plain(ctx.params["scale"]), ctx.plain(ctx.share)
    return Text(
        f"按{rater['zh']}的评分折算:得分 = 评分 ÷ {s} × {share}。",
        f"From the {rater.get('en') or rater['zh']}: points = rating ÷ {s} × {share}.",
    )


def _rating_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    """A rule that governs no points (``points: 0``) can only end ``full``."""
    return {"full", "partial", "zero"} if _share_of(params, max_points) > 0 else {"full"}


EXTERNAL_RATING = rule_kind(
    "external_rating",
    summary=Text("按外部评价结果折算", "Points from an outside rating"),
    description=(
        "The item is scored by an outside assessment (e.g. a provincial rating) that the "
        "facts carry as a number on a known scale: points = rating ÷ `scale` × the rule's "
        "share, clamped to the share. `rater` names the assessment, so the finding says "
        "where the number came from."
    ),
    params={
        "fact": _FACT,
        "scale": {"type": "number", "required": True, "min": 0, "forbidden": [0]},
        "rater": {**_TEXT, "required": True},
    },
    evaluate=_rating_eval,
    scorer=_rating_scorer,
    describe=_rating_describe,
    check=_numeric_check,
    outcomes=("full", "partial", "zero"),
    messages={
        "external_rating.scaled": Text(
            "{rater}为{rating}分(满分{scale}分),折合{earned}分(满分{share}分),扣{points}分。",
            "{rater}: {rating} of {scale}, worth {earned} of {share} points: −{points}.",
        ),
        # The facts document marks the rating as assumed (back-calculated, not reported):
        # the sentence that shows it says so.
        "external_rating.assumed": Text(
            "{rater}按推算为{rating}分(满分{scale}分),折合{earned}分(满分{share}分),扣{points}分。",
            "{rater}, as back-calculated (not a reported rating): {rating} of {scale}, worth "
            "{earned} of {share} points: −{points}.",
        ),
    },
    fields={
        "external_rating.scaled": ("fact", "rating", "scale", "rater", "earned", "share"),
        "external_rating.assumed": ("fact", "rating", "scale", "rater", "earned", "share"),
    },
    reachable=_rating_reachable,
    example="""\
code: PJ-3.1-a
kind: external_rating
params:
  fact: ratings.fitness
  scale: 100
  rater: {zh: 省体质健康评分, en: provincial fitness rating}
""",
)


# -------------------------------------------------------------------------------- manual


def _manual_eval(ctx: RuleContext) -> None:
    path = ctx.params["fact"]
    judgement = ctx.fact(path)
    deduct = to_decimal(judgement["deduct"])
    if deduct == 0:
        ctx.outcome("full")
        return
    ctx.manual(
        deduct,
        "manual.judged",
        outcome="deducted",
        fact=path,
        reason=judgement.get("reason", ""),
    )


def _manual_describe(ctx: DescribeContext) -> Text:
    return Text(
        "由评估人员根据核查情况酌情扣分,并记录理由。",
        "An assessor's judgement, recorded with its reason.",
    )


def _manual_check(ctx: DescribeContext) -> Iterable[str]:
    spec = next((f for f in ctx.rubric.facts if f.path == ctx.params["fact"]), None)
    if spec is not None and spec.type != "judgement":
        yield f"params.fact: {spec.path} is a {spec.type}, not a judgement"


MANUAL = rule_kind(
    "manual",
    summary=Text("评估人员酌情扣分", "An assessor's judgement"),
    description=(
        "An assessor's judgement recorded as a `judgement` fact (`deduct` and `reason`). The "
        "finding is flagged `manual`, so a reader can tell computed from judged points."
    ),
    params={"fact": _FACT},
    evaluate=_manual_eval,
    scorer=_manual_scorer,
    describe=_manual_describe,
    check=_manual_check,
    outcomes=("full", "deducted"),
    messages={
        "manual.judged": Text(
            "经评估组核查,酌情扣{points}分(原因:{reason})。",
            'Assessor\'s judgement: −{points}. Reason (as recorded): "{reason}".',
        )
    },
    fields={"manual.judged": ("fact", "reason")},
    example="""\
code: EX-6
kind: manual
params: {fact: judgements.item_5_1}
""",
)

# ---------------------------------------------------------------------- rows of a table
#
# Rules over a table fact's rows (one per school): each counted row in scope (not excluded,
# of the stage asked for, meeting `where`) is held to a standard, and each failing row is a
# finding that names it.

_STANDARD = {"type": "number"}
_BY_STAGE = {"type": "dict", "keysrules": {"type": "string"}, "valuesrules": _STANDARD}
_ROW_OPS = {"type": "string", "required": True, "allowed": [">=", ">", "<=", "<"]}


def _table_reads(params: Mapping[str, Any]) -> tuple[str, ...]:
    return (params["table"],)


def _in_scope(params: Mapping[str, Any], table: TableValue) -> tuple[TableRow, ...]:
    """The rows a rule over rows holds to its standard: counted (not excluded), of its
    ``stage`` when it has one, meeting its ``where`` when it has one. None may be: then no
    row misses the standard, and the rule is met."""
    rows = table.counted(params.get("stage"))
    where = params.get("where")
    if where is None:
        return rows
    return tuple(r for r in rows if row_condition(where, r.values))


def _where_columns(cond: Mapping[str, Any]) -> list[str]:
    """The columns a row condition names, in order, each once."""
    for key in ("all", "any"):
        if key in cond:
            return list(dict.fromkeys(c for sub in cond[key] for c in _where_columns(sub)))
    return [cond["column"]]


def _row_evidence(
    ctx: RuleContext,
    table: TableValue,
    row: TableRow,
    columns: Iterable[str],
) -> tuple[tuple[str, Any] | DerivedValue, ...]:
    """A failing row's evidence: the cells it misses the standard on, then the cells that put
    it in the rule's scope (the columns its ``where`` names). A row-derived value is a
    ``DerivedValue`` computed from the row's cells (``2 ÷ 310 × 100``), shown as derived."""
    spec = ctx.table_spec(table.path)
    derived = {d.path: d for d in spec.row_derived} if spec is not None else {}
    checked = list(columns)
    wanted = list(checked)
    where = ctx.params.get("where")
    if where is not None:
        wanted += [c for c in _where_columns(where) if c in row.values]
    if spec is not None and spec.stage is not None and any(c in spec.totals for c in checked):
        # a unit-wide value (a nine-year school's pupils of both stages) is not its stage's
        wanted = [c for c in wanted if c != spec.stage]
    out: dict[str, tuple[str, Any] | DerivedValue] = {}
    for column in wanted:
        cell = table.cell(row, column)
        if cell in out or column not in row.values:
            continue
        value = row.values[column]
        if column in checked:  # a number the standard was held to
            value = to_decimal(value)
        d = derived.get(column)
        if d is None:
            out[cell] = (cell, value)
        else:
            inputs = tuple((table.cell(row, i), row.values.get(i)) for i in d.inputs)
            out[cell] = DerivedValue(cell, value, d.formula, inputs)
    return tuple(out.values())


def _row_of(table: TableValue, row: TableRow) -> tuple[tuple[str, Any], ...]:
    """Which row a finding is on, as its evidence carries it."""
    out: list[tuple[str, Any]] = [
        ("table", table.path),
        ("index", row.index),
        ("key", row.key),
        ("name", row.label),
    ]
    if row.stage is not None:
        out.append(("stage", row.stage))
    return tuple(out)


def _shared_keys(table: TableValue) -> frozenset[Any]:
    """The keys of the units with a row in more than one stage (a 九年一贯制 school's)."""
    stages: dict[Any, set[str | None]] = {}
    for row in table.rows:
        stages.setdefault(row.key, set()).add(row.stage)
    return frozenset(key for key, seen in stages.items() if len(seen) > 1)


def _row_name(table: TableValue, row: TableRow, shared: frozenset[Any]) -> Text:
    """What names a row in a finding: its label, with its stage when its unit has rows in
    more than one stage (``城南九年一贯制学校(初中学段)`` / ``… (junior secondary stage)``)."""
    if row.stage is None or row.key not in shared:
        return Text(row.label, row.label)
    stage = table.stages.get(row.stage) or Text(row.stage, row.stage)
    return Text(f"{row.label}({stage.zh}学段)", f"{row.label} ({stage.en or stage.zh} stage)")


def _condition_value(ctx: DescribeContext, table: str, column: str, value: Any) -> Text:
    """A value a row condition compares a column with, in words: a stage by its label, a
    number with the column's unit, anything else as written."""
    spec = ctx.table_spec(table)
    if spec is not None and spec.stage == column and value in spec.stages:
        stage = spec.stages[value]
        return Text(stage.zh, stage.en or stage.zh)
    declared = spec.column(column) if spec is not None else None
    choice = declared.value_label(value) if isinstance(declared, FactSpec) else None
    if choice is not None:
        return Text(choice.zh, choice.en or choice.zh)
    if isinstance(value, bool):
        return Text("是" if value else "否", "yes" if value else "no")
    if isinstance(value, int | float | Decimal):
        return _amount(to_decimal(value), _column_unit(ctx, table, column))
    return Text(str(value), str(value))


def _row_condition_words(ctx: DescribeContext, table: str, cond: Mapping[str, Any]) -> Text:
    """A row condition in words: ``办学类型为nine_year且在校生数高于100人`` / ``type of
    school is nine_year and pupils more than 100``."""
    for key, zh_join, en_join in (("all", "且", " and "), ("any", "或", " or ")):
        if key in cond:
            parts = [_row_condition_words(ctx, table, c) for c in cond[key]]
            return Text(zh_join.join(p.zh for p in parts), en_join.join(p.en for p in parts))
    column = cond["column"]
    label = _column_label(ctx, table, column)
    op, value = cond.get("op", "=="), cond.get("value", True)
    if op in ("in", "not_in"):
        options = value if isinstance(value, list | tuple) else (value,)
        shown = [_condition_value(ctx, table, column, v) for v in options]
        zh_list, en_list = "、".join(t.zh for t in shown), ", ".join(t.en for t in shown)
        if op == "in":
            many = len(shown) > 1
            return Text(
                f"{label.zh}为{zh_list}" + ("之一" if many else ""),
                f"{label.en} is {'one of ' if many else ''}{en_list}",
            )
        return Text(
            f"{label.zh}不为{zh_list}",
            f"{label.en} is {'none of' if len(shown) > 1 else 'not'} {en_list}",
        )
    if isinstance(value, bool) and op in ("==", "!="):
        truth = value if op == "==" else not value
        return Text(
            label.zh if truth else f"“{label.zh}”为否",
            label.en if truth else f"“{label.en}” is false",
        )
    shown_value = _condition_value(ctx, table, column, value)
    if op in ("==", "!=") and not isinstance(value, int | float | Decimal):
        neg = op == "!="
        return Text(
            f"{label.zh}{'不为' if neg else '为'}{shown_value.zh}",
            f"{label.en} is {'not ' if neg else ''}{shown_value.en}",
        )
    return Text(
        f"{label.zh}{OPERATORS[op].zh}{shown_value.zh}",
        f"{label.en} {OPERATORS[op].en} {shown_value.en}",
    )


def _scope_words(ctx: DescribeContext) -> Text:
    """Whom a rule over rows holds to its standard: the table's rows, of its stage, and
    those meeting its ``where`` (``小学义务教育学校(仅限办学类型为nine_year的)``)."""
    params = ctx.params
    table = params["table"]
    who = ctx.label(table)
    # inside "every one of the …": a description's own article goes
    en = lower_first(who.en or who.zh)
    who = Text(who.zh, en[4:] if en.startswith("the ") else en)
    spec = ctx.table_spec(table)
    stage = params.get("stage")
    if stage is not None and spec is not None and stage in spec.stages:
        who = Text(f"{spec.stages[stage].zh}{who.zh}", f"{who.en} ({spec.stages[stage].en})")
    where = params.get("where")
    if where is None:
        return who
    words = _row_condition_words(ctx, table, where)
    return Text(f"{who.zh}(仅限{words.zh}的)", f"{who.en} where {words.en}")


def _where_problems(ctx: DescribeContext) -> Iterable[str]:
    """Problems of a rule's ``where``: its shape and columns as for a table's exclusions,
    and an ordering comparison (``>``, ``<=``) only of a number column with a number."""
    where = ctx.params.get("where")
    spec = ctx.table_spec(ctx.params["table"])
    if where is None or spec is None:
        return
    columns = [c.path for c in spec.columns] + [d.path for d in spec.row_derived]
    found = row_condition_problems(
        where, columns, "params.where", dotted=True, table=ctx.params["table"]
    )
    yield from found
    if not found:
        yield from _where_type_problems(ctx, where, "params.where")


def _where_type_problems(ctx: DescribeContext, cond: Mapping[str, Any], at: str) -> Iterable[str]:
    for key in ("all", "any"):
        if key in cond:
            for i, sub in enumerate(cond[key]):
                yield from _where_type_problems(ctx, sub, f"{at}.{key}.{i}")
            return
    op = cond.get("op", "==")
    if op not in (">=", ">", "<=", "<"):
        return
    column, value = cond["column"], cond.get("value", True)
    spec = ctx.table_spec(ctx.params["table"])
    declared = spec.column(column) if spec is not None else None
    ftype = ctx.fact_types.get(declared.type) if isinstance(declared, FactSpec) else None
    if isinstance(declared, FactSpec) and ftype is not None and not _is_numbers(ftype):
        yield f"{at}: {column} is a {declared.type}; operator {op} needs a number column"
        return
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        yield f"{at}: operator {op} needs a number, got {value!r}"


def _standard(check: Mapping[str, Any], stage: str | None) -> Decimal | None:
    """A row's standard: the check's ``value``, or its stage's in ``values_by_stage``
    (``None`` when the row's stage has none: the standard does not apply to it)."""
    by_stage = check.get("values_by_stage")
    if by_stage is None:
        return to_decimal(check["value"])
    if stage is None or stage not in by_stage:
        return None
    return to_decimal(by_stage[stage])


def _column_label(ctx: RuleContext | DescribeContext, table: str, column: str) -> Text:
    """A column's description, its English as it reads inside a sentence; the rule's own
    ``column_label`` for the column it holds to a standard, when it gives one."""
    own = ctx.params.get("column_label")
    if isinstance(own, Mapping) and column == ctx.params.get("column"):
        return Text(own["zh"], lower_first(own.get("en") or own["zh"]))
    spec = ctx.table_spec(table)
    declared = spec.column(column) if spec is not None else None
    text = declared.description if declared is not None else Text(column, column)
    return Text(text.zh, lower_first(text.en or text.zh))


def _column_unit(ctx: RuleContext | DescribeContext, table: str, column: str) -> str:
    spec = ctx.table_spec(table)
    declared = spec.column(column) if spec is not None else None
    return (declared.unit or "") if declared is not None else ""


def _standard_words(
    ctx: RuleContext | DescribeContext, check: Mapping[str, Any], unit: str
) -> Text:
    """``2000元`` or ``小学2000元、初中2500元`` / ``primary 2000 yuan, junior 2500 yuan``."""
    by_stage = check.get("values_by_stage")
    if by_stage is None:
        return _amount(to_decimal(check["value"]), unit)
    spec = ctx.table_spec(ctx.params["table"])
    stages = spec.stages if spec is not None else {}
    parts = [
        (stages.get(code, Text(code, code)), _amount(to_decimal(v), unit))
        for code, v in by_stage.items()
    ]
    return Text(
        "、".join(f"{s.zh}{a.zh}" for s, a in parts),
        ", ".join(f"{s.en or s.zh} {a.en}" for s, a in parts),
    )


def _row_checks(
    ctx: DescribeContext, checks: Iterable[tuple[str, Mapping[str, Any]]]
) -> Iterable[str]:
    """Problems of the checks a rule over rows makes: a declared table, a number column of
    it, one standard (``value`` or ``values_by_stage`` by declared stages)."""
    table = ctx.params["table"]
    spec = ctx.table_spec(table)
    if spec is None:
        yield f"params.table: {table} is not a declared table fact"
        return
    stage = ctx.params.get("stage")
    if stage is not None and stage not in spec.stages:
        yield f"params.stage: {stage!r} is not a stage of {table} ({', '.join(spec.stages)})"
    yield from _where_problems(ctx)
    for where, check in checks:
        column = check["column"]
        declared = spec.column(column)
        if declared is None:
            yield f"{where}.column: {column!r} is not a column of {table}"
        elif isinstance(declared, FactSpec) and not _is_numbers(ctx.fact_types[declared.type]):
            yield f"{where}.column: {column} is a {declared.type}, but this rule needs a number"
        has_value, by_stage = "value" in check, check.get("values_by_stage")
        if has_value == (by_stage is not None):
            yield f"{where}: give either value or values_by_stage"
        elif by_stage is not None:
            for code in by_stage:
                if code not in spec.stages:
                    yield f"{where}.values_by_stage: {code!r} is not a stage of {table}"


def _row_deduct(ctx: RuleContext | DescribeContext) -> Decimal:
    each = ctx.params.get("points_each")
    return _deduct_amount(ctx) if each is None else to_decimal(each)


def _row_outcome(ctx: RuleContext, failing: int) -> str:
    if ctx.params.get("points_each") is None:
        return "missed"
    return "partial" if to_decimal(ctx.params["points_each"]) * failing < ctx.share else "missed"


def _row_reachable(params: Mapping[str, Any], max_points: Decimal) -> set[str]:
    each = params.get("points_each")
    if each is None:
        return {"met", "missed"}
    out = {"met", "missed"}
    if to_decimal(each) < to_decimal(params.get("points", max_points)):
        out.add("partial")
    return out


def _each_row_failing(
    params: Mapping[str, Any], table: TableValue
) -> list[tuple[TableRow, Decimal, Decimal]]:
    """The counted rows that miss the standard: ``(row, value, standard)``."""
    column, op = params["column"], params["op"]
    failing = []
    for row in _in_scope(params, table):
        standard = _standard(params, row.stage)
        value = row.values.get(column)
        if standard is None or value is None:
            continue
        if not compare(value, op, standard):
            failing.append((row, to_decimal(value), standard))
    return failing


def _row_scores(params: Mapping[str, Any], share: Decimal, failing: int) -> tuple[Score, ...]:
    """What a rule over rows reports for ``failing`` rows, as its ``evaluate`` does."""
    if not failing:
        return _outcome_only("met")
    each = params.get("points_each")
    if each is None:
        deduct = params.get("deduct")
        first = share if deduct is None else to_decimal(deduct)
        return (("deduction", first, "missed", None),) + (("deduction", ZERO, "missed", None),) * (
            failing - 1
        )
    points = to_decimal(each)
    outcome = "partial" if points * failing < share else "missed"
    return (("deduction", points, outcome, None),) * failing


def _each_row_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["table"]

    def score(values: _Values) -> _Scored:
        return _row_scores(params, share, len(_each_row_failing(params, values[path])))

    return score


def _each_row_eval(ctx: RuleContext) -> None:
    params = ctx.params
    table_path, column, op = params["table"], params["column"], params["op"]
    table = ctx.table(table_path)
    label = _column_label(ctx, table_path, column)
    unit = _column_unit(ctx, table_path, column)
    failing = _each_row_failing(params, table)
    if not failing:
        ctx.outcome("met")
        return
    outcome = _row_outcome(ctx, len(failing))
    deduct = _row_deduct(ctx)
    once = ctx.params.get("points_each") is None
    spec = ctx.table_spec(table_path)
    # A unit-wide column (a total over the unit's rows: a nine-year school's pupils of both
    # stages) is the unit's, not its stage's: the row is named without its stage.
    shared = frozenset() if spec is not None and column in spec.totals else _shared_keys(table)
    for i, (row, value, standard) in enumerate(failing):
        # all or nothing: the first failing school takes the deduction, the others are
        # named as counted in it
        also = once and i > 0
        ctx.deduct(
            ZERO if also else deduct,
            "each_row.also_missed" if also else "each_row.missed",
            outcome=outcome,
            evidence=_row_evidence(ctx, table, row, (column,)),
            row=_row_of(table, row),
            fact=table_path,
            school=_row_name(table, row, shared),
            column=label,
            value=value,
            op=OPERATORS[op],
            relation=_SHORT_OF[op],
            threshold=standard,
            shortfall=abs(standard - value),
            unit=_unit(unit),
            amount=_amount(value, unit),
            standard=_amount(standard, unit),
        )


def _each_row_describe(ctx: DescribeContext) -> Text:
    params = ctx.params
    table = params["table"]
    who = _scope_words(ctx)
    column = _column_label(ctx, table, params["column"])
    unit = _column_unit(ctx, table, params["column"])
    standard = _standard_words(ctx, params, unit)
    words = OPERATORS[params["op"]]
    d = ctx.plain(_row_deduct(ctx))
    spec = ctx.table_spec(table)
    noun = spec.row_noun.zh if spec is not None and spec.row_noun is not None else "学校"
    if params.get("points_each") is None:
        then = Text(f"有1所未达到即扣{d}分", f"if any does not, −{d}")
    else:
        then = Text(
            f"每有1所未达到扣{d}分,扣完为止", f"−{d} for each that does not, floored at zero"
        )
    # Only where the table's exclusions can leave this column out of a row does the rule
    # say so: an exclusion of the resource columns leaves a school's size to be held.
    left_out = Text("", "")
    if spec is not None and _excludes(spec, params["column"]):
        noun_en = spec.row_noun.en if spec.row_noun is not None and spec.row_noun.en else "rows"
        left_out = Text(
            f"(不纳入计算的{noun}除外)", f" (the {noun_en} the rubric leaves out aside)"
        )
    return Text(
        f"要求每所{who.zh}{column.zh}{words.zh}{standard.zh}{left_out.zh};{then.zh}。",
        f"Standard: in every one of the {who.en}, "
        f"{lower_first(column.en or column.zh)} {words.en} {standard.en}{left_out.en}; "
        f"{then.en}.",
    )


def _excludes(spec: TableSpec, column: str) -> bool:
    """Whether the table's exclusions can leave ``column`` out of a row: one leaves whole
    rows out, or names the column, or a column the row-derived ``column`` is computed from."""
    named: set[str] = set()
    for x in spec.exclude:
        if not x.columns:
            return True
        named.update(x.columns)
    for d in spec.row_derived:  # in declaration order: one may read an earlier one
        if named.intersection(d.inputs):
            named.add(d.path)
    return column in named


def _each_row_check(ctx: DescribeContext) -> Iterable[str]:
    yield from _row_checks(ctx, [("params", ctx.params)])


_EACH_ROW_FIELDS = (
    "fact",
    "school",
    "column",
    "value",
    "op",
    "relation",
    "threshold",
    "shortfall",
    "unit",
    "amount",
    "standard",
)

#: A row condition (``{column, op, value}``, ``all``, ``any``), checked by ``_row_checks``.
_WHERE = {"type": "dict"}

_ROW_RULE = {
    "table": _FACT,
    "stage": {"type": "string", "empty": False},
    "where": _WHERE,
    "deduct": _POINTS,
    "points_each": _POINTS,
}

EACH_ROW = rule_kind(
    "each_row",
    summary=Text(
        "每个单位(学校、幼儿园)均须达到标准",
        "Every row (school, kindergarten) must meet a standard",
    ),
    description=(
        "Holds one column of a table fact to a standard in every counted row (rows the "
        "table excludes are left out; `stage` keeps one stage; `where`, a row condition "
        "like an exclusion's, keeps the rows meeting it: a row without a column it names "
        "meets no comparison on it). A rule with no row in scope is met. The finding of a "
        "failing row shows the cells its `where` names beside the one it missed; the "
        "evidence parameters show `where` as written. The standard is `value`, or "
        "`values_by_stage` (`{primary: 2000, junior: 2500}`: a row of a stage not listed is "
        "not held to it). Each failing row is a finding that names it. Without "
        "`points_each` the rule is all or nothing: any failing row costs `deduct` (default: "
        "the whole item); with it, each failing row costs `points_each`, floored at zero. "
        "`column_label` (`{zh, en}`) names the column in the rule's messages and words "
        "where the declaration's description does not fit the rows in scope (`在校生数` for "
        "a rule no nine-year school is held to, whose rows' description says `本学段`)."
    ),
    params={
        **_ROW_RULE,
        "column": _FACT,
        "column_label": _TEXT,
        "op": _ROW_OPS,
        "value": _STANDARD,
        "values_by_stage": _BY_STAGE,
    },
    evaluate=_each_row_eval,
    scorer=_each_row_scorer,
    describe=_each_row_describe,
    check=_each_row_check,
    reads=_table_reads,
    outcomes=("met", "partial", "missed"),
    reachable=_row_reachable,
    messages={
        # {amount} and {standard} are the value and the standard with the unit in each
        # language (English has no word for 人 or 所, and must not show the character)
        "each_row.missed": Text(
            "{school}{column}{amount},{relation}{standard}的标准,扣{points}分。",
            "{school}: {column} {amount}, {relation} the standard of {standard}: −{points}.",
        ),
        "each_row.also_missed": Text(
            "{school}{column}{amount},{relation}{standard}的标准(已计入本项扣分,不重复扣分)。",
            "{school}: {column} {amount}, {relation} the standard of {standard} "
            "(already counted in this item's deduction, not deducted again).",
        ),
    },
    fields={
        "each_row.missed": _EACH_ROW_FIELDS,
        "each_row.also_missed": _EACH_ROW_FIELDS,
    },
    example="""\
code: NB-1.6
kind: each_row
params:
  table: schools
  column: equipment_per_pupil
  op: ">="
  values_by_stage: {primary: 2000, junior: 2500}
""",
)


def _reaches(value: Decimal, op: str, standard: Decimal, share: Decimal) -> bool:
    """Whether a missed value still reaches ``share`` % of its standard: at least that share
    of a minimum (``>=``, ``>``), at most the standard ÷ that share of a maximum (``<=``,
    ``<``)."""
    ctx = context()
    if op in (">=", ">"):
        return value >= ctx.divide(ctx.multiply(standard, share), Decimal(100))
    if share == 0:
        return True
    return value <= ctx.divide(ctx.multiply(standard, Decimal(100)), share)


def _percent_of(
    value: Decimal, standard: Decimal, bounds: tuple[Decimal, ...] = ()
) -> tuple[str, str]:
    """``(value, percent)`` as a message writes a value against its standard: ``0.65`` and
    ``65`` (for 为标准的65%), the value with two decimals as its evidence shows it
    (:func:`figure`) and the percent computed from the value as written, with two decimals
    (:func:`percent_figure`), so that a reader who divides the one by the standard gets the
    other.

    Where the value as written would put the percent on the other side of one of
    ``bounds`` (the 85% a rest must reach, the 100% of the standard) than the exact value
    does — on which the judgement was made — the value takes as many more decimals as it
    takes for the percent not to contradict the judgement.
    """
    if standard == 0:
        return figure(value, 2), "—"
    ctx = context()

    def percent(of: Decimal) -> Decimal:
        return ctx.divide(ctx.multiply(of, Decimal(100)), standard)

    exact = percent(value)
    places = 2
    while True:
        written = figure(value, places)
        shown = percent(Decimal(written))
        pct = percent_figure(shown)
        agrees = all((exact < b) == (Decimal(pct) < b) for b in bounds)
        if agrees or Decimal(written) == value or places >= 12:
            return written, pct
        places += 1


def _k_of_n_failing(
    params: Mapping[str, Any], table: TableValue
) -> list[tuple[TableRow, int, int, list[tuple[Mapping[str, Any], Decimal, Decimal]], list[str]]]:
    """The counted rows that fail: ``(row, met, counted checks, missed, too far)``."""
    checks = params["checks"]
    at_least = int(params["at_least"])
    share = (
        None
        if params.get("rest_at_least_share") is None
        else to_decimal(params["rest_at_least_share"])
    )
    failing = []
    for row in _in_scope(params, table):
        met, counted = 0, 0
        missed: list[tuple[Mapping[str, Any], Decimal, Decimal]] = []
        far: list[str] = []
        for check in checks:
            standard = _standard(check, row.stage)
            value = row.values.get(check["column"])
            if standard is None or value is None:
                continue
            counted += 1
            number = to_decimal(value)
            if compare(number, check["op"], standard):
                met += 1
                continue
            missed.append((check, number, standard))
            if share is not None and not _reaches(number, check["op"], standard, share):
                far.append(check["column"])
        if counted and (met < min(at_least, counted) or far):
            failing.append((row, met, counted, missed, far))
    return failing


def _k_of_n_scorer(params: Mapping[str, Any], share: Decimal, item_max: Decimal) -> Scorer:
    path = params["table"]

    def score(values: _Values) -> _Scored:
        return _row_scores(params, share, len(_k_of_n_failing(params, values[path])))

    return score


def _k_of_n_eval(ctx: RuleContext) -> None:
    params = ctx.params
    table_path = params["table"]
    table = ctx.table(table_path)
    at_least = int(params["at_least"])
    given = params.get("rest_at_least_share")
    share = None if given is None else to_decimal(given)
    failing = _k_of_n_failing(params, table)
    if not failing:
        ctx.outcome("met")
        return
    outcome = _row_outcome(ctx, len(failing))
    deduct = _row_deduct(ctx)
    once = ctx.params.get("points_each") is None
    shared = _shared_keys(table)
    for i, (row, met, counted, missed, far) in enumerate(failing):
        also = once and i > 0  # all or nothing: named as counted in the first's deduction
        parts_zh, parts_en = [], []
        columns = []
        for check, value, standard in missed:
            column = check["column"]
            columns.append(column)
            label = _column_label(ctx, table_path, column)
            unit = _column_unit(ctx, table_path, column)
            bounds = (Decimal(100),) if share is None else (Decimal(100), share)
            written, pct = _percent_of(value, standard, bounds)
            shown, limit = _amount(value, unit, written), _amount(standard, unit)
            parts_zh.append(f"{label.zh}{shown.zh}(标准{limit.zh},为标准的{pct}%)")
            name_en = lower_first(label.en or label.zh)
            parts_en.append(f"{name_en} {shown.en} (standard {limit.en}, {pct}% of it)")
        missed_text = Text("、".join(parts_zh), "; ".join(parts_en))
        if met < min(at_least, counted):
            # "仅0项达到标准" reads oddly: a row that meets none says so
            message = "k_of_n.none_met" if met == 0 else "k_of_n.too_few"
        else:
            message = "k_of_n.too_far"
        ctx.deduct(
            ZERO if also else deduct,
            f"{message}_also" if also else message,
            outcome=outcome,
            evidence=_row_evidence(ctx, table, row, columns),
            row=_row_of(table, row),
            fact=table_path,
            school=_row_name(table, row, shared),
            met=met,
            total=counted,
            at_least=at_least,
            share=share if share is not None else Decimal(100),
            missed=missed_text,
            missing=len(far),  # the missed checks below the share of their standard
        )


def _k_of_n_describe(ctx: DescribeContext) -> Text:
    params = ctx.params
    table = params["table"]
    who = _scope_words(ctx)
    names = [_column_label(ctx, table, c["column"]) for c in params["checks"]]
    n, k = len(names), params["at_least"]
    d = ctx.plain(_row_deduct(ctx))
    share = params.get("rest_at_least_share")
    rest = (
        Text(
            f",其余指标达到标准的{ctx.plain(share)}%以上",
            f", and the rest reach {ctx.plain(share)}% of it",
        )
        if share is not None
        else Text("", "")
    )
    if params.get("points_each") is None:
        then = Text(f"有一所未达到扣{d}分", f"if any does not, −{d}")
    else:
        then = Text(
            f"每有一所未达到扣{d}分,扣完为止", f"−{d} for each that does not, floored at zero"
        )
    return Text(
        f"要求每所{who.zh}在{'、'.join(t.zh for t in names)}{n}项指标中至少{k}项达到标准"
        f"{rest.zh};{then.zh}。",
        f"Standard: every one of the {who.en} meets at least {k} of "
        f"{n} indicators ({'; '.join(lower_first(t.en or t.zh) for t in names)}){rest.en}; "
        f"{then.en}.",
    )


def _k_of_n_check(ctx: DescribeContext) -> Iterable[str]:
    checks = ctx.params["checks"]
    yield from _row_checks(ctx, [(f"params.checks.{i}", c) for i, c in enumerate(checks)])
    at_least = ctx.params["at_least"]
    if at_least > len(checks):
        yield f"params.at_least: {at_least} is more than the {len(checks)} checks"


_ROW_CHECK = {
    "type": "dict",
    "schema": {
        "column": _FACT,
        "op": _ROW_OPS,
        "value": _STANDARD,
        "values_by_stage": _BY_STAGE,
    },
}

K_OF_N = rule_kind(
    "k_of_n",
    summary=Text(
        "每所学校n项指标中至少k项达标", "Every row (school) meets at least k of n standards"
    ),
    description=(
        "Holds every counted row of a table fact to `checks` (each a column, an operator and "
        "`value` or `values_by_stage`); `stage` and `where` narrow the rows held to them as "
        "for `each_row`, and a rule with no row in scope is met. A row passes when at least "
        "`at_least` checks pass "
        "and, with `rest_at_least_share` (a percentage), each check it misses still reaches "
        "that share of its standard (at least 85% of a minimum; at most the standard ÷ 85% "
        "of a maximum). Each failing row is a finding naming which checks it missed and by "
        "how much. Points as for `each_row`: `deduct` once (default: the whole item), or "
        "`points_each` per failing row, floored at zero."
    ),
    params={
        **_ROW_RULE,
        "checks": {"type": "list", "required": True, "minlength": 1, "schema": _ROW_CHECK},
        "at_least": {"type": "integer", "required": True, "min": 1},
        "rest_at_least_share": {"type": "number", "min": 0, "max": 100},
    },
    evaluate=_k_of_n_eval,
    scorer=_k_of_n_scorer,
    describe=_k_of_n_describe,
    check=_k_of_n_check,
    reads=_table_reads,
    outcomes=("met", "partial", "missed"),
    reachable=_row_reachable,
    messages={
        "k_of_n.too_few": Text(
            "{school}{total}项指标中仅{met}项达到标准,未达到“至少{at_least}项达标”的要求;"
            "未达标:{missed},扣{points}分。",
            "{school}: {met} of {total} standards met, fewer than the {at_least} required; "
            "missed: {missed}: −{points}.",
        ),
        "k_of_n.none_met": Text(
            "{school}{total}项指标均未达到标准,未达到“至少{at_least}项达标”的要求;"
            "未达标:{missed},扣{points}分。",
            "{school}: none of the {total} standards met, fewer than the {at_least} required; "
            "missed: {missed}: −{points}.",
        ),
        "k_of_n.too_far": Text(
            "{school}{total}项指标中{met}项达到标准,但未达标的{missing}项低于标准的{share}%:"
            "{missed},扣{points}分。",
            "{school}: {met} of {total} standards met, but a missed one is below {share}% of "
            "its standard: {missed}: −{points}.",
        ),
        "k_of_n.too_few_also": Text(
            "{school}{total}项指标中仅{met}项达到标准,未达到“至少{at_least}项达标”的要求;"
            "未达标:{missed}(已计入本项扣分,不重复扣分)。",
            "{school}: {met} of {total} standards met, fewer than the {at_least} required; "
            "missed: {missed} (already counted in this item's deduction, not deducted again).",
        ),
        "k_of_n.none_met_also": Text(
            "{school}{total}项指标均未达到标准,未达到“至少{at_least}项达标”的要求;"
            "未达标:{missed}(已计入本项扣分,不重复扣分)。",
            "{school}: none of the {total} standards met, fewer than the {at_least} required; "
            "missed: {missed} (already counted in this item's deduction, not deducted again).",
        ),
        "k_of_n.too_far_also": Text(
            "{school}{total}项指标中{met}项达到标准,但未达标的{missing}项低于标准的{share}%:"
            "{missed}(已计入本项扣分,不重复扣分)。",
            "{school}: {met} of {total} standards met, but a missed one is below {share}% of "
            "its standard: {missed} (already counted in this item's deduction, not deducted "
            "again).",
        ),
    },
    fields=dict.fromkeys(
        (
            "k_of_n.too_few",
            "k_of_n.none_met",
            "k_of_n.too_far",
            "k_of_n.too_few_also",
            "k_of_n.none_met_also",
            "k_of_n.too_far_also",
        ),
        ("fact", "school", "met", "total", "at_least", "share", "missed", "missing"),
    ),
    example="""\
code: NB-1
kind: k_of_n
params:
  table: schools
  at_least: 6
  rest_at_least_share: 85
  checks:
    - {column: qualified_per_100, op: ">=", values_by_stage: {primary: 4.2, junior: 5.3}}
    - {column: equipment_per_pupil, op: ">=", values_by_stage: {primary: 2000, junior: 2500}}
""",
)

BUILTIN_KINDS: tuple[RuleKind, ...] = (
    THRESHOLD,
    PER_INCIDENT,
    SHORTFALL,
    CHECKLIST,
    ELEMENTS,
    BANDS,
    LINEAR,
    ZERO_OUT,
    NON_DECREASE,
    CONSECUTIVE_DECLINE,
    NOT_APPLICABLE_WHEN,
    BONUS,
    VETO,
    EXTERNAL_RATING,
    MANUAL,
    EACH_ROW,
    K_OF_N,
)


class _BuiltinKinds:
    """The builtin rule kinds, registered through the public hook."""

    @staticmethod
    @hookimpl
    def evalrules_register_rule_kinds() -> list[RuleKind]:
        """Register the builtin rule kinds, the cohort-relative ones among them."""
        from evalrules._rules._explainers import EXPLAINED_KINDS
        from evalrules._rules._relative import RELATIVE_KINDS

        return [*EXPLAINED_KINDS, *RELATIVE_KINDS]


builtin_kinds_plugin = _BuiltinKinds()
