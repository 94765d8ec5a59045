"""The scorer: rules' effects → findings, item scores, totals, grade, claims.

The semantics are written down in ``docs/explanation/scoring.md``; each is tested:

* one quantization to the rubric's precision at each item; sums are exact;
* an item never goes below 0 or above its max (扣完为止); its effective deductions add up
  exactly to max − score; an item at full marks carries no deduction;
* not applicable: ``full`` (max), ``zero`` (0, with a finding for the points), ``exclude``
  (0, and the total is rescaled to the applicable max);
* bonus: capped per item and per rubric, added on top of the base total;
* vetoes keep the score and change the grade: force_fail > lower_one > cap_below_top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from evalrules._kinds import Effect
from evalrules._messages import CORE_MESSAGES, render
from evalrules._model import (
    ClaimComparison,
    Evidence,
    Finding,
    Grade,
    GradeBand,
    Indicator,
    NodeResult,
    Rubric,
    Rule,
    Text,
)
from evalrules._points import ZERO, plain, quantize, to_decimal

if TYPE_CHECKING:
    from evalrules._compiler import CompiledRubric

_NO_GRADE = Grade("", Text(""), "")

#: How each not-applicable policy reads in a finding.
POLICY_TEXT = {
    "full": Text("按满分计", "full marks"),
    "zero": Text("按0分计", "zero points"),
    "exclude": Text("不计分,总分按适用项折算", "excluded; the total is rescaled"),
}


class ItemOutcome:
    """What the rules of one item produced: effects per rule, evidence per rule."""

    __slots__ = ("missing", "missing_rule", "runs")

    def __init__(self) -> None:
        self.runs: list[tuple[Rule, list[Effect], Evidence]] = []
        self.missing: list[str] = []
        #: The first rule that found a fact missing (named by the not-assessable finding).
        self.missing_rule: Rule | None = None


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
    for key, label_key in (("fact", "fact_label"), ("other", "other_label")):
        path = params.get(key)
        if isinstance(path, str):
            params[label_key] = compiled.label(path)
    if effect.kind == "not_applicable":
        params["policy"] = POLICY_TEXT.get(effect.effect or "", Text(str(effect.effect)))
    points = points.quantize(compiled.rubric.precision) if points else ZERO
    params["points"] = abs(points)
    params = {key: _plain_data(value) for key, value in params.items()}
    template = rule.message or compiled.message(rule, effect.message_id)
    return Finding(
        indicator=item.code,
        rule=rule.code,
        kind=kind,
        points=points,
        nominal=effect.points,
        message_id=effect.message_id,
        params=params,
        message=render(template, params),
        evidence=Evidence(evidence.facts, evidence.derived, compiled.evidence_params(rule)),
        outcome=effect.outcome,
        effect=effect.effect,
    )


def _plain_data(value: Any) -> Any:
    """A template field as plain data: a text becomes ``{zh, en}``, a list a tuple.

    A finding's ``params`` are data that a host renders in its own words and that survive
    the JSON form unchanged, so they hold no library objects.
    """
    if isinstance(value, Text):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, Mapping):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_plain_data(v) for v in value)
    return value


def evidence_params(rule: Rule) -> tuple[tuple[str, Any], ...]:
    """The rule's scalar parameters (thresholds, operators, deductions) for the evidence."""
    out = []
    for key, value in rule.params.items():
        if isinstance(value, str | int | Decimal | bool) and key != "fact":
            out.append((key, value))
    return tuple(sorted(out))


def score_item(
    compiled: CompiledRubric, item: Indicator, outcome: ItemOutcome
) -> tuple[NodeResult, list[Finding], bool]:
    """Score one item from its rules' effects.

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
        findings.append(
            _finding(compiled, item, rule, effect, "not_assessable", -item.max, Evidence())
        )
        return NodeResult(item.code, item.title, item.max, ZERO, "not_assessable"), findings, False

    vetoes: list[Finding] = []
    for rule, effects, evidence in outcome.runs:
        for effect in effects:
            if effect.kind == "not_applicable":
                policy = effect.effect or item.not_applicable or rubric.not_applicable
                effect = Effect(
                    effect.kind,
                    effect.points,
                    effect.message_id,
                    effect.params,
                    effect.outcome,
                    policy,
                )
                points = -item.max if policy == "zero" else ZERO
                score = item.max if policy == "full" else ZERO
                findings.append(
                    _finding(compiled, item, rule, effect, "not_applicable", points, evidence)
                )
                node = NodeResult(item.code, item.title, item.max, score, "not_applicable")
                return node, findings, policy == "exclude"
            if effect.kind == "veto":
                vetoes.append(_finding(compiled, item, rule, effect, "veto", ZERO, evidence))

    if item.code in compiled.bonus_codes:
        return _score_bonus(compiled, item, outcome, vetoes)

    losses: list[tuple[Rule, Effect, Evidence]] = []
    zero_out: tuple[Rule, Effect, Evidence] | None = None
    for rule, effects, evidence in outcome.runs:
        for effect in effects:
            if effect.kind in ("deduction", "manual"):
                losses.append((rule, effect, evidence))
            elif effect.kind == "zero_out" and zero_out is None:
                zero_out = (rule, effect, evidence)

    nominal = sum((e.points for _, e, _ in losses), ZERO)
    if zero_out is not None:
        score = ZERO
    else:
        raw = min(max(item.max - nominal, ZERO), item.max)
        score = quantize(raw, precision, rounding)
    if score < item.max:
        asks = [e.points for _, e, _ in losses]
        if zero_out is not None:
            losses.append(zero_out)
            asks.append(item.max)  # the zero-out takes whatever the deductions left
        shares = allocate(asks, item.max - score, precision, rounding)
        for (rule, effect, evidence), share in zip(losses, shares, strict=True):
            kind = "manual" if effect.kind == "manual" else "deduction"
            findings.append(_finding(compiled, item, rule, effect, kind, -share, evidence))
    findings.extend(vetoes)
    return NodeResult(item.code, item.title, item.max, score, "scored"), findings, False


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
    compiled: CompiledRubric, item: Indicator, outcome: ItemOutcome, vetoes: list[Finding]
) -> tuple[NodeResult, list[Finding], bool]:
    rubric = compiled.rubric
    findings: list[Finding] = []
    awards = [(r, e, ev) for r, effects, ev in outcome.runs for e in effects if e.kind == "bonus"]
    nominal = sum((max(e.points, ZERO) for _, e, _ in awards), ZERO)
    score = quantize(min(nominal, item.max), rubric.precision, rubric.rounding)
    shares = allocate([e.points for _, e, _ in awards], score, rubric.precision, rubric.rounding)
    for (rule, effect, evidence), share in zip(awards, shares, strict=True):
        if share > 0:
            findings.append(_finding(compiled, item, rule, effect, "bonus", share, evidence))
    findings.extend(vetoes)
    return NodeResult(item.code, item.title, item.max, score, "scored"), findings, False


def _reprice(compiled: CompiledRubric, finding: Finding, points: Decimal) -> Finding:
    """Return ``finding`` with new effective points (and its message re-rendered)."""
    import attrs

    params = dict(finding.params)
    params["points"] = abs(points)
    rule = next(r for _, r in compiled.rubric.rules() if r.code == finding.rule)
    template = rule.message or compiled.message(rule, finding.message_id)
    return attrs.evolve(finding, points=points, params=params, message=render(template, params))


def cap_bonus(
    compiled: CompiledRubric, items: Sequence[NodeResult], findings: list[Finding]
) -> tuple[tuple[NodeResult, ...], Decimal, list[Finding]]:
    """Apply the rubric's bonus cap across bonus items, in order."""
    import attrs

    cap = compiled.rubric.bonus_cap
    total = sum((i.score for i in items), ZERO)
    if cap is None or total <= cap:
        return tuple(items), total, findings
    remaining = cap
    new_items = []
    scale: dict[str, Decimal] = {}
    for node in items:
        take = min(node.score, remaining)
        remaining -= take
        scale[node.code] = take
        new_items.append(attrs.evolve(node, score=take))
    new_findings = []
    left = dict(scale)
    for f in findings:
        if f.kind == "bonus" and f.indicator in left:
            take = min(f.points, left[f.indicator])
            left[f.indicator] -= take
            if take <= 0:
                continue
            if take != f.points:
                f = _reprice(compiled, f, take)
        new_findings.append(f)
    return tuple(new_items), cap, new_findings


def roll_up(node: Indicator, results: Mapping[str, NodeResult]) -> NodeResult:
    """Build a parent's result from its children's: the score is their exact sum."""
    if node.is_leaf:
        return results[node.code]
    children = tuple(roll_up(c, results) for c in node.children)
    statuses = {c.status for c in children}
    status = statuses.pop() if len(statuses) == 1 else "scored"
    if status != "scored" and len(children) == 0:
        status = "scored"
    score = sum((c.score for c in children), ZERO)
    return NodeResult(node.code, node.title, node.max, score, status, children)


def grade_for(total: Decimal, bands: Sequence[GradeBand], vetoes: Sequence[Finding]) -> Grade:
    """Grade a total, then apply vetoes (the strongest wins; the score is untouched)."""
    if not bands:
        return _NO_GRADE
    index = next(
        (i for i, b in enumerate(bands) if b.lower is None or total >= b.lower), len(bands) - 1
    )
    base = index
    for veto in vetoes:
        if veto.effect == "force_fail":
            index = max(index, len(bands) - 1)
        elif veto.effect == "lower_one":
            index = max(index, min(base + 1, len(bands) - 1))
        elif veto.effect == "cap_below_top":
            index = max(index, min(1, len(bands) - 1))
    band = bands[index]
    return Grade(band.code, band.label, bands[base].code)


def with_claims(node: NodeResult, claimed: Mapping[str, Decimal]) -> NodeResult:
    """Attach claimed scores to a result tree."""
    import attrs

    children = tuple(with_claims(c, claimed) for c in node.children)
    value = claimed.get(node.code)
    # A host may pass whole numbers; a scorecard holds only Decimal points.
    return attrs.evolve(
        node, children=children, claimed=None if value is None else to_decimal(value)
    )


def compare_claims(
    rubric: Rubric,
    nodes: Sequence[NodeResult],
    findings: Sequence[Finding],
    claimed: Mapping[str, Decimal],
    total: Decimal,
) -> tuple[ClaimComparison, ...]:
    """Set every claimed score against the computed one, with the findings that explain it."""
    claimed = {code: to_decimal(value) for code, value in claimed.items()}
    comparisons: list[ClaimComparison] = []
    by_code = {n.code: n for top in nodes for n in top.walk()}
    subtree: dict[str, set[str]] = {}
    for top in nodes:
        for n in top.walk():
            subtree[n.code] = {d.code for d in n.walk()}
    for code in [n.code for top in nodes for n in top.walk()] + ["total"]:
        if code not in claimed:
            continue
        computed = total if code == "total" else by_code[code].score
        scope = set(by_code) if code == "total" else subtree[code]
        difference = claimed[code] - computed
        if difference == 0:
            comparisons.append(ClaimComparison(code, claimed[code], computed, ZERO))
            continue
        explaining = [
            f
            for f in findings
            if f.indicator in scope
            and f.points != 0
            and claimed.get(f.indicator) != by_code[f.indicator].score
        ]
        if explaining:
            exp = Text(
                "依据:" + " ".join(f"[{f.rule}] {f.message.zh}" for f in explaining),
                "Because: " + " ".join(f"[{f.rule}] {f.message.en}" for f in explaining),
            )
        else:
            exp = CORE_MESSAGES["claim.unexplained"]
        params = {
            "claimed": plain(claimed[code]),
            "computed": plain(computed),
            "difference": plain(difference),
            "explanation": exp,
        }
        comparisons.append(
            ClaimComparison(
                code,
                claimed[code],
                computed,
                difference,
                tuple(dict.fromkeys(f.rule for f in explaining)),
                render(CORE_MESSAGES["claim.differs"], params),
            )
        )
    return tuple(comparisons)
