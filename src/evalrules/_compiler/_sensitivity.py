"""Sensitivity to inference: the scorecard again under each documented alternative.

An inferred rule may record documented alternatives to its parameters (the 十四五 target of
85% beside the national 80%). Each alternative is scored on the same facts with only that
rule changed, so a reader sees which conclusions rest on the inference and what they would
be otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._facts._document import FactsDocument
from evalrules._rubric._model import Indicator, Rubric, Rule
from evalrules._scorecard._model import Entity, Scorecard, SensitivityCase

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric


def with_alternative(rubric: Rubric, code: str, params: Mapping[str, Any]) -> Rubric:
    """``rubric`` with the parameters of rule ``code`` replaced by ``params``."""

    def node(ind: Indicator) -> Indicator:
        rules = tuple(attrs.evolve(r, params=params) if r.code == code else r for r in ind.rules)
        children = tuple(node(c) for c in ind.children)
        return attrs.evolve(ind, rules=rules, children=children)

    return attrs.evolve(
        rubric,
        indicators=tuple(node(i) for i in rubric.indicators),
        bonus=tuple(node(b) for b in rubric.bonus),
    )


def merged_params(rule: Rule, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's parameters with an alternative's changes merged over them."""
    return {**rule.params, **changes}


def sensitivity(
    compiled: CompiledRubric,
    facts: FactsDocument | Mapping[str, Any],
    card: Scorecard,
    *,
    partial: bool = False,
) -> Scorecard:
    """``card`` with its :attr:`~Scorecard.sensitivity` filled: one case per documented
    alternative of an inferred rule, in rubric order."""
    from evalrules._compiler._compiled import compile_like
    from evalrules._scoring._evaluate import evaluate

    rubric = compiled.rubric
    doc = facts if isinstance(facts, FactsDocument) else FactsDocument(facts=facts)
    cases = []
    for item, rule in rubric.rules():
        for alt in rule.source.alternatives:
            variant = compile_like(
                compiled, with_alternative(rubric, rule.code, merged_params(rule, alt.params))
            )
            other = evaluate(
                variant,
                variant._plan,
                doc,
                entity=card.entity or Entity("", ""),
                claimed={},
                partial=partial,
            )
            cases.append(
                SensitivityCase(
                    rule=rule.code,
                    indicator=item.code,
                    params=dict(alt.params),
                    why=alt.why,
                    document=alt.document,
                    score=card.node(item.code).score,
                    alternative_score=other.node(item.code).score,
                    total=other.total,
                    grade=other.grade,
                )
            )
    return attrs.evolve(card, sensitivity=tuple(cases))
