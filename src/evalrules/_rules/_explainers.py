"""The builtin kinds' rules compiled with their explanations, for explained evaluations.

A kind's ``evaluate`` works through a :class:`RuleContext`: it reads each fact through the
context (which records it as evidence), looks up labels and units, words conditions, and
reports :class:`Effect` values with their message fields, which scoring then turns into
findings. For the builtin kinds nearly all of that depends on the rule alone — the fact's
label and unit, the standard in words, the message template, a condition in words — so it is
done once, when the rubric is compiled, and each rule becomes an *explainer*: a function of
the document's values that returns what ``evaluate`` would report, with the fields the
finding will hold and the evidence it rests on. Each declares the paths it reads
(``_kind.reading``): what it returns is a function of their values alone, so an item whose
rules read the same values as before is taken as it was scored then, its rules not run.

An explainer stands for its kind's ``evaluate`` and ``scorer`` together: a kind whose
``evaluate`` or ``scorer`` is not the builtin's (a plugin's kind of the same name, a kind
rebuilt without its scorer) has none, and its rules run as written. Explainers hold only
values fixed when they are built (no state changes between calls), so a compiled rubric
stays safe to share between threads. The property tests hold every explained scorecard to
the one the kinds' ``evaluate`` makes, byte for byte (``tests/property/test_explainers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._frozen import FrozenDict, freeze
from evalrules._points import ZERO, to_decimal
from evalrules._rules import _builtin as b
from evalrules._rules._conditions import OPERATORS, compile_compare, compile_condition
from evalrules._rules._context import DescribeContext
from evalrules._rules._kind import Explained, Explainer, Explaining, RuleKind, reading
from evalrules._scorecard._model import DerivedValue
from evalrules._text import Text

#: What a finding rests on: ``(facts, derived)``, as ``Evidence`` holds them.
Read = tuple[tuple[tuple[str, Any], ...], tuple[DerivedValue, ...]]

#: ``factory(ctx, template) -> explainer`` (see :class:`Explaining`).
Factory = Callable[[DescribeContext, Callable[[str], Text]], Explainer]

_SCALARS = (str, Decimal, int, bool, type(None))


def _field(value: Any) -> Any:
    """A message field as a finding holds it (``_scoring._items._frozen_plain``)."""
    cls = type(value)
    if cls is str or cls is Decimal or cls is int or cls is bool or value is None:
        return value
    if isinstance(value, Text):
        return FrozenDict({"zh": value.zh, "en": value.en})
    if isinstance(value, Mapping):
        return FrozenDict({str(k): _field(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple([_field(v) for v in value])
    return freeze(value)


def _outcome(name: str) -> tuple[Explained, ...]:
    return (("outcome", ZERO, name, None, None),)


def _is_derived(ctx: DescribeContext, path: str) -> bool:
    return any(d.path == path for d in ctx.rubric.derived)


def _reader(ctx: DescribeContext, paths: tuple[str, ...]) -> Callable[..., Read]:
    """``read(values, derived)``: the evidence of a rule that reads ``paths`` (as
    ``RuleContext.fact`` records them: observed facts and derived values apart, each sorted
    by path)."""
    unique = sorted(dict.fromkeys(paths))
    facts = tuple(p for p in unique if not _is_derived(ctx, p))
    derived = tuple(p for p in unique if _is_derived(ctx, p))
    if len(unique) == 1:
        (path,) = unique
        if derived:

            def one_derived(values: Mapping[str, Any], dvs: Mapping[str, DerivedValue]) -> Read:
                return (), (dvs[path],)

            return one_derived

        def one_fact(values: Mapping[str, Any], dvs: Mapping[str, DerivedValue]) -> Read:
            value = values[path]
            return ((path, value if type(value) in _SCALARS else freeze(value)),), ()

        return one_fact

    def read(values: Mapping[str, Any], dvs: Mapping[str, DerivedValue]) -> Read:
        pairs = []
        for path in facts:
            value = values[path]
            pairs.append((path, value if type(value) in _SCALARS else freeze(value)))
        return tuple(pairs), tuple([dvs[p] for p in derived])

    return read


def _leaves(cond: Mapping[str, Any]) -> list[str]:
    """The facts a condition reads, in the order ``RuleContext.condition`` reads them."""
    for key in ("all", "any"):
        if key in cond:
            return [p for c in cond[key] for p in _leaves(c)]
    return [cond["fact"]]


# ----------------------------------------------------------------------------- the kinds


def _threshold(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    params = ctx.params
    path, op, value = params["fact"], params["op"], params["value"]
    check = compile_compare(op, value)
    points = to_decimal(b._deduct_amount(ctx))
    met = _outcome("met")
    read = _reader(ctx, (path,))
    unit = ctx.unit(path)
    label = _field(ctx.label(path))
    cv = b._is_cv(ctx, path) and not unit  # a CV: 3 decimals, its limit 2 (0.598, 0.50)
    above = cv and op in ("<=", "<")
    op_words, relation = _field(OPERATORS[op]), _field(b._CV_ABOVE if above else b._SHORT_OF[op])
    threshold, unit_words = _field(value), _field(b._unit(unit))
    not_met = "threshold.not_met"
    statement = _field(
        ctx.rule.name
        if ctx.rule.name.zh
        else ctx.condition_words({"fact": path, "op": "!=" if op == "==" else "==", "value": value})
    )
    not_met_template = template(not_met)
    yes_no = isinstance(value, bool | str)
    if yes_no:
        message, standard, standard_words = not_met, ZERO, None
    else:
        standard = to_decimal(value)
        if op == ">=" and unit == "%" and standard == 100:
            message = "threshold.incomplete"
        elif op == ">=" and unit == "%" and standard == 0:
            message = "threshold.fell"
        else:
            message = "threshold.missed"
        standard_words = _field(b._cv_text(standard, 2) if cv else b._amount(standard, unit))
    missed_template = template(message)

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        observed = values[path]
        if check(observed):
            return met
        if yes_no or isinstance(observed, bool):

            def yes_no_fields() -> dict[str, Any]:
                return {
                    "fact": path,
                    "statement": statement,
                    "value": _field(observed),
                    "op": op_words,
                    "relation": relation,
                    "threshold": threshold,
                    "unit": unit_words,
                    "fact_label": label,
                }

            detail = (not_met, not_met_template, yes_no_fields, read(values, derived))
        else:
            amount = to_decimal(observed)  # raises here if it must (the general path words it)

            def missed_fields() -> dict[str, Any]:
                return {
                    "fact": path,
                    "value": _field(observed),
                    "op": op_words,
                    "relation": relation,
                    "threshold": threshold,
                    "shortfall": abs(standard - amount),
                    "unit": unit_words,
                    "amount": _field(
                        b._cv_text(amount, 3, op, standard) if cv else b._amount(amount, unit)
                    ),
                    "standard": standard_words,
                    "fact_label": label,
                }

            detail = (message, missed_template, missed_fields, read(values, derived))
        return (("deduction", points, "missed", None, detail),)

    return reading(explain, (path,))


def _per_incident(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    params = ctx.params
    path = params["fact"]
    allow = int(params.get("allow") or 0)
    each = to_decimal(params["deduct_each"])
    cap = params.get("cap")
    limit = None if cap is None else to_decimal(cap)
    item_max = ctx.item.max
    full = _outcome("full")
    read = _reader(ctx, (path,))
    message = "per_incident.counted_after_allowance" if allow else "per_incident.counted"
    words = template(message)
    data_year = ctx.rubric.data_year or ctx.rubric.year - 1
    year = _field(b._period(ctx.label(path), data_year))
    unit = _field(b._count_unit(ctx.unit(path)))
    label = _field(ctx.label(path))

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        count = int(values[path])
        counted = max(0, count - allow)
        if counted == 0:
            return full
        points = each * counted
        if limit is not None:
            points = min(points, limit)

        def fields() -> dict[str, Any]:
            return {
                "fact": path,
                "count": count,
                "allow": allow,
                "each": each,
                "year": year,
                "unit": unit,
                "fact_label": label,
            }

        outcome = "zero" if points >= item_max else "partial"
        return (
            ("deduction", points, outcome, None, (message, words, fields, read(values, derived))),
        )

    return reading(explain, (path,))


def _each_true(
    ctx: DescribeContext,
    template: Callable[[str], Text],
    entries: Any,
    points_key: str,
    message: str,
    name_key: str,
    all_met: str,
    outcome_of: Callable[[list[Decimal], int], str],
) -> Explainer:
    """Checklist and elements: a deduction for each entry whose fact is not true."""
    words = template(message)
    # the rule reads every entry's fact: each finding shows them all, as evaluate's do
    read = _reader(ctx, tuple(entry["fact"] for entry in entries))
    rows = []
    for entry in entries:
        path = entry["fact"]
        text = entry["text"]
        fields = {
            "fact": path,
            name_key: entry["id"],
            "requirement": _field(Text(text["zh"], text.get("en", ""))),
            "fact_label": _field(ctx.label(path)),
        }
        rows.append((path, to_decimal(entry[points_key]), fields))
    facts = tuple(rows)
    count = len(facts)
    met = _outcome(all_met)

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        unmet = [row for row in facts if values[row[0]] is not True]
        if not unmet:
            return met
        outcome = outcome_of([row[1] for row in unmet], count)
        evidence = read(values, derived)
        return tuple(
            [
                ("deduction", points, outcome, None, (message, words, fields, evidence))
                for _, points, fields in unmet
            ]
        )

    return reading(explain, [row[0] for row in facts])


def _checklist(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    item_max = ctx.item.max

    def outcome_of(unmet: list[Decimal], _count: int) -> str:
        return "zero" if sum(unmet, ZERO) >= item_max else "partial"

    return _each_true(
        ctx,
        template,
        ctx.params["conditions"],
        "deduct",
        "checklist.unmet",
        "condition",
        "all_met",
        outcome_of,
    )


def _elements(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    def outcome_of(unmet: list[Decimal], count: int) -> str:
        return "none" if len(unmet) == count else "some"

    return _each_true(
        ctx,
        template,
        ctx.params["elements"],
        "points",
        "elements.missing",
        "element",
        "all",
        outcome_of,
    )


def _rating(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    params = ctx.params
    path = params["fact"]
    scale = to_decimal(params["scale"])
    share = ctx.share
    one = Decimal(1)
    full = _outcome("full")
    read = _reader(ctx, (path,))
    rater = _field(b._opening(Text(params["rater"]["zh"], params["rater"].get("en", ""))))
    label = _field(ctx.label(path))
    scaled, assumed_id = "external_rating.scaled", "external_rating.assumed"
    scaled_words, assumed_words = template(scaled), template(assumed_id)

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        rating = to_decimal(values[path])
        earned = min(max(rating / scale, ZERO), one) * share
        lost = share - earned
        if lost <= 0:
            return full

        def fields() -> dict[str, Any]:
            return {
                "fact": path,
                "rating": rating,
                "scale": scale,
                "rater": rater,
                "earned": earned,
                "share": share,
                "fact_label": label,
            }

        if path in assumed:
            detail = (assumed_id, assumed_words, fields, read(values, derived))
        else:
            detail = (scaled, scaled_words, fields, read(values, derived))
        return (("deduction", lost, "zero" if earned <= 0 else "partial", None, detail),)

    return reading(explain, (path,))


def _manual(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    path = ctx.params["fact"]
    full = _outcome("full")
    read = _reader(ctx, (path,))
    message = "manual.judged"
    words = template(message)
    label = _field(ctx.label(path))

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        judgement = values[path]
        deduct = to_decimal(judgement["deduct"])
        if deduct == 0:
            return full

        def fields() -> dict[str, Any]:
            return {
                "fact": path,
                "reason": _field(judgement.get("reason", "")),
                "fact_label": label,
            }

        return (
            ("manual", deduct, "deducted", None, (message, words, fields, read(values, derived))),
        )

    return reading(explain, (path,))


def _when(
    ctx: DescribeContext,
    template: Callable[[str], Text],
    action: str,
    points: Decimal,
    outcome: str,
    effect: str | None,
    message: str,
    fields: dict[str, Any],
    miss: str,
) -> Explainer:
    """A rule with one condition: an effect with constant fields when it holds."""
    when = ctx.params["when"]
    test = compile_condition(when)
    paths = tuple(_leaves(when))
    read = _reader(ctx, paths)
    words = template(message)
    clear = _outcome(miss)

    def explain(
        values: Mapping[str, Any], derived: Mapping[str, DerivedValue], assumed: frozenset[str]
    ) -> tuple[Explained, ...]:
        for path in paths:  # every fact is read, as RuleContext.condition reads them
            values[path]
        if not test(values):
            return clear
        return ((action, points, outcome, effect, (message, words, fields, read(values, derived))),)

    return reading(explain, paths)


def _not_applicable_when(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    condition = ctx.condition_words(ctx.params["when"], clause=True)
    statement = ctx.rule.name if ctx.rule.name.zh else condition
    fields = {"condition": _field(condition), "statement": _field(statement)}
    policy = ctx.params.get("policy")
    return _when(
        ctx,
        template,
        "not_applicable",
        ZERO,
        "not_applicable",
        policy,
        "not_applicable.when",
        fields,
        "applicable",
    )


def _veto(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    effect = ctx.params["effect"]
    message, consequence = b.veto_message(ctx.rubric, effect)
    fields = {
        "condition": _field(b._opening(ctx.condition_words(ctx.params["when"], clause=True))),
        "consequence": _field(consequence),
    }
    return _when(ctx, template, "veto", ZERO, "vetoed", effect, message, fields, "clear")


def _zero_out(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    fields = {"condition": _field(b._opening(ctx.condition_words(ctx.params["when"], clause=True)))}
    return _when(
        ctx, template, "zero_out", ZERO, "zeroed", None, "zero_out.triggered", fields, "clear"
    )


def _bonus(ctx: DescribeContext, template: Callable[[str], Text]) -> Explainer:
    fields = {"condition": _field(b._opening(ctx.condition_words(ctx.params["when"], clause=True)))}
    points = to_decimal(ctx.params["points"])
    return _when(ctx, template, "bonus", points, "awarded", None, "bonus.awarded", fields, "none")


#: The builtin kinds with an explainer, by kind.
_FACTORIES: dict[RuleKind, Factory] = {
    b.THRESHOLD: _threshold,
    b.PER_INCIDENT: _per_incident,
    b.CHECKLIST: _checklist,
    b.ELEMENTS: _elements,
    b.EXTERNAL_RATING: _rating,
    b.MANUAL: _manual,
    b.NOT_APPLICABLE_WHEN: _not_applicable_when,
    b.VETO: _veto,
    b.ZERO_OUT: _zero_out,
    b.BONUS: _bonus,
}


def _explained(kind: RuleKind) -> RuleKind:
    factory = _FACTORIES.get(kind)
    if factory is None:
        return kind
    return attrs.evolve(kind, explainer=Explaining(kind.evaluate, kind.scorer, factory))


#: The builtin kinds as the core registers them: each with its explainer, if it has one.
EXPLAINED_KINDS: tuple[RuleKind, ...] = tuple(_explained(k) for k in b.BUILTIN_KINDS)
