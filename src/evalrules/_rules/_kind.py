"""The rule-kind API: :class:`RuleKind`, built with :func:`rule_kind`, and its effects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._rules._conditions import condition_facts
from evalrules._text import Text

if TYPE_CHECKING:
    from evalrules._rules._context import DescribeContext, RuleContext


class MissingFact(Exception):
    """Raised by :meth:`RuleContext.fact` when an optional fact is absent.

    The engine turns it into a facts problem, or into ``not_assessable`` in partial mode.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(path)


@attrs.frozen
class Effect:
    """One thing a rule reports. Built by :class:`RuleContext` methods, not directly.

    Attributes:
        kind: ``deduction``, ``zero_out``, ``not_applicable``, ``bonus``, ``veto``,
            ``manual`` or ``outcome`` (no effect on points).
        points: Nominal points (unsigned): what is deducted, awarded or judged.
        message_id: Message template id.
        params: Template fields.
        outcome: The rule outcome this effect belongs to.
        effect: Veto effect or not-applicable policy.
    """

    kind: str
    points: Decimal
    message_id: str
    params: Mapping[str, Any]
    outcome: str
    effect: str | None = None


@attrs.frozen
class RuleKind:
    """A way of scoring: parameters, evaluation, words. Build with :func:`rule_kind`.

    Attributes:
        name: The kind's name as rubrics write it (``threshold``).
        summary: One line in Chinese and English.
        description: Markdown for the rule-kind catalogue.
        params: A cerberus schema for the rule's ``params``.
        evaluate: ``evaluate(ctx: RuleContext) -> None``.
        describe: ``describe(ctx: DescribeContext) -> Text``: the rule in words.
        outcomes: Every outcome ``evaluate`` can record (for rule-outcome coverage).
        messages: Message templates by id, in Chinese and English, with named fields.
        reads: ``reads(params) -> tuple of fact paths`` the rule reads.
        check: ``check(ctx: DescribeContext) -> iterable of problem messages`` beyond the
            schema (e.g. band gaps), run when the rubric loads.
        phase: ``applicability`` (runs first; may make the item not applicable), ``score``,
            or ``bonus`` (only on bonus items).
        example: A YAML example of a rule of this kind, for the catalogue.
    """

    name: str
    summary: Text
    description: str
    params: Mapping[str, Any]
    evaluate: Callable[[RuleContext], None]
    describe: Callable[[DescribeContext], Text]
    outcomes: tuple[str, ...]
    messages: Mapping[str, Text]
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]]
    check: Callable[[DescribeContext], Iterable[str]] | None = None
    phase: str = "score"
    example: str = ""


def rule_kind(
    name: str,
    *,
    summary: Text,
    description: str,
    params: Mapping[str, Any],
    evaluate: Callable[[RuleContext], None],
    describe: Callable[[DescribeContext], Text],
    outcomes: Iterable[str],
    messages: Mapping[str, Text],
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None,
    check: Callable[[DescribeContext], Iterable[str]] | None = None,
    phase: str = "score",
    example: str = "",
) -> RuleKind:
    """Build a :class:`RuleKind` for a plugin's ``evalrules_register_rule_kinds`` hook.

    ``params`` is a cerberus schema; the optional ``points`` parameter (the share of the item
    this rule governs) is added to every kind. ``reads`` defaults to every ``fact`` key found
    in the parameters.
    """
    if phase not in ("applicability", "score", "bonus"):
        raise ValueError(f"rule kind {name}: unknown phase {phase!r}")
    schema = {"points": {"type": "number", "min": 0, "nullable": True}, **dict(params)}
    return RuleKind(
        name=name,
        summary=summary,
        description=description,
        params=schema,
        evaluate=evaluate,
        describe=describe,
        outcomes=tuple(outcomes),
        messages=dict(messages),
        reads=reads or condition_facts,
        check=check,
        phase=phase,
        example=example,
    )
