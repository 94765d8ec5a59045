"""Scoring one item from its rules' effects: deductions, not applicable, bonus, manual."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from evalrules._facts._tables import row_condition_text
from evalrules._frozen import FrozenDict, freeze, frozen_pairs
from evalrules._points import ZERO, quantize
from evalrules._rubric._model import Indicator, Rule
from evalrules._rules._kind import Effect
from evalrules._rules._messages import Rendered, counted_in
from evalrules._scorecard._model import DerivedValue, Evidence, Finding, Grade, NodeResult
from evalrules._scoring._nodes import leaf
from evalrules._scoring._shared import finding as shared_finding
from evalrules._scoring._shared import text_mapping
from evalrules._text import Text

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric


_NO_GRADE = Grade("", Text(""), "")

#: How each not-applicable policy reads in a finding.
POLICY_TEXT = {
    "full": Text("按满分计", "full marks"),
    "zero": Text("按0分计", "zero points"),
    "exclude": Text("不计分,总分按适用项折算", "excluded; the total is rescaled"),
}


#: What an item not applicable for want of rows comes to, by policy (the end of the
#: ``not_applicable.not_computed`` message).
CONSEQUENCE_TEXT = {
    "full": Text("本项按满分计", "the item scores full marks"),
    "zero": Text("本项按0分计", "the item scores zero points"),
    "exclude": Text(
        "本项不计分,总分按适用项折算",
        "the item is left out and the total is rescaled to the items that apply",
    ),
}

#: The message of an item whose rule reads a value not computed for want of rows.
NOT_COMPUTED = "not_applicable.not_computed"


class ItemOutcome:
    """What the rules of one item produced: effects per rule, evidence per rule."""

    __slots__ = ("missing", "missing_rule", "not_computed", "runs", "unassessable")

    def __init__(self) -> None:
        self.runs: list[tuple[Rule, list[Effect], Evidence]] = []
        self.missing: list[str] = []
        #: The first rule that found a fact missing (named by the not-assessable finding).
        self.missing_rule: Rule | None = None
        #: The first rule that declared the item not assessable (a cohort-relative rule
        #: evaluated alone), with its effect.
        self.unassessable: tuple[Rule, Effect] | None = None
        #: The first rule that read a value not computed for want of rows (an aggregate
        #: with no counted row), with its not-applicable effect and evidence: the item is
        #: not applicable. Not among ``runs``: the rule reached none of its outcomes.
        self.not_computed: tuple[Rule, Effect, Evidence] | None = None


def _finding(
    compiled: CompiledRubric,
    item: Indicator,
    rule: Rule,
    effect: Effect,
    kind: str,
    points: Decimal,
    evidence: Evidence,
) -> Finding:
    params: dict[str, Any] = dict(effect.params)
    row: tuple[tuple[str, Any], ...] = ()
    if effect.evidence:
        # the facts this effect alone rests on (a school's cells), not all the rule read
        facts, derived = own_evidence(effect.evidence, evidence.derived)
        evidence = Evidence(facts, derived, evidence.params)
        row = frozen_pairs(effect.row)
    for key, label_key in (("fact", "fact_label"), ("other", "other_label")):
        path = params.get(key)
        if isinstance(path, str):
            params[label_key] = compiled.label(path)
    if effect.action == "not_applicable":
        params["policy"] = POLICY_TEXT.get(effect.effect or "", Text(str(effect.effect)))
        if effect.message_id == NOT_COMPUTED:
            params["consequence"] = CONSEQUENCE_TEXT.get(effect.effect or "", params["policy"])
    points = points.quantize(compiled.rubric.precision) if points else ZERO
    params["points"] = abs(points)
    frozen = FrozenDict({key: _frozen_plain(value) for key, value in params.items()})
    message_id = effect.message_id
    if kind == "deduction" and not points and effect.points > 0 and rule.message is None:
        # its item's points were taken already: worded as counted in them, not as 扣0分
        kind_messages = compiled.kind(rule).messages
        message_id = counted_in(message_id, kind_messages) or message_id
    template = compiled.message(rule, message_id)
    core = message_id == NOT_COMPUTED  # the engine's, not the rule's, to word
    if rule.message is not None and effect.action != "not_assessable" and not core:
        template = rule.message  # the rule's wording of its kind's messages, not the scorer's
    evidence_params = compiled.evidence_params(rule)

    # Built without attrs' __init__: every value is frozen already (the converters would
    # only walk it again), and the message shares the finding's own params.
    def build() -> Finding:
        return _built(
            Finding,
            indicator=item.code,
            rule=rule.code,
            kind=kind,
            points=points,
            nominal=effect.points,
            message_id=message_id,
            params=frozen,
            message=Rendered(template, frozen),
            evidence=_built(
                Evidence,
                facts=evidence.facts,
                derived=evidence.derived,
                params=evidence_params,
                row=row,
            ),
            outcome=effect.outcome,
            effect=effect.effect,
        )

    fields = (
        item.code,
        rule.code,
        kind,
        points,
        effect.points,
        message_id,
        frozen,
        effect.outcome,
        effect.effect,
        evidence.facts,
        evidence.derived,
        row,
    )
    return shared_finding(template, evidence_params, fields, build)


def own_evidence(
    own: tuple[Any, ...], derived: tuple[DerivedValue, ...]
) -> tuple[tuple[tuple[str, Any], ...], tuple[DerivedValue, ...]]:
    """An effect's own evidence as a finding's facts and derived values: its ``(path,
    value)`` pairs are facts, its ``DerivedValue``s (a row's derived values) derived, or the
    rule's derived values when it has none of its own."""
    values = tuple(e for e in own if isinstance(e, DerivedValue))
    facts = frozen_pairs(tuple(e for e in own if not isinstance(e, DerivedValue)))
    return facts, values or derived


_T = TypeVar("_T")


def _built(cls: type[_T], **values: Any) -> _T:
    """An attrs value of ``cls`` from values that are what its converters would make.

    Every field must be given (a field the class does not have raises AttributeError).
    """
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def _frozen_plain(value: Any) -> Any:
    """A template field as frozen plain data: a text becomes ``{zh, en}``, a list a tuple.

    A finding's ``params`` are data that a host renders in its own words and that survive
    the JSON form unchanged, so they hold no library objects.
    """
    cls = type(value)
    if cls is str or cls is Decimal or cls is int or cls is bool or value is None:
        return value
    if isinstance(value, Text):
        return text_mapping(value)
    if isinstance(value, Mapping):
        return FrozenDict({str(k): _frozen_plain(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple([_frozen_plain(v) for v in value])
    return freeze(value)


def evidence_params(rule: Rule) -> tuple[tuple[str, Any], ...]:
    """The rule's scalar parameters (thresholds, operators, deductions) for the evidence,
    and the row condition of a rule over rows (``where``) written out as the rubric writes
    it (``category == nine_year and pupils > 100``): the scope the rule held rows to."""
    out = []
    for key, value in rule.params.items():
        if isinstance(value, str | int | Decimal | bool) and key != "fact":
            out.append((key, value))
        elif key == "where" and isinstance(value, Mapping):
            # not a row condition (a plugin kind's own `where`): left out, as mappings are
            with contextlib.suppress(KeyError, TypeError):
                out.append((key, row_condition_text(value)))
    return tuple(sorted(out))


def score_item(
    compiled: CompiledRubric, item: Indicator, outcome: ItemOutcome, *, explain: bool = True
) -> tuple[NodeResult, list[Finding], bool]:
    """Score one item from its rules' effects.

    With ``explain=False`` the only findings made are vetoes (they decide the grade); the
    score is computed the same way.

    Returns:
        The node result, its findings, and whether it is excluded (not applicable under the
        ``exclude`` policy).
    """
    rubric = compiled.rubric
    precision, rounding = rubric.precision, rubric.rounding
    findings: list[Finding] = []

    if outcome.missing:
        rule = outcome.missing_rule or item.rules[0]
        effect = Effect(
            "not_assessable",
            item.max,
            "not_assessable.missing",
            {"missing": tuple(dict.fromkeys(outcome.missing))},
            "not_assessable",
        )
        if explain:
            findings.append(
                _finding(compiled, item, rule, effect, "not_assessable", -item.max, Evidence())
            )
        return leaf(item, ZERO, "not_assessable"), findings, False
    if outcome.unassessable is not None:
        rule, effect = outcome.unassessable
        if explain:
            findings.append(
                _finding(compiled, item, rule, effect, "not_assessable", -item.max, Evidence())
            )
        return leaf(item, ZERO, "not_assessable"), findings, False

    runs = outcome.runs
    if outcome.not_computed is not None:
        runs = [(outcome.not_computed[0], [outcome.not_computed[1]], outcome.not_computed[2])]
    vetoes: list[Finding] = []
    for rule, effects, evidence in runs:
        for effect in effects:
            if effect.action == "not_applicable":
                policy = effect.effect or item.not_applicable or rubric.not_applicable
                effect = Effect(
                    effect.action,
                    effect.points,
                    effect.message_id,
                    effect.params,
                    effect.outcome,
                    policy,
                )
                points = -item.max if policy == "zero" else ZERO
                score = item.max if policy == "full" else ZERO
                if explain:
                    findings.append(
                        _finding(compiled, item, rule, effect, "not_applicable", points, evidence)
                    )
                node = leaf(item, score, "not_applicable")
                return node, findings, policy == "exclude"
            if effect.action == "veto":
                vetoes.append(_finding(compiled, item, rule, effect, "veto", ZERO, evidence))

    if item.code in compiled.bonus_codes:
        return _score_bonus(compiled, item, outcome, vetoes, explain)

    losses: list[tuple[Rule, Effect, Evidence]] = []
    zero_out: tuple[Rule, Effect, Evidence] | None = None
    for rule, effects, evidence in outcome.runs:
        for effect in effects:
            if effect.action in ("deduction", "manual"):
                losses.append((rule, effect, evidence))
            elif effect.action == "zero_out" and zero_out is None:
                zero_out = (rule, effect, evidence)

    nominal = sum((e.points for _, e, _ in losses), ZERO)
    if zero_out is not None:
        score = ZERO
    else:
        raw = min(max(item.max - nominal, ZERO), item.max)
        score = quantize(raw, precision, rounding)
    if score < item.max and explain:
        asks = [e.points for _, e, _ in losses]
        if zero_out is not None:
            losses.append(zero_out)
            asks.append(item.max)  # the zero-out takes whatever the deductions left
        shares = allocate(asks, item.max - score, precision, rounding)
        for (rule, effect, evidence), share in zip(losses, shares, strict=True):
            kind = "manual" if effect.action == "manual" else "deduction"
            findings.append(_finding(compiled, item, rule, effect, kind, -share, evidence))
    findings.extend(vetoes)
    return leaf(item, score, "scored"), findings, False


def allocate(
    asks: Sequence[Decimal], total: Decimal, precision: Decimal, rounding: str
) -> list[Decimal]:
    """Split ``total`` points over effects that ask for ``asks``, in order.

    Each effect takes what it asks while points remain (扣完为止); a rounding residue goes to
    the last effect that took points. The shares are then made multiples of ``precision`` by
    quantizing their running sum, so that they still add up exactly to ``total`` (itself a
    multiple of ``precision``): rounding each share on its own could lose or invent points.
    """
    exact: list[Decimal] = []
    remaining = total
    for ask in asks:
        take = min(max(ask, ZERO), remaining)
        exact.append(take)
        remaining -= take
    if remaining and exact:
        last = max((i for i, take in enumerate(exact) if take > 0), default=len(exact) - 1)
        exact[last] += remaining
    shares: list[Decimal] = []
    running = before = ZERO
    for take in exact:
        running += take
        after = quantize(running, precision, rounding)
        shares.append(after - before)
        before = after
    return shares


def _score_bonus(
    compiled: CompiledRubric,
    item: Indicator,
    outcome: ItemOutcome,
    vetoes: list[Finding],
    explain: bool = True,
) -> tuple[NodeResult, list[Finding], bool]:
    rubric = compiled.rubric
    findings: list[Finding] = []
    awards = [(r, e, ev) for r, effects, ev in outcome.runs for e in effects if e.action == "bonus"]
    nominal = sum((max(e.points, ZERO) for _, e, _ in awards), ZERO)
    score = quantize(min(nominal, item.max), rubric.precision, rubric.rounding)
    if not explain:
        return leaf(item, score, "scored"), vetoes, False
    shares = allocate([e.points for _, e, _ in awards], score, rubric.precision, rubric.rounding)
    for (rule, effect, evidence), share in zip(awards, shares, strict=True):
        if share > 0:
            findings.append(_finding(compiled, item, rule, effect, "bonus", share, evidence))
    findings.extend(vetoes)
    return leaf(item, score, "scored"), findings, False
