"""Batches on Dask: ``evaluate_many`` through a real ``LocalCluster``'s executor.

Needs the ``dask`` extra (``pip install -e '.[dask]'``); skipped without it. Starting a
cluster of two worker processes takes seconds, so the test is ``slow`` (CI runs it with
``-m slow``, after installing the extra).
"""

from __future__ import annotations

import pytest

from evalrules import Scorecard
from evalrules.errors import FactsError

pytestmark = pytest.mark.slow


def test_a_dask_cluster_gives_what_evaluating_here_gives(compiled, example):
    # Imported here, not when the module is collected: importing distributed reads every
    # installed distribution's entry points, which other tests count.
    distributed = pytest.importorskip("distributed")
    documents = [example, {"no such fact": 1}, example.facts] * 5
    here = list(compiled.evaluate_many(documents))
    quick_here = list(compiled.evaluate_many(documents, explain=False))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        remote = list(compiled.evaluate_many(documents, executor=executor, chunksize=2))
        quick = list(compiled.evaluate_many(documents, explain=False, executor=executor))
        workers = set(client.run(lambda: True))  # the cluster's worker processes
    assert len(workers) == 2
    for got, want in ((remote, here), (quick, quick_here)):
        assert [type(r) for r in got] == [type(r) for r in want]
        for a, b in zip(got, want, strict=True):
            if isinstance(b, FactsError):
                assert a.problems == b.problems
            else:
                assert isinstance(a, Scorecard)
                assert a.to_json() == b.to_json()
