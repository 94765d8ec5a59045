"""Where each value of a rubric file is written (line and column), and which file wrote it.

Only ``evalrules check`` asks: loading a rubric to score with it reads the file with the fast
reader of :mod:`evalrules._documents`, which keeps no positions. Here the file is composed
again with PyYAML's own parser (the same limits), and the node tree gives the line and
column of every key and list item, under the paths the loader names problems by
(``indicators[1].children[0].max``, ``facts.party.branches``).

A rubric that ``extends`` another is one merged document by the time it is checked; the
:class:`Origins` recorded while merging say which file, and which path in it, each part of
the merged document comes from, so a problem is shown where its author wrote it
(``replace.9.1.mxa`` of the extending file), not at its place in the merged tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from evalrules._documents import DocumentError, _Limits, read_bytes

__all__ = ["Location", "Origins", "author_paths", "locate", "positions"]


class _MarkLoader(_Limits, yaml.SafeLoader):
    """PyYAML's own parser and composer, with the limits; only the node tree is used."""


def join(path: str, key: object) -> str:
    """``path.key``, or ``key`` at the top."""
    return f"{path}.{key}" if path else str(key)


def positions(text: str) -> dict[str, tuple[int, int]]:
    """Path → ``(line, column)`` (1-based) of each key and list item of a YAML document.

    A list item is recorded both as ``path[i]`` and as ``path.i`` (cerberus names nested
    parameters the second way). A document that cannot be composed gives no positions.
    """
    try:
        root = yaml.compose(text, Loader=_MarkLoader)
    except (yaml.YAMLError, DocumentError, ValueError, RecursionError):
        return {}
    out: dict[str, tuple[int, int]] = {}
    if root is None:
        return out
    out[""] = (root.start_mark.line + 1, root.start_mark.column + 1)
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue
                child = join(path, key.value)
                out.setdefault(child, (key.start_mark.line + 1, key.start_mark.column + 1))
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                mark = (value.start_mark.line + 1, value.start_mark.column + 1)
                out.setdefault(f"{path}[{i}]", mark)
                out.setdefault(join(path, i), mark)
                stack.append((value, f"{path}[{i}]"))
    return out


@attrs.define
class Origins:
    """Which file and path each container (and each key set by an extending file) of a
    merged rubric document comes from.

    Attributes:
        containers: ``id`` of a dict or list → ``(file, path in that file)``.
        keys: ``(id of a dict, key)`` → ``(file, path)``, for values an extending file set
            in a dict it did not write (a top-level key, a fact declaration).
        keep: The containers themselves, so that their ids stay theirs.
    """

    containers: dict[int, tuple[str, str]] = attrs.field(factory=dict)
    keys: dict[tuple[int, str], tuple[str, str]] = attrs.field(factory=dict)
    keep: list[Any] = attrs.field(factory=list)

    def mark(self, value: Any, file: str, path: str) -> None:
        """Record that the container ``value`` was written in ``file`` at ``path``."""
        if isinstance(value, dict | list):
            self.containers[id(value)] = (file, path)
            self.keep.append(value)

    def mark_key(self, container: dict[str, Any], key: str, file: str, path: str) -> None:
        """Record that ``container[key]`` was written in ``file`` at ``path``."""
        self.keys[(id(container), key)] = (file, path)
        self.keep.append(container)
        self.mark(container.get(key), file, path)

    def carried(self, memo: Mapping[int, Any]) -> None:
        """Carry the origins over to the copies a ``copy.deepcopy(..., memo)`` made."""
        for old_id, origin in list(self.containers.items()):
            copy = memo.get(old_id)
            if copy is not None:
                self.mark(copy, *origin)
        for (old_id, key), origin in list(self.keys.items()):
            copy = memo.get(old_id)
            if isinstance(copy, dict):
                self.keys[(id(copy), key)] = origin
                self.keep.append(copy)


def author_paths(raw: Any, origins: Origins, file: str) -> dict[str, tuple[str, str]]:
    """Merged path → ``(file, path there)`` for every value of a merged document."""
    out: dict[str, tuple[str, str]] = {}
    root = origins.containers.get(id(raw), (file, ""))
    stack: list[tuple[Any, str, tuple[str, str]]] = [(raw, "", root)]
    while stack:
        value, path, origin = stack.pop()
        out[path] = origin
        if isinstance(value, dict):
            items: Iterator[tuple[Any, str, str]] = (
                (v, join(path, k), join(origin[1], k)) for k, v in value.items()
            )
            keyed = {join(path, k): origins.keys.get((id(value), k)) for k in value}
        elif isinstance(value, list):
            items = ((v, f"{path}[{i}]", f"{origin[1]}[{i}]") for i, v in enumerate(value))
            keyed = {}
        else:
            continue
        for child, child_path, inherited in items:
            own = origins.containers.get(id(child)) if isinstance(child, dict | list) else None
            here = own or keyed.get(child_path) or (origin[0], inherited)
            stack.append((child, child_path, here))
    # Cerberus names list items as ``.0``: the same places under that spelling.
    for path in [p for p in out if "[" in p]:
        out.setdefault(re.sub(r"\[(\d+)\]", r".\1", path), out[path])
    return out


@attrs.frozen
class Location:
    """Where a problem is written: file, 1-based line and column, and the path there."""

    file: str
    line: int
    column: int
    path: str


def _parents(path: str) -> Iterator[str]:
    """``path``, then each shorter path up to the top: ``a.b[0].c``, ``a.b[0]``, ``a.b``, ``a``."""
    while True:
        yield path
        if not path:
            return
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


class Locator:
    """Turns a problem's path in the merged document into a :class:`Location`."""

    def __init__(self, raw: Any, origins: Origins, file: str) -> None:
        self._paths = author_paths(raw, origins, file)
        self._positions: dict[str, dict[str, tuple[int, int]]] = {}
        self.file = file
        self.rules: dict[str, str] = {}
        self.nodes: dict[str, str] = {}
        self._removed = _removed_codes(file)
        tops = raw.get("indicators") if isinstance(raw, Mapping) else None
        self._top = {
            str(n.get("code"))
            for n in (tops if isinstance(tops, list) else ())
            if isinstance(n, Mapping)
        }
        self._index(raw, "")

    def _index(self, value: Any, path: str) -> None:
        stack = [(value, path)]
        while stack:
            item, where = stack.pop()
            if isinstance(item, dict):
                code = item.get("code")
                if isinstance(code, str | int) and where.endswith("]"):
                    table = self.rules if re.search(r"\.rules\[\d+\]$", where) else self.nodes
                    table.setdefault(str(code), where)
                stack.extend((v, join(where, k)) for k, v in item.items())
            elif isinstance(item, list):
                stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))

    def _position(self, file: str, path: str) -> tuple[int, int]:
        if file not in self._positions:
            try:
                text = read_bytes(Path(file)).decode("utf-8", "replace")
            except DocumentError:
                text = ""
            self._positions[file] = positions(text)
        table = self._positions[file]
        # Cerberus writes list items as ``.0``; a mapping key may be digits too (``add.5``).
        indexed = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)
        found = [c for c in {*_parents(path), *_parents(indexed)} if c in table]
        if found:
            return table[max(found, key=len)]
        return (1, 1)

    def locate(
        self,
        path: str | None,
        *,
        indicator: str | None = None,
        rule: str | None = None,
        file: str | None = None,
    ) -> Location:
        """The location of a problem named by its path, rule and indicator.

        A path under an operation of ``extends`` (``replace``, ``remove``, ``add``,
        ``change``, ``remove_facts``) is already one of the extending ``file``: those keys
        are not in the merged document.
        """
        merged = path or ""
        if re.split(r"[.\[]", merged, maxsplit=1)[0] in _OPERATIONS:
            where = file or self.file
            return Location(where, *self._position(where, merged), merged)
        if rule is not None and rule in self.rules and not merged.startswith(_TOP):
            merged = join(self.rules[rule], merged) if merged else self.rules[rule]
        elif not merged and indicator is not None and indicator in self.nodes:
            merged = self.nodes[indicator]
        for candidate in _parents(merged):
            if candidate in self._paths:
                file, there = self._paths[candidate]
                suffix = merged[len(candidate) :]
                author = there + suffix if there else suffix.lstrip(".")
                line, column = self._position(file, author)
                return Location(file, line, column, author)
        line, column = self._position(self.file, merged)
        return Location(self.file, line, column, merged)

    def in_author_file(
        self, location: Location, indicator: str | None, *, sums: bool = False
    ) -> Location | None:
        """For a problem located in a base rubric: the place in the checked file that made
        it (``add``, ``replace`` or ``change`` naming the indicator; with ``sums``, for a max
        or total that no longer adds up, the first entry naming a node under it), else its
        ``extends``."""
        if location.file == self.file:
            return None
        table = self._position_table(self.file)
        for key in (f"add.{indicator}", f"replace.{indicator}", f"change.{indicator}"):
            if indicator is not None and key in table:
                return Location(self.file, *table[key], key)
        # A child removed from it: codes are written under their parent's (5.5 under 5).
        removed = sorted(k for k in table if re.fullmatch(r"remove\[\d+\]", k))
        for key in removed:
            code = self._removed.get(key)
            if indicator is not None and code is not None and code.startswith(f"{indicator}."):
                return Location(self.file, *table[key], key)
        if sums:
            # A sum that no longer adds up (a parent's max, the total) is caused by what
            # replaced, added, changed or removed a node under it: the first such entry.
            entries = _operation_entries(self.file)
            if indicator is None:
                # The total: a first-level max changed is the direct cause, if there is one.
                entries.sort(key=lambda e: not (e[0].startswith("change.") and e[1] in self._top))
            under = [
                key
                for key, code in entries
                if key in table and (indicator is None or code.startswith(f"{indicator}."))
            ]
            if under:
                return Location(self.file, *table[under[0]], under[0])
        if "extends" in table:
            return Location(self.file, *table["extends"], "extends")
        return None

    def _position_table(self, file: str) -> dict[str, tuple[int, int]]:
        self._position(file, "")
        return self._positions[file]


def _removed_codes(file: str) -> dict[str, str]:
    """``remove[i]`` → the code it names, in the checked file (read only when it has any)."""
    from evalrules._documents import read_document

    try:
        raw = read_document(Path(file))
    except DocumentError:
        return {}
    remove = raw.get("remove") if isinstance(raw, Mapping) else None
    if not isinstance(remove, list):
        return {}
    return {f"remove[{i}]": str(code) for i, code in enumerate(remove)}


def _operation_entries(file: str) -> list[tuple[str, str]]:
    """``(key, code)`` of every ``replace``, ``add``, ``change`` and ``remove`` entry of the
    checked file, in the file's order (``replace.9.1``, ``remove[0]``)."""
    from evalrules._documents import read_document

    try:
        raw = read_document(Path(file))
    except DocumentError:
        return []
    if not isinstance(raw, Mapping):
        return []
    out: list[tuple[str, str]] = []
    for op, value in raw.items():
        if op in ("replace", "add", "change") and isinstance(value, Mapping):
            out.extend((f"{op}.{code}", str(code)) for code in value)
        elif op == "remove" and isinstance(value, list):
            out.extend((f"remove[{i}]", str(code)) for i, code in enumerate(value))
    return out


_OPERATIONS = ("replace", "remove", "add", "change", "remove_facts")
_TOP = ("indicators", "bonus", "facts", "derived", "cross_checks", "grades")


def locate(raw: Any, origins: Origins, file: str) -> Locator:
    """A :class:`Locator` for a merged document and the origins recorded while merging."""
    return Locator(raw, origins, file)
