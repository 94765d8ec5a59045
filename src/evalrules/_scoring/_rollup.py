"""Rolling item scores up the tree; bonus caps; vetoes and the grade."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from evalrules._points import ZERO, format_points
from evalrules._rubric._model import GradeBand, Indicator, VerdictSpec
from evalrules._rules._messages import Rendered
from evalrules._scorecard._model import Finding, GateResult, Grade, NodeResult, Verdict
from evalrules._scoring._items import _NO_GRADE
from evalrules._scoring._nodes import share_parent, share_tree, shared_parent, shared_tree
from evalrules._text import Text

if TYPE_CHECKING:
    from evalrules._compiler._compiled import CompiledRubric


def _reprice(compiled: CompiledRubric, finding: Finding, points: Decimal) -> Finding:
    """Return ``finding`` with new effective points (and its message re-rendered)."""
    import attrs

    params = dict(finding.params)
    params["points"] = abs(points)
    rule = next(r for _, r in compiled.rubric.rules() if r.code == finding.rule)
    template = rule.message or compiled.message(rule, finding.message_id)
    return attrs.evolve(finding, points=points, params=params, message=Rendered(template, params))


def cap_bonus(
    compiled: CompiledRubric, items: Sequence[NodeResult], findings: list[Finding]
) -> tuple[tuple[NodeResult, ...], Decimal, list[Finding]]:
    """Apply the rubric's bonus cap across bonus items, in order."""
    import attrs

    cap = compiled.rubric.bonus_cap
    total = sum((i.score for i in items), ZERO)
    if cap is None or total <= cap:
        return tuple(items), total, findings
    remaining = cap
    new_items = []
    scale: dict[str, Decimal] = {}
    for node in items:
        take = min(node.score, remaining)
        remaining -= take
        scale[node.code] = take
        new_items.append(attrs.evolve(node, score=take))
    new_findings = []
    left = dict(scale)
    for f in findings:
        if f.kind == "bonus" and f.indicator in left:
            take = min(f.points, left[f.indicator])
            left[f.indicator] -= take
            if take <= 0:
                continue
            if take != f.points:
                f = _reprice(compiled, f, take)
        new_findings.append(f)
    return tuple(new_items), cap, new_findings


#: The roll-up of each tuple of top-level indicators worked out once (see :func:`_steps`),
#: by the tuple's ``id``; each entry keeps its tuple alive, so an id is never another's.
_STEPS: dict[int, tuple[tuple[Indicator, ...], _Steps]] = {}
#: Entries in ``_STEPS`` (a process holds a few rubrics).
_MAX_STEPS = 64

#: The items' codes in tree order; for each parent, children before parents: the parent
#: and the slots of its children (items first, then the parents in this order); the slots
#: of the top-level results.
_Steps = tuple[tuple[str, ...], tuple[tuple[Indicator, tuple[int, ...]], ...], tuple[int, ...]]


def _steps(tops: tuple[Indicator, ...]) -> _Steps:
    hit = _STEPS.get(id(tops))
    if hit is not None and hit[0] is tops:
        return hit[1]
    codes: list[str] = []
    parents: list[tuple[Indicator, tuple[tuple[bool, int], ...]]] = []

    def visit(node: Indicator) -> tuple[bool, int]:
        if node.is_leaf:
            codes.append(node.code)
            return False, len(codes) - 1
        kids = tuple([visit(child) for child in node.children])
        parents.append((node, kids))
        return True, len(parents) - 1

    top_refs = [visit(top) for top in tops]

    def slot(ref: tuple[bool, int]) -> int:
        is_parent, index = ref
        return len(codes) + index if is_parent else index

    steps: _Steps = (
        tuple(codes),
        tuple((node, tuple(map(slot, kids))) for node, kids in parents),
        tuple(map(slot, top_refs)),
    )
    if len(_STEPS) >= _MAX_STEPS:
        _STEPS.clear()
    _STEPS[id(tops)] = (tops, steps)
    return steps


def roll_up_tree(
    tops: tuple[Indicator, ...], results: Mapping[str, NodeResult]
) -> tuple[NodeResult, ...]:
    """Build every top-level indicator's result from its items' results: a parent's score
    is its children's exact sum; one status shared by every child is the parent's, mixed
    ones make it scored. The same results give the same tree (shared, see
    :mod:`evalrules._scoring._nodes`).

    The tree is walked once per rubric into steps, children before parents (``tops`` is a
    rubric's frozen tuple, so the steps stay true), and each document fills one list of
    results in that order.
    """
    found = shared_tree(tops, results)
    if found is not None:
        return found
    codes, steps, top_slots = _steps(tops)
    done = [results[code] for code in codes]
    for node, kids in steps:
        children = tuple([done[i] for i in kids])
        shared = shared_parent(node, children)
        if shared is None:
            status = children[0].status if children else "scored"
            for child in children:
                if child.status != status:
                    status = "scored"
                    break
            score = sum([c.score for c in children], ZERO)
            shared = NodeResult(node.code, node.title, node.max, score, status, children)
            share_parent(node, children, shared)
        done.append(shared)
    tree = tuple([done[i] for i in top_slots])
    share_tree(tops, results, tree)
    return tree


def grade_for(total: Decimal, bands: Sequence[GradeBand], vetoes: Sequence[Finding]) -> Grade:
    """Grade a total, then apply vetoes (the strongest wins; the score is untouched)."""
    if not bands:
        return _NO_GRADE
    index = next(
        (i for i, b in enumerate(bands) if b.lower is None or total >= b.lower), len(bands) - 1
    )
    base = index
    for veto in vetoes:
        if veto.effect == "force_fail":
            index = max(index, len(bands) - 1)
        elif veto.effect == "lower_one":
            index = max(index, min(base + 1, len(bands) - 1))
        elif veto.effect == "cap_below_top":
            index = max(index, min(1, len(bands) - 1))
    band = bands[index]
    return Grade(band.code, band.label, bands[base].code)


#: The kinds of finding that say why an item lost points.
_LOSSES = ("deduction", "manual")
_NOT_ASSESSED = Text("缺少数据,无法评价", "not assessable: facts missing")


def _joined(messages: Sequence[Text]) -> Text:
    """Messages one after another: Chinese sentences end with 。, English ones get a space."""
    return Text("".join(m.zh for m in messages), " ".join(m.en for m in messages))


def _scored(node: NodeResult, precision: Decimal) -> Text:
    score, most = format_points(node.score, precision), format_points(node.max, precision)
    return Text(f"得{score}分(满分{most}分)。", f"{score} of {most} points.")


def verdict_for(
    spec: VerdictSpec,
    tops: Sequence[NodeResult],
    findings: Sequence[Finding],
    vetoes: Sequence[Finding],
    precision: Decimal,
) -> Verdict:
    """The verdict of a certification rubric from its scored tree (``tops``: the
    first-level indicators, then the bonus items).

    A gate fails when an item under it that was scored lost points (a not-applicable item
    is passed over); a veto that fired fails the verdict too. Either decides it, even on
    an incomplete card. Otherwise a not-assessable item anywhere leaves it undecided (it
    may hide a veto or a lost point), and else it is passed.
    """
    nodes = {n.code: n for top in tops for n in top.walk()}
    failed: list[GateResult] = []
    for code in spec.gates:
        gate = nodes.get(code)
        if gate is None:  # the loader refuses such a gate; a rubric built by hand may not
            continue
        lost = {
            leaf.code
            for leaf in gate.walk()
            if not leaf.children and leaf.status == "scored" and leaf.score < leaf.max
        }
        if not lost:
            continue
        messages = [f.message for f in findings if f.indicator in lost and f.kind in _LOSSES]
        reason = _joined(messages) if messages else _scored(gate, precision)
        failed.append(GateResult(gate.code, gate.title, gate.score, gate.max, reason))
    for veto in vetoes:
        node = nodes.get(veto.indicator)
        title = node.title if node is not None else Text("")
        score = node.score if node is not None else ZERO
        most = node.max if node is not None else ZERO
        reason = Text(veto.message.zh, veto.message.en)  # plain text, not the template
        failed.append(GateResult(veto.indicator, title, score, most, reason, veto.rule))
    if failed:
        return Verdict("failed", spec.fail_label, tuple(failed))
    missing = [n for n in nodes.values() if not n.children and n.status == "not_assessable"]
    if missing:
        undecided = []
        for leaf in missing:
            said = [
                f.message
                for f in findings
                if f.indicator == leaf.code and f.kind == "not_assessable"
            ]
            reason = _joined(said) if said else _NOT_ASSESSED
            undecided.append(GateResult(leaf.code, leaf.title, leaf.score, leaf.max, reason))
        return Verdict("undecided", spec.undecided_label, undecided=tuple(undecided))
    return Verdict("passed", spec.pass_label)
