"""Scores only, from the document to the scorecard, for the documents that need nothing else.

:meth:`CompiledRubric.evaluate` with ``explain=False`` comes here first. A document with no
envelope problem, no assumed fact, no claimed score the rubric refuses, facts that validate
and derived facts that compute is scored by the plan's :class:`ScoresProgram` alone, and its
scorecard built from the program's results without the general path's records: the derived
facts are computed as plain values (a :class:`DerivedValue` is built only for a veto that
reads one), the rolled-up tree, its total and completeness are looked up by the items'
shared results, the grade without vetoes is one of the bands' grades built once. Anything
else gives ``None`` and the general path (``_evaluate.evaluate``) runs, which refuses or
scores the document as before; the two give the same scorecard
(``tests/property/test_scores_only.py``).

A veto that holds is run through its kind's ``evaluate`` for its finding, as the general path
runs it. A rule's ``evaluate`` is a function of its parameters and the facts it reads (which
its evidence records, all but a table's rows); so when a veto reads no table and only plain
values (no derived fact), its scores and finding are kept by the values it read, and a later
document with the same values there (the same text for a number) gets the same frozen
finding without the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._facts._derived import compute_derived
from evalrules._facts._document import FactsDocument
from evalrules._facts._formulas import FORMULA_REGISTRY
from evalrules._points import ZERO, context, quantize, to_decimal
from evalrules._rules._kind import Score
from evalrules._scorecard._model import Entity, Finding, Grade, NodeResult, Scorecard
from evalrules._scoring._evaluate import _claim_problems, _run
from evalrules._scoring._items import ItemOutcome, _finding
from evalrules._scoring._rollup import cap_bonus, grade_for, roll_up_tree, verdict_for
from evalrules._version import __version__

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric, CompiledRule, EvaluationPlan
    from evalrules._rubric._model import Rubric

#: The entity of bare facts.
_NOBODY = Entity("", "")

#: Trees kept per rubric, by their items' results; kept vetoes per rule.
_MAX_TREES = 4096
_MAX_VETOES = 64

#: Values a kept veto may be keyed by (anything else is run every time).
_PLAIN = (bool, int, str, Decimal, type(None))

_HUNDRED = Decimal(100)


class ScoresCard:
    """What a scores-only scorecard needs of a rubric, taken once per compiled rubric."""

    __slots__ = (
        "_bands",
        "_derived",
        "_grades",
        "_keep",
        "_trees",
        "_vetoes",
        "bonus",
        "codes",
        "declared",
        "rubric",
    )

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.codes = tuple(i.code for i in rubric.bonus)
        self.bonus = rubric.bonus
        bands = rubric.grades
        self._bands = tuple((b.lower, i) for i, b in enumerate(bands))
        self._grades = tuple(Grade(b.code, b.label, b.code) for b in bands)
        # Derived facts as plain values, or None when one needs the general computation
        # (an aggregate over a table) or could be mistaken for a fact.
        facts = {f.path for f in rubric.facts}
        self.declared = frozenset(facts)
        derived: list[tuple[str, tuple[str, ...], Any, bool, int | None]] | None = []
        data_year = rubric.data_year or rubric.year - 1
        for d in rubric.derived:
            if d.aggregate is not None or d.path in facts or derived is None:
                derived = None
                break
            if d.formula == "growth":
                derived.append((d.path, d.inputs, None, False, d.year or data_year))
                continue
            formula = FORMULA_REGISTRY.get(d.formula)
            if formula is None or formula.compute is None:
                derived = None
                break
            derived.append((d.path, d.inputs, formula.compute, formula.divides, None))
        self._derived = None if derived is None else tuple(derived)
        self._trees: dict[tuple[int, ...], tuple[Any, ...]] = {}
        self._keep: dict[int, bool] = {}
        self._vetoes: dict[int, list[tuple[tuple[tuple[str, Any], ...], Any]]] = {}

    # ------------------------------------------------------------------ derived values

    def values(self, flat: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every fact and derived value, by path (what the scorers read), or ``None`` when
        a derived fact has a problem or needs the general computation."""
        if self._derived is None:
            return None
        values = dict(flat)
        ctx = context()
        for path, inputs, compute, divides, year in self._derived:
            if year is not None:  # growth over a series
                series = values.get(inputs[0], _ABSENT)
                if series is _ABSENT:
                    continue
                if year not in series or year - 1 not in series:
                    return None  # a missing year: a problem, worded by the general path
                before, now = to_decimal(series[year - 1]), to_decimal(series[year])
                if before == 0:
                    return None
                values[path] = ctx.multiply(ctx.divide(ctx.subtract(now, before), before), _HUNDRED)
                continue
            nums = []
            for source in inputs:
                value = values.get(source, _ABSENT)
                if value is _ABSENT:
                    break
                nums.append(value if type(value) is Decimal else to_decimal(value))
            else:
                if divides and nums[1] == 0:
                    return None
                values[path] = compute(nums)
        return values

    # -------------------------------------------------------------------------- vetoes

    def veto(
        self,
        compiled: CompiledRubric,
        compiled_rule: CompiledRule,
        flat: Mapping[str, Any],
        derived: Any,
        values: Mapping[str, Any],
    ) -> tuple[tuple[Score, ...], list[Finding]] | None:
        """A rule whose scorer reported a veto, run as the general path runs it: its
        effects as scores and a finding for each veto (``None``: the general path)."""
        keep = self._keeps(compiled, compiled_rule)
        if keep:
            kept = self._vetoes.get(id(compiled_rule))
            if kept is not None:
                for read, found in kept:
                    for path, token in read:
                        value = values.get(path, _ABSENT)
                        if type(value) is not token[0] or _token(value) != token[1]:
                            break
                    else:
                        return found[0], list(found[1])
        if derived is None:
            rubric = compiled.rubric
            derived = compute_derived(
                rubric.derived,
                flat,
                rubric.data_year or rubric.year - 1,
                compiled._validator.aggregations,
            )[0]
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
        scores = tuple((e.action, e.points, e.outcome, e.effect) for e in effects)
        if (
            keep
            and not evidence.derived
            and all(type(v) in _PLAIN for _, v in evidence.facts)
            and len(self._vetoes.get(id(compiled_rule), ())) < _MAX_VETOES
        ):
            read = tuple((path, (type(v), _token(v))) for path, v in evidence.facts)
            entry = (read, (scores, tuple(found)))
            # Keyed by the rule's identity: the entry lives as long as the program, which
            # holds the rule.
            self._vetoes.setdefault(id(compiled_rule), []).append(entry)
        return scores, found

    def _keeps(self, compiled: CompiledRubric, compiled_rule: CompiledRule) -> bool:
        """Whether a veto's run may be kept by the values it read: it reads no table (whose
        rows a rule reads without recording them)."""
        keeps = self._keep.get(id(compiled_rule))
        if keeps is None:
            tables = compiled._validator.tables
            try:
                reads = compiled_rule.kind.reads(compiled_rule.rule.params)
            except Exception:
                reads = None
            keeps = reads is not None and not any(p in tables for p in reads)
            self._keep[id(compiled_rule)] = keeps
        return keeps

    # ----------------------------------------------------------------------- the card

    def card(
        self,
        compiled: CompiledRubric,
        plan: EvaluationPlan,
        ran: dict[tuple[str, str], None],
        results: dict[str, NodeResult],
        excluded: Decimal,
        vetoed: list[tuple[CompiledRule, Any]],
        entity: Entity,
        assumed: tuple[tuple[str, Any], ...] = (),
    ) -> Scorecard:
        """The scorecard, as ``_evaluate._card`` builds it for scores only."""
        rubric = self.rubric
        key = tuple(map(id, results.values()))
        tree = self._trees.get(key)
        if tree is None:
            tops = roll_up_tree(rubric.indicators, results)
            raw_bonus = tuple(results[code] for code in self.codes)
            complete = not any(n.status == "not_assessable" for n in results.values())
            raw_total = sum((t.score for t in tops), ZERO)
            bonus_total = sum((n.score for n in raw_bonus), ZERO)
            cap = rubric.bonus_cap
            capped = cap is not None and bonus_total > cap
            # The items' results are kept with the entry, so no key names another object.
            tree = (tops, raw_bonus, complete, raw_total, capped, tuple(results.values()))
            if len(self._trees) >= _MAX_TREES:
                self._trees.clear()
            self._trees[key] = tree
        tops, bonus_nodes, complete, raw_total, capped, _ = tree
        findings: list[Finding] = []
        bonus_findings: list[Finding] = []
        if vetoed:
            for compiled_rule, found in vetoed:
                if compiled_rule.item.code in plan.bonus_codes:
                    bonus_findings.extend(found)
                else:
                    findings.extend(found)
        if capped:
            bonus_nodes, bonus_total, bonus_findings = cap_bonus(
                compiled, bonus_nodes, bonus_findings
            )
        else:
            bonus_total = sum((n.score for n in bonus_nodes), ZERO) if bonus_nodes else ZERO
        if bonus_findings:
            findings.extend(bonus_findings)
        if excluded:
            applicable = rubric.max - excluded
            if applicable > 0:
                base_total = quantize(
                    raw_total * rubric.max / applicable, rubric.precision, rubric.rounding
                )
            else:
                base_total = ZERO
        else:
            base_total = raw_total
        total = base_total + bonus_total
        vetoes = tuple(f for f in findings if f.kind == "veto") if findings else ()
        if vetoes or not self._bands:
            grade = grade_for(total, rubric.grades, vetoes)
        else:
            for lower, index in self._bands:
                if lower is None or total >= lower:
                    grade = self._grades[index]
                    break
            else:
                grade = self._grades[-1]
        verdict = None
        if rubric.verdict is not None:
            nodes = (*tops, *bonus_nodes)
            verdict = verdict_for(rubric.verdict, nodes, findings, vetoes, rubric.precision)
        card = Scorecard(
            compiled.info,
            entity,
            total,
            rubric.max,
            bonus_total,
            grade,
            vetoes,
            complete,
            tops,
            (),
            bonus_nodes,
            None,
            __version__,
            base_total,
            tuple(ran),
            assumed if plan.modify is None else (),
            None,
            None,
            verdict,
            (),
        )
        if plan.modify is not None:
            card = plan.modify(card, rubric)
            if assumed:  # as the general path: the hook's card, with what was assumed
                card = attrs.evolve(card, assumed=assumed)
        return card


class _Absent:
    __slots__ = ()


_ABSENT: Any = _Absent()


def _token(value: Any) -> Any:
    """A read value as a kept veto compares it: its text for a ``Decimal`` (``1`` and
    ``1.0`` are equal but shown differently), else the value itself."""
    return str(value) if type(value) is Decimal else value


def evaluate_scores(
    compiled: CompiledRubric,
    plan: EvaluationPlan,
    facts: FactsDocument | Mapping[str, Any],
    *,
    entity: Entity | None = None,
    claimed: Mapping[str, Any] | None = None,
    partial: bool = False,
) -> Scorecard | None:
    """The scores-only scorecard of a document that needs nothing but the scores program,
    or ``None`` when the general path must run (see the module's description)."""
    program, card = plan.scores, plan.scores_card
    if program is None or card is None:
        return None
    assumed: tuple[tuple[str, Any], ...] = ()
    if type(facts) is dict:
        nested: Mapping[str, Any] = facts
        claims: Mapping[str, Any] = claimed or {}
        entity = entity or _NOBODY
    elif isinstance(facts, FactsDocument):
        if facts.problems or not facts.facts_readable:
            return None
        if facts.assumed:
            if not card.declared.issuperset(facts.assumed):
                return None  # an assumed path that is no fact: a problem
            assumed = tuple(facts.assumed.items())
        nested = facts.facts
        claims = facts.claimed if claimed is None else claimed
        entity = entity or facts.entity or _NOBODY
    elif isinstance(facts, Mapping):
        nested, claims, entity = facts, claimed or {}, entity or _NOBODY
    else:  # not a mapping: the general path refuses it
        return None  # type: ignore[unreachable]
    if claims:
        for _ in _claim_problems(plan, {str(k): v for k, v in claims.items()}):
            return None
    flat, problems = compiled._validator.check(nested, partial=partial)
    if problems:
        return None
    values = card.values(flat)
    if values is None:
        return None

    def veto(compiled_rule: CompiledRule) -> tuple[tuple[Score, ...], list[Finding]] | None:
        assert card is not None
        # The derived facts as DerivedValues only for a veto that is run again.
        return card.veto(compiled, compiled_rule, flat, None, values)

    scored = program.run(values, veto)
    if scored is None:
        return None
    ran, results, excluded, vetoed = scored
    return card.card(compiled, plan, ran, results, excluded, vetoed, entity, assumed)
