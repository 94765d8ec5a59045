"""The values a diff is made of: changes, comparability, re-scored districts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from evalrules._frozen import freeze
from evalrules._text import Text

#: Every kind of change, in the order a diff lists them.
CHANGE_KINDS: tuple[str, ...] = (
    "rubric-changed",
    "not-applicable-changed",
    "bonus-cap-changed",
    "grade-added",
    "grade-removed",
    "grade-changed",
    "verdict-changed",
    "fact-added",
    "fact-removed",
    "fact-changed",
    "derived-added",
    "derived-removed",
    "derived-changed",
    "cross-check-added",
    "cross-check-removed",
    "node-added",
    "node-removed",
    "node-moved",
    "node-retitled",
    "max-changed",
    "node-changed",
    "rule-added",
    "rule-removed",
    "rule-renamed",
    "rule-changed",
)


@attrs.frozen
class Change:
    """One difference between two rubrics.

    Attributes:
        kind: One of :data:`CHANGE_KINDS`, e.g. ``"rule-changed"``.
        subject: What changed: an indicator code, a rule code (the new one), a fact path, a
            grade code, or a rubric-level key.
        field: The field that changed, e.g. ``"params.value"`` or ``"title"``; ``None`` for
            an addition or removal.
        before: The value in the old rubric (plain frozen data; ``None`` when absent).
        after: The value in the new rubric.
        indicator: The scored item a rule change belongs to (the new one, else the old one).
    """

    kind: str
    subject: str
    field: str | None = None
    before: Any = attrs.field(default=None, converter=freeze)
    after: Any = attrs.field(default=None, converter=freeze)
    indicator: str | None = None


@attrs.frozen
class Comparability:
    """Whether an indicator's scores mean the same under both rubrics.

    Attributes:
        code: The indicator code.
        comparable: True when the same rules read the same facts declarations, with the
            same max and policy, in the node and everything under it.
        reasons: The changes that make it not comparable (indexes into the diff's changes).
    """

    code: str
    comparable: bool
    reasons: tuple[int, ...] = ()


@attrs.frozen
class RubricDiff:
    """Every change between an old and a new rubric.

    Attributes:
        old: The old rubric's reference.
        new: The new rubric's reference.
        changes: The changes, in :data:`CHANGE_KINDS` order, then in document order.
        comparability: Per indicator of either rubric, in the new rubric's order, then the
            old rubric's removed ones.
        old_file: The old rubric's file, when it was given as a file (not an installed one).
        new_file: The same for the new rubric.
        rule_names: Each rule's name (a :class:`~evalrules.Text`) by code, the new rubric's
            where both have the rule, for a reader to see which rule a change is about.
    """

    old: str
    new: str
    changes: tuple[Change, ...]
    comparability: tuple[Comparability, ...] = ()
    old_file: str | None = None
    new_file: str | None = None
    rule_names: Any = attrs.field(factory=dict, converter=freeze, eq=False)

    @property
    def equal(self) -> bool:
        """True when there is no change at all."""
        return not self.changes

    @property
    def totals_comparable(self) -> bool:
        """False when the total's full marks changed (a total out of 98 is not one of 100)."""
        return not any(c.kind == "rubric-changed" and c.subject == "total" for c in self.changes)


@attrs.frozen
class ItemDelta:
    """One indicator's score under both rubrics for one district.

    Attributes:
        code: The indicator code.
        before: Its score under the old rubric (``None`` when it is not there).
        after: Its score under the new rubric.
        causes: Indexes into the diff's changes that explain the delta.
        findings: ``(rule, points before, points after)`` for every rule of the item whose
            points differ (``None`` where the rule does not exist on that side).
        comparable: Whether the indicator is comparable across the two rubrics.
        status_before: Its status under the old rubric (``scored``, ``not_applicable``,
            ``not_assessable``; ``None`` when it is not there).
        status_after: Its status under the new rubric.
        facts_changed: With two years' facts: the facts its rules read whose values differ.
    """

    code: str
    before: Decimal | None
    after: Decimal | None
    causes: tuple[int, ...] = ()
    findings: tuple[tuple[str, Decimal | None, Decimal | None], ...] = ()
    comparable: bool = True
    status_before: str | None = None
    status_after: str | None = None
    facts_changed: tuple[str, ...] = ()

    @property
    def delta(self) -> Decimal | None:
        """``after - before``, or ``None`` when the item is on one side only."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@attrs.frozen
class DistrictDelta:
    """One facts document scored under both rubrics.

    Attributes:
        source: The facts file.
        entity: The district's id.
        name: The district's name.
        before: The total under the old rubric.
        after: The total under the new rubric.
        grade_before: The grade code under the old rubric.
        grade_after: The grade code under the new rubric.
        items: The scored items whose score differs, or that are on one side only.
        complete_before: Whether every item could be assessed under the old rubric.
        complete_after: The same under the new rubric.
        left_out_before: Facts of the document the old rubric does not declare (left out).
        left_out_after: Facts of the document the new rubric does not declare (left out).
        facts: With two years' facts: ``(path, last year's value, this year's value)`` for
            every declared fact whose value differs (``None`` where it is not given).
        entity_before: The district's id in the old document (the same file: ``entity``).
        grade_label_before: The old grade's label (优秀 / excellent), as a reader sees it.
        grade_label_after: The new grade's label.
    """

    source: str
    entity: str
    name: str
    before: Decimal
    after: Decimal
    grade_before: str
    grade_after: str
    items: tuple[ItemDelta, ...] = ()
    complete_before: bool = True
    complete_after: bool = True
    left_out_before: tuple[str, ...] = ()
    left_out_after: tuple[str, ...] = ()
    facts: tuple[tuple[str, Any, Any], ...] = attrs.field(default=(), converter=freeze)
    entity_before: str = ""
    grade_label_before: Text | None = None
    grade_label_after: Text | None = None

    @property
    def delta(self) -> Decimal:
        """``after - before``."""
        return self.after - self.before
