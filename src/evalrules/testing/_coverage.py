"""Rule-outcome coverage: which outcomes of each rule the fixture cases made fire.

Line coverage cannot show that a rule can fire: one line of a rule kind serves every rule
of that kind. Rule-outcome coverage counts, per rubric, the ``(rule, outcome)`` pairs the
scorecards report (:attr:`Scorecard.outcomes <evalrules.Scorecard.outcomes>`) against every
outcome each rule can reach (:meth:`CompiledRubric.outcomes`: its rule kind says which, for
the rule's parameters and its item's max), and lists what never fired.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from evalrules._compiler._compiled import CompiledRubric
from evalrules._scorecard._model import Scorecard

__all__ = ["CoverageError", "OutcomeCoverage", "RubricCoverage"]


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
    """

    ref: str
    declared: tuple[tuple[str, tuple[str, ...]], ...]
    fired: frozenset[tuple[str, str]]
    scorecards: int

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

    def declare(self, compiled: CompiledRubric) -> None:
        """Count ``compiled``'s rules even before a scorecard of it is recorded."""
        ref = compiled.rubric.ref
        if ref not in self._declared:
            self._declared[ref] = tuple(compiled.outcomes().items())
            self._fired[ref] = set()
            self._cards[ref] = 0

    def record(self, compiled: CompiledRubric, scorecard: Scorecard) -> None:
        """Record the outcomes of a scorecard computed with ``compiled``."""
        self.declare(compiled)
        ref = compiled.rubric.ref
        self._fired[ref].update(scorecard.outcomes)
        self._cards[ref] += 1

    def rubric(self, ref: str) -> RubricCoverage:
        """The coverage of one rubric.

        Raises:
            KeyError: if nothing of that rubric was declared or recorded.
        """
        return RubricCoverage(
            ref, self._declared[ref], frozenset(self._fired[ref]), self._cards[ref]
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
