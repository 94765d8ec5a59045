"""The rule-kind API: :class:`RuleKind`, built with :func:`rule_kind`, and its effects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._frozen import frozen_mapping
from evalrules._rules._conditions import condition_facts
from evalrules._rules._messages import (
    LABEL_FIELDS,
    SCORER_FIELDS,
    available_fields,
    template_fields,
    template_problems,
)
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


class NotComputed(Exception):
    """Raised by :meth:`RuleContext.fact` for a derived fact not computed for want of rows
    (an aggregate with no counted row, a formula reading one).

    The engine makes the rule's item not applicable, under the item's policy, with the
    reason as its finding (``not_applicable.not_computed``).
    """

    def __init__(self, path: str, why: Text) -> None:
        self.path = path
        self.why = why
        super().__init__(path)


@attrs.frozen
class Effect:
    """One thing a rule reports. Built by :class:`RuleContext` methods, not directly.

    Attributes:
        action: What the rule asks for: ``deduction``, ``zero_out``, ``not_applicable``,
            ``not_assessable``, ``bonus``, ``veto``, ``manual`` or ``outcome`` (no effect on
            points). Scoring
            turns it into a finding of the matching ``Finding.kind`` (a zero-out into a
            deduction; an outcome into none).
        points: Nominal points (unsigned): what is deducted, awarded or judged.
        message_id: Message template id.
        params: Template fields.
        outcome: The rule outcome this effect belongs to.
        effect: Veto effect or not-applicable policy.
        evidence: ``(path, value)`` of the facts this effect alone rests on (a school's
            cells, for a rule over a table's rows), shown as its finding's facts instead of
            every fact the rule read; empty for the rule's. A ``DerivedValue`` among them
            (a row-derived value with the cells it is computed from) is shown as derived.
        row: For an effect on one row of a table: ``(name, value)`` of its ``table``,
            ``index``, ``key``, ``name`` and ``stage``, which its finding's evidence
            carries; empty otherwise.
    """

    action: str
    points: Decimal
    message_id: str
    params: Mapping[str, Any]
    outcome: str
    effect: str | None = None
    evidence: tuple[Any, ...] = ()
    row: tuple[tuple[str, Any], ...] = ()


@attrs.frozen
class CohortStatistics:
    """What a cohort-relative rule needs of the other entities: the first pass of a cohort.

    For every cohort-relative rule, the value of the fact it ranks, by entity id, of every
    entity that has one (an entity whose fact is missing, or whose document was refused, is
    not in it). Rule kinds read it through :meth:`RuleContext.cohort_values`; it never
    appears in a finding, which says only the entity's own place.

    Attributes:
        values: Rule code → ``(entity id, value)`` pairs, sorted by entity id.
    """

    values: Mapping[str, tuple[tuple[str, Decimal], ...]] = attrs.field(
        converter=frozen_mapping, factory=dict
    )

    def of(self, rule: str) -> dict[str, Decimal]:
        """Entity id → value for the rule ``rule`` (empty when it has no values)."""
        return dict(self.values.get(rule, ()))


#: One effect as a scorer reports it: ``(action, points, outcome, effect)``, the fields of
#: the :class:`Effect` the kind's ``evaluate`` would report, without its message.
Score = tuple[str, Decimal, str, str | None]

#: ``score(values) -> effects``: a rule compiled over its parameters. ``values`` maps every
#: observed and derived fact path present to its value.
Scorer = Callable[[Mapping[str, Any]], tuple[Score, ...]]

#: ``scorer(params, share, item_max) -> score``: what a kind's optional ``scorer`` is.
ScorerFactory = Callable[[Mapping[str, Any], Decimal, Decimal], Scorer]


#: One effect as an explainer reports it: ``(action, points, outcome, effect, detail)``;
#: ``detail`` is ``None`` for an outcome (no finding), else ``(message id, template, fields,
#: (facts, derived))``: the fields frozen plain data in the order the finding holds them
#: (the kind's, then ``fact_label``; scoring adds ``policy`` and ``points``), or a function
#: of nothing that makes them (called only when the finding is built: a finding found
#: again needs none), and the evidence as ``Evidence`` holds it.
Explained = tuple[str, Decimal, str, "str | None", Any]

#: ``explain(values, derived, assumed) -> effects``: a rule compiled with its explanations.
#: ``values`` maps every fact and derived value present to its value, ``derived`` every
#: derived fact computed to its ``DerivedValue``, ``assumed`` holds the paths the document
#: marks as assumed. An absent fact raises ``KeyError``; any exception means the rule must
#: run through its kind's ``evaluate``.
Explainer = Callable[[Mapping[str, Any], Mapping[str, Any], frozenset[str]], tuple[Explained, ...]]


#: The attribute an explainer declares what it reads by (:func:`reading`).
_READS = "explains_from"


def reading(explain: Explainer, paths: Iterable[str]) -> Explainer:
    """``explain``, declared to be a function of ``paths`` alone: what it returns depends
    only on the values of these fact and derived paths (a derived one's ``DerivedValue``
    too) and on which of them the document marks as assumed, and it raises for the same
    values every time. An explained evaluation then finds an item scored before by these
    values, without running its rules again (``_scoring._explain``); an explainer that
    declares nothing is run every time."""
    setattr(explain, _READS, tuple(dict.fromkeys(paths)))
    return explain


def explains_from(explain: Explainer) -> tuple[str, ...] | None:
    """The paths ``explain`` is declared to be a function of (:func:`reading`), or
    ``None``."""
    paths: tuple[str, ...] | None = getattr(explain, _READS, None)
    return paths


@attrs.frozen(eq=False)
class Explaining:
    """How a builtin kind's rules compile with their explanations (not plugin API: its
    shape follows the core's findings).

    Attributes:
        evaluate: The ``evaluate`` it stands for.
        scorer: The ``scorer`` it stands for.
        build: ``build(ctx, template) -> explainer``, called once per rule when a rubric is
            compiled; ``template(message_id)`` is the message the rule's findings are worded
            with.
    """

    evaluate: Callable[[RuleContext], None]
    scorer: ScorerFactory | None
    build: Callable[[DescribeContext, Callable[[str], Text]], Explainer]


def explainer(
    kind: RuleKind, ctx: DescribeContext, template: Callable[[str], Text]
) -> Explainer | None:
    """The rule of ``ctx`` compiled with its explanations, or ``None``: a kind without an
    explainer, or whose ``evaluate`` or ``scorer`` is not the one its explainer stands for
    (a kind rebuilt from a builtin one), runs through its ``evaluate``."""
    explaining = kind.explainer
    if explaining is None:
        return None
    if explaining.evaluate is not kind.evaluate or explaining.scorer is not kind.scorer:
        return None
    try:
        return explaining.build(ctx, template)
    except Exception:  # a rule its kind's evaluate words otherwise: run it as written
        return None


#: Where a kind's rules run: first (and may make the item not applicable), scoring, bonus.
PHASES = ("applicability", "score", "bonus")


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
        outcomes: Every outcome ``evaluate`` can record (for rule-outcome coverage); empty
            when they depend on the rule's parameters (``bands``: the band ids), which
            ``reachable`` then gives.
        messages: Message templates by id, in Chinese and English, with named fields.
        reads: ``reads(params) -> tuple of fact paths`` the rule reads.
        check: ``check(ctx: DescribeContext) -> iterable of problem messages`` beyond the
            schema (e.g. band gaps), run when the rubric loads. A message that starts with
            a dotted path inside the parameters (``params.bands.0: ...``) is reported at
            that path, any other at ``params``.
        phase: ``applicability`` (runs first; may make the item not applicable), ``score``,
            or ``bonus`` (only on bonus items).
        example: A YAML example of a rule of this kind, for the catalogue.
        fields: Message id → the fields ``evaluate`` passes with that message. A template
            for the message (the kind's own, or a rubric's ``message:``) may name these,
            ``{points}``, and ``{fact_label}`` / ``{other_label}`` when ``fact`` /
            ``other`` is among them.
        reachable: ``reachable(params, item_max) -> outcomes`` a rule with these
            parameters, on an item worth ``item_max``, can record; ``None`` when every one
            of ``outcomes`` can. See :meth:`outcomes_for`.
        scorer: Optional, for speed: ``scorer(params, share, item_max) -> score``, called
            once per rule when a rubric is compiled, gives ``score(values)``, which returns
            the ``(action, points, outcome, effect)`` of every effect ``evaluate`` would
            report for those facts, in its order, without messages or evidence.
            Evaluating without explanations uses it; a kind without one, a ``score`` that
            raises (a missing fact is a ``KeyError``), or one that reports a veto, is run
            through ``evaluate`` instead, so the two must agree.
        ranks: For a cohort-relative kind, ``ranks(params) -> fact path``: the fact whose
            values across the cohort decide a rule's points. A cohort collects each
            entity's value of it first (:class:`CohortStatistics`), then evaluates each
            entity with them; evaluated alone, ``RuleContext.cohort_values`` is ``None``.
        explainer: The builtin kinds' only: their rules compiled with their explanations
            for explained evaluations (:class:`Explaining`); ``None`` for a plugin's kind,
            whose rules run through ``evaluate``.
    """

    name: str
    summary: Text
    description: str
    params: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    evaluate: Callable[[RuleContext], None]
    describe: Callable[[DescribeContext], Text]
    outcomes: tuple[str, ...]
    messages: Mapping[str, Text] = attrs.field(converter=frozen_mapping)
    reads: Callable[[Mapping[str, Any]], tuple[str, ...]]
    check: Callable[[DescribeContext], Iterable[str]] | None = None
    phase: str = "score"
    example: str = ""
    fields: Mapping[str, frozenset[str]] = attrs.field(converter=frozen_mapping, factory=dict)
    reachable: Callable[[Mapping[str, Any], Decimal], Iterable[str]] | None = None
    scorer: ScorerFactory | None = attrs.field(default=None, eq=False, repr=False)
    ranks: Callable[[Mapping[str, Any]], str] | None = None
    explainer: Explaining | None = attrs.field(default=None, eq=False, repr=False)

    def outcomes_for(self, params: Mapping[str, Any], item_max: Decimal) -> tuple[str, ...]:
        """The outcomes a rule of this kind can record, for rule-outcome coverage.

        Without ``reachable``, every declared outcome. With it, those it gives for the
        rule's parameters and its item's max: a subset of ``outcomes`` in their order, or,
        when ``outcomes`` is empty, what it gives, in its order.

        Raises:
            ValueError: if ``reachable`` gives an outcome ``outcomes`` does not declare.
        """
        if self.reachable is None:
            return self.outcomes
        found = tuple(dict.fromkeys(self.reachable(params, item_max)))
        if not self.outcomes:
            return found
        undeclared = [o for o in found if o not in self.outcomes]
        if undeclared:
            raise ValueError(
                f"rule kind {self.name}: reachable gives undeclared outcomes {undeclared} "
                f"(declared: {list(self.outcomes)})"
            )
        return tuple(o for o in self.outcomes if o in found)

    def message_fields(self, message_id: str) -> frozenset[str]:
        """The fields a template for one of the kind's messages may name.

        Raises:
            KeyError: if the kind has no such message.
        """
        return available_fields(self.fields[message_id])


def _declared_fields(
    messages: Mapping[str, Text], fields: Mapping[str, Iterable[str]] | None
) -> dict[str, frozenset[str]]:
    """The fields of each message: as declared, or else what its templates name."""
    if fields is not None:
        return {mid: frozenset(names) for mid, names in fields.items()}
    out = {}
    for mid, text in messages.items():
        named = template_fields(text.zh) | template_fields(text.en)
        sources = {LABEL_FIELDS[n] for n in named if n in LABEL_FIELDS}
        out[mid] = frozenset(named - SCORER_FIELDS - LABEL_FIELDS.keys()) | sources
    return out


def _undeclared(message_id: str, available: frozenset[str]) -> Callable[[str], str]:
    def lacks(_name: str) -> str:
        return (
            f"a field not declared for message {message_id} "
            f"(its fields: {', '.join(sorted(available))})"
        )

    return lacks


def kind_problems(kind: RuleKind) -> list[str]:
    """What is wrong with a kind as a plugin built it; empty when it can be registered.

    Checked: its phase; that it declares outcomes (or computes them); that every message
    has its fields declared and every declaration a message; and that each template names
    only its message's fields, with nothing but names in its braces.
    """
    problems = []
    if kind.phase not in PHASES:
        problems.append(f"unknown phase {kind.phase!r} (use one of {', '.join(PHASES)})")
    if not kind.outcomes and kind.reachable is None:
        problems.append(
            "declares no outcomes: list them in outcomes, or compute them from a rule's "
            "parameters with reachable"
        )
    for mid in sorted(kind.messages.keys() - kind.fields.keys()):
        problems.append(f"message {mid}: its fields are not declared (fields={{{mid!r}: ...}})")
    for mid in sorted(kind.fields.keys() - kind.messages.keys()):
        problems.append(f"fields declared for {mid!r}, which is not one of its messages")
    for mid, template in kind.messages.items():
        if mid not in kind.fields:
            continue
        available = kind.message_fields(mid)
        found = template_problems(template, available, _undeclared(mid, available))
        problems.extend(f"message {mid} ({lang}) {problem}" for lang, problem in found)
    return problems


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
    fields: Mapping[str, Iterable[str]] | None = None,
    reachable: Callable[[Mapping[str, Any], Decimal], Iterable[str]] | None = None,
    scorer: ScorerFactory | None = None,
    ranks: Callable[[Mapping[str, Any]], str] | None = None,
) -> RuleKind:
    """Build a :class:`RuleKind` for a plugin's ``evalrules_register_rule_kinds`` hook.

    ``params`` is a cerberus schema; the optional ``points`` parameter (the share of the item
    this rule governs) is added to every kind. ``reads`` defaults to every ``fact`` key found
    in the parameters.

    ``fields`` declares, for each message id, the fields ``evaluate`` passes with it; the
    engine refuses a kind whose templates name anything else, and the rubric loader a
    rule's ``message:`` that does. Without it, each message's fields are those its own
    templates name. ``reachable`` narrows ``outcomes`` to those a rule's parameters allow
    (see :meth:`RuleKind.outcomes_for`); without it, every rule can reach every outcome.
    ``scorer`` compiles a rule to a function of the facts for evaluations without
    explanations (see :class:`RuleKind`). ``ranks`` makes the kind cohort-relative: it names
    the fact whose values across a cohort the rule needs (see :class:`RuleKind`).

    The engine checks the kind when it registers it, and refuses it with a
    :class:`~evalrules.errors.PluginLoadError` naming the plugin and every problem.

    Raises:
        ValueError: for an unknown ``phase``.
    """
    if phase not in PHASES:
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
        fields=_declared_fields(messages, fields),
        reachable=reachable,
        scorer=scorer,
        ranks=ranks,
    )
