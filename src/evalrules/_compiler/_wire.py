"""A batch's results as they travel back from a worker: one compact pickle per chunk.

A scorecard, its result nodes and their titles are frozen attrs values, and pickle writes
each as its class, a dictionary of its fields and a call of attrs' ``__setstate__`` that sets
them one by one. A chunk of results is written here instead with each of those values as a
call of its own class on its fields in order (the values are equal, and the nodes a chunk's
cards share are still written once), which is about a third less to write and to read back.
Anything else (a finding, a refusal) pickles as it always does. The caller reads the bytes
back with :func:`unpack`; the classes are the library's own, resolved by name as usual.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing
import operator
import pickle
from collections.abc import Callable
from typing import Any

import attrs

from evalrules._scorecard._model import NodeResult, Scorecard
from evalrules._text import Text

_CARD_FIELDS = tuple(f.name for f in attrs.fields(Scorecard))


#: A value's fields in order, read in one call each (C's ``attrgetter``, not a loop).
_NODE_FIELDS = operator.attrgetter(*(f.name for f in attrs.fields(NodeResult)))
_CARD_VALUES = operator.attrgetter(*_CARD_FIELDS)


def _node(node: NodeResult) -> tuple[type[NodeResult], tuple[Any, ...]]:
    return NodeResult, _NODE_FIELDS(node)


def _card(card: Scorecard) -> tuple[type[Scorecard], tuple[Any, ...]]:
    return Scorecard, _CARD_VALUES(card)


def _text(text: Text) -> tuple[type[Text], tuple[str, str]]:
    return Text, (text.zh, text.en)


#: Exact types only: a subclass (a finding's rendered message) pickles as its own.
_TABLE: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    NodeResult: _node,
    Scorecard: _card,
    Text: _text,
}


def pack(results: list[Any]) -> bytes:
    """A chunk's results as one pickle (see the module's description)."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(results)
    return out.getvalue()


def unpack(payload: bytes) -> list[Any]:
    """The results :func:`pack` wrote (from a worker of this batch), read with the cyclic
    garbage collector held off: reading a chunk back makes a few thousand values and no
    cycles, and each collection it set off walked this process's whole heap (the compiled
    rubric, the caller's own data, a cluster's scheduler)."""
    if not gc.isenabled():
        result: list[Any] = pickle.loads(payload)
        return result
    gc.disable()
    try:
        result = pickle.loads(payload)
    finally:
        gc.enable()
    return result


def in_worker() -> bool:
    """Whether this is a child process (a process pool's or a cluster's worker), not the
    host's own process, whose threads a thread pool's chunks share."""
    return multiprocessing.parent_process() is not None


class no_collection:
    """In a worker process, the cyclic garbage collector held off while a chunk is
    evaluated: scoring makes no cycles, and each collection walked the worker's whole heap
    (the compiled rubric, its shared results). The collector runs again after the chunk;
    in the host's own process nothing changes."""

    __slots__ = ("_paused",)

    def __enter__(self) -> None:
        self._paused = in_worker() and gc.isenabled()
        if self._paused:
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._paused:
            gc.enable()
