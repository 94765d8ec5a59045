"""What a rule kind sees: a `RuleContext` when evaluating, a `DescribeContext` when describing.

Both carry the kind author's toolkit: a fact's declaration, label and unit, whether it is a
number, numbers shown plainly, exact comparison, and conditions in words. A plugin's kind
needs nothing else from evalrules; the builtin kinds use the same methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from evalrules._facts._tables import TableValue
from evalrules._facts._types import BUILTIN_TYPES, FactType
from evalrules._points import ZERO, plain, to_decimal
from evalrules._rubric._model import (
    DerivedFact,
    FactSpec,
    Indicator,
    Rubric,
    Rule,
    TableSpec,
)
from evalrules._rules._conditions import (
    compare,
    condition_problems,
    condition_type_problems,
    describe_condition,
)
from evalrules._rules._kind import CohortStatistics, Effect, MissingFact, NotComputed
from evalrules._scorecard._model import VETO_EFFECTS, DerivedValue
from evalrules._text import Text

if TYPE_CHECKING:
    from evalrules._rules._kind import RuleKind


def _builtin_types() -> dict[str, FactType]:
    """The fact types a context built by hand (without the engine's) knows: the builtins."""
    return {t.name: t for t in BUILTIN_TYPES}


def rule_share(rule: Rule, item: Indicator) -> Decimal:
    """The points a rule governs: its ``points`` parameter if given, else its item's max."""
    points = rule.params.get("points")
    return item.max if points is None else to_decimal(points)


class _Toolkit:
    """The methods both contexts offer a kind author; they read the rubric only."""

    __slots__ = ()
    rubric: Rubric
    fact_types: Mapping[str, FactType]

    def declaration(self, path: str) -> FactSpec | DerivedFact | None:
        """The rubric's declaration of a fact or derived fact, ``None`` if undeclared."""
        for spec in self.rubric.facts:
            if spec.path == path:
                return spec
        for derived in self.rubric.derived:
            if derived.path == path:
                return derived
        return None

    def label(self, path: str) -> Text:
        """The description of a declared or derived fact (the path itself if undeclared)."""
        declared = self.declaration(path)
        return Text(path, path) if declared is None else declared.description

    def unit(self, path: str) -> str:
        """The unit of a fact (``"%"``, ``"元"``), or ``""``."""
        declared = self.declaration(path)
        return "" if declared is None else declared.unit or ""

    def fact_type(self, path: str) -> FactType | None:
        """The type of a declared fact (its traits say how it compares, its shape, ...);
        ``None`` for a derived or undeclared fact, or a type that is not installed."""
        for spec in self.rubric.facts:
            if spec.path == path:
                return self.fact_types.get(spec.type)
        return None

    def table_spec(self, path: str) -> TableSpec | None:
        """The rows' declaration of a table fact, ``None`` when ``path`` is not one."""
        declared = self.declaration(path)
        return declared.table if isinstance(declared, FactSpec) else None

    def is_numeric(self, path: str) -> bool:
        """Whether a fact's values are numbers: a derived fact, or a declared fact of a type
        that compares as numbers (``count``, ``money``, ``percent``, ``ratio``, or a plugin's
        number type). ``False`` for an undeclared fact."""
        if any(d.path == path for d in self.rubric.derived):
            return True
        ftype = self.fact_type(path)
        return ftype is not None and ftype.is_scalar and ftype.numeric

    @staticmethod
    def plain(value: Any) -> str:
        """A number shown plainly and exactly: no exponent, no trailing zeros (``850``,
        ``84.92``, ``0.5``). Accepts ``Decimal``, ``int``, a numeric string or a float (by
        its shortest ``repr``)."""
        return plain(to_decimal(value))

    @staticmethod
    def compare(left: Any, op: str, right: Any) -> bool:
        """Compare two values exactly with an operator rubrics write: ``>=``, ``>``,
        ``<=``, ``<``, ``==``, ``!=``. Numbers compare as ``Decimal`` (84.92 is below 85);
        booleans take ``==`` and ``!=`` only; other values (those of a type that compares
        as ``ordered``) with Python's own operators. Which comparisons a fact's type allows
        is checked when the rubric loads (a text takes ``==`` and ``!=`` only).

        Raises:
            TypeError: for an ordering of booleans, or of values that have no order.
            ValueError: for an unknown operator.
        """
        return compare(left, op, right)

    def condition_words(self, cond: Mapping[str, Any], *, clause: bool = False) -> Text:
        """A condition (``{fact, op, value}``, ``{all: [...]}``, ``{any: [...]}``) in words,
        in Chinese and English, with the facts' labels and units: a comparison as a
        standard (``… at least 85%``), or with ``clause`` as what is the case, for "if …"
        and "when …" (``… is less than 85%``)."""
        return describe_condition(cond, self, clause=clause)


class RuleContext(_Toolkit):
    """What a rule kind's ``evaluate`` works with: parameters, facts, and effect reporting.

    Besides the methods below, it has the toolkit both contexts share: ``declaration``,
    ``label``, ``unit``, ``fact_type``, ``is_numeric``, ``plain``, ``compare`` and
    ``condition_words``
    (see :class:`DescribeContext`).

    Attributes:
        rule: The rule being evaluated.
        item: The item (leaf indicator) it belongs to.
        rubric: The rubric.
        params: The rule's validated parameters.
        share: The points this rule governs: ``params["points"]`` if given, else the item max.
        data_year: The year whose facts are scored.
        entity: The id of the entity evaluated (``""`` when the facts do not say).
    """

    __slots__ = (
        "_assumed",
        "_cohort",
        "_derived",
        "_facts",
        "_fields",
        "_kind_name",
        "_not_computed",
        "_read",
        "_read_derived",
        "data_year",
        "effects",
        "entity",
        "fact_types",
        "item",
        "params",
        "rubric",
        "rule",
        "share",
    )

    def __init__(
        self,
        *,
        rule: Rule,
        item: Indicator,
        rubric: Rubric,
        facts: Mapping[str, Any],
        derived: Mapping[str, DerivedValue],
        kind: RuleKind | None = None,
        fact_types: Mapping[str, FactType] | None = None,
        assumed: frozenset[str] = frozenset(),
        entity: str = "",
        cohort: CohortStatistics | None = None,
        not_computed: Mapping[str, DerivedValue] | None = None,
    ) -> None:
        self.rule = rule
        self.entity = entity
        self._cohort = cohort
        self._assumed = assumed
        self.fact_types: Mapping[str, FactType] = fact_types or _builtin_types()
        self.item = item
        self.rubric = rubric
        self.params = rule.params
        self.share: Decimal = rule_share(rule, item)
        self.data_year: int = rubric.data_year or rubric.year - 1
        self._facts = facts
        self._derived = derived
        self._not_computed: Mapping[str, DerivedValue] = not_computed or {}
        self._read: dict[str, Any] = {}
        self._read_derived: dict[str, DerivedValue] = {}
        self.effects: list[Effect] = []
        # The kind's declared message fields: an effect that leaves one out is the kind's
        # mistake, reported as such instead of a finding that prints "{field}".
        self._fields = None if kind is None else kind.fields
        self._kind_name = rule.kind if kind is None else kind.name

    # -- facts -------------------------------------------------------------------------

    def is_assumed(self, path: str) -> bool:
        """Whether the facts document marks the fact at ``path`` as assumed or
        back-calculated rather than reported (its ``assumed`` section), so that a message
        showing the value can say so."""
        return path in self._assumed

    def fact(self, path: str) -> Any:
        """Return the value of an observed or derived fact, recording it as evidence.

        Raises:
            MissingFact: if the fact is optional and absent (handled by the engine).
            NotComputed: if the fact is a derived fact not computed for want of rows (no
                school of the stage counted): the engine makes the item not applicable.
        """
        if path in self._derived:
            dv = self._derived[path]
            self._read_derived[path] = dv
            return dv.value
        if path in self._facts:
            value = self._facts[path]
            self._read[path] = value
            return value
        if path in self._not_computed:
            dv = self._not_computed[path]
            self._read_derived[path] = dv
            raise NotComputed(path, dv.not_computed or Text(path, path))
        raise MissingFact(self._missing_input(path))

    def table(self, path: str) -> TableValue:
        """Return a table fact's rows without recording the whole table as evidence: a rule
        over rows records the cells its findings rest on with :meth:`record`.

        Raises:
            MissingFact: if the table is absent (handled by the engine).
            TypeError: if the fact at ``path`` is not a table.
        """
        value = self._facts.get(path)
        if value is None:
            raise MissingFact(path)
        if not isinstance(value, TableValue):
            raise TypeError(f"{path} is not a table fact")
        return value

    def record(self, path: str, value: Any) -> None:
        """Record a value as evidence under ``path`` (a table's cell: ``schools[12].pupils``)."""
        self._read[path] = value

    def _missing_input(self, path: str, seen: frozenset[str] = frozenset()) -> str:
        """For a derived fact left uncomputed, the observed fact whose absence is the cause:
        that is what the district must supply."""
        declared = next((d for d in self.rubric.derived if d.path == path), None)
        if declared is None or path in seen:
            return path
        for source in declared.inputs:
            if source not in self._facts and source not in self._derived:
                return self._missing_input(source, seen | {path})
        return path

    def cohort_values(self) -> dict[str, Decimal] | None:
        """For a cohort-relative rule, entity id → the value of the fact it ranks, of every
        entity of the cohort that has one (this one included when it has); ``None`` when
        the entity is evaluated alone, without cohort statistics."""
        if self._cohort is None:
            return None
        return self._cohort.of(self.rule.code)

    def condition(self, cond: Mapping[str, Any]) -> bool:
        """Evaluate a condition (``{fact, op, value}``, ``{all: [...]}``, ``{any: [...]}``)."""
        if "all" in cond:
            results = [self.condition(c) for c in cond["all"]]  # read all: full evidence
            return all(results)
        if "any" in cond:
            results = [self.condition(c) for c in cond["any"]]
            return any(results)
        value = self.fact(cond["fact"])
        return compare(value, cond.get("op", "=="), cond.get("value", True))

    @property
    def evidence_facts(self) -> tuple[tuple[str, Any], ...]:
        """Observed facts read so far, sorted by path."""
        return tuple(sorted(self._read.items()))

    @property
    def evidence_derived(self) -> tuple[DerivedValue, ...]:
        """Derived facts read so far, sorted by path."""
        return tuple(self._read_derived[k] for k in sorted(self._read_derived))

    # -- effects -----------------------------------------------------------------------

    def _add(self, action: str, points: Any, message_id: str, outcome: str, **kw: Any) -> None:
        effect = kw.pop("effect", None)
        own = tuple(kw.pop("evidence", None) or ())
        row = tuple(kw.pop("row", None) or ())
        if self._fields is not None:
            declared = self._fields.get(message_id)
            if declared is None or not declared <= kw.keys():
                self._check_fields(action, message_id, kw)
        self.effects.append(
            Effect(action, to_decimal(points), message_id, dict(kw), outcome, effect, own, row)
        )

    def _check_fields(self, action: str, message_id: str, given: Mapping[str, Any]) -> None:
        """Raise when an effect's message is not the kind's, or lacks a declared field."""
        assert self._fields is not None
        declared = self._fields.get(message_id)
        if declared is None:
            known = ", ".join(sorted(self._fields)) or "none"
            raise ValueError(
                f"rule kind {self._kind_name} reported message {message_id!r}, which is not "
                f"one of its messages ({known})"
            )
        missing = declared.difference(given)
        if action == "not_applicable":
            missing -= {"policy"}  # the scorer words the policy in force
        if missing:
            raise ValueError(
                f"rule kind {self._kind_name} reported message {message_id!r} without its "
                f"declared fields {sorted(missing)}"
            )

    def outcome(self, outcome: str) -> None:
        """Record an outcome that changes no points (e.g. ``met``, ``full``)."""
        self.effects.append(Effect("outcome", ZERO, "", {}, outcome))

    def deduct(
        self,
        points: Any,
        message_id: str,
        *,
        outcome: str,
        evidence: Iterable[tuple[str, Any] | DerivedValue] | None = None,
        row: Iterable[tuple[str, Any]] | None = None,
        **params: Any,
    ) -> None:
        """Deduct ``points`` (nominal; the engine floors the item at zero).

        ``params`` are the message's fields: every field the kind declares for
        ``message_id`` must be given. ``evidence``: ``(path, value)`` of the facts this
        deduction alone rests on (one school's cells), which its finding shows instead of
        every fact the rule read; a ``DerivedValue`` among them (a row-derived value with
        its cells as inputs) is shown as a derived value. ``row``: for a deduction on one
        row of a table, ``(name, value)`` of its ``table``, ``index``, ``key``, ``name``
        and ``stage``.
        """
        self._add("deduction", points, message_id, outcome, evidence=evidence, row=row, **params)

    def zero_out(self, message_id: str, *, outcome: str, **params: Any) -> None:
        """Set the item to zero whatever the other rules say."""
        self._add("zero_out", ZERO, message_id, outcome, **params)

    def not_applicable(
        self, message_id: str, *, outcome: str, policy: str | None = None, **params: Any
    ) -> None:
        """Declare the item not applicable; ``policy`` overrides the declared one. The
        message's ``{policy}`` field is the policy in force, in words."""
        self._add("not_applicable", ZERO, message_id, outcome, effect=policy, **params)

    def award(self, points: Any, message_id: str, *, outcome: str, **params: Any) -> None:
        """Award bonus points (bonus items only; capped by the item and the rubric)."""
        self._add("bonus", points, message_id, outcome, **params)

    def veto(self, effect: str, message_id: str, *, outcome: str, **params: Any) -> None:
        """Trigger a veto: ``force_fail``, ``lower_one`` or ``cap_below_top``."""
        if effect not in VETO_EFFECTS:
            raise ValueError(f"unknown veto effect {effect!r}")
        self._add("veto", ZERO, message_id, outcome, effect=effect, **params)

    def not_assessable(self, message_id: str, *, outcome: str, **params: Any) -> None:
        """Declare the item not assessable, for a reason the message gives (a cohort-relative
        rule evaluated alone). The item scores 0 and the scorecard is marked incomplete."""
        self._add("not_assessable", ZERO, message_id, outcome, **params)

    def manual(self, points: Any, message_id: str, *, outcome: str, **params: Any) -> None:
        """Deduct ``points`` on an assessor's recorded judgement (flagged as manual)."""
        self._add("manual", points, message_id, outcome, **params)


@attrs.frozen
class DescribeContext(_Toolkit):
    """What a rule kind's ``describe`` and ``check`` work with when putting a rule into
    words or checking it as the rubric loads.

    The toolkit (also on :class:`RuleContext`): :meth:`declaration`, :meth:`label`,
    :meth:`unit`, :meth:`fact_type`, :meth:`is_numeric`, :meth:`plain`, :meth:`compare`,
    :meth:`condition_words`.

    Attributes:
        rule: The rule.
        item: The item (leaf indicator) it belongs to.
        rubric: The rubric.
        share: The points this rule governs: ``params["points"]`` if given, else the item max.
        fact_types: The installed fact types by name (the engine's; the builtin types when
            the context is built by hand).
    """

    rule: Rule
    item: Indicator
    rubric: Rubric
    share: Decimal
    fact_types: Mapping[str, FactType] = attrs.field(factory=_builtin_types, eq=False, repr=False)

    @property
    def params(self) -> Mapping[str, Any]:
        """The rule's parameters."""
        return self.rule.params

    def condition_problems(self, cond: Any, where: str) -> list[str]:
        """What is wrong with a condition parameter, one message per problem, each starting
        with ``where`` (``"params.when"``): its shape first, then (when the shape is sound)
        comparisons its facts' declared types cannot make (``>=`` on a boolean)."""
        problems = condition_problems(cond, where)
        return problems or condition_type_problems(cond, self, where)


def describe_context(
    rule: Rule,
    item: Indicator,
    rubric: Rubric,
    fact_types: Mapping[str, FactType] | None = None,
) -> DescribeContext:
    """The describe context of a rule of ``item``."""
    return DescribeContext(
        rule, item, rubric, rule_share(rule, item), fact_types or _builtin_types()
    )
