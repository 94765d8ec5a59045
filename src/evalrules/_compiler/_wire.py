"""A batch's results as they travel back from a worker: one compact pickle per chunk.

A scorecard and every value in it (result nodes, findings and their evidence, derived
values, grades, claims, titles, a finding's message) are frozen attrs values, and pickle
writes each as its class, a dictionary of its fields and a call of attrs' ``__setstate__``
that sets them one by one, or as the value's own reducer for a kept card (points as text).
A chunk of results is written here instead with each of those values as a call of its
class's restore function (:func:`evalrules._scorecard._model.restorer`) on its fields in
order, points as the decimals they are: no field names, no converters run again, each field
set by its slot's setter. The values read back are equal, and what a chunk's cards share
(the nodes of a rubric's unchanged subtrees, the rubric's info, a template, a decimal) is
still written once, as pickle's memo does. Anything else (a refusal) pickles as it always
does. Both ends are the same library, so the restore functions are resolved by name as
usual; a kept card's pickle (:meth:`Scorecard.__reduce_ex__`) is not this one.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing
import operator
import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from evalrules._frozen import FrozenDict
from evalrules._rules._messages import Rendered
from evalrules._scorecard._model import (
    ClaimComparison,
    DerivedValue,
    Entity,
    Evidence,
    Finding,
    GateResult,
    Grade,
    NodeResult,
    RubricInfo,
    Scorecard,
    SensitivityCase,
    Verdict,
    restorer,
)
from evalrules._text import Text

_Reducer = Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]

#: What a finding's message holds (:class:`Rendered`): its template, its fields, and what
#: was rendered of it so far (``None`` until read).
_MESSAGE_SLOTS = ("_template", "_params", "_zh", "_en")

# The restore functions, each kept here under the name a pickle calls it by.
_scorecard = restorer(Scorecard, "_scorecard", __name__)
_node = restorer(NodeResult, "_node", __name__)
_finding = restorer(Finding, "_finding", __name__)
_evidence = restorer(Evidence, "_evidence", __name__)
_derived = restorer(DerivedValue, "_derived", __name__)
_grade = restorer(Grade, "_grade", __name__)
_rubric = restorer(RubricInfo, "_rubric", __name__)
_entity = restorer(Entity, "_entity", __name__)
_claim = restorer(ClaimComparison, "_claim", __name__)
_case = restorer(SensitivityCase, "_case", __name__)
_verdict = restorer(Verdict, "_verdict", __name__)
_gate = restorer(GateResult, "_gate", __name__)
_text = restorer(Text, "_text", __name__)
_message = restorer(Rendered, "_message", __name__, _MESSAGE_SLOTS)


def _writes(
    restore: Callable[..., Any], cls: type, slots: tuple[str, ...] | None = None
) -> _Reducer:
    """The reducer that writes a ``cls`` as a call of ``restore`` on its fields in order,
    read in one call (C's ``attrgetter``)."""
    names = slots if slots is not None else tuple(f.name for f in attrs.fields(cls))
    if len(names) < 2:  # attrgetter gives one field as itself, not as a tuple
        raise TypeError(f"{cls.__qualname__} has fewer than two fields")
    fields = operator.attrgetter(*names)

    def reduce(value: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return restore, fields(value)

    return reduce


_finding_fields = _writes(_finding, Finding)

#: The fields :func:`_finding_of` writes out by name, in attrs' order.
_FINDING = (
    "indicator", "rule", "kind", "points", "nominal", "message_id", "params", "message",
    "evidence", "outcome", "effect",
)  # fmt: skip
if tuple(f.name for f in attrs.fields(Finding)) != _FINDING:
    raise TypeError("a finding's fields have changed: see _finding_of")


def _finding_of(f: Finding) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """A finding, and its message when rendered from the finding's own params (as every
    finding's is), in one call: the message's template and what was rendered of it take the
    message's place among the finding's fields, its params are the finding's."""
    message = f.message
    if type(message) is not Rendered or message._params is not f.params:
        return _finding_fields(f)
    return _finding_with_message, (
        f.indicator,
        f.rule,
        f.kind,
        f.points,
        f.nominal,
        f.message_id,
        f.params,
        message._template,
        message._zh,
        message._en,
        f.evidence,
        f.outcome,
        f.effect,
    )


def _finding_with_message(
    indicator: str,
    rule: str,
    kind: str,
    points: Decimal,
    nominal: Decimal,
    message_id: str,
    params: FrozenDict[str, Any],
    template: Text,
    zh: str | None,
    en: str | None,
    evidence: Evidence,
    outcome: str,
    effect: str | None,
) -> Finding:
    """A finding from what :func:`_finding_of` wrote."""
    message = _message(template, params, zh, en)
    return _finding(
        indicator,
        rule,
        kind,
        points,
        nominal,
        message_id,
        params,
        message,
        evidence,
        outcome,
        effect,
    )


def _frozen(mapping: FrozenDict[Any, Any]) -> tuple[type[FrozenDict[Any, Any]], tuple[Any, ...]]:
    return FrozenDict, (dict(mapping),)


#: Exact types only (a value of a subclass pickles as its own).
_TABLE: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    Scorecard: _writes(_scorecard, Scorecard),
    NodeResult: _writes(_node, NodeResult),
    Finding: _finding_of,
    Evidence: _writes(_evidence, Evidence),
    DerivedValue: _writes(_derived, DerivedValue),
    Grade: _writes(_grade, Grade),
    RubricInfo: _writes(_rubric, RubricInfo),
    Entity: _writes(_entity, Entity),
    ClaimComparison: _writes(_claim, ClaimComparison),
    SensitivityCase: _writes(_case, SensitivityCase),
    Verdict: _writes(_verdict, Verdict),
    GateResult: _writes(_gate, GateResult),
    Text: _writes(_text, Text),
    Rendered: _writes(_message, Rendered, _MESSAGE_SLOTS),  # a message of other params
    FrozenDict: _frozen,
    Decimal: Decimal.__reduce__,  # what pickle calls for it anyway, without finding it first
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
