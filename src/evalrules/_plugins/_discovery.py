"""Two-phase plugin discovery through the ``evalrules`` entry-point group.

Phase one (:func:`list_entries`) lists distributions and their entry points without importing
anything, and sorts them, so the load order never depends on the file system or on
``sys.path`` order. Phase two (:func:`load_entries`) imports each inside a guard; a failure
becomes a :class:`~evalrules.errors.PluginLoadError` naming ``distribution[entry]`` with the
original exception chained.

What is installed is what :mod:`importlib.metadata` finds. Importing that module costs a
short command several milliseconds (it imports the e-mail parser, zip files, CSV and more),
so when no one has imported it yet, discovery reads the same files
itself (:func:`_read_path`): each ``*.dist-info`` and ``*.egg-info`` folder of each
``sys.path`` folder, in :mod:`importlib.metadata`'s order, its ``entry_points.txt`` as it
parses it, and the ``Name`` and ``Version`` headers of the ``METADATA`` (or ``PKG-INFO``) of
the distributions with an ``evalrules`` entry point only. Anything else — a finder of
distributions other than the path finder, a ``sys.path`` entry that is not a folder (a zip
file), a file that is not plain — and it asks :mod:`importlib.metadata` after all, which is
also what a process that has imported it gets (a test that replaces its ``distributions``,
say). Tests hold the two to the same answer.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from evalrules.errors import PluginLoadError
from evalrules.hookspecs import PROJECT_NAME

if TYPE_CHECKING:
    from importlib import metadata

__all__ = [
    "BLOCK_ENV",
    "DISABLE_ENV",
    "PluginEntry",
    "autoload_disabled",
    "blocked_from_env",
    "list_entries",
    "load_entries",
    "normalize_name",
]

#: Set to a value other than empty, ``0``, ``false``, ``no`` or ``off`` to stop an
#: :class:`~evalrules.Engine` from loading installed plugins.
DISABLE_ENV = "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated installed plugins not to load, each written as ``distribution[entry]``, as
#: the entry point's name, or as the distribution's name.
BLOCK_ENV = "EVALRULES_BLOCK_PLUGINS"

_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})
_SEPARATORS = re.compile(r"[-_.]+")


def normalize_name(name: str) -> str:
    """A distribution name in its comparable form (PEP 503).

    ``Evalrules_Panjin`` and ``evalrules.panjin`` both become ``evalrules-panjin``.
    """
    return _SEPARATORS.sub("-", name).lower()


@attrs.frozen
class PluginEntry:
    """An installed plugin found in phase one (nothing imported yet).

    Attributes:
        distribution: The distribution's name as its metadata spells it (``evalrules-panjin``).
        version: The distribution's version.
        entry: The entry point's name.
        value: The entry point's target (``evalrules_panjin`` or ``package.module:object``).
    """

    distribution: str
    version: str
    entry: str
    value: str

    @property
    def name(self) -> str:
        """``distribution[entry]``: the name the plugin is registered and reported under."""
        return f"{self.distribution}[{self.entry}]"

    def matches(self, blocked: Iterable[str]) -> bool:
        """True when this entry is named in ``blocked`` (distribution names compare normalized)."""
        dist = normalize_name(self.distribution)
        names = {f"{dist}[{self.entry}]", self.entry, dist}
        for item in blocked:
            wanted = item.strip()
            base, bracket, rest = wanted.partition("[")
            key = f"{normalize_name(base)}[{rest}" if bracket else wanted
            if key in names or normalize_name(wanted) == dist:
                return True
        return False


def list_entries(distributions: Iterable[metadata.Distribution] | None = None) -> list[PluginEntry]:
    """Phase one: every ``evalrules`` entry point of the installed distributions, sorted.

    Nothing is imported. The result is sorted by (normalized distribution name, entry name).
    A distribution found twice on ``sys.path`` counts once, the first found winning as it
    does for imports.

    Args:
        distributions: Where to look; :func:`importlib.metadata.distributions` by default.
    """
    if distributions is None:
        read = _read_path() if _METADATA not in sys.modules else None
        if read is not None:
            return read
        from importlib import metadata

        distributions = metadata.distributions()
    return _entries_of(distributions)


def _entries_of(dists: Iterable[metadata.Distribution]) -> list[PluginEntry]:
    seen: dict[tuple[str, str], PluginEntry] = {}
    found: set[str] = set()  # the distributions whose entry points were taken
    for dist in dists:
        # Entry points first: a distribution's metadata is parsed (slowly, as an e-mail
        # message) only when it has one of ours.
        ours = [ep for ep in dist.entry_points if ep.group == PROJECT_NAME]
        if not ours:
            continue
        # A metadata folder without a name (a broken install) offers nothing that a message
        # could name, so it cannot be a plugin. (Each field is looked for first: a missing
        # one read by subscript is a deprecation warning, or an error, on newer Pythons.)
        meta = dist.metadata
        name = meta["Name"] if "Name" in meta else None  # noqa: SIM401 (no get() in the protocol)
        if not name:
            continue
        normalized = normalize_name(name)
        if normalized in found:
            continue  # a copy further along sys.path, shadowed by the first
        found.add(normalized)
        version = (meta["Version"] if "Version" in meta else None) or ""  # noqa: SIM401
        for ep in ours:
            seen.setdefault((normalized, ep.name), PluginEntry(name, version, ep.name, ep.value))
    return [seen[key] for key in sorted(seen)]


def blocked_from_env() -> tuple[str, ...]:
    """Plugin names blocked through :data:`BLOCK_ENV`, in the order written."""
    raw = os.environ.get(BLOCK_ENV, "")
    return tuple(n.strip() for n in raw.split(",") if n.strip())


def autoload_disabled() -> bool:
    """True when :data:`DISABLE_ENV` asks not to load installed plugins."""
    return os.environ.get(DISABLE_ENV, "").strip().lower() not in _FALSE_WORDS


def load_entries(entries: Iterable[PluginEntry]) -> Iterator[tuple[PluginEntry, object]]:
    """Phase two: import each entry point inside a guard, in the order given.

    Yields:
        ``(entry, plugin)``: the entry and the object its entry point names.

    Raises:
        PluginLoadError: naming ``distribution[entry]``; the original exception is chained
            as ``__cause__``.
    """
    for entry in entries:
        try:
            plugin = _load(entry)
        except (Exception, SystemExit) as exc:
            raise PluginLoadError(
                f"插件 {entry.name}({entry.value})无法导入 / "
                f"plugin {entry.name} ({entry.value}) failed to import: "
                f"{type(exc).__name__}: {exc}",
                plugin=entry.name,
            ) from exc
        yield entry, plugin


# ---------------------------------------------------------- without importlib.metadata

_METADATA = "importlib.metadata"

#: importlib.metadata's ``EntryPoint.pattern``: ``module``, ``module:object.attr``, extras.
_ENTRY_VALUE = re.compile(
    r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"
)
#: The start of a header line, as the e-mail parser knows one.
_HEADER = re.compile(r"[\041-\071\073-\176]+:")


def _load(entry: PluginEntry) -> object:
    """The object an entry point names, imported as ``EntryPoint.load`` does."""
    match = _ENTRY_VALUE.match(entry.value)
    if match is None or _METADATA in sys.modules:
        from importlib import metadata

        ep = metadata.EntryPoint(name=entry.entry, value=entry.value, group=PROJECT_NAME)
        return ep.load()  # a value it cannot read fails as importlib.metadata fails
    module = importlib.import_module(match.group("module"))
    names = filter(None, (match.group("attr") or "").split("."))
    return functools.reduce(getattr, names, module)


class _Unusual(Exception):
    """Something :func:`_read_path` leaves to importlib.metadata."""


def _read_path() -> list[PluginEntry] | None:
    """The entry points :func:`list_entries` finds through importlib.metadata, read without
    it; ``None`` when the environment, or a file in it, is one to leave to importlib.metadata."""
    from importlib.machinery import PathFinder

    finders = [f for f in sys.meta_path if getattr(f, "find_distributions", None) is not None]
    if finders != [PathFinder]:
        return None
    seen: dict[tuple[str, str], PluginEntry] = {}
    found: set[str] = set()
    try:
        for folder in _info_folders(sys.path):
            ours = _our_entry_points(_read(folder, "entry_points.txt"))
            if not ours:
                continue
            headers = _headers(_read(folder, "METADATA") or _read(folder, "PKG-INFO"))
            name, version = headers.get("name"), headers.get("version")
            if "\n" in f"{name}{version}":
                raise _Unusual(folder)  # importlib.metadata re-indents folded values
            if not name:
                continue  # a metadata folder without a name cannot be a plugin
            normalized = normalize_name(name)
            if normalized in found:
                continue  # a copy further along sys.path, shadowed by the first
            found.add(normalized)
            for entry, value in ours:
                seen.setdefault((normalized, entry), PluginEntry(name, version or "", entry, value))
    except (_Unusual, OSError, ValueError):  # ValueError: a file not UTF-8
        return None
    return [seen[key] for key in sorted(seen)]


def _info_folders(paths: Iterable[str]) -> Iterator[str]:
    """importlib.metadata's metadata folders of ``paths``, in its order: on each path, the
    ``.dist-info`` and ``.egg-info`` entries in the order listed, those of one name (as
    importlib.metadata normalizes it) together in the place of the first."""
    for path in paths:
        if not isinstance(path, str):
            raise _Unusual(path)
        root = path or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):
                raise _Unusual(path) from None  # a zip file, or a folder not to be read
            continue
        if os.path.basename(path).lower().endswith(".egg"):
            raise _Unusual(path)
        groups: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                name = low.rpartition(".")[0].partition("-")[0]
                normalized = _SEPARATORS.sub("-", name).lower().replace("-", "_")
                groups.setdefault(normalized, []).append(os.path.join(path, child))
        for group in groups.values():
            yield from group


def _read(folder: str, name: str) -> str | None:
    """A metadata file's text as ``PathDistribution.read_text`` reads it: ``None`` when it
    is missing, or a folder, or not readable."""
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def _our_entry_points(text: str | None) -> list[tuple[str, str]]:
    """``(name, value)`` of the ``evalrules`` entry points in an ``entry_points.txt``, parsed
    as importlib.metadata parses it (``Sectioned``)."""
    ours: list[tuple[str, str]] = []
    section = None
    for line in map(str.strip, (text or "").splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise _Unusual(line)  # importlib.metadata fails on it: let it say how
        if section == PROJECT_NAME:
            ours.append((name.strip(), value.strip()))
    return ours


def _headers(text: str | None) -> dict[str, str]:
    """The first value of each header of a ``METADATA`` file, by lower-case name, as the
    e-mail parser reads it (compat32: the value after the colon without the spaces that
    start it, continuation lines kept)."""
    if text is None:
        raise _Unusual("no METADATA")  # importlib.metadata fails on it: let it say how
    found: dict[str, str] = {}
    lines = text.split("\n")  # read as text (as importlib.metadata reads it): only "\n"
    name: str | None = None
    value: list[str] = []

    def keep() -> None:
        if name is not None:
            found.setdefault(name.lower(), "".join(value).rstrip("\r\n"))

    for line in lines:
        if line[:1] in (" ", "\t"):
            if name is None:
                raise _Unusual(line)
            value.append("\n" + line)
            continue
        keep()
        if not line:
            break
        if not _HEADER.match(line) or line.startswith("From "):
            raise _Unusual(line)
        name, _, rest = line.partition(":")
        value = [rest.lstrip(" \t")]
    else:
        keep()
    return found
