"""A chunk's results as they travel back from a worker (``evalrules._compiler._wire``)."""

from __future__ import annotations

import gc
import pickle

import pytest

from evalrules import FactsDocument
from evalrules._compiler._wire import in_worker, no_collection, pack, unpack
from evalrules._frozen import thaw
from evalrules.errors import FactsError


def test_a_packed_chunk_reads_back_equal_and_writes_the_same_json(compiled, example):
    vetoed = thaw(example.facts)
    vetoed["safety"]["major_accident"] = True
    cards = [
        compiled.evaluate(example),
        compiled.evaluate(example, explain=False),
        compiled.evaluate(vetoed, explain=False),
        compiled.evaluate(vetoed, explain=False),
    ]
    try:
        compiled.evaluate({"no such fact": 1})
    except FactsError as exc:
        refusal = exc
    back = unpack(pack([*cards, refusal]))
    assert back[:4] == cards
    assert [c.to_json() for c in back[:4]] == [c.to_json() for c in cards]
    assert isinstance(back[4], FactsError)
    assert back[4].problems == refusal.problems
    # the cards' shared nodes stay shared within the chunk, as pickle's own memo does
    assert back[2].indicators[0] is back[3].indicators[0]


def test_a_packed_chunk_is_smaller_than_its_plain_pickle(compiled, example):
    docs = [example, *[FactsDocument(facts=example.facts) for _ in range(20)]]
    cards = [compiled.evaluate(d, explain=False) for d in docs]
    assert len(pack(cards)) < len(pickle.dumps(cards, pickle.HIGHEST_PROTOCOL))


def test_the_collector_is_held_off_only_in_a_worker_process():
    assert not in_worker()
    assert gc.isenabled()
    with no_collection():
        assert gc.isenabled()  # the host's own process: nothing changes
    assert gc.isenabled()


def _collector_during_a_chunk() -> bool:
    with no_collection():
        return gc.isenabled()


def test_a_worker_process_holds_the_collector_off_during_a_chunk_only():
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(in_worker).result() is True
        assert pool.submit(_collector_during_a_chunk).result() is False
        assert pool.submit(gc.isenabled).result() is True  # on again after the chunk


class _SeesTheCollector:
    """A value that records, as it is read back, whether the collector was on."""

    seen: list[bool] = []  # noqa: RUF012 (a record for the test, not configuration)

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_SeesTheCollector._read, ())

    @staticmethod
    def _read() -> _SeesTheCollector:
        _SeesTheCollector.seen.append(gc.isenabled())
        return _SeesTheCollector()


def test_reading_a_chunk_back_holds_the_collector_off_then_restores_it():
    _SeesTheCollector.seen.clear()
    payload = pack([_SeesTheCollector()])
    assert gc.isenabled()
    unpack(payload)
    assert _SeesTheCollector.seen == [False]
    assert gc.isenabled()
    # a broken payload still leaves it on
    with pytest.raises(pickle.UnpicklingError):
        unpack(payload[:-3])
    assert gc.isenabled()
    # a host that turned it off keeps it off
    gc.disable()
    try:
        unpack(payload)
        assert not gc.isenabled()
    finally:
        gc.enable()
