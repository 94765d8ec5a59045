"""Result nodes shared between scorecards.

A :class:`NodeResult` is a frozen value, and across the documents of a year an item takes
one of a few results (full marks, one or two deductions, not applicable). So each result is
built once and shared: an item's by its score and status, a parent's by its children (the
same shared objects give the same parent). Sharing changes nothing a caller sees — the
values are equal either way, and frozen — but a kept scorecard holds little of its own and
scoring a document builds few values.

Each table holds at most :data:`MAX_SHARED` entries and starts again when full. Every entry
keeps the objects its key names by ``id`` alive, so a key never matches another object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from evalrules._rubric._model import Indicator
from evalrules._scorecard._model import NodeResult

#: Entries per table.
MAX_SHARED = 8192

_LEAVES: dict[tuple[int, str, str], tuple[Indicator, NodeResult]] = {}
_PARENTS: dict[tuple[int, ...], tuple[Indicator, tuple[NodeResult, ...], NodeResult]] = {}
_TREES: dict[tuple[int, ...], tuple[Any, tuple[NodeResult, ...], tuple[NodeResult, ...]]] = {}


def leaf(item: Indicator, score: Decimal, status: str) -> NodeResult:
    """``NodeResult(item.code, item.title, item.max, score, status)``, shared.

    Keyed by the score's text, not its value: ``3`` and ``3.0`` are equal but written
    differently.
    """
    key = (id(item), status, str(score))
    hit = _LEAVES.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    node = NodeResult(item.code, item.title, item.max, score, status)
    if len(_LEAVES) >= MAX_SHARED:
        _LEAVES.clear()
    _LEAVES[key] = (item, node)
    return node


def shared_parent(node: Indicator, children: Sequence[NodeResult]) -> NodeResult | None:
    """The parent result built before from these very children, or ``None``."""
    hit = _PARENTS.get((id(node), *[id(c) for c in children]))
    if hit is not None and hit[0] is node:
        return hit[2]
    return None


def share_parent(node: Indicator, children: tuple[NodeResult, ...], result: NodeResult) -> None:
    """Keep ``result`` as the parent result of ``node`` over ``children``."""
    if len(_PARENTS) >= MAX_SHARED:
        _PARENTS.clear()
    key = (id(node), *[id(c) for c in children])
    _PARENTS[key] = (node, children, result)


def shared_tree(
    tops: Sequence[Indicator], results: Mapping[str, NodeResult]
) -> tuple[NodeResult, ...] | None:
    """The rolled-up tree of ``tops`` built before from these very item results, or
    ``None``. ``results`` holds one result per item, in rubric order."""
    hit = _TREES.get((id(tops), *[id(r) for r in results.values()]))
    if hit is not None and hit[0] is tops:
        return hit[2]
    return None


def share_tree(
    tops: Sequence[Indicator], results: Mapping[str, NodeResult], tree: tuple[NodeResult, ...]
) -> None:
    """Keep ``tree`` as the rolled-up tree of ``tops`` over ``results``."""
    if len(_TREES) >= MAX_SHARED:
        _TREES.clear()
    items = tuple(results.values())
    key = (id(tops), *[id(r) for r in items])
    _TREES[key] = (tops, items, tree)
