"""Evaluating one facts document with a compiled rubric into a scorecard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from evalrules._facts._derived import derive
from evalrules._facts._document import FactsDocument
from evalrules._facts._validator import ordered, touches
from evalrules._limits import LIMIT_CODES
from evalrules._points import ZERO, quantize
from evalrules._rubric._model import Indicator, Rule
from evalrules._rules._context import RuleContext
from evalrules._rules._kind import (
    CohortStatistics,
    Effect,
    Explained,
    MissingFact,
    NotComputed,
    Score,
)
from evalrules._scorecard._model import (
    Entity,
    Evidence,
    Finding,
    Grade,
    NodeResult,
    Scorecard,
    Verdict,
)
from evalrules._scoring._claims import compare_claims, with_claims
from evalrules._scoring._explain import detail
from evalrules._scoring._items import NOT_COMPUTED, ItemOutcome, _finding, score_item
from evalrules._scoring._rollup import cap_bonus, grade_for, roll_up_tree, verdict_for
from evalrules._scoring._shared import outcomes as shared_outcomes
from evalrules._version import __version__
from evalrules.errors import FactsError, FactsProblem, RuleEvaluationError

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric, CompiledRule, EvaluationPlan

#: The envelope of bare facts (a mapping, not a document): no entity, claims or problems.
_BARE = FactsDocument(facts={})

#: The evidence of every rule run when nothing is explained.
_NO_EVIDENCE = Evidence()


def evaluate(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    facts: FactsDocument | Mapping[str, Any],
    *,
    entity: Entity | None = None,
    claimed: Mapping[str, Any] | None = None,
    partial: bool = False,
    explain: bool = True,
    cohort: CohortStatistics | None = None,
) -> Scorecard:
    """Evaluate one facts document; see :meth:`CompiledRubric.evaluate`.

    A document is refused once, with every problem: the envelope's (read with the
    document), the claimed scores', each fact's type and range, unknown keys, conditional
    requirements and cross checks (on the facts that validated), derived facts that cannot
    be computed (from what validated), and the facts the rules need that are missing. The
    last are found by the same rule pass that scores the document, run over the facts that
    validated: what a rule reads is known only to the rule.
    """
    nested: Mapping[str, Any]
    if isinstance(facts, FactsDocument):
        doc, nested = facts, facts.facts
    elif isinstance(facts, Mapping):
        # Bare facts are only read: validating them needs no frozen copy of the document.
        doc, nested = _BARE, facts
    else:  # not a mapping: the document refuses it as before
        doc = FactsDocument(facts=facts)  # type: ignore[unreachable]
        nested = doc.facts
    source = doc.source
    entity = entity or doc.entity or Entity("", "")
    claims = {str(k): v for k, v in (doc.claimed if claimed is None else claimed).items()}
    problems: list[FactsProblem] = list(doc.problems)
    problems.extend(_claim_problems(plan, claims))
    facts_readable = doc.facts_readable
    if facts_readable:
        flat, fact_problems = compiled._validator.check(nested, partial=partial)
        # A value its file could not give (a cell of text in a number column) is reported
        # there; that the value is then missing says nothing more.
        unread = {p.path for p in doc.problems}
        if not doc.holds_tables:
            refused = _tables_refused(compiled)
            problems.extend(refused)
            unread |= {p.path for p in refused}
        problems.extend(p for p in fact_problems if not (p.code == "missing" and p.path in unread))
        if any(p.code in LIMIT_CODES for p in fact_problems):
            # Beyond a limit, nothing else in the facts was read.
            raise FactsError(ordered(problems), source=source)
    else:
        flat = {}
    derived, not_computed, derived_problems = derive(
        compiled.rubric.derived,
        flat,
        compiled.rubric.data_year or compiled.rubric.year - 1,
        compiled._validator.aggregations,
        compiled._plan.labels,
    )
    problems.extend(derived_problems)
    if facts_readable:
        declared = {f.path for f in compiled.rubric.facts}
        problems.extend(
            FactsProblem(
                f"assumed.{path}",
                "unknown",
                "不是本评价方案的数据",
                "is not a fact of this rubric",
            )
            for path in doc.assumed
            if path not in declared
        )
    if problems and (partial or not facts_readable):
        # Partial mode turns missing facts into not-assessable items, never into problems;
        # unreadable facts have nothing more to tell.
        raise FactsError(ordered(problems), source=source)
    if not explain and not problems and plan.scores is not None and not not_computed:
        # (a value not computed for want of rows makes items not applicable: the general
        # path says so)
        fast = _scores_fast(compiled, plan, flat, derived, entity)
        if fast is not None:
            return attrs.evolve(fast, assumed=tuple(doc.assumed.items())) if doc.assumed else fast
    if explain and not problems and plan.explained is not None and not not_computed:
        card = _explained_fast(
            compiled, plan, flat, derived, entity, claims, doc.assumed, _Among(entity.id, cohort)
        )
        if card is not None:
            return card
    try:
        among = _Among(entity.id, cohort, not_computed)
        if explain:
            outcomes = _run_items(
                compiled, plan, flat, derived, True, frozenset(doc.assumed), among
            )
        else:
            outcomes = _run_scores(compiled, plan, flat, derived, among)
    except RuleEvaluationError:
        if problems:
            # A rule that fails on facts the document gets wrong is not the rule's fault.
            raise FactsError(ordered(problems), source=source) from None
        raise
    if not partial:
        uncomputed = {d.path for d in compiled.rubric.derived if d.path not in derived}
        problems.extend(_missing_problems(compiled, outcomes, problems, uncomputed))
    if problems:
        raise FactsError(ordered(problems), source=source)
    if not explain:
        card = _score_only(compiled, plan, outcomes, entity)
    else:
        card = _score(compiled, plan, outcomes, entity, claims, explain)
        if plan.over_rows and (derived or not_computed):
            aggregates = tuple(
                dv
                for path in plan.over_rows
                if (dv := derived.get(path) or not_computed.get(path)) is not None
            )
            if aggregates:
                card = attrs.evolve(card, aggregates=aggregates)
    if doc.assumed:
        card = attrs.evolve(card, assumed=tuple(doc.assumed.items()))
    return card


class _Among:
    """The entity evaluated and the cohort it is evaluated among (``None``: alone), and the
    derived values of its document not computed for want of rows."""

    __slots__ = ("cohort", "entity", "not_computed")

    def __init__(
        self,
        entity: str,
        cohort: CohortStatistics | None,
        not_computed: Mapping[str, Any] | None = None,
    ) -> None:
        self.entity = entity
        self.cohort = cohort
        self.not_computed = not_computed or {}


def _claim_problems(plan: EvaluationPlan, claims: Mapping[str, Any]) -> Iterable[FactsProblem]:
    for code, value in claims.items():
        path = "claimed.total" if code == "total" else f"claimed.indicators.{code}"
        limit = plan.claim_limits.get(code)
        if limit is None:
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
        if value > limit:
            if code == "total":
                zh = f"自评总分{value}超过可能的最高分{limit}(满分加可得加分)"
                en = f"claimed total {value} exceeds the highest possible {limit} (max plus bonus)"
            else:
                zh = f"自评分{value}超过该指标满分{limit}"
                en = f"claimed {value} exceeds the indicator's max {limit}"
            yield FactsProblem(path, "over-max", zh, en, value)


def _run_items(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    explain: bool = True,
    assumed: frozenset[str] = frozenset(),
    among: _Among | None = None,
) -> list[tuple[Indicator, ItemOutcome]]:
    """Run every item's rules: applicability rules first; the others unless the item is not
    applicable or a fact the applicability rules read is missing."""
    values = _values(flat, derived)
    outcomes = []
    for item, first, rest in plan.items:
        outcome = ItemOutcome()
        not_applicable = False
        for compiled_rule in first:
            effects = _run_outcome_only(compiled_rule, values, outcome)
            if effects is None:
                effects = _run(
                    compiled, compiled_rule, flat, derived, outcome, explain, assumed, among
                )
            if outcome.not_computed is not None or any(
                e.action == "not_applicable" for e in effects
            ):
                not_applicable = True
                break
        if not not_applicable and not outcome.missing:
            for compiled_rule in rest:
                if _run_outcome_only(compiled_rule, values, outcome) is None:
                    _run(compiled, compiled_rule, flat, derived, outcome, explain, assumed, among)
                    if outcome.not_computed is not None:
                        break  # not applicable: the item needs nothing more
        outcomes.append((item, outcome))
    return outcomes


def _values(flat: Mapping[str, Any], derived: Mapping[str, Any]) -> dict[str, Any]:
    """Every fact and derived value present, by path: what compiled scorers read."""
    values = dict(flat)
    for path, dv in derived.items():
        values[path] = dv.value
    return values


#: The effect of ``ctx.outcome(name)``, by name (an outcome changes no points).
_OUTCOMES: dict[str, Effect] = {}


def _run_outcome_only(
    compiled_rule: CompiledRule, values: Mapping[str, Any], outcome: ItemOutcome
) -> list[Effect] | None:
    """A rule whose compiled scorer reports outcomes only (the standard is met: no points
    change, nothing to explain), recorded without running its kind's ``evaluate``; ``None``
    for any other rule, which ``_run`` then runs."""
    score = compiled_rule.score
    if score is None:
        return None
    try:
        scores = score(values)
    except Exception:  # the rule's evaluate says what is wrong
        return None
    effects = []
    for action, _, name, _ in scores:
        if action != "outcome":
            return None
        effect = _OUTCOMES.get(name)
        if effect is None:
            effect = _OUTCOMES.setdefault(name, Effect("outcome", ZERO, "", {}, name))
        effects.append(effect)
    outcome.runs.append((compiled_rule.rule, effects, _NO_EVIDENCE))
    return effects


def _tables_refused(compiled: CompiledRubric) -> list[FactsProblem]:
    """A problem for each table fact of the rubric, for a document whose format cannot give
    tables (a ``path,value`` CSV file)."""
    return [
        FactsProblem(
            spec.path,
            "table-in-csv",
            f"“{spec.description.zh}”是表格数据(每行一个单位),不能用 CSV 文件提供:请改用 "
            f"YAML 或 JSON 事实数据文件,或 Excel 填报表(evalrules template "
            f"{compiled.rubric.ref} --format xlsx -o 填报表.xlsx)",
            f"“{spec.description.en or spec.description.zh}” is a table (one row per unit) and "
            "cannot be given in a CSV file: use a YAML or JSON facts file, or the Excel "
            f"workbook (evalrules template {compiled.rubric.ref} --format xlsx -o form.xlsx)",
        )
        for spec in compiled.rubric.facts
        if spec.table is not None
    ]


def _missing_problems(
    compiled: CompiledRubric,
    outcomes: Iterable[tuple[Indicator, ItemOutcome]],
    known: Iterable[FactsProblem],
    uncomputed: Iterable[str],
) -> Iterable[FactsProblem]:
    """The facts the rules found missing, one problem per fact, except those a problem
    already names: a fact refused for its type is absent to the rules, and a derived fact
    whose inputs are all present is uncomputed only because of a problem of its own."""
    named = frozenset(p.path for p in known) | frozenset(uncomputed)
    seen: set[str] = set()
    for item, outcome in outcomes:
        for path in outcome.missing:
            if path in seen or touches(path, named):
                continue
            seen.add(path)
            desc = compiled.label(path)
            yield FactsProblem(
                path,
                "missing",
                f"缺少数据“{desc.zh}”(指标 {item.code} 需要)",
                f"fact “{desc.en or desc.zh}” is missing (needed by indicator {item.code})",
            )


def _score(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    outcomes: Iterable[tuple[Indicator, ItemOutcome]],
    entity: Entity,
    claims: Mapping[str, Decimal],
    explain: bool = True,
) -> Scorecard:
    ran: dict[tuple[str, str], None] = {}
    results: dict[str, NodeResult] = {}
    findings: list[Finding] = []
    excluded = ZERO
    bonus_findings: list[Finding] = []
    for item, outcome in outcomes:
        for rule, effects, _ in outcome.runs:
            for effect in effects:
                ran[(rule.code, effect.outcome)] = None
        node, item_findings, is_excluded = score_item(compiled, item, outcome, explain=explain)
        if is_excluded:
            excluded += item.max
        results[item.code] = node
        if item.code in compiled.bonus_codes:
            bonus_findings.extend(item_findings)
        else:
            findings.extend(item_findings)

    return _card(
        compiled, plan, ran, results, findings, bonus_findings, excluded, entity, claims, explain
    )


class _Summary(NamedTuple):
    """What a scorecard makes of its items' results and findings, whatever it evaluated
    and whatever was claimed: the rolled-up tree, bonus, totals, vetoes, grade and
    verdict."""

    indicators: tuple[NodeResult, ...]
    bonus_items: tuple[NodeResult, ...]
    bonus: Decimal
    findings: tuple[Finding, ...]
    vetoes: tuple[Finding, ...]
    total: Decimal
    base_total: Decimal
    grade: Grade
    complete: bool
    verdict: Verdict | None
    outcomes: tuple[tuple[str, str], ...]


def _card(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    ran: dict[tuple[str, str], None],
    results: dict[str, NodeResult],
    findings: list[Finding],
    bonus_findings: list[Finding],
    excluded: Decimal,
    entity: Entity,
    claims: Mapping[str, Decimal],
    explain: bool,
) -> Scorecard:
    """The scorecard from the items' results and findings: the tree, bonus cap, totals,
    vetoes and grade, claimed scores, and the scorecard hook."""
    summary = _summary(compiled, ran, results, findings, bonus_findings, excluded, explain)
    return _finish(compiled, plan, summary, entity, claims, explain)


def _summary(
    compiled: CompiledRubric,
    ran: dict[tuple[str, str], None],
    results: dict[str, NodeResult],
    findings: list[Finding],
    bonus_findings: list[Finding],
    excluded: Decimal,
    explain: bool,
    outcomes_shared: bool = False,
) -> _Summary:
    """The tree, bonus cap, totals, vetoes, grade and verdict from the items' results and
    findings (``outcomes_shared``: the pairs of ``ran`` are shared already)."""
    rubric = compiled.rubric
    tops = roll_up_tree(rubric.indicators, results)
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
    verdict = None
    if rubric.verdict is not None:
        nodes = (*tops, *bonus_nodes)
        verdict = verdict_for(rubric.verdict, nodes, findings, vetoes, rubric.precision)
    if not explain:
        findings = []  # the vetoes stay, as vetoes
    return _Summary(
        indicators=tops,
        bonus_items=bonus_nodes,
        bonus=bonus_total,
        findings=tuple(findings),
        vetoes=vetoes,
        total=total,
        base_total=base_total,
        grade=grade,
        complete=complete,
        verdict=verdict,
        outcomes=tuple(ran) if outcomes_shared else shared_outcomes(tuple(ran)),
    )


def _finish(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    summary: _Summary,
    entity: Entity,
    claims: Mapping[str, Decimal],
    explain: bool,
) -> Scorecard:
    """The scorecard of ``summary`` for ``entity``: the claimed scores compared, then the
    scorecard hook."""
    tops, bonus_nodes, comparisons = summary.indicators, summary.bonus_items, None
    if explain and claims:
        tops = tuple(with_claims(t, claims) for t in tops)
        bonus_nodes = tuple(with_claims(b, claims) for b in bonus_nodes)
        comparisons = compare_claims((*tops, *bonus_nodes), summary.findings, claims, summary.total)
    rubric = compiled.rubric
    card = Scorecard(
        rubric=compiled.info,
        entity=entity,
        total=summary.total,
        max=rubric.max,
        bonus=summary.bonus,
        grade=summary.grade,
        vetoes=summary.vetoes,
        complete=summary.complete,
        indicators=tops,
        findings=summary.findings,
        bonus_items=bonus_nodes,
        claimed=comparisons,
        evalrules_version=__version__,
        base_total=summary.base_total,
        outcomes=summary.outcomes,
        verdict=summary.verdict,
    )
    if plan.modify is not None:
        card = plan.modify(card, rubric)
    return card


def _run(
    compiled: CompiledRubric,
    compiled_rule: CompiledRule,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    outcome: ItemOutcome,
    explain: bool = True,
    assumed: frozenset[str] = frozenset(),
    among: _Among | None = None,
) -> list[Any]:
    rule, item = compiled_rule.rule, compiled_rule.item
    ctx = RuleContext(
        rule=rule,
        item=item,
        rubric=compiled.rubric,
        facts=flat,
        derived=derived,
        kind=compiled_rule.kind,
        fact_types=compiled._validator.types,
        assumed=assumed,
        entity="" if among is None else among.entity,
        cohort=None if among is None else among.cohort,
        not_computed=None if among is None else among.not_computed,
    )
    try:
        compiled_rule.kind.evaluate(ctx)
    except MissingFact as missing:
        outcome.missing.append(missing.path)
        outcome.missing_rule = outcome.missing_rule or rule
        return []
    except NotComputed as uncomputed:
        if outcome.not_computed is None:
            effect = Effect(
                "not_applicable",
                ZERO,
                NOT_COMPUTED,
                {"fact": uncomputed.path, "reason": uncomputed.why},
                "not_computed",
            )
            evidence = Evidence(ctx.evidence_facts, ctx.evidence_derived)
            outcome.not_computed = (rule, effect, evidence)
        return []
    except (Exception, SystemExit) as exc:
        raise RuleEvaluationError(
            plugin=compiled_rule.origin,
            rubric=compiled.rubric.ref,
            indicator=item.code,
            rule=rule.code,
            kind=rule.kind,
            error=exc,
        ) from exc
    if explain or any(e.action == "veto" for e in ctx.effects):  # a veto is always explained
        evidence = Evidence(ctx.evidence_facts, ctx.evidence_derived)
    else:
        evidence = _NO_EVIDENCE
    outcome.runs.append((rule, ctx.effects, evidence))
    if outcome.unassessable is None:
        for effect in ctx.effects:
            if effect.action == "not_assessable":
                outcome.unassessable = (rule, effect)
                break

    return ctx.effects


def _explained_fast(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    entity: Entity,
    claims: Mapping[str, Decimal],
    assumed: Mapping[str, Any],
    among: _Among,
) -> Scorecard | None:
    """The explained scorecard from the plan's explain program
    (:mod:`evalrules._scoring._explain`), or ``None`` when the general path must run."""
    assert plan.explained is not None
    paths = frozenset(assumed)

    def general(compiled_rule: CompiledRule) -> tuple[Explained, ...] | None:
        # A rule without an explainer, as _run_items runs it; the general path takes any
        # document where it finds a fact missing, raises or is not assessable.
        outcome = ItemOutcome()
        try:
            effects = _run(compiled, compiled_rule, flat, derived, outcome, True, paths, among)
        except RuleEvaluationError:
            return None
        if outcome.missing or outcome.unassessable is not None or not outcome.runs:
            return None
        rule, evidence = compiled_rule.rule, outcome.runs[-1][2]
        return tuple(
            [
                (e.action, e.points, e.outcome, e.effect, None)
                if e.action == "outcome"
                else (e.action, e.points, e.outcome, e.effect, detail(compiled, rule, e, evidence))
                for e in effects
            ]
        )

    program = plan.explained
    explained = program.run(_values(flat, derived), derived, paths, general)
    if explained is None:
        return None
    items, found_all = explained
    summary = program.summary(items) if found_all else None
    if summary is None:  # rolled up anew; kept once every item was found again
        ran, results, excluded, findings, bonus_findings = program.explanations(items)
        summary = _summary(compiled, ran, results, findings, bonus_findings, excluded, True, True)
        if found_all:
            program.keep_summary(items, summary)
    card = _finish(compiled, plan, summary, entity, claims, True)
    if plan.over_rows and derived:
        aggregates = tuple(dv for path in plan.over_rows if (dv := derived.get(path)) is not None)
        if aggregates:
            card = attrs.evolve(card, aggregates=aggregates)
    if assumed:
        card = attrs.evolve(card, assumed=tuple(assumed.items()))
    return card


# --------------------------------------------------------------------------- scores only


def _scores_fast(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    entity: Entity,
) -> Scorecard | None:
    """The scorecard from the plan's scores program (:mod:`evalrules._scoring._fast`), or
    ``None`` when the general scores-only path must run."""
    assert plan.scores is not None
    values = _values(flat, derived)

    def veto(compiled_rule: CompiledRule) -> tuple[tuple[Score, ...], list[Finding]] | None:
        # As _run_score and _score_only do: the rule through its kind's evaluate, its
        # effects as scores and a finding for each veto.
        outcome = ItemOutcome()
        effects = _run(compiled, compiled_rule, flat, derived, outcome, explain=False)
        if outcome.missing or not effects:
            return None
        rule, item, evidence = compiled_rule.rule, compiled_rule.item, outcome.runs[-1][2]
        found = [
            _finding(compiled, item, rule, e, "veto", ZERO, evidence)
            for e in effects
            if e.action == "veto"
        ]
        return tuple((e.action, e.points, e.outcome, e.effect) for e in effects), found

    scored = plan.scores.run(values, veto)
    if scored is None:
        return None
    ran, results, excluded, vetoed = scored
    findings: list[Finding] = []
    bonus_findings: list[Finding] = []
    for compiled_rule, found in vetoed:
        if compiled_rule.item.code in compiled.bonus_codes:
            bonus_findings.extend(found)
        else:
            findings.extend(found)
    return _card(
        compiled, plan, ran, results, findings, bonus_findings, excluded, entity, {}, False
    )


def _run_scores(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    among: _Among | None = None,
) -> list[tuple[Indicator, ItemOutcome]]:
    """:func:`_run_items` for an evaluation without explanations."""
    values = dict(flat)
    for path, dv in derived.items():
        values[path] = dv.value
    outcomes = []
    for item, first, rest in plan.items:
        outcome = ItemOutcome()
        not_applicable = False
        for compiled_rule in first:
            scores = _run_score(compiled, compiled_rule, flat, derived, values, outcome, among)
            if outcome.not_computed is not None or any(s[0] == "not_applicable" for s in scores):
                not_applicable = True
                break
        if not not_applicable and not outcome.missing:
            for compiled_rule in rest:
                _run_score(compiled, compiled_rule, flat, derived, values, outcome, among)
                if outcome.not_computed is not None:
                    break  # not applicable: the item needs nothing more
        outcomes.append((item, outcome))
    return outcomes


def _run_score(
    compiled: CompiledRubric,
    compiled_rule: CompiledRule,
    flat: Mapping[str, Any],
    derived: Mapping[str, Any],
    values: Mapping[str, Any],
    outcome: ItemOutcome,
    among: _Among | None = None,
) -> tuple[Score, ...]:
    score = compiled_rule.score
    if score is not None:
        try:
            scores = score(values)
        except Exception:  # the rule's evaluate says what is wrong
            scores = None
        if scores is not None:
            for s in scores:
                if s[0] == "veto":
                    break
            else:
                outcome.runs.append((compiled_rule.rule, scores, None))  # type: ignore[arg-type]
                return scores
    effects = _run(compiled, compiled_rule, flat, derived, outcome, False, frozenset(), among)
    scores = tuple((e.action, e.points, e.outcome, e.effect) for e in effects)
    if effects:  # the run was recorded: keep its effects and evidence for a veto's finding
        rule, _, evidence = outcome.runs[-1]
        outcome.runs[-1] = (rule, scores, (effects, evidence))  # type: ignore[assignment]
    return scores


def _score_only(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    outcomes: Iterable[tuple[Indicator, ItemOutcome]],
    entity: Entity,
) -> Scorecard:
    """:func:`_score` for an evaluation without explanations: the same scores, from the
    runs' ``(action, points, outcome, effect)``; the only findings made are vetoes."""
    rubric = compiled.rubric
    precision, rounding, default_policy = rubric.precision, rubric.rounding, rubric.not_applicable
    bonus_codes = compiled.bonus_codes
    ran: dict[tuple[str, str], None] = {}
    results: dict[str, NodeResult] = {}
    findings: list[Finding] = []
    bonus_findings: list[Finding] = []
    excluded = ZERO
    for item, outcome in outcomes:
        runs: list[tuple[Rule, tuple[Score, ...], Any]] = outcome.runs  # type: ignore[assignment]
        for rule, scores, _ in runs:
            code = rule.code
            for s in scores:
                ran[(code, s[2])] = None
        if outcome.missing or outcome.unassessable is not None:
            results[item.code] = NodeResult(item.code, item.title, item.max, ZERO, "not_assessable")
            continue
        vetoes: list[Finding] = []
        node = None
        if outcome.not_computed is not None:
            policy = item.not_applicable or default_policy
            if policy == "exclude":
                excluded += item.max
            score = item.max if policy == "full" else ZERO
            results[item.code] = NodeResult(
                item.code, item.title, item.max, score, "not_applicable"
            )
            continue
        for rule, scores, general in runs:
            for index, (action, _, _, effect) in enumerate(scores):
                if action == "not_applicable":
                    policy = effect or item.not_applicable or default_policy
                    if policy == "exclude":
                        excluded += item.max
                    score = item.max if policy == "full" else ZERO
                    node = NodeResult(item.code, item.title, item.max, score, "not_applicable")
                    break
                if action == "veto":
                    effects, evidence = general
                    veto = effects[index]
                    vetoes.append(_finding(compiled, item, rule, veto, "veto", ZERO, evidence))
            if node is not None:
                break
        if node is not None:
            results[item.code] = node
            continue
        if item.code in bonus_codes:
            nominal = ZERO
            for _, scores, _ in runs:
                for action, points, _, _ in scores:
                    if action == "bonus":
                        nominal += max(points, ZERO)
            score = quantize(min(nominal, item.max), precision, rounding)
            bonus_findings.extend(vetoes)
        else:
            nominal = ZERO
            zero_out = False
            for _, scores, _ in runs:
                for action, points, _, _ in scores:
                    if action == "deduction" or action == "manual":
                        nominal += points
                    elif action == "zero_out":
                        zero_out = True
            if zero_out:
                score = ZERO
            else:
                score = quantize(min(max(item.max - nominal, ZERO), item.max), precision, rounding)
            findings.extend(vetoes)
        results[item.code] = NodeResult(item.code, item.title, item.max, score, "scored")
    return _card(
        compiled, plan, ran, results, findings, bonus_findings, excluded, entity, {}, False
    )
