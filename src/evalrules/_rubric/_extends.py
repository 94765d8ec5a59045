"""``extends``: a rubric that starts from an earlier one and changes it by code."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from evalrules._rubric._loader import _Problems, read_rubric_file
from evalrules._rubric._positions import Origins
from evalrules.errors import RubricError, RubricNotFoundError, RubricProblem


def apply_extends(
    base: Mapping[str, Any],
    child: Mapping[str, Any],
    file: str | None,
    *,
    origins: Origins | None = None,
) -> dict[str, Any]:
    """Apply an extending rubric document onto its base document (both raw).

    ``origins``, when given, holds where each part of ``base`` was written; it is updated to
    say the same of the merged document, with the parts ``child`` wrote located in ``file``.

    Raises:
        RubricError: listing codes that ``replace``/``remove``/``add`` name but the base lacks.
    """
    p = _Problems(file)
    memo: dict[int, Any] = {}
    merged = copy.deepcopy(base, memo)
    if not isinstance(merged, dict):
        merged = dict(merged)
    here = file or ""
    if origins is not None:
        origins.carried(memo)

    def mark(value: Any, path: str) -> Any:
        if origins is not None:
            origins.mark(value, here, path)
        return value

    merged.pop("extends", None)
    for key, value in child.items():
        if key in ("replace", "remove", "add", "extends", "facts", "derived"):
            continue
        merged[key] = copy.deepcopy(value)
        if origins is not None:
            origins.mark_key(merged, key, here, key)
    for key in ("facts", "derived"):
        if isinstance(child.get(key), Mapping):
            table = dict(merged.get(key) or {})
            for path, decl in child[key].items():
                table[path] = copy.deepcopy(decl)
                if origins is not None:
                    origins.mark_key(table, path, here, f"{key}.{path}")
            merged[key] = table
    merged["extends"] = child.get("extends")
    if origins is not None:
        origins.mark_key(merged, "extends", here, "extends")

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
        nodes[i] = mark(copy.deepcopy(node), f"replace.{code}")
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
        children = nodes[i].setdefault("children", [])
        for j, new in enumerate(nodes_to_add):
            children.append(mark(copy.deepcopy(new), f"add.{parent}[{j}]"))
    if p.items:
        raise RubricError(p.items, rubric=file)
    return merged


def read_with_extends(
    path: Path,
    installed: Callable[[str], Path],
    stack: tuple[str, ...] = (),
    *,
    origins: Origins | None = None,
) -> dict[str, Any]:
    """Read a rubric file and resolve its ``extends`` chain into one raw document.

    ``extends`` names a file beside this one (``base.yaml``) or an installed rubric
    (``family/year``), which ``installed`` turns into its path (raising
    :class:`~evalrules.errors.RubricNotFoundError` when there is none). ``stack`` holds the
    references already being read, so a cycle is reported instead of recursing. ``origins``,
    when given, records which file and path each part of the result comes from (for
    ``evalrules check``).

    Raises:
        RubricError: for an unreadable file, a cycle, a base that is not installed, or codes
            that ``replace``/``remove``/``add`` name but the base lacks.
    """
    raw = read_rubric_file(path)
    if origins is not None:
        origins.mark(raw, str(path), "")
    if not (isinstance(raw, Mapping) and isinstance(raw.get("extends"), str)):
        return raw  # type: ignore[no-any-return]
    base_ref = raw["extends"]
    if base_ref in stack:
        chain = " → ".join((*stack, base_ref))
        raise RubricError(
            [
                RubricProblem(
                    f"extends forms a cycle: {chain}", "extends-cycle", str(path), path="extends"
                )
            ],
            rubric=str(path),
        )
    base = read_with_extends(
        _base_path(base_ref, path, installed), installed, (*stack, base_ref), origins=origins
    )
    return apply_extends(base, raw, str(path), origins=origins)


def _base_path(ref: str, child: Path, installed: Callable[[str], Path]) -> Path:
    candidate = (child.parent / ref).resolve()
    if ref.endswith((".yaml", ".yml", ".json")) and candidate.is_file():
        return candidate
    try:
        return installed(ref)
    except RubricNotFoundError as exc:
        raise RubricError(
            [
                RubricProblem(
                    f"extends {ref!r}, which is not installed (installed: "
                    f"{', '.join(exc.available) or 'none'})",
                    "extends-not-found",
                    str(child),
                    path="extends",
                )
            ],
            rubric=str(child),
        ) from None
