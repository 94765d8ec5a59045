"""Rule-outcome coverage: which outcomes of each rule the fixture cases made fire.

Line coverage cannot show that a rule can fire: one line of a rule kind serves every rule
of that kind. Rule-outcome coverage counts, per rubric, the ``(rule, outcome)`` pairs the
scorecards report (:attr:`Scorecard.outcomes <evalrules.Scorecard.outcomes>`) against every
outcome each rule can reach (:meth:`CompiledRubric.outcomes`: its rule kind says which, for
the rule's parameters and its item's max), and lists what never fired.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from evalrules._compiler._compiled import CompiledRubric
from evalrules._rubric._model import Rubric
from evalrules._scorecard._model import Scorecard

__all__ = ["CoverageError", "OutcomeCoverage", "RubricCoverage", "inherited_rules"]


class CoverageError(AssertionError):
    """Some rule outcomes never fired; the message lists them."""


@attrs.frozen
class RubricCoverage:
    """The coverage of one rubric.

    Attributes:
        ref: The rubric reference.
        declared: Rule code → the outcomes it can reach (its kind says which), in rubric order.
        fired: The ``(rule, outcome)`` pairs that fired, sorted.
        scorecards: How many scorecards were recorded.
        inherited: For a rubric that extends another: the rules it takes unchanged from
            its base, left out of the count (the base's own cases cover them).
        base: The rubric it extends, when ``inherited`` is not empty.
    """

    ref: str
    declared: tuple[tuple[str, tuple[str, ...]], ...]
    fired: frozenset[tuple[str, str]]
    scorecards: int
    inherited: tuple[str, ...] = ()
    base: str | None = None

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """Declared ``(rule, outcome)`` pairs that never fired, in rubric order."""
        return tuple(
            (rule, outcome)
            for rule, outcomes in self.declared
            for outcome in outcomes
            if (rule, outcome) not in self.fired
        )

    @property
    def never_ran(self) -> tuple[str, ...]:
        """Rules with no outcome at all, in rubric order."""
        ran = {rule for rule, _ in self.fired}
        return tuple(rule for rule, _ in self.declared if rule not in ran)

    @property
    def undeclared(self) -> tuple[tuple[str, str], ...]:
        """Pairs that fired although the rule does not declare the outcome, sorted."""
        known = {(rule, o) for rule, outcomes in self.declared for o in outcomes}
        return tuple(sorted(p for p in self.fired if p not in known))

    @property
    def total(self) -> int:
        """How many outcomes are declared."""
        return sum(len(outcomes) for _, outcomes in self.declared)

    @property
    def complete(self) -> bool:
        """True when every declared outcome fired and nothing undeclared did."""
        return not self.missing and not self.undeclared


class OutcomeCoverage:
    """Collects rule outcomes from scorecards, per rubric, and reports what never fired.

    ::

        coverage = OutcomeCoverage()
        coverage.record(compiled, scorecard)      # for every fixture case
        print(coverage.report())
        coverage.check()                           # raises CoverageError on gaps
    """

    def __init__(self) -> None:
        self._declared: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self._fired: dict[str, set[tuple[str, str]]] = {}
        self._cards: dict[str, int] = {}
        self._inherited: dict[str, tuple[tuple[str, ...], str | None]] = {}

    def declare(
        self,
        compiled: CompiledRubric,
        *,
        inherited: Iterable[str] = (),
        base: str | None = None,
    ) -> None:
        """Count ``compiled``'s rules even before a scorecard of it is recorded.

        ``inherited`` names rules taken unchanged from the rubric ``base`` it extends
        (:func:`inherited_rules`): they are left out of the count, so a year's plugin is
        measured by the rules it adds or changes.
        """
        ref = compiled.rubric.ref
        if ref not in self._declared:
            skip = tuple(inherited)
            self._declared[ref] = tuple(
                (rule, outcomes)
                for rule, outcomes in compiled.outcomes().items()
                if rule not in skip
            )
            self._fired[ref] = set()
            self._cards[ref] = 0
            self._inherited[ref] = (skip, base if skip else None)

    def record(self, compiled: CompiledRubric, scorecard: Scorecard) -> None:
        """Record the outcomes of a scorecard computed with ``compiled``."""
        self.declare(compiled)
        ref = compiled.rubric.ref
        skip = set(self._inherited[ref][0])
        self._fired[ref].update(p for p in scorecard.outcomes if p[0] not in skip)
        self._cards[ref] += 1

    def rubric(self, ref: str) -> RubricCoverage:
        """The coverage of one rubric.

        Raises:
            KeyError: if nothing of that rubric was declared or recorded.
        """
        inherited, base = self._inherited[ref]
        return RubricCoverage(
            ref,
            self._declared[ref],
            frozenset(self._fired[ref]),
            self._cards[ref],
            inherited,
            base,
        )

    def __iter__(self) -> Iterator[RubricCoverage]:
        """Every rubric's coverage, sorted by reference."""
        for ref in sorted(self._declared):
            yield self.rubric(ref)

    def __bool__(self) -> bool:
        """True once a rubric has been declared or recorded."""
        return bool(self._declared)

    @property
    def complete(self) -> bool:
        """True when every rubric's coverage is complete."""
        return all(c.complete for c in self)

    def report(self) -> str:
        """A report in Chinese and English: per rubric, the counts and every gap."""
        if not self:
            return "规则结果覆盖:没有运行任何用例 / rule-outcome coverage: no cases ran"
        lines = ["规则结果覆盖 / rule-outcome coverage"]
        for cov in self:
            fired = cov.total - len(cov.missing)
            share = f"{100 * fired // cov.total}%" if cov.total else "-"
            lines.append(
                f"{cov.ref}: {fired}/{cov.total} outcomes of {len(cov.declared)} rules fired "
                f"in {cov.scorecards} scorecards ({share}) / 已触发{fired}/{cov.total}项结果"
            )
            if cov.inherited:
                n = len(cov.inherited)
                lines.append(
                    f"  counting the rules it adds or changes: {n} rules taken unchanged from "
                    f"{cov.base} are not counted / 仅统计新增或修改的细则:沿用 {cov.base} 的 "
                    f"{n} 条细则不计入"
                )
            if cov.never_ran:
                lines.append("  rules that never ran / 从未运行的规则:")
                lines.extend(f"    {rule}" for rule in cov.never_ran)
            ran_gaps = [(r, o) for r, o in cov.missing if r not in cov.never_ran]
            if ran_gaps:
                lines.append("  outcomes never fired / 未触发的结果:")
                width = max(len(r) for r, _ in ran_gaps)
                lines.extend(f"    {r:<{width}}  {o}" for r, o in ran_gaps)
            if cov.undeclared:
                lines.append("  outcomes fired but not declared / 未声明却触发的结果:")
                lines.extend(f"    {r}  {o}" for r, o in cov.undeclared)
        return "\n".join(lines)

    def check(self) -> None:
        """Raise :class:`CoverageError` with the report if any rubric has a gap."""
        if not self.complete:
            raise CoverageError(self.report())


def inherited_rules(base: Rubric, rubric: Rubric) -> tuple[str, ...]:
    """The rules ``rubric`` takes unchanged from ``base``, the rubric it extends.

    A rule counts as changed when anything of it changed (kind, parameters, source, its
    item), when its item's max or not-applicable policy changed, or when it was renamed;
    a change of the rubric's precision, rounding or default policy changes every rule.
    """
    from evalrules._diff import diff_rubrics

    diff = diff_rubrics(base, rubric)
    if any(
        (c.kind == "rubric-changed" and c.subject in ("precision", "rounding"))
        or (c.kind == "not-applicable-changed" and c.subject == "rubric")
        for c in diff.changes
    ):
        return ()
    changed = {
        c.subject for c in diff.changes if c.kind in ("rule-added", "rule-changed", "rule-renamed")
    }
    items = {c.subject for c in diff.changes if c.kind in ("max-changed", "not-applicable-changed")}
    kept = {rule.code for _, rule in base.rules()}
    return tuple(
        rule.code
        for item, rule in rubric.rules()
        if rule.code in kept and rule.code not in changed and item.code not in items
    )
