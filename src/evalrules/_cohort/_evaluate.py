"""Evaluating many documents as one cohort: statistics first, then each entity's points.

Pass one reads what cohort-relative rules need of the others: each document's facts are
validated and, for every rule whose kind ranks a fact (``RuleKind.ranks``), the entity's value
of that fact is kept (:class:`CohortStatistics`). Pass two evaluates every document with those
statistics through ``CompiledRubric.evaluate_many``, on an executor when given. A document
refused in pass two (a fact a rule needs is missing, say) takes no place: when it had one,
the statistics are collected again without it and the others evaluated again, so that a
refused district never counts among those ranked. A rubric without cohort-relative rules
takes pass two only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from evalrules._cohort._model import (
    Cohort,
    CohortMember,
    CohortRefusal,
    IndicatorStatistics,
)
from evalrules._facts._derived import compute_derived
from evalrules._facts._document import FactsDocument
from evalrules._points import ZERO, context, quantize, to_decimal
from evalrules._rules._kind import CohortStatistics
from evalrules._scorecard._model import Entity, NodeResult, Scorecard
from evalrules.errors import FactsError, FactsProblem

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from evalrules._compiler._compiled import CompiledRubric

#: ``progress(done, total)``: called as each document's result arrives.
Progress = Callable[[int, int], None]


def _entity(document: FactsDocument | Mapping[str, Any]) -> Entity | None:
    return document.entity if isinstance(document, FactsDocument) else None


def _unnamed(label: str) -> FactsError:
    return FactsError(
        [
            FactsProblem(
                "entity.id",
                "missing",
                "未注明被评价县区的行政区划代码(entity.id),无法参加排序",
                "names no entity (entity.id, its administrative code): it cannot be ranked",
            )
        ],
        source=label,
    )


def _duplicate(label: str, entity: Entity, first: str) -> FactsError:
    return FactsError(
        [
            FactsProblem(
                "entity.id",
                "duplicate",
                f"{entity.id}的事实数据已由{first}提供,同一县区只能参加一次排序",
                f"the facts of {entity.id} were already given by {first}; an entity is ranked once",
                value=entity.id,
            )
        ],
        source=label,
    )


def ranked_rules(compiled: CompiledRubric) -> dict[str, str]:
    """Rule code → the fact it ranks, for every cohort-relative rule of the rubric."""
    out = {}
    for _, rule in compiled.rubric.rules():
        ranks = compiled.kind(rule).ranks
        if ranks is not None:
            out[rule.code] = ranks(rule.params)
    return out


def _values(
    compiled: CompiledRubric, document: FactsDocument | Mapping[str, Any], paths: set[str]
) -> dict[str, Decimal] | None:
    """The document's values of ``paths`` (those present and numeric); ``None`` when the
    document will be refused whatever the others' values (its envelope or its facts)."""
    if isinstance(document, FactsDocument):
        mismatch = document.rubric_problem(
            compiled.rubric.ref,
            compiled.rubric.version,
            compiled.digest,
            extends=compiled.rubric.extends,
        )
        if mismatch is not None or document.problems or not document.facts_readable:
            return None
        nested: Mapping[str, Any] = document.facts
    else:
        nested = document
    flat, problems = compiled._validator.check(nested, partial=True)
    if problems:
        return None
    rubric = compiled.rubric
    derived, derived_problems = compute_derived(
        rubric.derived, flat, rubric.data_year or rubric.year - 1
    )
    if derived_problems:
        return None
    out = {}
    for path in paths:
        value = derived[path].value if path in derived else flat.get(path)
        if value is None or isinstance(value, bool):
            continue
        try:
            out[path] = to_decimal(value)
        except (TypeError, ArithmeticError):
            continue
    return out


def _statistics(
    rules: Mapping[str, str], values: Mapping[str, Mapping[str, Decimal]]
) -> CohortStatistics:
    """Rule code → ``(entity id, value)`` of every entity that has the fact."""
    by_rule: dict[str, tuple[tuple[str, Decimal], ...]] = {}
    for code, path in rules.items():
        by_rule[code] = tuple(
            sorted((eid, got[path]) for eid, got in values.items() if path in got)
        )
    return CohortStatistics(by_rule)


def competition_ranks(totals: Iterable[Decimal]) -> list[int]:
    """Standard competition ranks (1, 2, 2, 4) of totals already sorted highest first."""
    ranks: list[int] = []
    previous: Decimal | None = None
    for index, total in enumerate(totals):
        if previous is not None and total == previous:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
        previous = total
    return ranks


def _nodes(card: Scorecard) -> list[NodeResult]:
    return [node for top in (*card.indicators, *card.bonus_items) for node in top.walk()]


def indicator_statistics(
    members: tuple[CohortMember, ...], precision: Decimal
) -> tuple[IndicatorStatistics, ...]:
    """Per node of the rubric tree: min, mean, max and every member's score.

    Only members whose node was scored count (a not-applicable or not-assessable node is
    left out of ``scores`` and of the figures); a node no member scored has 0 for all three.
    The mean is exact, then rounded half up to a multiple of the rubric's ``precision`` (a
    mean of 7.25 is 7.3 at 0.1, 7.5 at 0.5).
    """
    if not members:
        return ()
    per_member = [(m.card.entity.id, {n.code: n for n in _nodes(m.card)}) for m in members]
    out = []
    ctx = context()
    for node in _nodes(members[0].card):
        scores = tuple(
            (eid, nodes[node.code].score)
            for eid, nodes in per_member
            if node.code in nodes and nodes[node.code].status == "scored"
        )
        points = [s for _, s in scores]
        if points:
            total = sum(points, ZERO)
            mean = quantize(ctx.divide(total, Decimal(len(points))), precision, "ROUND_HALF_UP")
            low, high = min(points), max(points)
        else:
            low = mean = high = ZERO
        out.append(
            IndicatorStatistics(
                code=node.code,
                title=node.title,
                max=node.max,
                minimum=low,
                mean=mean,
                maximum=high,
                scores=scores,
            )
        )
    return tuple(out)


def evaluate_cohort(
    compiled: CompiledRubric,
    documents: Iterable[FactsDocument | Mapping[str, Any]],
    *,
    executor: Executor | None = None,
    sources: Iterable[str] | None = None,
    partial: bool = False,
    progress: Progress | None = None,
) -> Cohort:
    """The cohort of ``documents`` under ``compiled``; see ``CompiledRubric.evaluate_cohort``.

    Raises:
        ValueError: if ``sources`` does not give one label per document.
    """
    docs = list(documents)
    labels = [f"#{i + 1}" for i in range(len(docs))] if sources is None else list(sources)
    if len(labels) != len(docs):
        raise ValueError(f"{len(labels)} sources for {len(docs)} documents")
    refusals: dict[int, CohortRefusal] = {}
    seen: dict[str, str] = {}
    for index, (doc, label) in enumerate(zip(docs, labels, strict=True)):
        entity = _entity(doc)
        if entity is None or not entity.id:
            refusals[index] = CohortRefusal.of(label, entity, _unnamed(label))
        elif entity.id in seen:
            refusals[index] = CohortRefusal.of(
                label, entity, _duplicate(label, entity, seen[entity.id])
            )
        else:
            seen[entity.id] = label
    rules = ranked_rules(compiled)
    stats: CohortStatistics | None = None
    values: dict[str, dict[str, Decimal]] = {}
    if rules:
        paths = set(rules.values())
        for index, doc in enumerate(docs):
            if index in refusals:
                continue
            got = _values(compiled, doc, paths)
            entity = _entity(doc)
            if got is not None and entity is not None:
                values[entity.id] = got
        stats = _statistics(rules, values)
    todo = [i for i in range(len(docs)) if i not in refusals]
    cards: dict[int, Scorecard] = {}
    while True:
        results = compiled.evaluate_many(
            (docs[i] for i in todo), executor=executor, partial=partial, cohort=stats
        )
        newly_refused = False
        for done, (index, result) in enumerate(zip(todo, results, strict=True), start=1):
            if isinstance(result, FactsError):
                refusals[index] = CohortRefusal.of(labels[index], _entity(docs[index]), result)
                entity = _entity(docs[index])
                if entity is not None and values.pop(entity.id, None) is not None:
                    newly_refused = True
            else:
                cards[index] = result
            if progress is not None:
                progress(done, len(todo))
        if not newly_refused:
            break
        # A refused entity took a place: the others are placed again among themselves.
        stats = _statistics(rules, values)
        todo = [i for i in range(len(docs)) if i not in refusals]
        cards = {}
    ordered = sorted(cards.items(), key=lambda kv: (-kv[1].total, kv[1].entity.id))
    ranks = competition_ranks(card.total for _, card in ordered)
    members = tuple(
        CohortMember(labels[index], card, rank)
        for (index, card), rank in zip(ordered, ranks, strict=True)
    )
    return Cohort(
        rubric=compiled.info,
        members=members,
        refused=tuple(refusals[i] for i in sorted(refusals)),
        indicators=indicator_statistics(members, compiled.rubric.precision),
    )
