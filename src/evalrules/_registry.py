"""One generic registry for every pluggable kind: name → item, with the plugin it came from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

import attrs

from evalrules.errors import RegistryConflictError

T = TypeVar("T")


@attrs.frozen
class Registered(Generic[T]):
    """An item and the plugin that registered it."""

    name: str
    item: T
    origin: str


class Registry(Generic[T]):
    """Name → item. A second registration of a name raises, naming both plugins.

    Iteration is sorted by name, so results never depend on plugin registration order.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Registered[T]] = {}

    def add(self, name: str, item: T, origin: str) -> None:
        """Register ``item`` under ``name`` for plugin ``origin``.

        Raises:
            RegistryConflictError: if ``name`` is already registered.
        """
        if name in self._entries:
            raise RegistryConflictError(self.kind, name, self._entries[name].origin, origin)
        self._entries[name] = Registered(name, item, origin)

    def get(self, name: str) -> T:
        """Return the item registered as ``name``.

        Raises:
            KeyError: if there is none.
        """
        return self._entries[name].item

    def origin(self, name: str) -> str:
        """Return the plugin that registered ``name``."""
        return self._entries[name].origin

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Registered[T]]:
        return iter(sorted(self._entries.values(), key=lambda r: r.name))

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> tuple[str, ...]:
        """Return the registered names, sorted."""
        return tuple(sorted(self._entries))
