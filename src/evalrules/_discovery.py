"""Two-phase plugin discovery through the ``evalrules`` entry-point group.

Phase one lists distributions and their entry points without importing anything, and sorts
them, so the load order never depends on the file system. Phase two imports each inside a
guard; a failure becomes a :class:`~evalrules.errors.PluginLoadError` naming
``distribution[entry]`` with the original exception chained.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

import attrs

from evalrules.errors import PluginLoadError
from evalrules.hookspecs import PROJECT_NAME

#: Set to a non-empty value to disable loading installed plugins.
DISABLE_ENV = "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated plugin names (``distribution[entry]``, the entry name, or the
#: distribution name) that are not loaded.
BLOCK_ENV = "EVALRULES_BLOCK_PLUGINS"


@attrs.frozen
class PluginEntry:
    """An installed plugin found in phase one (nothing imported yet).

    Attributes:
        distribution: The distribution's name (``evalrules-panjin``).
        version: The distribution's version.
        entry: The entry point's name.
        value: The entry point's target (``evalrules_panjin``).
    """

    distribution: str
    version: str
    entry: str
    value: str

    @property
    def name(self) -> str:
        """``distribution[entry]``: the name the plugin is registered under."""
        return f"{self.distribution}[{self.entry}]"

    def matches(self, blocked: Iterable[str]) -> bool:
        """True when this entry is named in ``blocked``."""
        names = {self.name, self.entry, self.distribution}
        return any(b in names for b in blocked)


def list_entries(
    distributions: Iterable[Any] | None = None,
) -> list[PluginEntry]:
    """Phase one: every ``evalrules`` entry point of the installed distributions, sorted.

    ``distributions`` defaults to :func:`importlib.metadata.distributions`; tests pass fakes.
    """
    seen: dict[tuple[str, str], PluginEntry] = {}
    dists = metadata.distributions() if distributions is None else distributions
    for dist in dists:
        name = dist.metadata["Name"] or "unknown"
        for ep in dist.entry_points:
            if ep.group != PROJECT_NAME:
                continue
            key = (_normal(name), ep.name)
            # The same distribution may appear twice on sys.path; the first one wins, as
            # it does for imports.
            seen.setdefault(key, PluginEntry(name, dist.version or "", ep.name, ep.value))
    return sorted(seen.values(), key=lambda e: (_normal(e.distribution), e.entry))


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def blocked_from_env() -> tuple[str, ...]:
    """Plugin names blocked through :data:`BLOCK_ENV`."""
    raw = os.environ.get(BLOCK_ENV, "")
    return tuple(n.strip() for n in raw.split(",") if n.strip())


def autoload_disabled() -> bool:
    """True when :data:`DISABLE_ENV` is set to a non-empty value."""
    return bool(os.environ.get(DISABLE_ENV, "").strip())


def load_entries(entries: Iterable[PluginEntry]) -> Iterator[tuple[PluginEntry, object]]:
    """Phase two: import each entry point inside a guard.

    Raises:
        PluginLoadError: naming ``distribution[entry]``; the original exception is chained.
    """
    for entry in entries:
        ep = metadata.EntryPoint(name=entry.entry, value=entry.value, group=PROJECT_NAME)
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginLoadError(
                f"plugin {entry.name} ({entry.value}) failed to import: "
                f"{type(exc).__name__}: {exc}",
                plugin=entry.name,
            ) from exc
        yield entry, plugin
