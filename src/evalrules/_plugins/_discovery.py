"""Two-phase plugin discovery through the ``evalrules`` entry-point group.

Phase one (:func:`list_entries`) lists distributions and their entry points without importing
anything, and sorts them, so the load order never depends on the file system or on
``sys.path`` order. Phase two (:func:`load_entries`) imports each inside a guard; a failure
becomes a :class:`~evalrules.errors.PluginLoadError` naming ``distribution[entry]`` with the
original exception chained.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from importlib import metadata

import attrs

from evalrules.errors import PluginLoadError
from evalrules.hookspecs import PROJECT_NAME

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
    dists = metadata.distributions() if distributions is None else distributions
    seen: dict[tuple[str, str], PluginEntry] = {}
    for dist in dists:
        # Entry points first: a distribution's metadata is parsed (slowly, as an e-mail
        # message) only when it has one of ours.
        ours = [ep for ep in dist.entry_points if ep.group == PROJECT_NAME]
        if not ours:
            continue
        # A metadata folder without a name (a broken install) offers nothing that a message
        # could name, so it cannot be a plugin.
        if "Name" not in dist.metadata or not dist.metadata["Name"]:
            continue
        name = dist.metadata["Name"]
        for ep in ours:
            key = (normalize_name(name), ep.name)
            seen.setdefault(key, PluginEntry(name, dist.version or "", ep.name, ep.value))
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
        ep = metadata.EntryPoint(name=entry.entry, value=entry.value, group=PROJECT_NAME)
        try:
            plugin = ep.load()
        except (Exception, SystemExit) as exc:
            raise PluginLoadError(
                f"插件 {entry.name}({entry.value})无法导入 / "
                f"plugin {entry.name} ({entry.value}) failed to import: "
                f"{type(exc).__name__}: {exc}",
                plugin=entry.name,
            ) from exc
        yield entry, plugin
