"""Scores only, in one pass, for the documents that need nothing else.

An evaluation without explanations (``explain=False``) of a valid document usually has no
fact missing, no rule whose kind lacks a scorer, no rule that raises and no veto that holds.
For such a document every item's score follows from its rules' ``(action, points, outcome,
effect)`` alone, and this module computes it without the general path's per-rule records:
a :class:`ScoresProgram`, built once per compiled rubric, runs each rule's compiled scorer
over one mapping of the document's values and builds each item's result (shared, see
:mod:`evalrules._scoring._nodes`) from what they return. Anything else — a scorer that
raises, a veto, a rule without a scorer — gives ``None``, and the general scores-only path
runs instead, which words refusals and vetoes as the explained path does. The two compute
the same scores (``tests/property/test_scores_only.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from evalrules._points import ZERO, quantize
from evalrules._rubric._model import Indicator
from evalrules._rules._kind import Score, Scorer
from evalrules._scorecard._model import NodeResult
from evalrules._scoring._nodes import leaf

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRule

#: Results kept per item, by what decides them (the nominal points lost or won).
_MAX_KEPT = 256

#: An item: ``(item, its rules (applicability rules first), is a bonus item, its
#: not-applicable policy, results by what decides them, its result when no rule changes a
#: point)``; a rule is ``(code, scorer,
#: compiled rule, is an applicability rule, its outcomes as ``(code, outcome)``)``: one
#: pair per outcome, shared by every card (kept cards hold less, a chunk pickles it once).
_Item = tuple[
    Indicator,
    tuple[tuple[str, Scorer, "CompiledRule", bool, dict[str, tuple[str, str]]], ...],
    bool,
    str,
    dict[Any, NodeResult],
    NodeResult,
]

#: ``veto(compiled rule) -> (scores, findings) or None``: a rule whose scorer reported a
#: veto, run as the general path runs it: its scores and what it keeps of the veto.
Veto = Callable[["CompiledRule"], "tuple[tuple[Score, ...], Any] | None"]

#: What the scores come to: the outcomes reached ``(rule code, outcome)``, in order; each
#: item's result by code; the points of the items excluded (not applicable, ``exclude``);
#: the rules that vetoed, with what ``veto`` kept of each, in rubric order.
Scored = tuple[
    dict[tuple[str, str], None],
    dict[str, NodeResult],
    Decimal,
    list[tuple["CompiledRule", Any]],
]


class ScoresProgram:
    """Every item's compiled rules, in rubric order, and how its score is made."""

    __slots__ = ("_items", "_precision", "_rounding")

    def __init__(
        self,
        items: Sequence[tuple[Indicator, Sequence[CompiledRule], Sequence[CompiledRule]]],
        bonus_codes: frozenset[str],
        precision: Decimal,
        rounding: str,
        default_policy: str,
    ) -> None:
        compiled: list[_Item] = []
        for item, first, rest in items:
            rules: tuple[Any, ...] = tuple(
                (r.rule.code, r.score, r, index < len(first), {})
                for index, r in enumerate((*first, *rest))
            )
            is_bonus = item.code in bonus_codes
            # The result when no rule changes a point (every rule met), made once.
            untouched: Any = ("bonus", ZERO) if is_bonus else ("scored", ZERO)
            node = _result(item, untouched, precision, rounding)
            compiled.append(
                (
                    item,
                    rules,
                    is_bonus,
                    item.not_applicable or default_policy,
                    {untouched: node},
                    node,
                )
            )
        self._items = tuple(compiled)
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
    ) -> ScoresProgram | None:
        """The program, or ``None`` when a rule's kind has no scorer."""
        for _, first, rest in items:
            if any(r.score is None for r in (*first, *rest)):
                return None
        return cls(items, bonus_codes, precision, rounding, default_policy)

    def run(self, values: Mapping[str, Any], veto: Veto) -> Scored | None:
        """Score every item from ``values`` (every fact and derived value present, by path);
        ``None`` when the general path must run (a scorer raised).

        A rule whose scorer reports a veto is handed to ``veto``, which runs it as the
        general path does and gives its effects (and keeps the veto's finding), or ``None``.
        """
        ran: dict[tuple[str, str], None] = {}
        results: dict[str, NodeResult] = {}
        vetoed: list[tuple[CompiledRule, Any]] = []
        excluded = ZERO
        precision, rounding = self._precision, self._rounding
        for item, rules, is_bonus, policy_default, kept, untouched in self._items:
            lost = won = ZERO
            touched = False  # whether a rule did more than report an outcome
            zero_out = False
            policy = None
            item_vetoes = None
            for code, score, compiled_rule, applicability, pairs in rules:
                try:
                    scores = score(values)
                except Exception:  # the general path says what is wrong
                    return None
                if len(scores) == 1:  # most rules report one effect: read it directly
                    action, points, outcome, effect = scores[0]
                    pair = pairs.get(outcome)
                    if pair is None:
                        pair = pairs.setdefault(outcome, (code, outcome))
                    if action == "outcome":
                        ran[pair] = None
                        continue
                    touched = True
                    if action != "veto":
                        ran[pair] = None
                        if action == "deduction" or action == "manual":
                            lost += points
                        elif action == "not_applicable":
                            if policy is None:
                                policy = effect or policy_default
                            if applicability:
                                break  # not applicable: the item's other rules do not run
                        elif action == "zero_out":
                            zero_out = True
                        elif action == "bonus" and points > 0:
                            won += points
                        continue
                touched = True
                for s in scores:
                    if s[0] == "veto":
                        general = veto(compiled_rule)
                        if general is None:
                            return None
                        scores, findings = general
                        item_vetoes = [*(item_vetoes or ()), (compiled_rule, findings)]
                        break
                for action, points, outcome, effect in scores:
                    pair = pairs.get(outcome)
                    if pair is None:
                        pair = pairs.setdefault(outcome, (code, outcome))
                    ran[pair] = None
                    if action == "deduction" or action == "manual":
                        lost += points
                    elif action == "not_applicable":
                        if policy is None:
                            policy = effect or policy_default
                    elif action == "zero_out":
                        zero_out = True
                    elif action == "bonus" and points > 0:
                        won += points
                if applicability and policy is not None:
                    break  # not applicable: the item's other rules do not run
            if not touched:
                results[item.code] = untouched
                continue
            if policy is not None:
                key: Any = ("not_applicable", policy)
                if policy == "exclude":
                    excluded += item.max
            elif is_bonus:
                key = ("bonus", won)
            elif zero_out:
                key = ("zero_out",)
            else:
                key = ("scored", lost)
            if item_vetoes is not None and policy is None:
                vetoed.extend(item_vetoes)  # an item not applicable keeps no veto
            node = kept.get(key)
            if node is None:
                node = _result(item, key, precision, rounding)
                if len(kept) < _MAX_KEPT:
                    kept[key] = node
            results[item.code] = node
        return ran, results, excluded, vetoed


def _result(item: Indicator, key: Any, precision: Decimal, rounding: str) -> NodeResult:
    """An item's result, as the general path scores it (``_score_only``)."""
    top = item.max
    if key[0] == "not_applicable":
        return leaf(item, top if key[1] == "full" else ZERO, "not_applicable")
    if key[0] == "bonus":
        return leaf(item, quantize(min(key[1], top), precision, rounding), "scored")
    if key[0] == "zero_out":
        return leaf(item, ZERO, "scored")
    return leaf(item, quantize(min(max(top - key[1], ZERO), top), precision, rounding), "scored")
