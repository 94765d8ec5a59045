"""The values a cohort is made of: its members, its refusals, per-indicator statistics.

A cohort is what one run over many documents gives: each entity's scorecard and its rank by
total, the documents that were refused with every problem they have, and for each node of the
rubric tree the minimum, mean and maximum score across the members.

Ranking policy (``rank_policy = "competition"``): standard competition ranking, "1, 2, 2, 4".
Members are ordered by total, highest first; members with the same total share the rank of
the first of them, and the next member's rank counts every member before it. Members of the
same rank are listed by entity id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from evalrules._scorecard._model import Entity, RubricInfo, Scorecard
from evalrules._text import Text
from evalrules.errors import FactsError, FactsProblem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

#: The ranking policies a cohort can declare; only standard competition ranking for now.
RANK_POLICIES: tuple[str, ...] = ("competition",)


def _problems(problems: Iterable[FactsProblem]) -> tuple[FactsProblem, ...]:
    return tuple(problems)


@attrs.frozen
class CohortMember:
    """One entity that was scored.

    Attributes:
        source: A label for where it came from: the file name, or ``"#3"`` for the third
            document handed in when no labels were given.
        card: Its scorecard (``card.entity`` is the entity).
        rank: Its 1-based rank by ``card.total``, highest first; ties share the rank
            (standard competition ranking: 1, 2, 2, 4).
    """

    source: str
    card: Scorecard
    rank: int

    @property
    def entity(self) -> Entity:
        """The entity the scorecard is for."""
        return self.card.entity


@attrs.frozen
class CohortRefusal:
    """A document that was refused: not scored, not ranked, its problems kept.

    Attributes:
        source: A label for where it came from (as a member's ``source``).
        entity: The entity, when the document's envelope named it; ``None`` otherwise.
        problems: Every problem of the document, as its :class:`FactsError` lists them.
    """

    source: str
    entity: Entity | None
    problems: tuple[FactsProblem, ...] = attrs.field(converter=_problems)

    @classmethod
    def of(cls, source: str, entity: Entity | None, error: FactsError) -> CohortRefusal:
        """The refusal of the document ``source`` for ``error``."""
        return cls(source, entity, error.problems)

    @property
    def error(self) -> FactsError:
        """The refusal as the :class:`FactsError` evaluating the document alone raises
        (``error.problems`` are :attr:`problems`, ``error.source`` is :attr:`source`)."""
        return FactsError(self.problems, source=self.source)


@attrs.frozen
class IndicatorStatistics:
    """One node of the rubric tree across the cohort's members.

    Attributes:
        code: The node's code.
        title: Its title.
        max: Its max points.
        minimum: The lowest member score.
        mean: The members' mean score, exact, quantized to the rubric's precision with
            ``ROUND_HALF_UP`` (a mean of 7.25 at precision 0.1 is 7.3).
        maximum: The highest member score.
        scores: ``(entity id, score)`` of every member, in ranking order.
    """

    code: str
    title: Text
    max: Decimal
    minimum: Decimal
    mean: Decimal
    maximum: Decimal
    scores: tuple[tuple[str, Decimal], ...] = ()


@attrs.frozen
class Cohort:
    """Many entities evaluated against one rubric, ranked and compared.

    Attributes:
        rubric: The rubric every member was scored against.
        members: The scored entities, in ranking order (rank, then entity id).
        refused: The refused documents, in input order.
        indicators: One :class:`IndicatorStatistics` per node of the rubric tree (first-level
            indicators, their children, the items), in rubric order, depth first; empty when
            no document was scored.
        rank_policy: How ranks are given: ``"competition"``, standard competition ranking
            (1, 2, 2, 4): tied totals share the rank, the next rank skips as many places.
    """

    rubric: RubricInfo
    members: tuple[CohortMember, ...]
    refused: tuple[CohortRefusal, ...] = ()
    indicators: tuple[IndicatorStatistics, ...] = ()
    rank_policy: str = "competition"

    def __iter__(self) -> Iterator[CohortMember]:
        """Iterate over the members in ranking order."""
        return iter(self.members)

    def member(self, entity_id: str) -> CohortMember:
        """Return the member whose entity id is ``entity_id``.

        Raises:
            KeyError: if no member has it.
        """
        for member in self.members:
            if member.card.entity.id == entity_id:
                return member
        raise KeyError(entity_id)

    def indicator(self, code: str) -> IndicatorStatistics:
        """Return the statistics of the node ``code``.

        Raises:
            KeyError: if the rubric has no such node.
        """
        for stats in self.indicators:
            if stats.code == code:
                return stats
        raise KeyError(code)

    def to_json(self) -> str:
        """The cohort as ``evalrules.cohort/1`` JSON: deterministic, exact numbers, each
        member's scorecard embedded as its ``evalrules.scorecard/1`` object."""
        from evalrules._cohort._json import cohort_to_json

        return cohort_to_json(self)

    @classmethod
    def from_json(cls, text: str) -> Cohort:
        """Read a cohort back from its ``evalrules.cohort/1`` JSON.

        Raises:
            ValueError: if the text is not such a document.
        """
        from evalrules._cohort._json import cohort_from_json

        return cohort_from_json(text)
