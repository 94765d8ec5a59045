"""``extends``: a rubric that starts from an earlier one and changes it by code."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalrules._rubric._loader import _Problems, read_rubric_file, suggest
from evalrules.errors import RubricError, RubricNotFoundError, RubricProblem

if TYPE_CHECKING:  # only `evalrules check` records origins, and imports them itself
    from evalrules._rubric._positions import Origins


def apply_extends(
    base: Mapping[str, Any],
    child: Mapping[str, Any],
    file: str | None,
    *,
    origins: Origins | None = None,
    problems: list[RubricProblem] | None = None,
) -> dict[str, Any]:
    """Apply an extending rubric document onto its base document (both raw).

    ``problems``, when given, receives the codes and keys the operations name but cannot
    apply, and the merge goes on without them, so that they are reported with the merged
    rubric's own problems in one error.

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
        if key in _OPERATIONS or key in ("facts", "derived", "cross_checks"):
            continue
        merged[key] = copy.deepcopy(value)
        if origins is not None:
            origins.mark_key(merged, key, here, key)
    _remove_facts(merged, child.get("remove_facts"), p)
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
    if "cross_checks" in child:
        _append_cross_checks(merged, child["cross_checks"], mark)

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
    for n, code in enumerate(remove):
        hit = find(indicators, str(code))
        if hit is None:
            p.add(
                f"remove names {code!r}, which the base rubric does not have",
                "unknown-code",
                path=f"remove[{n}]",
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
    change = child.get("change") or {}
    if not isinstance(change, Mapping):
        p.add("change must map codes to the node fields to change", "wrong-type", path="change")
        change = {}
    for code, fields in change.items():
        where = f"change.{code}"
        hit = find(indicators, str(code))
        if hit is None:
            p.add(
                f"change names {code!r}, which the base rubric does not have",
                "unknown-code",
                path=where,
            )
            continue
        if not isinstance(fields, Mapping):
            p.add("change gives a node's fields as a mapping", "wrong-type", path=where)
            continue
        nodes, i = hit
        for key, value in fields.items():
            if key not in _CHANGEABLE:
                near = suggest(str(key), _CHANGEABLE)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                why = (
                    " (a node's code and children stay; replace the node to change them)"
                    if key in ("code", "children")
                    else ""
                )
                p.add(
                    f"change cannot set {key!r}{why}{hint}",
                    "unknown-key",
                    path=f"{where}.{key}",
                    indicator=str(code),
                )
                continue
            nodes[i][key] = copy.deepcopy(value)
            if origins is not None:
                origins.mark_key(nodes[i], key, here, f"{where}.{key}")
    if p.items and problems is not None:
        problems.extend(p.items)
    elif p.items:
        raise RubricError(p.items, rubric=file)
    return merged


#: The keys of an extending file that change the base rather than set a value of it.
_OPERATIONS = ("replace", "remove", "add", "change", "remove_facts", "extends")
#: The fields of a node ``change`` may set: its own, never its code or its subtree.
_CHANGEABLE = ("title", "max", "methods", "evidence", "not_applicable", "note")


def _remove_facts(merged: dict[str, Any], paths: Any, p: _Problems) -> None:
    """Drop the fact (or derived fact) declarations ``remove_facts`` names."""
    if paths is None:
        return
    if not isinstance(paths, list):
        p.add("remove_facts must be a list of fact paths", "wrong-type", path="remove_facts")
        return
    for i, path in enumerate(paths):
        for key in ("facts", "derived"):
            table = merged.get(key)
            if isinstance(table, Mapping) and path in table:
                merged[key] = {k: v for k, v in table.items() if k != path}
                break
        else:
            known = [
                str(k)
                for key in ("facts", "derived")
                if isinstance(merged.get(key), Mapping)
                for k in merged[key]
            ]
            near = suggest(str(path), known)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            p.add(
                f"remove_facts names {path!r}, which the base rubric does not declare{hint}",
                "unknown-fact",
                path=f"remove_facts[{i}]",
            )


def _append_cross_checks(
    merged: dict[str, Any], extra: Any, mark: Callable[[Any, str], Any]
) -> None:
    """The base's cross checks, then the extending file's (one already there is kept once)."""
    base = merged.get("cross_checks")
    if not isinstance(extra, list) or not isinstance(base, list | None):
        merged["cross_checks"] = mark(copy.deepcopy(extra), "cross_checks")
        return
    combined = list(base or [])
    for j, check in enumerate(extra):
        if check not in combined:
            combined.append(mark(copy.deepcopy(check), f"cross_checks[{j}]"))
    merged["cross_checks"] = combined


def read_with_extends(
    path: Path,
    installed: Callable[[str], Path],
    stack: tuple[str, ...] = (),
    *,
    origins: Origins | None = None,
    problems: list[RubricProblem] | None = None,
    files: list[Path] | None = None,
) -> dict[str, Any]:
    """Read a rubric file and resolve its ``extends`` chain into one raw document.

    ``extends`` names a file beside this one (``base.yaml``) or an installed rubric
    (``family/year``), which ``installed`` turns into its path (raising
    :class:`~evalrules.errors.RubricNotFoundError` when there is none). ``stack`` holds the
    references already being read, so a cycle is reported instead of recursing. ``origins``,
    when given, records which file and path each part of the result comes from (for
    ``evalrules check``). ``problems``, when given, collects what ``replace``, ``remove``,
    ``add``, ``change`` and ``remove_facts`` cannot apply instead of raising (see
    :func:`apply_extends`). ``files``, when given, collects every file read, this one first.

    Raises:
        RubricError: for an unreadable file, a cycle, a base that is not installed, or codes
            that ``replace``/``remove``/``add`` name but the base lacks.
    """
    if files is not None:
        files.append(path)
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
        _base_path(base_ref, path, installed),
        installed,
        (*stack, base_ref),
        origins=origins,
        problems=problems,
        files=files,
    )
    return apply_extends(base, raw, str(path), origins=origins, problems=problems)


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
