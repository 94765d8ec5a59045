"""``extends``: a rubric that starts from an earlier one and changes it by code."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from evalrules._rubric._loader import _Problems
from evalrules.errors import RubricError

# ------------------------------------------------------------------------------ extends


def apply_extends(
    base: Mapping[str, Any], child: Mapping[str, Any], file: str | None
) -> dict[str, Any]:
    """Apply an extending rubric document onto its base document (both raw).

    Raises:
        RubricError: listing codes that ``replace``/``remove``/``add`` name but the base lacks.
    """
    p = _Problems(file)
    merged = copy.deepcopy(dict(base))
    merged.pop("extends", None)
    for key, value in child.items():
        if key in ("replace", "remove", "add", "extends", "facts", "derived"):
            continue
        merged[key] = copy.deepcopy(value)
    for key in ("facts", "derived"):
        if isinstance(child.get(key), Mapping):
            table = dict(merged.get(key) or {})
            table.update(copy.deepcopy(dict(child[key])))
            merged[key] = table
    merged["extends"] = child.get("extends")

    def find(nodes: list[Any], code: str) -> tuple[list[Any], int] | None:
        for i, node in enumerate(nodes):
            if isinstance(node, Mapping) and str(node.get("code")) == code:
                return nodes, i
            if isinstance(node, Mapping) and isinstance(node.get("children"), list):
                hit = find(node["children"], code)
                if hit:
                    return hit
        return None

    indicators = merged.setdefault("indicators", [])
    replace = child.get("replace") or {}
    if not isinstance(replace, Mapping):
        p.add("replace must map codes to nodes", "wrong-type", path="replace")
        replace = {}
    for code, node in replace.items():
        hit = find(indicators, str(code))
        if hit is None:
            p.add(
                f"replace names {code!r}, which the base rubric does not have",
                "unknown-code",
                path=f"replace.{code}",
            )
            continue
        nodes, i = hit
        nodes[i] = copy.deepcopy(node)
    remove = child.get("remove") or []
    if not isinstance(remove, list):
        p.add("remove must be a list of codes", "wrong-type", path="remove")
        remove = []
    for code in remove:
        hit = find(indicators, str(code))
        if hit is None:
            p.add(
                f"remove names {code!r}, which the base rubric does not have",
                "unknown-code",
                path="remove",
            )
            continue
        nodes, i = hit
        del nodes[i]
    add = child.get("add") or {}
    if not isinstance(add, Mapping):
        p.add("add must map parent codes to lists of nodes", "wrong-type", path="add")
        add = {}
    for parent, nodes_to_add in add.items():
        hit = find(indicators, str(parent))
        if hit is None or not isinstance(nodes_to_add, list):
            p.add(
                f"add names parent {parent!r}, which the base rubric does not have",
                "unknown-code",
                path=f"add.{parent}",
            )
            continue
        nodes, i = hit
        nodes[i].setdefault("children", []).extend(copy.deepcopy(nodes_to_add))
    if p.items:
        raise RubricError(p.items, rubric=file)
    return merged
