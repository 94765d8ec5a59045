"""A rubric compiled once, for many evaluations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from evalrules._facts._crosschecks import CrossCheckKind
from evalrules._facts._document import FactsDocument, claim_limits
from evalrules._facts._types import FactType
from evalrules._facts._validator import FactsValidator
from evalrules._rubric._digest import rubric_digest
from evalrules._rubric._model import Indicator, Rubric, Rule
from evalrules._rules._context import describe_context
from evalrules._rules._kind import RuleKind
from evalrules._rules._messages import CORE_MESSAGES
from evalrules._scorecard._model import Entity, RubricInfo, Scorecard
from evalrules._text import Text
from evalrules.errors import FactsError


@attrs.frozen
class _CompiledRule:
    item: Indicator
    rule: Rule
    kind: RuleKind
    origin: str


class CompiledRubric:
    """A rubric bound to its rule kinds and a compiled facts validator.

    Build it with :meth:`evalrules.Engine.compile`; then call :meth:`evaluate` for each
    facts document. Nothing is parsed or built per evaluation.

    Attributes:
        rubric: The rubric.
        digest: SHA-256 of its canonical content.
    """

    def __init__(
        self,
        rubric: Rubric,
        *,
        kinds: Mapping[str, tuple[RuleKind, str]],
        types: Mapping[str, FactType],
        cross_checks: Mapping[str, CrossCheckKind],
        modify: Callable[[Scorecard, Rubric], Scorecard] | None = None,
    ) -> None:
        self.rubric = rubric
        self.digest = rubric_digest(rubric)
        self._modify = modify
        self.validator = FactsValidator(rubric, types, cross_checks)
        self._items: list[tuple[Indicator, list[_CompiledRule], list[_CompiledRule]]] = []
        for node in rubric.walk():
            if not node.is_leaf:
                continue
            first = [
                _CompiledRule(node, r, *kinds[r.kind])
                for r in node.rules
                if kinds[r.kind][0].phase == "applicability"
            ]
            rest = [
                _CompiledRule(node, r, *kinds[r.kind])
                for r in node.rules
                if kinds[r.kind][0].phase != "applicability"
            ]
            self._items.append((node, first, rest))
        self._kinds = {name: k for name, (k, _) in kinds.items()}
        self.bonus_codes = frozenset(i.code for i in rubric.bonus)
        self._labels: dict[str, Text] = {s.path: s.description for s in rubric.facts}
        self._labels.update({d.path: d.description for d in rubric.derived})
        self.info = RubricInfo(
            ref=rubric.ref,
            id=rubric.family,
            year=rubric.year,
            version=rubric.version,
            digest=self.digest,
            title=rubric.title,
            precision=rubric.precision,
        )
        self._evidence_params: dict[str, tuple[tuple[str, Any], ...]] = {}
        #: The most a district may claim, by indicator code and for ``"total"``.
        self.claim_limits = claim_limits(rubric)

    def evidence_params(self, rule: Rule) -> tuple[tuple[str, Any], ...]:
        """The rule's scalar parameters shown as evidence (computed once per rule)."""
        cached = self._evidence_params.get(rule.code)
        if cached is None:
            from evalrules._scoring._items import evidence_params

            cached = self._evidence_params[rule.code] = evidence_params(rule)
        return cached

    def label(self, path: str) -> Text:
        """The description of a fact or derived fact."""
        return self._labels.get(path, Text(path, path))

    def message(self, rule: Rule, message_id: str) -> Text:
        """The template for a message id (the rule kind's, or the core's)."""
        kind = self._kinds.get(rule.kind)
        if kind is not None and message_id in kind.messages:
            return kind.messages[message_id]
        return CORE_MESSAGES.get(message_id, Text(message_id, message_id))

    # ------------------------------------------------------------------------ evaluation

    def validate(
        self, facts: Mapping[str, Any], *, partial: bool = False, source: str | None = None
    ) -> dict[str, Any]:
        """Validate facts (nested mappings); return them flat, converted.

        Checks everything :meth:`evaluate` checks of the facts (types, ranges, unknown keys,
        conditional requirements, cross checks, derived facts that cannot be computed)
        except which facts the rules find missing, which takes running them.

        Raises:
            FactsError: listing every problem.
        """
        from evalrules._facts._derived import compute_derived
        from evalrules._facts._validator import ordered

        flat, problems = self.validator.check(facts, partial=partial)
        data_year = self.rubric.data_year or self.rubric.year - 1
        problems.extend(compute_derived(self.rubric.derived, flat, data_year)[1])
        if problems:
            raise FactsError(ordered(problems), source=source)
        return flat

    def evaluate(
        self,
        facts: FactsDocument | Mapping[str, Any],
        *,
        entity: Entity | None = None,
        claimed: Mapping[str, Any] | None = None,
        partial: bool = False,
    ) -> Scorecard:
        """Evaluate one facts document (or a bare mapping of facts) into a scorecard.

        Args:
            facts: A :class:`FactsDocument`, or the facts as nested mappings.
            entity: What is evaluated (overrides the document's).
            claimed: Claimed scores by code plus ``"total"`` (override the document's).
            partial: Items whose facts are missing become ``not_assessable`` instead of an
                error; the scorecard is then marked incomplete. Type errors still fail.

        Raises:
            FactsError: if the facts (or claimed scores) are invalid.
            RuleEvaluationError: if a rule kind raised.
        """
        from evalrules._scoring._evaluate import evaluate

        return evaluate(self, facts, entity=entity, claimed=claimed, partial=partial)

    def evaluate_many(
        self, documents: Iterable[FactsDocument | Mapping[str, Any]], *, partial: bool = False
    ) -> Iterator[Scorecard]:
        """Evaluate documents one after another with this compiled rubric."""
        for doc in documents:
            yield self.evaluate(doc, partial=partial)

    def describe(self, rule: Rule) -> Text:
        """The rule in words (Chinese and English), from its kind's ``describe``."""
        item = next(i for i, r in self.rubric.rules() if r is rule or r.code == rule.code)
        return self._kinds[rule.kind].describe(
            describe_context(rule, item, self.rubric, self.validator.types)
        )

    def kind(self, rule: Rule) -> RuleKind:
        """The rule kind of a rule."""
        return self._kinds[rule.kind]

    def outcomes(self) -> dict[str, tuple[str, ...]]:
        """Every rule code → the outcomes it can reach (for rule-outcome coverage), as its
        kind says for its parameters and its item's max (:meth:`RuleKind.outcomes_for`)."""
        return {
            r.code: self._kinds[r.kind].outcomes_for(r.params, item.max)
            for item, r in self.rubric.rules()
        }
