"""A county's school records: evaluation time is linear in the rows of a table fact.

Run from the repository root (evalrules installed)::

    python benchmarks/bench_tables.py            # 250/500/1000/2000 schools, 11 rounds
    python benchmarks/bench_tables.py --quick    # the same sizes, 5 rounds (CI)

The rubric is the constructed one the table tests use (``tests/unit/tables/rubric.yaml``: a
table of schools with two row-derived values and two exclusions, seven aggregations among
them a pupil-weighted CV, a threshold on the CV, an ``each_row`` and a ``k_of_n`` rule).
Each size's document is generated with ``random.Random(seed)``: schools of both stages, some
九年一贯制 schools appearing once per stage, teaching points (some under 50 pupils, left out)
and special schools (left out); every value within its declared range. The data is
constructed for the measurement and describes no real county.

What is timed: ``CompiledRubric.evaluate(facts)`` (validation, row-derived values,
exclusions, aggregations, rules, findings naming each failing school) and the same with
``explain=False`` (scores only: the row rules run as their compiled scorers), in CPU time
(``time.process_time``). Each round times every size once, in turn (interleaved), so a slow
minute slows them alike; the table gives each size's median over the rounds. A size is
evaluated enough times per round to take about the same time as the largest, so the timer's
resolution does not favour the small ones.

Target: the CPU time per row at 2000 rows is at most 1.3 × the time per row at 250 rows (a
per-row cost that grows with the rows is time worse than linear). The marginal cost per row
(from 1000 to 2000 rows, against from 250 to 500) is printed beside it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import evalrules

RUBRIC = Path(__file__).resolve().parents[1] / "tests" / "unit" / "tables" / "rubric.yaml"
SIZES = (250, 500, 1000, 2000)
SEED = 20231
#: Target: per-row CPU time at 2000 rows ≤ this × per-row CPU time at 250 rows.
LINEAR_TARGET = 1.3


def county(rows: int, seed: int) -> dict[str, Any]:
    """A constructed county of ``rows`` school rows (not real data)."""
    rnd = random.Random(seed * 100_003 + rows)
    schools: list[dict[str, Any]] = []
    n = 0
    while len(schools) < rows:
        n += 1
        code = f"C{n:05d}"
        kind = rnd.choices(
            ["primary", "junior", "nine_year", "teaching_point", "special"], [50, 25, 12, 10, 3]
        )[0]
        stages = {
            "primary": ["primary"],
            "junior": ["junior"],
            "nine_year": ["primary", "junior"],
            "teaching_point": ["primary"],
            "special": ["primary"],
        }[kind]
        for stage in stages:
            if len(schools) == rows:
                break
            pupils = rnd.randint(10, 120) if kind == "teaching_point" else rnd.randint(60, 3000)
            schools.append(
                {
                    "code": code,
                    "name": f"构造学校{n:05d}",
                    "stage": stage,
                    "category": kind,
                    "pupils": pupils,
                    "qualified_teachers": rnd.randint(0, max(1, pupils // 12)),
                    "equipment_value": rnd.randint(1500, 3200) * pupils,
                    **({"space": rnd.randint(3, 9) * pupils} if rnd.random() < 0.7 else {}),
                }
            )
    return {"schools": schools}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds (CI)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 11)

    engine = evalrules.Engine(autoload=False)
    compiled = engine.compile(engine.load_rubric(RUBRIC))
    documents = {size: county(size, args.seed) for size in SIZES}
    repeats = {size: max(1, SIZES[-1] // size) for size in SIZES}
    findings = {}
    for size, doc in documents.items():  # once unmeasured: every lazy part built
        findings[size] = len(compiled.evaluate(doc).findings)
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    quick: dict[int, list[float]] = {size: [] for size in SIZES}
    for _ in range(rounds):
        for size in SIZES:
            doc = documents[size]
            start = time.process_time()
            for _ in range(repeats[size]):
                compiled.evaluate(doc)
            times[size].append((time.process_time() - start) / repeats[size])
            start = time.process_time()
            for _ in range(repeats[size]):
                compiled.evaluate(doc, explain=False)
            quick[size].append((time.process_time() - start) / repeats[size])
    median = {size: statistics.median(times[size]) for size in SIZES}
    per_row = {size: median[size] / size for size in SIZES}
    ratio = per_row[SIZES[-1]] / per_row[SIZES[0]]
    marginal = ((median[2000] - median[1000]) / 1000) / ((median[500] - median[250]) / 250)

    print(
        f"evalrules {evalrules.__version__} · Python {sys.version.split()[0]} · "
        f"{rounds} interleaved rounds · {'--quick' if args.quick else 'full run'}"
    )
    fast = {size: statistics.median(quick[size]) for size in SIZES}
    print(
        f"{'rows':>5}  {'findings':>8}  {'ms per evaluation [min–max]':<30}  µs per row"
        "  scores only: ms, µs per row"
    )
    for size in SIZES:
        low, high = min(times[size]) * 1e3, max(times[size]) * 1e3
        spread = f"{median[size] * 1e3:.1f} [{low:.1f}–{high:.1f}]"
        print(
            f"{size:>5}  {findings[size]:>8}  {spread:<30}  {per_row[size] * 1e6:<10.1f}"
            f"  {fast[size] * 1e3:.1f}, {fast[size] / size * 1e6:.1f}"
        )
    verdict = "PASS" if ratio <= LINEAR_TARGET else "MISS"
    print(
        f"per-row cost at {SIZES[-1]} ÷ at {SIZES[0]}: {ratio:.2f} × "
        f"(target ≤ {LINEAR_TARGET} ×) {verdict}"
    )
    print(f"marginal cost per row, 1000→2000 ÷ 250→500: {marginal:.2f} × (linear: about 1)")
    fast_ratio = (fast[SIZES[-1]] / SIZES[-1]) / (fast[SIZES[0]] / SIZES[0])
    print(f"scores only, per-row cost at {SIZES[-1]} ÷ at {SIZES[0]}: {fast_ratio:.2f} ×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
