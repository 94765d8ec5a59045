"""One generic registry for every pluggable kind: name → item, with the plugin it came from.

Rubrics, rule kinds, fact types, cross checks and renderers all live in a :class:`Registry`.
A name is registered once: a second registration raises
:class:`~evalrules.errors.RegistryConflictError` naming both plugins, so nothing is ever
silently overridden and the result never depends on which plugin loaded first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

import attrs

from evalrules.errors import RegistryConflictError

__all__ = ["Registered", "Registry"]

T = TypeVar("T")


@attrs.frozen
class Registered(Generic[T]):
    """An item and the plugin that registered it.

    Attributes:
        name: The name it is registered under.
        item: The item (a rubric source, rule kind, fact type, ...).
        origin: The registering plugin's name (``distribution[entry]`` for installed ones).
    """

    name: str
    item: T
    origin: str


class Registry(Generic[T]):
    """Name → item for one pluggable kind. A second registration of a name raises.

    Iteration is sorted by name, so results never depend on plugin registration order.

    Args:
        name: The registry's name: what it holds, as error messages say it (``"rule kind"``).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, Registered[T]] = {}

    def add(self, name: str, item: T, origin: str) -> None:
        """Register ``item`` under ``name`` for plugin ``origin``.

        Raises:
            RegistryConflictError: if ``name`` is already registered (by any plugin,
                ``origin`` included); the error names both plugins.
        """
        if name in self._entries:
            raise RegistryConflictError(self.name, name, self._entries[name].origin, origin)
        self._entries[name] = Registered(name, item, origin)

    def get(self, name: str) -> T:
        """Return the item registered as ``name``.

        Raises:
            KeyError: if there is none; the message lists the registered names.
        """
        return self.entry(name).item

    def origin(self, name: str) -> str:
        """Return the plugin that registered ``name``.

        Raises:
            KeyError: if there is none.
        """
        return self.entry(name).origin

    def entry(self, name: str) -> Registered[T]:
        """Return the :class:`Registered` record of ``name``.

        Raises:
            KeyError: if there is none; the message lists the registered names.
        """
        try:
            return self._entries[name]
        except KeyError:
            listing = ", ".join(self.names()) or "none"
            raise KeyError(
                f"no {self.name} {name!r} is registered (registered: {listing})"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Registered[T]]:
        return iter([self._entries[name] for name in self.names()])

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.name!r}, {list(self.names())!r})"

    def names(self) -> tuple[str, ...]:
        """Return the registered names, sorted."""
        return tuple(sorted(self._entries))

    def by_origin(self, origin: str) -> tuple[str, ...]:
        """Return the names ``origin`` registered, sorted."""
        return tuple(name for name in self.names() if self._entries[name].origin == origin)
