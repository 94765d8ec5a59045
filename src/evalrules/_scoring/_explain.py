"""Explained evaluation in one pass, for the documents that need nothing else.

An explained evaluation of a valid document usually has no fact missing and no rule that
raises. When, besides, every rule of the rubric has an explainer (its kind's rules compiled
with their explanations: a builtin kind's ``RuleKind.explainer``), an :class:`ExplainProgram`,
built once per compiled rubric, runs every explainer over one mapping of the document's
values and scores each item from what they return, as :func:`evalrules._scoring._items.score_item`
scores it from the effects the kinds' ``evaluate`` report: the same not-applicable policies,
the same allocation of the points lost, the same findings, built directly from the fields
and evidence the explainers give (their message rendered when first read). No
``RuleContext``, ``Effect`` or per-rule record is made. Anything else — a fact missing, an
explainer that raises — gives ``None``, and the general path runs instead. The property
tests hold the two to the same scorecard, byte for byte (``tests/property/test_explainers.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from evalrules._frozen import FrozenDict, frozen_pairs
from evalrules._points import ZERO, quantize
from evalrules._rubric._model import DerivedFact, Indicator, Rule
from evalrules._rules._kind import Effect, Explained, Explainer, explains_from
from evalrules._rules._messages import Rendered, counted_in
from evalrules._scorecard._model import DerivedValue, Evidence, Finding, NodeResult
from evalrules._scoring._items import POLICY_TEXT, _frozen_plain, allocate, own_evidence
from evalrules._scoring._nodes import leaf
from evalrules._scoring._shared import MAX_SHARED
from evalrules._scoring._shared import add as shared_add
from evalrules._scoring._shared import finding as shared_finding
from evalrules._scoring._shared import lookup as shared_lookup
from evalrules._scoring._shared import outcomes as shared_outcomes
from evalrules._text import Text

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric, CompiledRule

#: A not-applicable policy as a finding's ``policy`` field.
_POLICY_FIELDS = {
    policy: FrozenDict({"zh": text.zh, "en": text.en}) for policy, text in POLICY_TEXT.items()
}

#: A rule: ``(code, explainer or None, applicability rule, its evidence parameters, the
#: compiled rule, its identity in a finding's key)``.
_Rule = tuple[str, "Explainer | None", bool, tuple[tuple[str, Any], ...], "CompiledRule", "_Token"]

#: ``general(compiled rule) -> effects or None``: a rule without an explainer, run through
#: its kind's ``evaluate`` as the general path runs it, its effects as an explainer gives
#: them (``None``: the general path must run).
General = Callable[["CompiledRule"], "tuple[Explained, ...] | None"]

#: How an item is found by what its rules read, when every one of them declares it
#: (:func:`~evalrules._rules._kind.reading`): ``(the item's identity in a key, a function
#: that picks the spelling of what it reads from a document's (:meth:`_Reading.spell`),
#: the places of these in it, every path it reads)``.
_Reads = tuple["_Token", "Callable[[list[Any]], Any]", frozenset[int], tuple[str, ...]]

#: An item: ``(item, its rules (applicability rules first), is a bonus item, its
#: not-applicable policy, its result when no rule changes its points, what its rules read
#: or ``None``)``.
_Item = tuple[Indicator, tuple[_Rule, ...], bool, str, NodeResult, "_Reads | None"]

#: An item scored: its result, its findings, whether it is excluded.
_Scored = tuple[NodeResult, tuple[Finding, ...], bool]

#: An item explained: what it is scored, and the outcomes its rules reached, in order
#: (each ``(rule code, outcome)`` pair shared, see :func:`~evalrules._scoring._shared.outcomes`).
#: An item found again is the very same tuple.
ItemExplained = tuple[NodeResult, tuple[Finding, ...], bool, tuple[tuple[str, str], ...]]

#: What the explanations come to: the outcomes reached ``(rule code, outcome)``, in order;
#: each item's result by code; the points of the items excluded; the findings of the items
#: and those of the bonus items, in rubric order.
Explanations = tuple[
    dict[tuple[str, str], None], dict[str, NodeResult], Decimal, list[Finding], list[Finding]
]


class ExplainProgram:
    """Every item's explainers, in rubric order, and how its score and findings are made.

    It holds values fixed when it is built, and two tables, so that an item found again
    takes the result and the very findings it had:

    - the items explained before, by the values their rules read (as written, and which of
      them are assumed), for an item whose rules all declare what they read: found there,
      its rules do not run at all;
    - the items scored before, by what their rules found (the rule, its effects' messages,
      the values it read, as written): found there, no finding is built.

    A third table keeps what a scorecard makes of its items (:meth:`summary`), by the very
    items explained: a document whose items are all found again is scored without rolling
    up the tree anew. A card is kept there only once all its items were found again (the
    second time a document is seen), so documents seen once add nothing to it.

    The tables are bounded (:data:`~evalrules._scoring._shared.MAX_SHARED` entries each,
    then they start again), read without a lock and added to under the program's, so
    threads may share the program.
    """

    __slots__ = (
        "_cards",
        "_explained",
        "_items",
        "_lock",
        "_precision",
        "_reading",
        "_rounding",
        "_scored",
    )

    def __init__(
        self,
        items: Sequence[tuple[Indicator, tuple[_Rule, ...]]],
        bonus_codes: frozenset[str],
        precision: Decimal,
        rounding: str,
        default_policy: str,
        derived_facts: Sequence[DerivedFact] = (),
    ) -> None:
        self._reading = reading = _Reading([_declared(rules) for _, rules in items], derived_facts)
        compiled: list[_Item] = []
        for item, rules in items:
            is_bonus = item.code in bonus_codes
            if is_bonus:
                untouched = quantize(min(ZERO, item.max), precision, rounding)
            else:
                untouched = quantize(min(max(item.max, ZERO), item.max), precision, rounding)
            compiled.append(
                (
                    item,
                    rules,
                    is_bonus,
                    item.not_applicable or default_policy,
                    leaf(item, untouched, "scored"),
                    reading.reads(_declared(rules)),
                )
            )
        self._items = tuple(compiled)
        #: Items explained before, by the values their rules read (:class:`_Reading`).
        self._explained: dict[tuple[Any, ...], ItemExplained] = {}
        #: Items scored before, by what their rules found (:func:`_item_key`): bounded, and
        #: added to under the lock (a lookup reads without it).
        self._scored: dict[tuple[Any, ...], _Scored] = {}
        #: What cards made of their items, by the items' identities (see :meth:`summary`).
        self._cards: dict[tuple[int, ...], tuple[tuple[ItemExplained, ...], Any]] = {}
        self._lock = threading.Lock()
        self._precision = precision
        self._rounding = rounding

    @classmethod
    def build(
        cls,
        items: Sequence[tuple[Indicator, Sequence[CompiledRule], Sequence[CompiledRule]]],
        bonus_codes: frozenset[str],
        precision: Decimal,
        rounding: str,
        default_policy: str,
        evidence: Mapping[str, tuple[tuple[str, Any], ...]],
        derived_facts: Sequence[DerivedFact] = (),
    ) -> ExplainProgram | None:
        """The program, or ``None`` when no rule has an explainer (the general path is as
        fast). ``derived_facts``: the rubric's (what a derived value read is computed
        from)."""
        compiled = []
        explained = False
        for item, first, rest in items:
            rules = []
            for index, r in enumerate((*first, *rest)):
                explained = explained or r.explain is not None
                code = r.rule.code
                rules.append((code, r.explain, index < len(first), evidence[code], r, _Token()))
            compiled.append((item, tuple(rules)))
        if not explained:
            return None
        return cls(compiled, bonus_codes, precision, rounding, default_policy, derived_facts)

    def run(
        self,
        values: Mapping[str, Any],
        derived: Mapping[str, DerivedValue],
        assumed: frozenset[str],
        general: General,
    ) -> tuple[tuple[ItemExplained, ...], bool] | None:
        """Score and explain every item from ``values`` (every fact and derived value
        present, by path): what each comes to, in rubric order (:meth:`explanations` puts
        them together), and whether every item was found again; ``None`` when the general
        path must run (an explainer raised, a fact is missing). A rule without an
        explainer is handed to ``general``."""
        known = self._explained
        spelled, unspelled = self._reading.spell(values, derived)
        out: list[ItemExplained] = []
        found_all = True
        for item, rules, is_bonus, policy_default, untouched, reads in self._items:
            inputs: tuple[Any, ...] | None = None
            if reads is not None and not (unspelled and not unspelled.isdisjoint(reads[2])):
                inputs = (reads[0], reads[1](spelled))
                if assumed:
                    inputs = (*inputs, tuple([path in assumed for path in reads[3]]))
                hit = known.get(inputs)
                if hit is not None:  # explained before from the same values: taken whole
                    out.append(hit)
                    continue
            found_all = False
            reached: dict[tuple[str, str], None] = {}
            runs: list[tuple[_Rule, tuple[Explained, ...]]] | None = None
            stop = False
            for rule in rules:
                explain = rule[1]
                if explain is None:
                    ran_general = general(rule[4])
                    if ran_general is None:
                        return None
                    effects = ran_general
                else:
                    try:
                        effects = explain(values, derived, assumed)
                    except Exception:  # the general path says what is wrong
                        return None
                code = rule[0]
                for effect in effects:
                    reached[(code, effect[2])] = None
                    if effect[4] is not None:
                        if runs is None:
                            runs = []
                        if not runs or runs[-1][0] is not rule:
                            runs.append((rule, effects))
                        if rule[2] and effect[0] == "not_applicable":
                            stop = True
                if stop:
                    break  # not applicable: the item's other rules do not run
            outcomes = shared_outcomes(tuple(reached))
            if runs is None:
                explained: ItemExplained = (untouched, (), False, outcomes)
            else:
                key = _item_key(runs)
                scored = None if key is None else self._scored.get(key)
                if scored is None:
                    scored = self._score(item, runs, is_bonus, policy_default)
                    if key is not None:
                        self._keep(self._scored, key, scored)
                explained = (*scored, outcomes)
            if inputs is not None:
                self._keep(known, inputs, explained)
            out.append(explained)
        return tuple(out), found_all

    def explanations(self, items: Sequence[ItemExplained]) -> Explanations:
        """What the items explained by :meth:`run` come to together."""
        ran: dict[tuple[str, str], None] = {}
        results: dict[str, NodeResult] = {}
        findings: list[Finding] = []
        bonus_findings: list[Finding] = []
        excluded = ZERO
        for compiled, (node, found, is_excluded, outcomes) in zip(self._items, items, strict=True):
            item = compiled[0]
            ran.update(dict.fromkeys(outcomes))
            if is_excluded:
                excluded += item.max
            results[item.code] = node
            if found:
                (bonus_findings if compiled[2] else findings).extend(found)
        return ran, results, excluded, findings, bonus_findings

    def summary(self, items: tuple[ItemExplained, ...]) -> Any:
        """What a scorecard made of these very items before (:meth:`keep_summary`), or
        ``None``."""
        hit = self._cards.get(tuple(map(id, items)))
        return None if hit is None else hit[1]

    def keep_summary(self, items: tuple[ItemExplained, ...], summary: Any) -> None:
        """Keep ``summary`` as what a scorecard makes of ``items`` (the entry holds the
        items alive, so their ids in its key are never another object's)."""
        self._keep(self._cards, tuple(map(id, items)), (items, summary))

    def _score(
        self,
        item: Indicator,
        runs: list[tuple[_Rule, tuple[Explained, ...]]],
        is_bonus: bool,
        policy_default: str,
    ) -> tuple[NodeResult, tuple[Finding, ...], bool]:
        """One item's result and findings from the effects of its rules that make one (as
        ``score_item`` makes them from every rule's effects)."""
        node, found, is_excluded = self._scored_anew(item, runs, is_bonus, policy_default)
        return node, tuple(found), is_excluded

    def _keep(self, table: dict[Any, Any], key: tuple[Any, ...], entry: Any) -> None:
        with self._lock:
            if len(table) >= MAX_SHARED:
                table.clear()
            table[key] = entry

    def _scored_anew(
        self,
        item: Indicator,
        runs: list[tuple[_Rule, tuple[Explained, ...]]],
        is_bonus: bool,
        policy_default: str,
    ) -> tuple[NodeResult, list[Finding], bool]:
        precision, rounding = self._precision, self._rounding
        vetoes: list[Finding] = []
        for rule, effects in runs:
            for at, effect in enumerate(effects):
                action = effect[0]
                if action == "not_applicable":
                    policy = effect[3] or policy_default
                    points = -item.max if policy == "zero" else ZERO
                    score = item.max if policy == "full" else ZERO
                    finding = self._finding(
                        item, rule, effect, "not_applicable", points, policy, policy, at
                    )
                    return leaf(item, score, "not_applicable"), [finding], policy == "exclude"
                if action == "veto":
                    vetoes.append(
                        self._finding(item, rule, effect, "veto", ZERO, effect[3], None, at)
                    )
        findings: list[Finding] = []
        if is_bonus:
            awards = [
                (r, e, at) for r, effects in runs for at, e in enumerate(effects) if e[0] == "bonus"
            ]
            nominal = sum((max(e[1], ZERO) for _, e, _ in awards), ZERO)
            score = quantize(min(nominal, item.max), precision, rounding)
            shares = allocate([e[1] for _, e, _ in awards], score, precision, rounding)
            for (rule, effect, at), share in zip(awards, shares, strict=True):
                if share > 0:
                    findings.append(
                        self._finding(item, rule, effect, "bonus", share, None, None, at)
                    )
            findings.extend(vetoes)
            return leaf(item, score, "scored"), findings, False
        losses = []
        zero_out = None
        for rule, effects in runs:
            for at, effect in enumerate(effects):
                action = effect[0]
                if action == "deduction" or action == "manual":
                    losses.append((rule, effect, at))
                elif action == "zero_out" and zero_out is None:
                    zero_out = (rule, effect, at)
        nominal = sum((e[1] for _, e, _ in losses), ZERO)
        if zero_out is not None:
            score = ZERO
        else:
            score = quantize(min(max(item.max - nominal, ZERO), item.max), precision, rounding)
        if score < item.max:
            asks = [e[1] for _, e, _ in losses]
            if zero_out is not None:
                losses.append(zero_out)
                asks.append(item.max)  # the zero-out takes whatever the deductions left
            shares = allocate(asks, item.max - score, precision, rounding)
            for (rule, effect, at), share in zip(losses, shares, strict=True):
                kind = "manual" if effect[0] == "manual" else "deduction"
                findings.append(self._finding(item, rule, effect, kind, -share, None, None, at))
        findings.extend(vetoes)
        return leaf(item, score, "scored"), findings, False

    def _finding(
        self,
        item: Indicator,
        rule: _Rule,
        effect: Explained,
        kind: str,
        points: Decimal,
        effect_of: str | None,
        policy: str | None = None,
        position: int = 0,
    ) -> Finding:
        """A finding as ``_scoring._items._finding`` makes it from the effect's fields.

        ``position``: the effect's place among its rule's effects. A rule with an explainer
        makes a finding that depends only on what it read, so the finding is looked up
        by the rule, the points, the message and the values read (:func:`_spelled`) before
        its params are even built; a rule without one is looked up by everything the
        finding holds (:func:`evalrules._scoring._shared.finding`)."""
        _, nominal, outcome, _, detail = effect
        assert detail is not None
        message_id, template, fields, read = detail
        facts, derived = read[0], read[1]
        points = points.quantize(self._precision) if points else ZERO
        if kind == "deduction" and not points and nominal > 0 and rule[4].rule.message is None:
            # as _items._finding words it: counted in the points its item lost already
            kind_messages = rule[4].kind.messages
            also = counted_in(message_id, kind_messages)
            if also is not None:
                message_id, template = also, kind_messages[also]
        key: tuple[Any, ...] | None = None
        if rule[1] is not None and len(read) == 2:
            key = _read_key(rule[5], kind, points, policy, message_id, position, facts, derived)
            if key is not None:
                hit = shared_lookup(key)
                if hit is not None:
                    return hit
        row = read[2] if len(read) > 2 else ()  # a finding on a table's row (``detail``)
        params = dict(fields() if callable(fields) else fields)  # made when first needed
        if policy is not None:
            params["policy"] = _POLICY_FIELDS.get(policy) or _policy_field(policy)
        params["points"] = abs(points)
        frozen = FrozenDict(params)

        def build() -> Finding:
            return new_finding(
                item.code,
                rule[0],
                kind,
                points,
                nominal,
                message_id,
                frozen,
                Rendered(template, frozen),
                new_evidence(facts, derived, rule[3], row),
                outcome,
                effect_of,
            )

        if key is not None:
            made = build()
            shared_add(key, made)
            return made
        # shared with every earlier card that made the same finding (_scoring._shared)
        held = (item.code, rule[0], kind, points, nominal, message_id, frozen, outcome)
        return shared_finding(template, rule[3], (*held, effect_of, facts, derived, row), build)


class _Token:
    """A rule's identity in a finding's key: equal only to itself (so a key never matches
    another rule's, nor another rubric's), kept alive by the keys that hold it."""

    __slots__ = ()


class _Unspelled(Exception):
    """A value :func:`_spell` does not know: the finding is looked up by what it holds."""


def _spell(value: Any, out: list[Any]) -> None:
    """``value`` into ``out`` as it is written: its type, then its value (a ``Decimal`` by
    its text, so ``3`` and ``3.0``, ``1`` and ``True`` never meet)."""
    cls = type(value)
    out.append(cls)
    if cls is Decimal:
        out.append(str(value))
    elif cls is str or cls is int or cls is bool or value is None:
        out.append(value)
    elif cls is tuple:
        out.append(len(value))
        for v in value:
            _spell(v, out)
    elif cls is FrozenDict:
        out.append(len(value))
        for k, v in value.items():
            _spell(k, out)
            _spell(v, out)
    else:
        raise _Unspelled


def _read_key(
    token: _Token,
    kind: str,
    points: Decimal,
    policy: str | None,
    message_id: str,
    position: int,
    facts: tuple[tuple[str, Any], ...],
    derived: tuple[DerivedValue, ...],
) -> tuple[Any, ...] | None:
    """The key of a finding an explainer made: its rule, what scoring made of it (kind,
    points, policy, message) and the values the rule read, each as written (the paths are
    the rule's). An explainer's fields and evidence are a function of these; ``None`` when a
    value is of a type :func:`_spell` does not know."""
    out: list[Any] = [token, kind, str(points), policy, message_id, position]
    try:
        _spell_read(facts, derived, out)
    except _Unspelled:
        return None
    return tuple(out)


def _spell_read(
    facts: tuple[tuple[str, Any], ...], derived: tuple[DerivedValue, ...], out: list[Any]
) -> None:
    """The values of a rule's evidence into ``out``, as written (:func:`_spell`)."""
    for pair in facts:
        _spell(pair[1], out)
    for dv in derived:
        out.append(dv.path)
        _spell(dv.value, out)
        _spell(dv.inputs, out)
        _spell(dv.breakdown, out)
        out.append(dv.not_computed)


def _declared(rules: Sequence[_Rule]) -> tuple[str, ...] | None:
    """Every path an item's rules read, once each, when every rule has an explainer that
    declares it; else ``None`` (the item's rules run on every evaluation)."""
    paths: dict[str, None] = {}
    for rule in rules:
        explain = rule[1]
        declared = None if explain is None else explains_from(explain)
        if declared is None:
            return None
        paths.update(dict.fromkeys(declared))
    return tuple(paths)


#: A path the document has no value for, in an item's key.
_ABSENT = _Token()

#: The types a value is spelled by its type and ``str`` (which tells apart ``3`` and
#: ``3.0``); any other is spelled by :func:`_spell`.
_PLAIN = frozenset({Decimal, int, bool, str, type(None), _Token})


class _Reading:
    """What the items' rules read, spelled once per document, and each item's key from it.

    An item whose rules all declare what they read (:func:`_declared`) is a function of
    the values of those paths as written, and of which of them are assumed: its key is
    its identity and the spelling of these values. A derived value computed by a formula
    (the closed set of ``_facts._formulas``: no code of a rubric's) is itself a function
    of its inputs as written, so it is keyed by them; one over a table's rows, by its
    ``DerivedValue``. Every fact any keyed item reads is spelled once per document, as
    ``(type, str(value))`` (``str`` tells apart ``3`` and ``3.0``; a value of another type
    by :func:`_spell`), then every aggregate read (by :func:`_spell_read`, or
    :data:`_ABSENT`); an item's key picks its own from the list.
    """

    __slots__ = ("_derived", "_facts", "_formulas")

    def __init__(
        self, declared: Sequence[tuple[str, ...] | None], derived_facts: Sequence[DerivedFact]
    ) -> None:
        self._formulas = {d.path: d.inputs for d in derived_facts if d.aggregate is None}
        aggregates = frozenset(d.path for d in derived_facts if d.aggregate is not None)
        every: dict[str, None] = {}
        for paths in declared:
            every.update(dict.fromkeys(self._inputs(paths or ())))
        self._facts = tuple(p for p in every if p not in aggregates)
        self._derived = tuple(p for p in every if p in aggregates)

    def _inputs(
        self, paths: Iterable[str], within: frozenset[str] = frozenset()
    ) -> tuple[str, ...]:
        """``paths``, each derived value computed by a formula replaced by its inputs (down
        to facts and aggregates), once each. One among its own inputs (a rubric refused
        for it, checked by compiling) stays as it is (``within``: those being replaced)."""
        out: dict[str, None] = {}
        for path in paths:
            inputs = self._formulas.get(path)
            if inputs is None or path in within:
                out[path] = None
            else:
                out.update(dict.fromkeys(self._inputs(inputs, within | {path})))
        return tuple(out)

    def reads(self, paths: tuple[str, ...] | None) -> _Reads | None:
        """How the item whose rules read ``paths`` is keyed (``None``: it is not)."""
        if paths is None:
            return None
        order = (*self._facts, *self._derived)
        places = tuple(order.index(p) for p in self._inputs(paths))
        return _Token(), _picker(places), frozenset(places), paths

    def spell(
        self, values: Mapping[str, Any], derived: Mapping[str, DerivedValue]
    ) -> tuple[list[Any], set[int]]:
        """Every value read, spelled, in order (facts, then derived values), and the places
        of those that cannot be (an item reading one is not keyed)."""
        facts = self._facts
        found = list(map(values.get, facts, repeat(_ABSENT, len(facts))))
        types = list(map(type, found))
        spelled: list[Any] = list(zip(types, map(str, found), strict=True))
        unspelled: set[int] = set()
        if not _PLAIN.issuperset(types):
            for place, value in enumerate(found):
                if type(value) not in _PLAIN:
                    out: list[Any] = []
                    try:
                        _spell(value, out)
                    except _Unspelled:
                        unspelled.add(place)
                    spelled[place] = tuple(out)
        for path in self._derived:
            dv = derived.get(path)
            if dv is None:
                spelled.append(_ABSENT)
                continue
            out = []
            try:
                _spell_read((), (dv,), out)
            except _Unspelled:
                unspelled.add(len(spelled))
            spelled.append(tuple(out))
        return spelled, unspelled


def _picker(places: tuple[int, ...]) -> Callable[[list[Any]], Any]:
    """``pick(spelled)``: the entries at ``places``, as a tuple (at C speed)."""
    if not places:
        return lambda spelled: ()
    if len(places) == 1:
        (place,) = places
        return lambda spelled: (spelled[place],)
    return itemgetter(*places)


def _item_key(runs: list[tuple[_Rule, tuple[Explained, ...]]]) -> tuple[Any, ...] | None:
    """What an item's result and findings are a function of, when every rule that made a
    finding has an explainer: each such rule, its effects' messages and the values it read,
    as written. ``None`` otherwise (the item is scored anew)."""
    out: list[Any] = []
    try:
        for rule, effects in runs:
            if rule[1] is None:
                return None
            out.append(rule[5])
            out.append(len(effects))
            last = None
            for effect in effects:
                detail = effect[4]
                if detail is None:
                    out.append(None)
                    continue
                out.append(detail[0])
                read = detail[3]
                if read is last:
                    out.append(False)
                    continue
                if len(read) != 2:
                    return None
                out.append(True)
                _spell_read(read[0], read[1], out)
                last = read
    except _Unspelled:
        return None
    return tuple(out)


def detail(
    compiled: CompiledRubric, rule: Rule, effect: Effect, evidence: Evidence
) -> tuple[str, Text, dict[str, Any], tuple[Any, ...]]:
    """What a finding of ``effect`` needs, as an explainer gives it: the effect reported by
    its kind's ``evaluate`` through a ``RuleContext`` that read ``evidence``."""
    params: dict[str, Any] = dict(effect.params)
    if effect.evidence:
        facts, derived = own_evidence(effect.evidence, evidence.derived)
    else:
        facts, derived = evidence.facts, evidence.derived
    for key, label_key in (("fact", "fact_label"), ("other", "other_label")):
        path = params.get(key)
        if isinstance(path, str):
            params[label_key] = compiled.label(path)
    template = compiled.message(rule, effect.message_id)
    if rule.message is not None:
        template = rule.message
    fields = {key: _frozen_plain(value) for key, value in params.items()}
    if effect.row:
        return effect.message_id, template, fields, (facts, derived, frozen_pairs(effect.row))
    return effect.message_id, template, fields, (facts, derived)


def _policy_field(policy: str) -> FrozenDict[str, str]:
    text = POLICY_TEXT.get(policy, Text(str(policy)))
    return FrozenDict({"zh": text.zh, "en": text.en})


_new = object.__new__
_set = object.__setattr__


def new_finding(
    indicator: str,
    rule: str,
    kind: str,
    points: Decimal,
    nominal: Decimal,
    message_id: str,
    params: FrozenDict[str, Any],
    message: Text,
    evidence: Evidence,
    outcome: str,
    effect: str | None,
) -> Finding:
    """A ``Finding`` from values that are what its converters would make (frozen plain
    params), built without attrs' ``__init__`` (as ``_scoring._items._built`` builds it)."""
    finding = _new(Finding)
    _set(finding, "indicator", indicator)
    _set(finding, "rule", rule)
    _set(finding, "kind", kind)
    _set(finding, "points", points)
    _set(finding, "nominal", nominal)
    _set(finding, "message_id", message_id)
    _set(finding, "params", params)
    _set(finding, "message", message)
    _set(finding, "evidence", evidence)
    _set(finding, "outcome", outcome)
    _set(finding, "effect", effect)
    return finding


def new_evidence(
    facts: tuple[tuple[str, Any], ...],
    derived: tuple[DerivedValue, ...],
    params: tuple[tuple[str, Any], ...],
    row: tuple[tuple[str, Any], ...] = (),
) -> Evidence:
    """An ``Evidence`` from frozen values, built without attrs' ``__init__``."""
    evidence = _new(Evidence)
    _set(evidence, "facts", facts)
    _set(evidence, "derived", derived)
    _set(evidence, "params", params)
    _set(evidence, "row", row)
    return evidence
