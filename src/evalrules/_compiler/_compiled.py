"""A rubric compiled once, for many evaluations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from evalrules._facts._crosschecks import CrossCheckKind
from evalrules._facts._derived import compute_derived
from evalrules._facts._document import FactsDocument
from evalrules._facts._types import FactType
from evalrules._facts._validator import FactsValidator
from evalrules._points import ZERO, quantize
from evalrules._rubric._digest import rubric_digest
from evalrules._rubric._model import Indicator, Rubric, Rule
from evalrules._rules._context import DescribeContext, RuleContext
from evalrules._rules._kind import MissingFact, RuleKind
from evalrules._rules._messages import CORE_MESSAGES
from evalrules._scorecard._model import Entity, Evidence, Finding, NodeResult, RubricInfo, Scorecard
from evalrules._scoring._claims import compare_claims, with_claims
from evalrules._scoring._items import ItemOutcome, score_item
from evalrules._scoring._rollup import cap_bonus, grade_for, roll_up
from evalrules._text import Text
from evalrules._version import __version__
from evalrules.errors import (
    FactsError,
    FactsProblem,
    RuleEvaluationError,
)


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
        self._codes = frozenset(n.code for n in rubric.walk())
        self._maxes = {n.code: n.max for n in rubric.walk()}

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

        Raises:
            FactsError: listing every problem.
        """
        return self.validator.validate(facts, partial=partial, source=source)

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
        doc = facts if isinstance(facts, FactsDocument) else FactsDocument(facts=facts)
        source = doc.source
        entity = entity or doc.entity or Entity("", "")
        claims = {str(k): v for k, v in (doc.claimed if claimed is None else claimed).items()}
        problems: list[FactsProblem] = []
        try:
            flat = self.validate(doc.facts, partial=partial, source=source)
        except FactsError as exc:
            problems.extend(exc.problems)
            flat = {}
        problems.extend(self._claim_problems(claims))
        if problems:
            raise FactsError(sorted(problems, key=lambda p: (p.path, p.code)), source=source)
        derived, derived_problems = compute_derived(
            self.rubric.derived, flat, self.rubric.data_year or self.rubric.year - 1
        )
        if derived_problems:
            raise FactsError(
                sorted(derived_problems, key=lambda p: (p.path, p.code)), source=source
            )
        return self._score(flat, derived, entity, claims, partial, source)

    def evaluate_many(
        self, documents: Iterable[FactsDocument | Mapping[str, Any]], *, partial: bool = False
    ) -> Iterator[Scorecard]:
        """Evaluate documents one after another with this compiled rubric."""
        for doc in documents:
            yield self.evaluate(doc, partial=partial)

    def _claim_problems(self, claims: Mapping[str, Any]) -> Iterable[FactsProblem]:
        for code, value in claims.items():
            path = "claimed.total" if code == "total" else f"claimed.indicators.{code}"
            if code != "total" and code not in self._codes:
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
            limit = self._maxes.get(code)
            if limit is not None and value > limit:
                yield FactsProblem(
                    path,
                    "over-max",
                    f"自评分{value}超过该指标满分{limit}",
                    f"claimed {value} exceeds the indicator's max {limit}",
                    value,
                )

    def _score(
        self,
        flat: Mapping[str, Any],
        derived: Mapping[str, Any],
        entity: Entity,
        claims: Mapping[str, Decimal],
        partial: bool,
        source: str | None,
    ) -> Scorecard:
        rubric = self.rubric
        ran: dict[tuple[str, str], None] = {}
        results: dict[str, NodeResult] = {}
        findings: list[Finding] = []
        missing_problems: list[FactsProblem] = []
        excluded = ZERO
        bonus_findings: list[Finding] = []
        for item, first, rest in self._items:
            outcome = ItemOutcome()
            not_applicable = False
            for compiled_rule in first:
                effects = self._run(compiled_rule, flat, derived, outcome)
                if any(e.kind == "not_applicable" for e in effects):
                    not_applicable = True
                    break
            if not not_applicable and not outcome.missing:
                for compiled_rule in rest:
                    self._run(compiled_rule, flat, derived, outcome)
            for rule, effects, _ in outcome.runs:
                for effect in effects:
                    ran[(rule.code, effect.outcome)] = None
            if outcome.missing and not partial:
                for path in outcome.missing:
                    desc = self.label(path)
                    missing_problems.append(
                        FactsProblem(
                            path,
                            "missing",
                            f"缺少数据“{desc.zh}”(指标 {item.code} 需要)",
                            f"fact “{desc.en or desc.zh}” is missing "
                            f"(needed by indicator {item.code})",
                        )
                    )
                continue
            node, item_findings, is_excluded = score_item(self, item, outcome)
            if is_excluded:
                excluded += item.max
            results[item.code] = node
            if item.code in self.bonus_codes:
                bonus_findings.extend(item_findings)
            else:
                findings.extend(item_findings)
        if missing_problems:
            unique = {(p.path, p.message_en): p for p in missing_problems}
            raise FactsError(sorted(unique.values(), key=lambda p: p.path), source=source)

        tops = tuple(roll_up(top, results) for top in rubric.indicators)
        raw_bonus = tuple(results[b.code] for b in rubric.bonus)
        bonus_nodes, bonus_total, bonus_findings = cap_bonus(self, raw_bonus, bonus_findings)
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
            rubric=self.info,
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
        if self._modify is not None:
            card = self._modify(card, rubric)
        return card

    def _run(
        self,
        compiled_rule: _CompiledRule,
        flat: Mapping[str, Any],
        derived: Mapping[str, Any],
        outcome: ItemOutcome,
    ) -> list[Any]:
        rule, item = compiled_rule.rule, compiled_rule.item
        ctx = RuleContext(rule=rule, item=item, rubric=self.rubric, facts=flat, derived=derived)
        try:
            compiled_rule.kind.evaluate(ctx)
        except MissingFact as missing:
            outcome.missing.append(missing.path)
            outcome.missing_rule = outcome.missing_rule or rule
            return []
        except Exception as exc:
            raise RuleEvaluationError(
                plugin=compiled_rule.origin,
                rubric=self.rubric.ref,
                indicator=item.code,
                rule=rule.code,
                kind=rule.kind,
                error=exc,
            ) from exc
        evidence = Evidence(ctx.evidence_facts, ctx.evidence_derived)
        outcome.runs.append((rule, ctx.effects, evidence))

        return ctx.effects

    def describe(self, rule: Rule) -> Text:
        """The rule in words (Chinese and English), from its kind's ``describe``."""
        item = next(i for i, r in self.rubric.rules() if r is rule or r.code == rule.code)
        share = (
            item.max if rule.params.get("points") is None else Decimal(str(rule.params["points"]))
        )
        return self._kinds[rule.kind].describe(DescribeContext(rule, item, self.rubric, share))

    def kind(self, rule: Rule) -> RuleKind:
        """The rule kind of a rule."""
        return self._kinds[rule.kind]

    def outcomes(self) -> dict[str, tuple[str, ...]]:
        """Every rule code → the outcomes it can produce (for rule-outcome coverage)."""
        from evalrules._rules._builtin import outcomes_for

        return {
            r.code: outcomes_for(self._kinds[r.kind], r.params, item.max)
            for item, r in self.rubric.rules()
        }
