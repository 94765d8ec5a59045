"""The frozen mapping inside every value, and deep-freezing plain data into values.

Every model value is a frozen attrs class, and frozen is not enough: a value must also hash
and pickle, or a set of scorecards, a cache keyed by rubric or a process pool carrying a
compiled rubric breaks on the first mapping inside it (``types.MappingProxyType`` does
neither). :class:`FrozenDict` is the one mapping values hold; :func:`freeze` turns parsed
data (dicts, lists) into frozen data (``FrozenDict``, tuples) all the way down.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_SCALARS = frozenset({str, int, bool, Decimal, float, type(None)})


class FrozenDict(dict[K, V]):
    """A dict that cannot change: it hashes, pickles, and equals a dict with the same items.

    It is a ``dict`` so that reading it costs what reading a dict costs (the rules read their
    parameters on every evaluation) and code written for dicts (``json``, cerberus,
    ``isinstance(value, dict)``) reads it as one; every method that would change it raises
    :class:`TypeError` instead. Building one is building a dict.

    Like a tuple, it is shallow: it hashes when its values do. Use :func:`freeze` to freeze
    nested data.
    """

    __slots__ = ()

    def _immutable(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot be changed; build a new one instead")

    __setitem__ = __delitem__ = _immutable
    clear = pop = popitem = setdefault = update = __ior__ = _immutable

    # dict sets __hash__ to None; a frozen mapping hashes like the frozenset of its items,
    # so two equal FrozenDicts hash equal whatever their order.
    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        # dict's own pickling would fill the new object item by item, which raises here.
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    @classmethod
    def fromkeys(  # type: ignore[override]
        cls, keys: Iterable[K], value: V | None = None
    ) -> FrozenDict[K, V | None]:
        """A FrozenDict with ``keys``, each mapped to ``value``."""
        return cls(dict.fromkeys(keys, value))


def freeze(value: Any) -> Any:
    """Deep-freeze plain data: mappings become :class:`FrozenDict`, lists and tuples become
    tuples, sets become frozensets; scalars and other values (attrs values, ``Text``) are
    kept as they are."""
    cls = type(value)
    if cls in _SCALARS:  # the common case, checked without the ABC machinery
        return value
    if cls is tuple or cls is list:
        return tuple([freeze(v) for v in value])
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple([freeze(v) for v in value])
    if isinstance(value, set | frozenset):
        return frozenset(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Frozen data as plain data again: mappings become dicts, tuples become lists (for
    libraries that change what they are given, such as cerberus expanding a schema)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def frozen_mapping(
    value: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None,
) -> FrozenDict[Any, Any]:
    """An attrs converter: a mapping (or ``None`` for empty) as a deep-frozen FrozenDict."""
    if value is None:
        return FrozenDict()
    if not isinstance(value, Mapping):
        value = dict(value)
    return freeze(value)  # type: ignore[no-any-return]


def frozen_pairs(value: Iterable[tuple[Any, Any]]) -> tuple[tuple[Any, Any], ...]:
    """An attrs converter: ``(name, value)`` pairs as a tuple with every value deep-frozen."""
    return tuple([(k, v if type(v) in _SCALARS else freeze(v)) for k, v in value])
