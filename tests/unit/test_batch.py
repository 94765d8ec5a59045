"""Batches: ``CompiledRubric.evaluate_many`` here, on a real process pool, and scores only."""

from __future__ import annotations

import itertools
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from decimal import Decimal

import pytest

from evalrules import FactsDocument, Scorecard
from evalrules.errors import FactsError, RuleEvaluationError


def _broken(facts: dict, path: str, value: object) -> dict:
    """``facts`` with the value at a dotted ``path`` replaced."""
    group, name = path.split(".")
    return {**facts, group: {**facts[group], name: value}}


@pytest.fixture(scope="module")
def documents(example: FactsDocument) -> list:
    """Good and refused documents, interleaved: a refused one is never the last of a chunk."""
    facts = dict(example.facts)
    first_group = next(k for k, v in facts.items() if isinstance(v, dict))
    first_fact = next(iter(facts[first_group]))
    wrong = _broken(facts, f"{first_group}.{first_fact}", "not a number")
    return [
        example,
        facts,
        {"no such fact": 1},
        wrong,
        example,
        {**facts, "unknown_group": {"x": 1}},
        facts,
    ]


def _expected(compiled, documents, **options):
    out = []
    for doc in documents:
        try:
            out.append(compiled.evaluate(doc, **options))
        except FactsError as exc:
            out.append(exc)
    return out


def _same(results, expected):
    assert len(results) == len(expected)
    for got, want in zip(results, expected, strict=True):
        assert type(got) is type(want)
        if isinstance(want, FactsError):
            assert got.problems == want.problems
            assert got.source == want.source
        else:
            assert got == want
            assert got.to_json() == want.to_json()


def test_a_batch_here_yields_each_card_or_refusal_in_order(compiled, documents):
    results = list(compiled.evaluate_many(documents))
    kinds = [type(r) for r in results]
    assert kinds == [Scorecard, Scorecard, FactsError, FactsError, Scorecard, FactsError, Scorecard]
    _same(results, _expected(compiled, documents))


def test_a_batch_is_lazy(compiled, example):
    drawn = []

    def stream():
        for i in itertools.count():
            drawn.append(i)
            yield example

    first = list(itertools.islice(compiled.evaluate_many(stream()), 3))
    assert len(first) == 3
    assert len(drawn) == 3


@pytest.mark.parametrize("chunksize", [1, 3, 64])
def test_a_process_pool_gives_the_same_results_in_the_same_order(compiled, documents, chunksize):
    batch = documents * 3
    with ProcessPoolExecutor(2) as pool:
        results = list(compiled.evaluate_many(batch, executor=pool, chunksize=chunksize))
    _same(results, _expected(compiled, batch))


def test_scores_only_on_a_process_pool(compiled, documents):
    with ProcessPoolExecutor(2) as pool:
        results = list(compiled.evaluate_many(documents, explain=False, executor=pool))
    _same(results, _expected(compiled, documents, explain=False))
    cards = [r for r in results if isinstance(r, Scorecard)]
    assert cards
    assert all(c.findings == () for c in cards)


def test_a_pool_reads_a_stream_only_a_few_chunks_ahead(compiled, example):
    drawn = []

    def stream():
        for i in itertools.count():
            drawn.append(i)
            yield example.facts

    with ProcessPoolExecutor(2) as pool:
        batch = compiled.evaluate_many(stream(), explain=False, executor=pool, chunksize=4)
        first = list(itertools.islice(batch, 10))
        batch.close()
    assert len(first) == 10
    assert all(isinstance(r, Scorecard) for r in first)
    # The 10 results come from 3 chunks of 4; with 2 workers at most 5 chunks are in
    # flight, so at most 4 chunks beyond those 3 have been drawn.
    assert len(drawn) <= 4 * (3 + 4)


def test_a_thread_pool_works_too(compiled, documents):
    with ThreadPoolExecutor(2) as pool:
        results = list(compiled.evaluate_many(documents, executor=pool, chunksize=2))
    _same(results, _expected(compiled, documents))


def test_partial_mode_reaches_the_workers(compiled, example):
    facts = dict(example.facts)
    group = next(k for k, v in facts.items() if isinstance(v, dict) and len(v) > 1)
    facts[group] = dict(list(facts[group].items())[1:])  # one fact left out
    with ProcessPoolExecutor(2) as pool:
        strict, lenient = (
            next(compiled.evaluate_many([facts], executor=pool, partial=partial))
            for partial in (False, True)
        )
    assert isinstance(strict, FactsError)
    assert isinstance(lenient, Scorecard)
    assert not lenient.complete


def test_chunksize_must_be_positive(compiled, example):
    with pytest.raises(ValueError, match="chunksize must be at least 1"):
        compiled.evaluate_many([example], chunksize=0)


def test_an_empty_batch_yields_nothing(compiled):
    with ThreadPoolExecutor(1) as pool:
        assert list(compiled.evaluate_many([], executor=pool)) == []
    assert list(compiled.evaluate_many([])) == []


def test_a_rule_evaluation_error_pickles_with_its_message_and_fields():
    exc = RuleEvaluationError(
        plugin="dist[entry]",
        rubric="x/2023",
        indicator="A1",
        rule="A1.r1",
        kind="threshold",
        error=ZeroDivisionError("division by zero"),
    )
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is RuleEvaluationError
    assert str(back) == str(exc)
    assert (back.plugin, back.rubric, back.indicator, back.rule, back.kind) == (
        "dist[entry]",
        "x/2023",
        "A1",
        "A1.r1",
        "threshold",
    )


def test_scores_only_keeps_scores_grade_and_vetoes(compiled, example):
    full = compiled.evaluate(example)
    quick = compiled.evaluate(example, explain=False)
    assert quick.findings == ()
    assert quick.claimed is None
    assert full.claimed is not None
    assert (quick.total, quick.base_total, quick.bonus, quick.grade, quick.complete) == (
        full.total,
        full.base_total,
        full.bonus,
        full.grade,
        full.complete,
    )
    assert quick.vetoes == full.vetoes
    assert [(n.code, n.score, n.status) for n in quick.walk()] == [
        (n.code, n.score, n.status) for n in full.walk()
    ]
    assert quick.outcomes == full.outcomes
    assert quick.total == Decimal("98.6")


def test_scores_only_refuses_what_the_explained_path_refuses(compiled, documents):
    refused = 0
    for full, quick in zip(
        _expected(compiled, documents), _expected(compiled, documents, explain=False), strict=True
    ):
        assert type(full) is type(quick)
        if isinstance(full, FactsError):
            refused += 1
            assert quick.problems == full.problems
    assert refused == 3


class _Recording(ThreadPoolExecutor):
    """A thread pool that records how many documents each task it is given holds."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.sizes: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        self.sizes.append(len(args[1]))  # evaluate_chunk(pickled, documents, ...)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize(
    ("explain", "chunksize", "expected"),
    [
        # explained, by default: 64 for as many tasks as are kept in flight (2 × 2 + 1),
        # then 256, the last one shorter
        (True, None, [64] * 5 + [256] * 3 + [60]),
        (False, None, [1024, 104]),
        (True, 100, [100] * 11 + [28]),
    ],
)
def test_the_chunks_a_batch_is_sent_in(compiled, example, explain, chunksize, expected):
    count = sum(expected)
    with _Recording(2) as pool:
        results = compiled.evaluate_many(
            itertools.repeat(example.facts, count),
            explain=explain,
            executor=pool,
            chunksize=chunksize,
        )
        assert sum(1 for _ in results) == count
    assert pool.sizes == expected
