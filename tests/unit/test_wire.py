"""A chunk's results as they travel back from a worker (``evalrules._compiler._wire``)."""

from __future__ import annotations

import gc
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import evalrules
from _values import same_values
from evalrules import FactsDocument
from evalrules._compiler._wire import _TABLE, in_worker, no_collection, pack, unpack
from evalrules._frozen import FrozenDict, thaw
from evalrules._rules._messages import Rendered
from evalrules._scorecard import _model
from evalrules.errors import FactsError

TABLES = Path(__file__).resolve().parent / "tables"


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


@pytest.fixture(scope="module")
def explained_chunk(compiled, example, engine, certification, certified) -> list[Any]:
    """Explained results of every shape a card's values take: claims and a sensitivity
    case, vetoes, not-applicable and not-assessable items, findings on a table's rows with
    derived values and aggregates, a certification verdict with its gates, and a refusal."""
    vetoed = thaw(example.facts)
    vetoed["safety"]["major_accident"] = True
    partial = thaw(example.facts)
    del partial["safety"]["major_accident"]
    tables = engine.compile(engine.load_rubric(TABLES / "rubric.yaml"))
    card = compiled.evaluate(example)
    failed = certified.with_facts({"g.meetings": 1, "g.exam_admission": True})
    chunk: list[Any] = [
        card,
        compiled.sensitivity(example, card),
        compiled.evaluate(vetoed),
        compiled.evaluate(partial, partial=True),
        tables.evaluate(engine.load_facts(TABLES / "facts.yaml")),
        certification.evaluate(failed),
        certification.evaluate(failed),
        compiled.evaluate(example, explain=False),
    ]
    try:
        compiled.evaluate({"no such fact": 1})
    except FactsError as exc:
        chunk.insert(3, exc)
    return chunk


def test_an_explained_chunk_of_every_shape_reads_back_value_for_value(explained_chunk):
    cards = [c for c in explained_chunk if not isinstance(c, FactsError)]
    # the chunk holds every shape it is meant to
    findings = [f for c in cards for f in c.findings]
    assert any(c.claimed for c in cards)
    assert any(c.sensitivity for c in cards)
    assert any(c.vetoes for c in cards)
    assert any(c.verdict and c.verdict.failed for c in cards)
    assert {"not_applicable", "not_assessable", "veto"} <= {f.kind for f in findings}
    assert any(f.evidence.row for f in findings)
    assert any(f.evidence.derived for f in findings)
    assert any(c.aggregates for c in cards)
    assert any(type(f.message) is Rendered for f in findings)

    back = unpack(pack(explained_chunk))
    assert len(back) == len(explained_chunk)
    for mine, theirs in zip(back, explained_chunk, strict=True):
        if isinstance(theirs, FactsError):
            assert isinstance(mine, FactsError)
            assert mine.problems == theirs.problems
            continue
        assert mine == theirs
        same_values(mine, theirs)
        assert mine.to_json() == theirs.to_json()
        assert mine.to_json(indent=None) == theirs.to_json(indent=None)
        # a card read back keeps as a card evaluated here does
        kept = pickle.loads(pickle.dumps(mine))
        same_values(kept, theirs)
        assert kept.to_json() == theirs.to_json()
    # what the cards share is shared still: a finding the evaluation shares between cards,
    # its params and its message's
    a, b = back[-3], back[-2]
    assert a.findings
    assert all(x is y for x, y in zip(a.findings, b.findings, strict=True))
    finding = next(f for f in a.findings if type(f.message) is Rendered)
    assert finding.message._params is finding.params


def test_every_value_of_a_card_travels_as_its_own_restore_call():
    # a value pickled by attrs' generic state (a dictionary and __setstate__) would cost
    # the chunk its names and a call that sets them one by one
    values = [getattr(_model, name) for name in dir(_model)]
    classes = {v for v in values if isinstance(v, type) and attrs.has(v)}
    assert classes - set(_TABLE) == set()
    assert {Rendered, FrozenDict, Decimal, evalrules.Text} <= set(_TABLE)


def test_a_message_shared_or_a_subclass_still_reads_back_equal(explained_chunk):
    card = explained_chunk[0]
    finding = card.findings[0]
    # a message not rendered from the finding's own params, and one already rendered
    other = attrs.evolve(finding, message=Rendered(finding.message._template, {}))
    rendered = Rendered(finding.message._template, finding.params)
    assert rendered.zh
    done = attrs.evolve(finding, message=rendered)
    plain = attrs.evolve(finding, message=evalrules.Text("字", "word"))
    back = unpack(pack([other, done, plain]))
    assert back == [other, done, plain]
    for mine, theirs in zip(back, (other, done, plain), strict=True):
        same_values(mine, theirs)
    assert back[1].message._zh == rendered.zh  # what was rendered travels with it


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
