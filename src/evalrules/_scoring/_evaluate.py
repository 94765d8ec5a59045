"""Evaluating one facts document with a compiled rubric into a scorecard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from evalrules._facts._derived import compute_derived
from evalrules._facts._document import FactsDocument
from evalrules._points import ZERO, quantize
from evalrules._rules._context import RuleContext
from evalrules._rules._kind import MissingFact
from evalrules._scorecard._model import Entity, Evidence, Finding, NodeResult, Scorecard
from evalrules._scoring._claims import compare_claims, with_claims
from evalrules._scoring._items import ItemOutcome, score_item
from evalrules._scoring._rollup import cap_bonus, grade_for, roll_up
from evalrules._version import __version__
from evalrules.errors import FactsError, FactsProblem, RuleEvaluationError

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric, _CompiledRule


def evaluate(
    compiled: CompiledRubric,
    facts: FactsDocument | Mapping[str, Any],
    *,
    entity: Entity | None = None,
    claimed: Mapping[str, Any] | None = None,
    partial: bool = False,
) -> Scorecard:
    """Evaluate one facts document; see :meth:`CompiledRubric.evaluate`."""
    doc = facts if isinstance(facts, FactsDocument) else FactsDocument(facts=facts)
    source = doc.source
    entity = entity or doc.entity or Entity("", "")
    claims = {str(k): v for k, v in (doc.claimed if claimed is None else claimed).items()}
    problems: list[FactsProblem] = []
    try:
        flat = compiled.validate(doc.facts, partial=partial, source=source)
    except FactsError as exc:
        problems.extend(exc.problems)
        flat = {}
    problems.extend(_claim_problems(compiled, claims))
    if problems:
        raise FactsError(sorted(problems, key=lambda p: (p.path, p.code)), source=source)
    derived, derived_problems = compute_derived(
        compiled.rubric.derived, flat, compiled.rubric.data_year or compiled.rubric.year - 1
    )
    if derived_problems:
        raise FactsError(sorted(derived_problems, key=lambda p: (p.path, p.code)), source=source)
    return _score(compiled, flat, derived, entity, claims, partial, source)


def _claim_problems(compiled: CompiledRubric, claims: Mapping[str, Any]) -> Iterable[FactsProblem]:
    for code, value in claims.items():
        path = "claimed.total" if code == "total" else f"claimed.indicators.{code}"
        if code != "total" and code not in compiled._codes:
            yield FactsProblem(
                path,
                "unknown-code",
                f"评价方案中没有指标 {code}",
                f"the rubric has no indicator {code}",
                code,
            )
            continue
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            yield FactsProblem(
                path, "wrong-type", "自评分应为数字", "a claimed score must be a number", value
            )
            continue
        limit = compiled._maxes.get(code)
        if limit is not None and value > limit:
            yield FactsProblem(
                path,
                "over-max",
                f"自评分{value}超过该指标满分{limit}",
                f"claimed {value} exceeds the indicator's max {limit}",
                value,
            )


def _score(
    compiled: CompiledRubric,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    entity: Entity,
    claims: Mapping[str, Decimal],
    partial: bool,
    source: str | None,
) -> Scorecard:
    rubric = compiled.rubric
    ran: dict[tuple[str, str], None] = {}
    results: dict[str, NodeResult] = {}
    findings: list[Finding] = []
    missing_problems: list[FactsProblem] = []
    excluded = ZERO
    bonus_findings: list[Finding] = []
    for item, first, rest in compiled._items:
        outcome = ItemOutcome()
        not_applicable = False
        for compiled_rule in first:
            effects = _run(compiled, compiled_rule, flat, derived, outcome)
            if any(e.kind == "not_applicable" for e in effects):
                not_applicable = True
                break
        if not not_applicable and not outcome.missing:
            for compiled_rule in rest:
                _run(compiled, compiled_rule, flat, derived, outcome)
        for rule, effects, _ in outcome.runs:
            for effect in effects:
                ran[(rule.code, effect.outcome)] = None
        if outcome.missing and not partial:
            for path in outcome.missing:
                desc = compiled.label(path)
                missing_problems.append(
                    FactsProblem(
                        path,
                        "missing",
                        f"缺少数据“{desc.zh}”(指标 {item.code} 需要)",
                        f"fact “{desc.en or desc.zh}” is missing (needed by indicator {item.code})",
                    )
                )
            continue
        node, item_findings, is_excluded = score_item(compiled, item, outcome)
        if is_excluded:
            excluded += item.max
        results[item.code] = node
        if item.code in compiled.bonus_codes:
            bonus_findings.extend(item_findings)
        else:
            findings.extend(item_findings)
    if missing_problems:
        unique = {(p.path, p.message_en): p for p in missing_problems}
        raise FactsError(sorted(unique.values(), key=lambda p: p.path), source=source)

    tops = tuple(roll_up(top, results) for top in rubric.indicators)
    raw_bonus = tuple(results[b.code] for b in rubric.bonus)
    bonus_nodes, bonus_total, bonus_findings = cap_bonus(compiled, raw_bonus, bonus_findings)
    findings.extend(bonus_findings)
    raw_total = sum((t.score for t in tops), ZERO)
    applicable = rubric.max - excluded
    if excluded and applicable > 0:
        base_total = quantize(
            raw_total * rubric.max / applicable, rubric.precision, rubric.rounding
        )
    elif excluded:
        base_total = ZERO
    else:
        base_total = raw_total
    total = base_total + bonus_total
    vetoes = tuple(f for f in findings if f.kind == "veto")
    grade = grade_for(total, rubric.grades, vetoes)
    complete = not any(n.status == "not_assessable" for n in results.values())
    comparisons = None
    if claims:
        tops = tuple(with_claims(t, claims) for t in tops)
        bonus_nodes = tuple(with_claims(b, claims) for b in bonus_nodes)
        comparisons = compare_claims(rubric, (*tops, *bonus_nodes), findings, claims, total)
    card = Scorecard(
        rubric=compiled.info,
        entity=entity,
        total=total,
        max=rubric.max,
        bonus=bonus_total,
        grade=grade,
        vetoes=vetoes,
        complete=complete,
        indicators=tops,
        findings=tuple(findings),
        bonus_items=bonus_nodes,
        claimed=comparisons,
        evalrules_version=__version__,
        base_total=base_total,
        outcomes=tuple(ran),
    )
    if compiled._modify is not None:
        card = compiled._modify(card, rubric)
    return card


def _run(
    compiled: CompiledRubric,
    compiled_rule: _CompiledRule,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    outcome: ItemOutcome,
) -> list[Any]:
    rule, item = compiled_rule.rule, compiled_rule.item
    ctx = RuleContext(
        rule=rule,
        item=item,
        rubric=compiled.rubric,
        facts=flat,
        derived=derived,
        kind=compiled_rule.kind,
    )
    try:
        compiled_rule.kind.evaluate(ctx)
    except MissingFact as missing:
        outcome.missing.append(missing.path)
        outcome.missing_rule = outcome.missing_rule or rule
        return []
    except Exception as exc:
        raise RuleEvaluationError(
            plugin=compiled_rule.origin,
            rubric=compiled.rubric.ref,
            indicator=item.code,
            rule=rule.code,
            kind=rule.kind,
            error=exc,
        ) from exc
    evidence = Evidence(ctx.evidence_facts, ctx.evidence_derived)
    outcome.runs.append((rule, ctx.effects, evidence))

    return ctx.effects
