"""The scorecard as frozen values: node results, findings, evidence, grade, claims."""

from __future__ import annotations

import base64
import pickle
import zlib
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from types import MemberDescriptorType
from typing import Any, TypeVar

import attrs

from evalrules._frozen import frozen_mapping, frozen_pairs
from evalrules._points import ZERO
from evalrules._text import Text

#: Vetoes in precedence order: the first one present decides the most.
VETO_EFFECTS: tuple[str, ...] = ("force_fail", "lower_one", "cap_below_top")

# --------------------------------------------------------------------------- pickling
#
# A kept scorecard (a platform keeps a year's cards of hundreds of districts in memory or in
# a cache) pickles compactly. Its values pickle as their fields in order, without attrs'
# field names, points as their text; and the card itself as one compressed pickle of those
# values, which carries every text it shows (titles, labels, message templates), so that it
# reads back in a process where no plugin is installed, equal to what was pickled, with the
# same JSON bytes. Restoring builds each value from fields that are already what its
# converters would make (frozen mappings and tuples), without running them again.

_V = TypeVar("_V")

#: The layout of a scorecard's compressed state; a state of another layout is refused.
_CARD_STATE = 1


def restorer(
    cls: type[_V], name: str, module: str, slots: tuple[str, ...] | None = None
) -> Callable[..., _V]:
    """A function that makes a ``cls`` from its fields, given in order (attrs' order, or
    ``slots``), and sets each one as it is, without ``__init__`` and so without its
    converters: for values read back from a pickle, whose fields are already what the
    converters made. It is named ``name`` in ``module``, where the caller keeps it, so that
    a pickle can name it.

    It is written once per class as plain code, a slot's own setter called per field (no
    loop, no lookup by name): reading many values back is most of what it costs.
    """
    names = slots if slots is not None else tuple(f.name for f in attrs.fields(cls))  # type: ignore[arg-type]
    args = ", ".join(f"v{i}" for i in range(len(names)))
    body = "".join(f"    s{i}(obj, v{i})\n" for i in range(len(names)))
    source = f"def restore({args}):\n    obj = new(cls)\n{body}    return obj\n"
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for i, field in enumerate(names):
        slot = next((k.__dict__[field] for k in cls.__mro__ if field in k.__dict__), None)
        if not isinstance(slot, MemberDescriptorType):
            raise TypeError(f"{cls.__qualname__}.{field} is not a slot")
        scope[f"s{i}"] = slot.__set__
    exec(compile(source, f"<restore {cls.__qualname__}>", "exec"), scope)
    restore: Callable[..., _V] = scope["restore"]
    restore.__qualname__ = restore.__name__ = name
    restore.__module__ = module
    return restore


def _points(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _text_of(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _node(
    code: str,
    title: Text,
    max_: str,
    score: str,
    status: str,
    children: tuple[NodeResult, ...] = (),
    claimed: str | None = None,
) -> NodeResult:
    """A :class:`NodeResult` from its pickled fields (points as text)."""
    return _NEW_NODE(code, title, Decimal(max_), Decimal(score), status, children, _points(claimed))


def _finding(*values: Any) -> Finding:
    """A :class:`Finding` from its pickled fields (points as text)."""
    return _NEW_FINDING(*values[:3], Decimal(values[3]), Decimal(values[4]), *values[5:])


def _evidence(*values: Any) -> Evidence:
    """An :class:`Evidence` from its pickled fields (without ``row`` when it has none)."""
    if len(values) == 3:
        return _NEW_EVIDENCE(*values, ())
    return _NEW_EVIDENCE(*values)


def _scorecard(state: bytes | str) -> Scorecard:
    """A :class:`Scorecard` from its compressed state (see :meth:`Scorecard.__reduce_ex__`)."""
    if isinstance(state, str):  # protocols 0 to 2, which have no bytes of their own
        state = base64.b85decode(state)
    layout, *values = pickle.loads(zlib.decompress(state))
    if layout != _CARD_STATE:
        raise pickle.UnpicklingError(f"a scorecard state of layout {layout!r}, not {_CARD_STATE}")
    if len(values) != len(_CARD_FIELDS):
        raise pickle.UnpicklingError(
            f"a scorecard state of {len(values)} fields, not {len(_CARD_FIELDS)}"
        )
    return _NEW_CARD(*values)


# --------------------------------------------------------------------------- scorecards


@attrs.frozen
class DerivedValue:
    """A derived fact's value as evidence: what was computed, from what.

    Attributes:
        path: The derived fact's path.
        value: The exact value.
        formula: The formula's name (an aggregation's, for a value over a table).
        inputs: ``(path, value)`` of each input.
        breakdown: For an aggregation: ``(name, value)`` of what it rests on (``mean`` X̄,
            ``sd`` S, ``cv``, ``n`` rows, ``weight_total`` P, ``matched``), else empty.
        description: For an aggregation: the derived fact's description, so that a
            scorecard names the value without its rubric; ``None`` for a formula.
        not_computed: Why there is no value: an aggregate with no counted row (no junior
            school in the county), or a derived fact computed from one. Its ``value`` is
            then ``None``, and the items whose rules read it are not applicable.
        formula_label: For a plugin's aggregation: its description, which names the
            formula on a card (``中位数``); ``None`` for the core's formulas and
            aggregations, which the renderers name themselves.
        breakdown_labels: For a plugin's aggregation: ``(key, Text)`` naming the keys of
            its breakdown; empty otherwise.
    """

    path: str
    value: Decimal | None
    formula: str
    inputs: tuple[tuple[str, Any], ...] = attrs.field(converter=frozen_pairs)
    breakdown: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=frozen_pairs)
    description: Text | None = None
    not_computed: Text | None = None
    formula_label: Text | None = None
    breakdown_labels: tuple[tuple[str, Text], ...] = ()


@attrs.frozen
class Evidence:
    """What a finding shows: observed facts, derived values, and the rule's parameters.

    Attributes:
        facts: ``(path, value)`` of every observed fact the rule read.
        derived: Derived values the rule read, with their inputs (for a finding on a
            table's row, the row's derived values: ``schools[10].backbone_per_100`` from
            its cells).
        params: ``(name, value)`` of thresholds and other parameters that decided.
        row: For a finding on one row of a table: ``(name, value)`` of ``table``, ``index``,
            ``key``, ``name`` (its label) and ``stage`` (when the table has stages); empty
            otherwise.
    """

    facts: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=frozen_pairs)
    derived: tuple[DerivedValue, ...] = ()
    params: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=frozen_pairs)
    row: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=frozen_pairs)

    def __reduce__(self) -> tuple[Any, ...]:
        if not self.row:
            return (_evidence, (self.facts, self.derived, self.params))
        return (_evidence, (self.facts, self.derived, self.params, self.row))


@attrs.frozen
class Finding:
    """One explained effect of a rule on a node.

    Attributes:
        indicator: The node's code.
        rule: The rule's code.
        kind: What the finding records: ``deduction``, ``bonus``, ``veto``,
            ``not_applicable``, ``not_assessable`` or ``manual`` (the field ``kind`` of a
            finding in the scorecard JSON; not a rule kind, which is ``Rule.kind``).
        points: Signed effect on the node's score after capping: ``-0.2`` for a deduction,
            ``+0.5`` for a bonus, ``0`` for a veto or a not-applicable item given full marks.
        nominal: What the rule asked for before capping (``扣完为止``), unsigned.
        message_id: Message template id, e.g. ``"threshold.missed"``.
        params: The template's named fields (plain data).
        message: The rendered message in Chinese and English.
        evidence: What the finding rests on.
        outcome: The rule outcome that produced it (``partial``, ``zero``, ``n/a`` ...).
        effect: For vetoes: ``force_fail``, ``lower_one`` or ``cap_below_top``; for
            not-applicable findings: the policy applied.
    """

    indicator: str
    rule: str
    kind: str
    points: Decimal
    nominal: Decimal
    message_id: str
    params: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    message: Text
    evidence: Evidence = Evidence()
    outcome: str = ""
    effect: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # the message pickles as its template and this finding's own params (one object)
        return (
            _finding,
            (
                self.indicator,
                self.rule,
                self.kind,
                str(self.points),
                str(self.nominal),
                self.message_id,
                self.params,
                self.message,
                self.evidence,
                self.outcome,
                self.effect,
            ),
        )


@attrs.frozen
class NodeResult:
    """An indicator's result in a scorecard.

    Attributes:
        code: The indicator code.
        title: Its title.
        max: Its max points.
        score: Its score (for a parent, the exact sum of its children's).
        status: ``scored``, ``not_applicable`` or ``not_assessable``. A parent is
            ``not_applicable`` or ``not_assessable`` only when all its children are.
        children: Child results.
        claimed: The claimed (self-assessed) score, when given.
    """

    code: str
    title: Text
    max: Decimal
    score: Decimal
    status: str
    children: tuple[NodeResult, ...] = ()
    claimed: Decimal | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        fields: tuple[Any, ...] = (
            self.code,
            self.title,
            str(self.max),
            str(self.score),
            self.status,
            self.children,
            _text_of(self.claimed),
        )
        if self.claimed is None:  # the usual case: no claim, and often no children
            fields = fields[:-1] if self.children else fields[:-2]
        return (_node, fields)

    def walk(self) -> Iterator[NodeResult]:
        """Yield this node and its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class Grade:
    """The grade after vetoes.

    Attributes:
        code: Final grade code.
        label: Final grade label.
        base: Grade code from the total alone, before vetoes.
    """

    code: str
    label: Text
    base: str


@attrs.frozen
class ClaimComparison:
    """A claimed score set against the computed one.

    Attributes:
        code: Indicator code, or ``"total"``.
        claimed: The claimed score.
        computed: The computed score.
        difference: ``claimed - computed`` (positive: the claim is higher).
        findings: Rule codes of the findings that explain the difference.
        reason: Why they differ, in Chinese and English (empty when they agree).
        depends_on_cohort: True when the node holds an item scored by place among a cohort
            that was evaluated alone: the computed score is not the entity's score yet,
            and the claim can be checked only when the districts are evaluated together.
    """

    code: str
    claimed: Decimal
    computed: Decimal
    difference: Decimal
    findings: tuple[str, ...] = ()
    reason: Text = Text("")
    depends_on_cohort: bool = False

    @property
    def agrees(self) -> bool:
        """True when the claim equals the computed score."""
        return self.difference == 0


@attrs.frozen
class RubricInfo:
    """Which rubric produced a scorecard.

    Attributes:
        ref: The rubric reference, ``family/year``.
        family: The rubric family, e.g. ``"panjin-county"`` (``Rubric.family``).
        year: The evaluation year.
        version: The version of the rubric data.
        digest: SHA-256 of the rubric's canonical content.
        title: The rubric's title.
        precision: Item scores are quantized to multiples of this.
    """

    ref: str
    family: str
    year: int
    version: str
    digest: str
    title: Text = Text("")
    precision: Decimal = Decimal("0.1")


@attrs.frozen
class Entity:
    """What is evaluated: a county or district, by administrative code.

    Attributes:
        id: Administrative code (行政区划代码), e.g. ``"211102"``.
        name: Name, e.g. 双台子区.
    """

    id: str
    name: str = ""


@attrs.frozen
class SensitivityCase:
    """What one documented alternative of an inferred rule would change.

    Attributes:
        rule: The inferred rule's code.
        indicator: The code of its item.
        params: The parameters the alternative changes (merged over the rule's own).
        why: Where the alternative comes from.
        document: The document that supports it, if any.
        score: The item's score as evaluated.
        alternative_score: The item's score under the alternative.
        total: The total under the alternative.
        grade: The grade under the alternative.
    """

    rule: str
    indicator: str
    params: Mapping[str, Any] = attrs.field(converter=frozen_mapping)
    why: Text
    document: str | None
    score: Decimal
    alternative_score: Decimal
    total: Decimal
    grade: Grade

    @property
    def changes(self) -> bool:
        """True when the alternative changes the item's score."""
        return self.score != self.alternative_score


#: The codes a verdict can have.
VERDICT_CODES: tuple[str, ...] = ("passed", "failed", "undecided")


@attrs.frozen
class GateResult:
    """A gate of a certification rubric that did not pass, or a veto that failed it.

    Attributes:
        code: The gate's indicator code (for a veto: the code of the item it is on).
        title: The indicator's title.
        score: Its score.
        max: Its max points.
        reason: Why it did not pass, in Chinese and English: the messages of the findings
            under it (with ``explain=False``, which makes no findings but the vetoes', its
            score against its max), or why it could not be assessed.
        rule: For a veto, the code of the rule that fired; ``None`` for a gate.
    """

    code: str
    title: Text
    score: Decimal
    max: Decimal
    reason: Text
    rule: str | None = None


@attrs.frozen
class Verdict:
    """The verdict of a certification rubric: 达标 / 未达标, from its gates and vetoes.

    Attributes:
        code: ``passed`` (every gate lost no points and no veto fired), ``failed`` (a gate
            lost points or a veto fired: decided even on an incomplete card), or
            ``undecided`` (nothing failed, but the card is incomplete).
        label: The rubric's words for the code (达标, 未达标, ...).
        failed: The gates that lost points, in the order the rubric lists them, then each
            veto that fired.
        undecided: When the card is incomplete: the items not assessable.
    """

    code: str
    label: Text
    failed: tuple[GateResult, ...] = ()
    undecided: tuple[GateResult, ...] = ()

    @property
    def passed(self) -> bool:
        """True for the verdict ``passed``."""
        return self.code == "passed"


@attrs.frozen
class Scorecard:
    """The result of evaluating one entity's facts against a rubric.

    Attributes:
        rubric: The rubric's reference, version and content digest.
        entity: What was evaluated.
        total: Base total plus bonus (rescaled when not-applicable items are excluded).
        max: The base max.
        bonus: Bonus points awarded (after caps).
        grade: The grade after vetoes.
        vetoes: Veto findings that fired.
        complete: False when some items were not assessable (partial mode).
        indicators: The indicator tree's results.
        bonus_items: Bonus items' results.
        findings: Every finding, in rubric order.
        claimed: Claimed-vs-computed comparisons, when claimed scores were given.
        evalrules_version: The library version that computed it.
        base_total: The base total before bonus (rescaled when items are excluded).
        outcomes: ``(rule code, outcome)`` of every rule that ran, in rubric order — what
            rule-outcome coverage counts (``met`` and ``full`` leave no finding).
        assumed: ``(fact path, note)`` of every fact whose value was assumed or
            back-calculated rather than reported (the facts document's ``assumed``).
        sensitivity: What each documented alternative of an inferred rule would change,
            when asked for (:meth:`CompiledRubric.sensitivity`); ``None`` otherwise.
        evaluated_at: When the scorecard was made (ISO 8601), only when asked for: left
            out, the same input gives the same bytes.
        verdict: For a certification rubric, its verdict (达标 / 未达标); ``None`` for a
            points rubric.
        aggregates: Every value the evaluation computed over a table's rows (a coefficient
            of variation with its X̄ and S, a share of schools), and every value computed
            from those (a rate over two sums: 毛入园率), in the rubric's order,
            whether or not a rule lost points on it; empty when nothing is explained.
    """

    rubric: RubricInfo
    entity: Entity
    total: Decimal
    max: Decimal
    bonus: Decimal
    grade: Grade
    vetoes: tuple[Finding, ...]
    complete: bool
    indicators: tuple[NodeResult, ...]
    findings: tuple[Finding, ...]
    bonus_items: tuple[NodeResult, ...] = ()
    claimed: tuple[ClaimComparison, ...] | None = None
    evalrules_version: str = ""
    base_total: Decimal = ZERO
    outcomes: tuple[tuple[str, str], ...] = ()
    assumed: tuple[tuple[str, Text], ...] = ()
    sensitivity: tuple[SensitivityCase, ...] | None = None
    evaluated_at: str | None = None
    verdict: Verdict | None = None
    aggregates: tuple[DerivedValue, ...] = ()

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # One compressed pickle of the fields: a card's texts (titles in both languages,
        # labels, templates) are most of it, and compress well. Inside, protocol 4 at the
        # least (every Python evalrules runs on reads it), whatever protocol is asked for.
        state = (_CARD_STATE, *(getattr(self, name) for name in _CARD_FIELDS))
        inner = max(protocol, 4) if isinstance(protocol, int) else pickle.DEFAULT_PROTOCOL
        packed = zlib.compress(pickle.dumps(state, inner), 6)
        if isinstance(protocol, int) and protocol < 3:
            # before protocol 3 bytes pickle as text, half again as long: Base85 is less
            return (_scorecard, (base64.b85encode(packed).decode("ascii"),))
        return (_scorecard, (packed,))

    def __copy__(self) -> Scorecard:
        return self  # frozen: a copy would be the same value

    def __deepcopy__(self, memo: dict[int, object]) -> Scorecard:
        return self

    def node(self, code: str) -> NodeResult:
        """Return the result node with ``code``.

        Raises:
            KeyError: if there is none.
        """
        for top in (*self.indicators, *self.bonus_items):
            for node in top.walk():
                if node.code == code:
                    return node
        raise KeyError(code)

    def findings_for(self, code: str) -> tuple[Finding, ...]:
        """Return the findings of a node or a rule code, in order."""
        return tuple(f for f in self.findings if code in (f.indicator, f.rule))

    def walk(self) -> Iterator[NodeResult]:
        """Yield every result node, depth first."""
        for top in (*self.indicators, *self.bonus_items):
            yield from top.walk()

    def to_dict(self) -> dict[str, Any]:
        """Return the published JSON form (``evalrules.scorecard/1``) as plain data."""
        from evalrules._scorecard._json import scorecard_to_dict

        return scorecard_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the published JSON text: deterministic, points as exact JSON numbers."""
        from evalrules._scorecard._json import scorecard_to_json

        return scorecard_to_json(self, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scorecard:
        """Rebuild a scorecard from its JSON form (as returned by :meth:`to_dict`)."""
        from evalrules._scorecard._json import scorecard_from_dict

        return scorecard_from_dict(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Scorecard:
        """Rebuild a scorecard from its published JSON text (as returned by :meth:`to_json`).

        Points are read as exact decimals.

        Raises:
            ValueError: if the text is not JSON, or not a scorecard (a missing or malformed
                field is named).
        """
        import json
        from decimal import InvalidOperation

        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(data, dict):
            raise ValueError("not a scorecard: the document must be a JSON object")
        try:
            return cls.from_dict(data)
        except KeyError as exc:
            raise ValueError(f"not a complete scorecard: missing field {exc}") from None
        except (TypeError, AttributeError, InvalidOperation) as exc:
            raise ValueError(f"not a scorecard: {exc}") from None


_CARD_FIELDS = tuple(f.name for f in attrs.fields(Scorecard))
_NEW_NODE = restorer(NodeResult, "_NEW_NODE", __name__)
_NEW_FINDING = restorer(Finding, "_NEW_FINDING", __name__)
_NEW_EVIDENCE = restorer(Evidence, "_NEW_EVIDENCE", __name__)
_NEW_CARD = restorer(Scorecard, "_NEW_CARD", __name__)
