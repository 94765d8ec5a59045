"""Batches at scale: validated evaluations through a process pool and a Dask cluster.

Run from the repository root (evalrules and evalrules-panjin installed; dask and distributed
from the ``dask`` extra for the cluster's rows)::

    python benchmarks/bench_scale.py                    # 100000 documents, 3 rounds
    python benchmarks/bench_scale.py --quick            # 1000 documents, 3 rounds (CI)
    python benchmarks/bench_scale.py --count 1000000 --rounds 1      # the full million
    python benchmarks/bench_scale.py --count 1000 --rounds 1 --cohort 3000  # the cohort run

Each round sends the same documents through ``CompiledRubric.evaluate_many`` three ways, in
turn: here (one process, no executor), a ``ProcessPoolExecutor(2)`` and a Dask
``LocalCluster`` of two worker processes (``Client.get_executor()``), scores only
(``explain=False``) and then explained. Each row's cost is the CPU time of every process
under this one (this one and the workers, psutil) per document; the 1M projection is
1,000,000 × that ÷ 2 cores. Wall time, documents per second, is printed beside it (on a
shared machine it varies more). The pool is started (and has rebuilt the compiled rubric
once) before anything is timed, and the rounds here and on the pool are interleaved. The
cluster is started after them for its own rounds, warmed up the same way and left
``SETTLE_S`` seconds to finish starting, then shut down: idle, its scheduler (in this
process) and its workers' heartbeats take about 0.15 s of CPU a second, which, with the
cluster running beside them, was charged to the other rows. What is timed is the steady
state.

A cohort: ``CompiledRubric.evaluate_cohort`` over ``--cohort`` districts (3000 by default,
300 with ``--quick``; generated facts, each document with its own entity) on the
``ProcessPoolExecutor(2)``, and the command ``evalrules cohort DIR --jobs 2 --format json``
over the same documents written as files, as a whole process: wall time, and the CPU time
of every process (this one and the workers; the command's children included). The library
runs once more under a variant of the rubric whose item 11 is scored by place
(``threshold_else_place``, constructed for the benchmark), so that the cohort takes both
passes: the statistics first, here, then the evaluations on the pool. Both are run
once per round, after the pool's warm-up; the ranking is checked against the totals computed
here.

Memory: the pickle length of a kept scorecard (explained and scores only), the memory one
kept scorecard holds (``tracemalloc``, many kept ÷ their number), and whether memory grows
with the number of evaluations streamed: a stream of ``--stream`` scores-only evaluations
(2000 with ``--quick``), here and through the ``ProcessPoolExecutor(2)``, each scorecard
dropped as it arrives; the memory in use in this process (``tracemalloc``'s current, after
a full collection, on the pool once the chunks in flight have come back) at the end of each
quarter. The first quarter is the warm-up (caches, interned values, the pipeline filling);
flat means the least-squares slope over the four readings is at most
``STREAM_GROWTH_TARGET_B`` bytes per evaluation. The workers' own memory is not traced (they
are other processes); they run the same evaluations as the row measured here. No Dask
cluster runs then (its scheduler would allocate in this process).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import logging
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import bench_evaluate as bench  # beside this script: the rubric, the example, the generator

import evalrules
import evalrules_panjin
from evalrules._compiler._compiled import SCORES_CHUNKSIZE
from evalrules.errors import FactsError

MILLION = 1_000_000
#: The cohort the issue names: about as many districts as the country has.
COHORT = 3_000
#: The 2023 rubric with item 11 scored by place among the districts that miss 80%: a rule
#: constructed for the benchmark (not a Panjin rule), so that the cohort takes both passes.
RELATIVE_VARIANT = """\
evalrules: rubric/1
extends: panjin-county/2023
family: panjin-county-cohort
year: 2023
version: "1.0.0"
replace:
  "11":
    code: "11"
    title: {zh: 学前教育普及普惠发展情况, en: Universal and affordable preschool education}
    max: 4
    rules:
      - code: BENCH-11-place
        kind: threshold_else_place
        name: {zh: 普惠性幼儿园覆盖率未达80%的按排名计分, en: Coverage below 80% scored by place}
        params: {fact: derived.kindergarten.inclusive_rate, value: 80, places: [3, 2, 1]}
        source:
          inferred: true
          why:
            zh: 仅为基准测试构造的规则,并非盘锦的评分规则。
            en: A rule constructed for the benchmark only; not a Panjin rule.
"""
#: Targets (here, never in the tests): 1M validated scores-only evaluations on 2 workers.
MILLION_TARGET_S = 60.0
KEPT_CARD_TARGET_KB = 10.0
#: A stream is flat when, after its warm-up, the memory in use grows by no more than this
#: many bytes per evaluation (the least-squares slope over its checkpoints): under 16 MB over
#: a million evaluations.
STREAM_GROWTH_TARGET_B = 16.0
#: The stream is measured at the end of each quarter; the first quarter is the warm-up.
STREAM_CHECKPOINTS = 4

DISTINCT = 500  # distinct generated fact sets, cycled through the batch
#: Seconds a new cluster is left to finish starting (after its warm-up) before it is timed.
SETTLE_S = 2.0


def documents(pool: list[Mapping[str, Any]], count: int) -> Iterator[Mapping[str, Any]]:
    """``count`` documents, cycling through ``pool`` (drawn lazily: a stream, not a list)."""
    return itertools.islice(itertools.cycle(pool), count)


def consume(results: Iterable[Any]) -> int:
    """Drain a batch as a platform would: look at each result, keep none. Refusals count."""
    refused = 0
    for result in results:
        if isinstance(result, FactsError):
            refused += 1
    return refused


class Tracked(Executor):
    """An executor's futures, kept until each is done: the chunks a batch has in flight, so
    that a measurement can wait for them to come back (:meth:`settle`)."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        # ``evaluate_many`` sizes its pipeline by the executor's workers: the same as inner's.
        self._max_workers = getattr(inner, "_max_workers", None)
        self.outstanding: set[Future[Any]] = set()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self.inner.submit(fn, *args, **kwargs)
        self.outstanding.add(future)
        future.add_done_callback(self.outstanding.discard)
        return future

    def settle(self) -> None:
        """Wait until every chunk in flight has come back (its results held here)."""
        wait(list(self.outstanding))


def stream_levels(
    compiled: evalrules.CompiledRubric,
    pool: list[Mapping[str, Any]],
    count: int,
    executor: Executor | None,
    chunksize: int | None,
) -> tuple[list[int], list[int]]:
    """Memory in use in this process (``tracemalloc``) at the end of each quarter of a stream
    of ``count`` scores-only evaluations, each scorecard dropped as it arrives: the
    checkpoints (evaluations so far) and the bytes traced at each.

    Each reading is taken after a full collection, and on a pool once every chunk in flight
    has come back, so that each finds the pipeline in the same state: full (a tail of as many
    documents as can be in flight follows the last checkpoint, and flows through unmeasured).
    """
    marks = [count * k // STREAM_CHECKPOINTS for k in range(1, STREAM_CHECKPOINTS + 1)]
    chunksize = chunksize or SCORES_CHUNKSIZE
    tracked = Tracked(executor) if executor is not None else None
    tail = 0
    if tracked is not None:
        workers = tracked._max_workers
        if not isinstance(workers, int) or workers < 1:
            workers = os.cpu_count() or 1  # as evaluate_many falls back
        tail = (2 * workers + 1) * chunksize  # evaluate_many keeps 2 × workers + 1 in flight
    levels: list[int] = []
    gc.collect()
    tracemalloc.start()
    try:
        batch = compiled.evaluate_many(
            documents(pool, count + tail), explain=False, executor=tracked, chunksize=chunksize
        )
        for i, result in enumerate(batch, 1):
            assert not isinstance(result, FactsError)
            del result
            if i in marks:
                if tracked is not None:
                    tracked.settle()
                gc.collect()
                levels.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    return marks, levels


def cohort_documents(pool: list[Mapping[str, Any]], count: int) -> list[evalrules.FactsDocument]:
    """``count`` districts' documents, cycling through ``pool``, each its own entity."""
    return [
        evalrules.FactsDocument(
            facts=facts, entity=evalrules.Entity(f"{i:06d}", f"县区{i}"), rubric=bench.REF
        )
        for i, facts in zip(range(count), itertools.cycle(pool))
    ]


def _plain_json(value: Any) -> Any:
    """Facts as JSON can write them: a Decimal as the number it is (its digits kept)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(str(value))
    if isinstance(value, Mapping):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(v) for v in value]
    return value


def write_cohort(folder: Path, documents: list[evalrules.FactsDocument]) -> None:
    """Each document as a ``facts/1`` JSON file in ``folder``, named by its entity."""
    for doc in documents:
        assert doc.entity is not None
        body = {
            "evalrules": "facts/1",
            "rubric": doc.rubric,
            "entity": {"id": doc.entity.id, "name": doc.entity.name},
            "facts": _plain_json(doc.facts),
        }
        (folder / f"{doc.entity.id}.facts.json").write_text(
            json.dumps(body, ensure_ascii=False), "utf-8"
        )


def children_cpu() -> float:
    """CPU time (user + system) of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """``evalrules cohort FOLDER --jobs N --format json -o OUT`` as a process: wall and CPU
    seconds (the command and its workers)."""
    command = [
        str(Path(sys.executable).with_name("evalrules")),
        "cohort",
        str(folder),
        "--rubric",
        bench.REF,
        "--jobs",
        str(jobs),
        "--format",
        "json",
        "-o",
        str(out),
    ]
    # The command finds the rubric as a user's would: through the installed plugin.
    env = {k: v for k, v in os.environ.items() if k != "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"}
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    took, used = time.perf_counter() - start, children_cpu() - cpu
    assert done.returncode == 0, done.stderr[-2000:]
    return took, used


def dask_executor(stack: ExitStack) -> Executor | str:
    """A Dask LocalCluster's executor (two worker processes), or why there is none."""
    try:
        import distributed
    except ImportError:
        return "not installed (pip install -e '.[dask]')"
    # The cluster logs its workers' shutdown; that is not the benchmark's output.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = stack.enter_context(
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        )
        client = stack.enter_context(distributed.Client(cluster))
    return client.get_executor()  # type: ignore[no-any-return]


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and every live process under it: the pool's
    workers, the cluster's nannies and workers. ``None``-safe: 0 without psutil."""
    try:
        import psutil
    except ImportError:
        return 0.0
    me = psutil.Process()
    total = 0.0
    for proc in (me, *me.children(recursive=True)):
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def spread(values: list[float], unit: str, digits: int = 0) -> str:
    med = statistics.median(values)
    return f"{med:>9.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}] {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1000 documents, 200 explained, a stream of 2000 (CI)"
    )
    parser.add_argument("--count", type=int, help="documents per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--chunksize",
        type=int,
        help="documents per task (default: 1024 scores only; explained 64, then 256)",
    )
    parser.add_argument(
        "--stream",
        type=int,
        help="evaluations in the memory stream (20000; its first quarter warms up)",
    )
    parser.add_argument(
        "--cohort", type=int, help=f"districts in the cohort run (default {COHORT}, 300 quick)"
    )
    parser.add_argument("--seed", type=int, default=bench.SEED)
    args = parser.parse_args(argv)
    count = args.count or (1_000 if args.quick else 100_000)
    stream_count = args.stream or (2_000 if args.quick else 20_000)
    cohort_count = args.cohort or (300 if args.quick else COHORT)
    if stream_count < STREAM_CHECKPOINTS:
        parser.error(f"--stream must be at least {STREAM_CHECKPOINTS}")
    # The explained runs take longer; a tenth of the documents is enough for a rate.
    explained_count = 200 if args.quick and not args.count else max(count // 10, 500)

    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    rubric = engine.load_rubric(bench.REF)
    compiled = engine.compile(rubric)
    example = evalrules.load_facts(bench.EXAMPLE)
    pool_docs: list[Mapping[str, Any]] = [
        example.facts,
        *bench.generate(rubric, example.facts, DISTINCT - 1, args.seed),
    ]
    # Every one of them evaluates (the scale run measures throughput, not refusals).
    expected = [compiled.evaluate(d, explain=False).total for d in pool_docs]

    with ExitStack() as stack:
        executors: dict[str, Executor | str | None] = {"here (1 process)": None}
        executors["ProcessPoolExecutor(2)"] = stack.enter_context(ProcessPoolExecutor(2))
        dask_name = "Dask LocalCluster(2)"
        # The cluster is started for its own rows, after the others, and shut down after
        # them: its scheduler runs in this process and its workers keep a heartbeat, which
        # take about 0.15 s of CPU a second while idle and were charged to the other rows.
        try:
            import distributed  # noqa: F401  (started per round below)
        except ImportError:
            executors[dask_name] = "not installed (pip install -e '.[dask]')"
        else:
            executors[dask_name] = None
        usable = {k: v for k, v in executors.items() if not isinstance(v, str)}

        def run(executor: Executor | None, explain: bool, n: int) -> tuple[float, float]:
            """Documents per second of wall time, and CPU µs per document (all processes)."""
            gc.collect()
            start, cpu = time.perf_counter(), cpu_seconds()
            batch = compiled.evaluate_many(
                documents(pool_docs, n),
                explain=explain,
                executor=executor,
                chunksize=args.chunksize,
            )
            refused = consume(batch)
            took, used = time.perf_counter() - start, cpu_seconds() - cpu
            assert refused == 0, refused
            return n / took, used / n * 1e6

        def warm_up(name: str, executor: Executor | None) -> None:
            """Each worker rebuilds the compiled rubric once; the same totals come back."""
            back = compiled.evaluate_many(
                pool_docs, explain=False, executor=executor, chunksize=args.chunksize
            )
            assert [r.total for r in back] == expected, name

        for name, executor in usable.items():
            if name != dask_name:
                warm_up(name, executor)

        rates: dict[tuple[str, bool], list[float]] = {}
        costs: dict[tuple[str, bool], list[float]] = {}

        def measure(name: str, executor: Executor | None) -> None:
            for explain, n in ((False, count), (True, explained_count)):
                wall, cpu = run(executor, explain, n)
                rates.setdefault((name, explain), []).append(wall)
                costs.setdefault((name, explain), []).append(cpu)

        for _ in range(args.rounds):
            for name, executor in usable.items():
                if name != dask_name:
                    measure(name, executor)
        if dask_name in usable:
            with ExitStack() as cluster:
                dask = dask_executor(cluster)
                assert not isinstance(dask, str), dask
                warm_up(dask_name, dask)
                time.sleep(SETTLE_S)  # the workers' start-up work done, untimed
                for _ in range(args.rounds):
                    measure(dask_name, dask)

        pool = executors["ProcessPoolExecutor(2)"]
        assert isinstance(pool, Executor)

        # A cohort: the library on the pool, then the command on two workers of its own.
        cohort_docs = cohort_documents(pool_docs, cohort_count)
        cohort_times: dict[str, tuple[list[float], list[float]]] = {
            "evaluate_cohort, ProcessPoolExecutor(2)": ([], []),
            "  with a cohort-relative rule (2 passes)": ([], []),
            "evalrules cohort DIR --jobs 2": ([], []),
        }
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (folder / "in").mkdir()
        write_cohort(folder / "in", cohort_docs)
        (folder / "variant.yaml").write_text(RELATIVE_VARIANT, "utf-8")
        relative = engine.compile(engine.load_rubric(folder / "variant.yaml"))
        expected_totals = sorted(
            (-expected[i % len(pool_docs)], f"{i:06d}") for i in range(cohort_count)
        )
        for _ in range(args.rounds):
            gc.collect()
            start, cpu = time.perf_counter(), cpu_seconds()
            cohort = compiled.evaluate_cohort(cohort_docs, executor=pool)
            took, used = time.perf_counter() - start, cpu_seconds() - cpu
            walls, cpus = cohort_times["evaluate_cohort, ProcessPoolExecutor(2)"]
            walls.append(took)
            cpus.append(used)
            ranked = [(-m.card.total, m.card.entity.id) for m in cohort.members]
            assert ranked == expected_totals, "the cohort's ranking differs from the totals"
            assert not cohort.refused
            del cohort
            gc.collect()
            start, cpu = time.perf_counter(), cpu_seconds()
            cohort = relative.evaluate_cohort(cohort_docs, executor=pool)
            took, used = time.perf_counter() - start, cpu_seconds() - cpu
            walls, cpus = cohort_times["  with a cohort-relative rule (2 passes)"]
            walls.append(took)
            cpus.append(used)
            assert len(cohort.members) == cohort_count
            totals = [m.card.total for m in cohort.members]
            assert totals == sorted(totals, reverse=True)
            # the rule placed the districts that miss the standard among themselves
            assert any(("BENCH-11-place", "placed") in m.card.outcomes for m in cohort.members)
            del cohort
            took, used = run_command(folder / "in", folder / "cohort.json", 2)
            walls, cpus = cohort_times["evalrules cohort DIR --jobs 2"]
            walls.append(took)
            cpus.append(used)
            written = json.loads((folder / "cohort.json").read_text("utf-8"), parse_float=Decimal)
            ranked = [(-Decimal(m["total"]), m["entity"]["id"]) for m in written["members"]]
            assert ranked == expected_totals, "the command's ranking differs from the totals"

        # Memory over a stream, here and through the pool: the level after each quarter (no
        # cluster is running: its scheduler's allocations in this process are not the stream's).
        streams = {
            name: stream_levels(compiled, pool_docs, stream_count, executor, args.chunksize)
            for name, executor in (("here (1 process)", None), ("ProcessPoolExecutor(2)", pool))
        }

    # Kept scorecards: pickle length and memory held, explained and scores only.
    kept_docs = pool_docs[:200]
    sizes: dict[str, tuple[float, float]] = {}
    for label, explain in (("explained", True), ("scores only", False)):
        cards = [compiled.evaluate(d, explain=explain) for d in kept_docs]
        pickled = statistics.median(len(pickle.dumps(c)) for c in cards) / 1000
        del cards
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        cards = [compiled.evaluate(d, explain=explain) for d in kept_docs]
        gc.collect()
        held = (tracemalloc.get_traced_memory()[0] - before) / len(cards) / 1000
        tracemalloc.stop()
        del cards
        sizes[label] = (pickled, held)

    print(
        f"batches of {count} validated documents ({DISTINCT} distinct, cycled), chunks of "
        f"{args.chunksize or 'evaluate_many default'}, {args.rounds} interleaved rounds, "
        "median [min–max]"
    )
    print(
        "  CPU: every process's (this one, the workers; psutil); projected 1M = 1M × CPU "
        "per document ÷ 2 cores"
    )
    print("  wall: documents per second as measured (a shared machine slows it)")
    for name, executor in executors.items():
        if isinstance(executor, str):
            print(f"  {name:<24} {executor}")
    projections: dict[tuple[str, bool], float] = {}
    for explain in (False, True):
        n = count if not explain else explained_count
        print(f"{'explained' if explain else 'scores only (explain=False)'} ({n} per run)")
        for name in usable:
            cpu, wall = costs[(name, explain)], rates[(name, explain)]
            projected = MILLION * statistics.median(cpu) / 1e6 / 2
            projections[(name, explain)] = projected
            print(
                f"  {name:<24} CPU {spread(cpu, 'µs/doc')}   wall {spread(wall, 'docs/s')}"
                f"   1M in {projected:7.1f} s"
            )
    print("targets")
    for name in ("ProcessPoolExecutor(2)", "Dask LocalCluster(2)"):
        if name in usable:
            projected = projections[(name, False)]
            verdict = "PASS" if projected < MILLION_TARGET_S else "MISS"
            print(
                f"  1M scores only, {name:<24} {projected:7.1f} s   < {MILLION_TARGET_S:.0f} s"
                f"   {verdict}"
            )
    for name in ("ProcessPoolExecutor(2)", "Dask LocalCluster(2)"):
        if name in usable:
            print(f"  1M explained, {name:<26} {projections[(name, True)]:7.1f} s   (measured)")
    print(f"a cohort of {cohort_count} districts (explained, validated), {args.rounds} rounds")
    for name, (walls, cpus) in cohort_times.items():
        print(
            f"  {name:<42} wall {spread(walls, 's', 1)}   CPU {spread(cpus, 's', 1)}"
            f"   {statistics.median(cpus) / cohort_count * 1e6:7.0f} µs/district"
        )
    for label, (pickled, held) in sizes.items():
        for what, value in (("pickle", pickled), ("memory", held)):
            verdict = "PASS" if value <= KEPT_CARD_TARGET_KB else "MISS"
            print(
                f"  a kept scorecard, {label}, {what:<6} {value:7.1f} KB  ≤ "
                f"{KEPT_CARD_TARGET_KB:.0f} KB   {verdict}"
            )
    quarter = stream_count // STREAM_CHECKPOINTS
    print(
        f"memory over a stream of {stream_count} (scores only, chunks of "
        f"{args.chunksize or SCORES_CHUNKSIZE} on the "
        f"pool, each scorecard dropped): tracemalloc, memory in use in this process"
    )
    print(
        f"  after {', '.join(str(m) for m in streams['here (1 process)'][0])} evaluations (the "
        f"first {quarter} are the warm-up); on the pool once the chunks in flight are back"
    )
    print(
        f"  flat: growth after the warm-up (least-squares slope) ≤ {STREAM_GROWTH_TARGET_B:.0f} "
        f"B per evaluation ({STREAM_GROWTH_TARGET_B:.0f} MB over 1M)"
    )
    for name, (marks, levels) in streams.items():
        slope = statistics.linear_regression(marks, levels).slope
        half = levels[STREAM_CHECKPOINTS // 2 - 1]
        growth = levels[-1] - half
        share = f"{growth / half * 100:+.1f} %" if half else "n/a"
        verdict = "PASS" if slope <= STREAM_GROWTH_TARGET_B else "MISS"
        print(
            f"  {name:<24} {' → '.join(f'{v / 1e6:.3f}' for v in levels)} MB   "
            f"{marks[STREAM_CHECKPOINTS // 2 - 1]}→{marks[-1]} {growth / 1e3:+.1f} KB ({share})"
            f"   slope {slope:+7.1f} B/eval  ≤ {STREAM_GROWTH_TARGET_B:.0f}   {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
