"""How fast is an evaluation, against a hand-written floor? Plain timeit, one run, one table.

Run from the repository root (evalrules and evalrules-panjin installed)::

    python benchmarks/bench_evaluate.py            # 3000 generated fact sets
    python benchmarks/bench_evaluate.py --quick    # 300, fewer repeats (CI)

It evaluates the 2023 Panjin rubric on the bundled 双台子区 example and on a batch of fact
sets generated deterministically (``random.Random(seed)``) within each fact's declared range,
and prints, all measured in the same run:

* µs per evaluation by evalrules, validated (``CompiledRubric.evaluate``) and without
  validation (derived facts and scoring of facts validated beforehand);
* µs per evaluation by a hand-written Python function computing the same scores with
  ``Decimal`` (the floor); the script asserts that its scores equal evalrules' scores on
  every fact set;
* µs per document for validation: evalrules' (cerberus plus conversion and cross checks)
  and cerberus' own ``validate`` call;
* the one-off cost of loading and of compiling the rubric;
* the ratios to the floor, against the stated target;
* the peak memory (tracemalloc) of evaluating the whole batch.

It also asserts that no YAML or JSON is parsed, no cerberus schema is built and no rubric
is compiled during the timed evaluations.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import timeit
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import cerberus.schema
import yaml

import evalrules
import evalrules_panjin
from evalrules._compiler import _compiled
from evalrules._compiler._check import compile_rubric
from evalrules._compiler._compiled import CompiledRubric
from evalrules._facts._derived import compute_derived
from evalrules._facts._validator import FactsValidator
from evalrules._scoring._evaluate import _score

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
REF = "panjin-county/2023"
SEED = 20231
#: The target: once compiled, an evaluation costs at most this many times the floor.
TARGET_RATIO = 2

# ----------------------------------------------------------------------------- the floor

_TENTH = Decimal("0.1")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def _item(max_points: int | str, lost: Decimal) -> Decimal:
    """Score an item: max − deductions, floored at zero, rounded once to 0.1 (half up)."""
    top = Decimal(max_points)
    return max(top - lost, _ZERO).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _unmet(each: str, *conditions: bool) -> Decimal:
    """A checklist: ``each`` points for every condition that is not true."""
    return Decimal(each) * sum(1 for c in conditions if c is not True)


def _rating(rating: Decimal) -> Decimal:
    """Points lost on a 5-point item scored as rating ÷ 100 × 5."""
    earned = min(max(Decimal(rating) / _HUNDRED, _ZERO), Decimal(1)) * 5
    return 5 - earned


def floor_scores(facts: Mapping[str, Any]) -> tuple[dict[str, Decimal], Decimal, str]:
    """The 2023 Panjin rubric written by hand: item scores, total and grade.

    Reads the facts as nested mappings, exactly as a facts document holds them, and applies
    the rubric's rules with exact decimals. It explains nothing: it is the least work that
    gives the same numbers, the floor an evaluation engine is measured against.
    """
    f = facts
    schools, party, safety = f["schools"], f["party"], f["safety"]
    hs, private = schools["has_high_school"], schools["has_private_schools"]
    dr, after, tut = f["double_reduction"], f["after_school"], f["tutoring"]
    rect, fund, pupils, fees = f["rectification"], f["funding"], f["pupils"], f["fees"]
    kg = f["kindergarten"]
    s: dict[str, Decimal] = {}
    # A 党的领导与依法治教
    s["1.1"] = _item(1, Decimal(1) if party["branches_with_deputy"] * 2 < party["branches"] else 0)
    if private:
        ps = f["private_schools"]
        lost = _unmet("1", ps["party_organisation_coverage"], ps["key_tasks_done"])
        s["1.2"] = _item(2, lost)
    else:
        s["1.2"] = Decimal(2)  # not applicable: full marks
    s["1.3"] = _item(
        2,
        _unmet(
            "0.5",
            party["life_meetings_held"],
            party["organisation_life_meetings_held"],
            party["three_meetings_one_lesson"],
            party["league_and_pioneer_building"],
        ),
    )
    s["2.1"] = _item(3, Decimal("0.2") * safety["inspection_2022"]["open_findings"])
    s["2.2"] = _item(2, Decimal(2) if safety["anti_fall_completion"] < _HUNDRED else _ZERO)
    s["2.3"] = _item(3, Decimal(3) * safety["student_abnormal_deaths"])
    s["3.1"] = _item(5, _rating(f["ratings"]["fitness"]))
    s["3.2"] = _item(5, _rating(f["ratings"]["myopia"]))
    s["3.3"] = _item(5, _rating(f["ratings"]["obesity"]))
    if hs:
        h = f["high_school"]
        s["4.1"] = _item(2, Decimal(h["admission_violations"]))
        s["4.2"] = _item(2, _unmet("1", h["comprehensive_evaluation_used"], h["no_score_ranking"]))
    else:
        s["4.1"] = s["4.2"] = Decimal(2)
    s["5.1"] = _item(
        3,
        _unmet(
            "1",
            dr["policy_and_leadership"],
            dr["homework_management"],
            dr["homework_publicity"],
        ),
    )
    lost = Decimal(1) if after["coverage_rate"] < _HUNDRED else _ZERO
    s["5.2"] = _item(2, lost + _unmet("0.5", after["no_new_lessons"], after["fees_regulated"]))
    s["5.3"] = _item(
        1,
        _unmet("0.5", tut["reporting_and_joint_enforcement"], tut["rectification_and_lists"]),
    )
    s["5.4"] = _item(
        2, _unmet("1", tut["risk_information_sharing"], tut["fund_reporting_and_credit"])
    )
    s["5.5"] = _item(2, _unmet("2", tut["prepaid_fees_fully_supervised"]))
    s["6"] = _item(6, Decimal(2) * f["ethics"]["major_cases"])
    s["7.1"] = _item(3, Decimal("0.2") * rect["kindergarten_2022"]["open"])
    s["7.2"] = _item(4, Decimal("0.2") * rect["monitoring_2021"]["open"])
    s["7.3"] = _item(5, Decimal("0.2") * rect["evaluation_2022"]["open"])
    arts = f["arts_pe"]
    s["7.4"] = _item(3, _unmet("1.5", arts["teachers_staffed"], arts["courses_complete"]))
    # B 政府保障与教育发展
    lost = Decimal(4) if fund["education_spending_growth"] < 0 else _ZERO
    s["8.1"] = _item(8, lost + _unmet("4", fund["per_student_spending_not_decreased"]))
    lost = _ZERO
    if Decimal(fund["primary"]["public_funds"]) < 850 * pupils["primary"]:
        lost += Decimal("1.5")
    if Decimal(fund["junior"]["public_funds"]) < 1050 * pupils["junior"]:
        lost += Decimal("1.5")
    s["8.2"] = _item(3, lost)
    s["8.3"] = _item(
        3,
        _unmet(
            "1",
            fees["self_inspection_done"],
            fees["after_school_no_unauthorised_items"],
            fees["collected_items_not_overcharged"],
        ),
    )
    s["9.1"] = _item(6, Decimal(2) * f["petitions"]["backlog_cases"])
    s["9.2"] = _item(2, Decimal(f["petitions"]["to_province_or_beijing"]))
    s["10.1"] = _item(2, Decimal(f["enrolment"]["oversized_schools"]))
    s["10.2"] = _item(1, Decimal("0.2") * f["enrolment"]["large_classes"])
    s["10.3"] = _item(2, Decimal(f["high_school"]["oversized_schools"])) if hs else Decimal(2)
    lost = Decimal(2) if kg["public_children"] * 2 < kg["children"] else _ZERO
    if kg["inclusive_children"] * 100 < 85 * kg["children"]:
        lost += Decimal(2)
    s["11"] = _item(4, lost)
    s["12"] = _item(6, _unmet("6", f["balance"]["basic_cv_met"]))
    total = sum(s.values(), _ZERO)
    grades = ("excellent", "good", "pass", "fail")
    base = 0 if total >= 90 else 1 if total >= 80 else 2 if total >= 60 else 3
    if safety["major_accident"] is True:  # veto: one grade lower, score unchanged
        base = min(base + 1, 3)
    return s, total, grades[base]


# ------------------------------------------------------------------------ generated facts


def _set(tree: dict[str, Any], path: str, value: Any) -> None:
    *groups, leaf = path.split(".")
    for group in groups:
        tree = tree.setdefault(group, {})
    tree[leaf] = value


def _get(tree: Mapping[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(tree, Mapping) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _number(rng: random.Random, spec: evalrules.FactSpec, base: Any) -> Any:
    """A value of a numeric fact within its declared range, often near the example's."""
    lo = spec.minimum if spec.minimum is not None else Decimal(0)
    if spec.type == "percent":
        hi = spec.maximum if spec.maximum is not None else _HUNDRED
    else:
        hi = spec.maximum if spec.maximum is not None else spec.plausible_max
    if hi is None:
        hi = Decimal(1000) if base is None else max(Decimal(base) * 2, Decimal(10))
    pick = rng.random()
    if spec.type == "count":
        if pick < 0.55:
            return 0 if base is None else int(base)
        if pick < 0.9:
            return rng.randint(int(lo), min(int(hi), 3))
        return rng.randint(int(lo), min(int(hi), 50))
    if pick < 0.4 and base is not None:
        value = Decimal(base)
    elif pick < 0.8 and base is not None:
        value = Decimal(base) * Decimal(rng.randint(80, 120)) / 100
    else:
        value = lo + (Decimal(hi) - lo) * Decimal(rng.randint(0, 10_000)) / 10_000
    return min(max(value, lo), Decimal(hi)).quantize(Decimal("0.01"))


def generate(
    rubric: evalrules.Rubric, base: Mapping[str, Any], count: int, seed: int
) -> list[dict[str, Any]]:
    """``count`` valid facts documents (as nested mappings) for ``rubric``.

    Every declared fact gets a value within its declared range (optional ones are sometimes
    left out); the example's values are the usual starting point, so that rules are met as
    often as missed. Then what the rubric requires between facts is made to hold: a part
    never exceeds its whole, and a divisor is never zero.
    """
    rng = random.Random(seed)
    divisors = {
        d.inputs[1] for d in rubric.derived if d.formula in ("ratio", "share", "per_capita")
    }
    out = []
    for _ in range(count):
        doc: dict[str, Any] = {}
        for spec in rubric.facts:
            example = _get(base, spec.path)
            if not spec.required and rng.random() < 0.3:
                continue
            if spec.type == "boolean":
                value: Any = (
                    rng.random() < 0.85
                    if example is None
                    else (example if rng.random() < 0.8 else not example)
                )
            elif spec.type == "series":
                year = rubric.data_year or rubric.year - 1
                value = {
                    y: _number(rng, _item_spec(spec), None if example is None else example.get(y))
                    for y in (year - 1, year)
                }
            elif spec.type == "text":
                value = "示例"
            elif spec.type == "judgement":
                value = {"deduct": Decimal(rng.randint(0, 10)) / 10, "reason": "示例"}
            else:
                value = _number(rng, spec, example)
                if spec.path in divisors and value == 0:
                    value = 1
            _set(doc, spec.path, value)
        for check in rubric.cross_checks:
            if check.kind == "part_of":
                part, whole = (_get(doc, p) for p in check.facts)
                if part is not None and whole is not None and part > whole:
                    _set(doc, check.facts[0], whole)
        out.append(doc)
    return out


def _item_spec(spec: evalrules.FactSpec) -> evalrules.FactSpec:
    import attrs

    return attrs.evolve(spec, type=spec.items or "percent", items=None)


# ------------------------------------------------------------------------------- counting


@contextmanager
def counting(targets: Mapping[str, tuple[Any, str]]) -> Iterator[dict[str, int]]:
    """Count calls of the given methods (``name -> (class, method)``) while the block runs."""
    counts = dict.fromkeys(targets, 0)
    originals = []
    for name, (owner, method) in targets.items():
        original = getattr(owner, method)
        originals.append((owner, method, original))

        def wrapper(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            counts[_name] += 1
            return _original(*args, **kw)

        setattr(owner, method, wrapper)
    try:
        yield counts
    finally:
        for owner, method, original in originals:
            setattr(owner, method, original)


#: What must not happen once a rubric is compiled.
NO_PER_EVALUATION_WORK = {
    "YAML parses": (yaml.reader.Reader, "__init__"),
    "JSON parses": (json.JSONDecoder, "decode"),
    "cerberus schemas built": (cerberus.schema.DefinitionSchema, "__init__"),
    "facts validators built": (FactsValidator, "__init__"),
    "rubrics compiled": (_compiled, "_plan"),  # what compiling (or unpickling) builds
}


# ------------------------------------------------------------------------------- measuring


def per_call_us(func: Callable[[], Any], calls: int, repeat: int) -> float:
    """Best-of-``repeat`` µs per call (the best run is the least disturbed one)."""
    gc.collect()
    return min(timeit.repeat(func, number=calls, repeat=repeat)) / calls * 1e6


def batch_us(func: Callable[[Any], Any], docs: list[Any], repeat: int) -> float:
    """Best-of-``repeat`` µs per document for ``func`` over the whole batch."""

    def run() -> None:
        for doc in docs:
            func(doc)

    gc.collect()
    return min(timeit.repeat(run, number=1, repeat=repeat)) / len(docs) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 fact sets, fewer repeats")
    parser.add_argument("--count", type=int, help="number of generated fact sets")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    count = args.count or (300 if args.quick else 3000)
    repeat = 3
    example_calls = 50 if args.quick else 300

    # --- one-off costs: first use (read YAML, check, compile) and compiling alone ---
    first_use_s, compile_s = [], []
    for _ in range(3 if args.quick else 7):
        engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
        start = timeit.default_timer()
        rubric = engine.load_rubric(REF)  # reads, builds, checks and compiles it once
        first_use_s.append(timeit.default_timer() - start)
        start = timeit.default_timer()
        compile_rubric(
            rubric,
            kinds={r.name: (r.item, r.origin) for r in engine.rule_kinds},
            types={r.name: r.item for r in engine.fact_types},
            cross_checks={r.name: r.item for r in engine.cross_checks},
        )
        compile_s.append(timeit.default_timer() - start)
    compiled = engine.compile(rubric)

    # --- the inputs ---
    example = evalrules.load_facts(EXAMPLE)
    docs = generate(rubric, example.facts, count, args.seed)
    validated = [compiled.validate(d) for d in docs]  # raises FactsError if a doc is invalid
    year = rubric.data_year or rubric.year - 1
    entity = evalrules.Entity("", "")
    strict = compiled.validator._strict  # the cerberus Validator evalrules compiled once

    def without_validation(flat: dict[str, Any]) -> evalrules.Scorecard:
        derived, problems = compute_derived(rubric.derived, flat, year)
        assert not problems
        return _score(compiled, compiled._plan, flat, derived, entity, {}, False, None)

    # --- the floor gives the same scores as evalrules, on every fact set ---
    cards = [compiled.evaluate(d) for d in docs]
    outcomes = {o for card in cards for o in card.outcomes}
    for doc, card in zip(docs, cards, strict=True):
        items, total, grade = floor_scores(doc)
        assert total == card.total, (total, card.total, doc)
        assert grade == card.grade.code, (grade, card.grade.code, doc)
        assert items == {n.code: n.score for n in card.walk() if not n.children}, doc
    example_card = compiled.evaluate(example)
    assert floor_scores(example.facts)[1] == example_card.total == Decimal("96.6")
    rules = [r.code for _, r in rubric.rules()]
    possible = sum(len(o) for o in compiled.outcomes().values())

    # --- timings, with counters on everything that must not happen per evaluation ---
    watched = {**NO_PER_EVALUATION_WORK, "validated evaluations": (CompiledRubric, "validate")}
    with counting(watched) as calls:
        t = {
            "example, validated": per_call_us(
                lambda: compiled.evaluate(example), example_calls, repeat
            ),
            "example, floor": per_call_us(
                lambda: floor_scores(example.facts), example_calls * 10, repeat
            ),
            "batch, validated": batch_us(compiled.evaluate, docs, repeat),
            "batch, without validation": batch_us(without_validation, validated, repeat),
            "batch, floor": batch_us(floor_scores, docs, repeat),
            "validate (evalrules)": batch_us(compiled.validate, docs, repeat),
        }
        flat_example = compiled.validate(example.facts)
        t["example, without validation"] = per_call_us(
            lambda: without_validation(flat_example), example_calls, repeat
        )
    evaluations = calls.pop("validated evaluations")
    repeated = {k: v for k, v in calls.items() if v}
    # cerberus on its own, outside the counters: its validate() copies (and so rebuilds) the
    # root schema to normalize every document, which normalize=False skips.
    t["validate (cerberus call)"] = batch_us(strict.validate, docs, repeat)
    t["validate (cerberus, no normalization)"] = batch_us(
        lambda d: strict.validate(d, normalize=False), docs, repeat
    )

    # --- memory: the whole batch evaluated, scorecards kept ---
    gc.collect()
    tracemalloc.start()
    kept = [compiled.evaluate(d) for d in docs]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(kept) == count

    # --- the table ---
    ratio_plain = t["batch, without validation"] / t["batch, floor"]
    ratio_validated = t["batch, validated"] / t["batch, floor"]
    rows = [
        ("rubric", f"{REF} ({len(rules)} rules, {len(rubric.facts)} facts)", ""),
        ("fact sets", f"{count} generated (seed {args.seed}) + the bundled example", ""),
        ("rule outcomes reached", f"{len(outcomes)} of the {possible} the rules can produce", ""),
        ("", "", ""),
        (
            "once per rubric",
            "first use: read YAML, check, compile",
            f"{statistics.median(first_use_s) * 1e3:9.1f} ms",
        ),
        (
            "",
            "of which compiling (kinds, cerberus, digest)",
            f"{statistics.median(compile_s) * 1e3:9.1f} ms",
        ),
        ("", "", ""),
        ("bundled example", "evalrules, validated", f"{t['example, validated']:9.1f} µs"),
        ("", "evalrules, without validation", f"{t['example, without validation']:9.1f} µs"),
        ("", "floor (hand-written, Decimal)", f"{t['example, floor']:9.1f} µs"),
        ("", "", ""),
        (f"{count} fact sets", "evalrules, validated", f"{t['batch, validated']:9.1f} µs/eval"),
        ("", "evalrules, without validation", f"{t['batch, without validation']:9.1f} µs/eval"),
        ("", "floor (hand-written, Decimal)", f"{t['batch, floor']:9.1f} µs/eval"),
        ("", "validation: evalrules", f"{t['validate (evalrules)']:9.1f} µs/doc"),
        ("", "validation: the cerberus call", f"{t['validate (cerberus call)']:9.1f} µs/doc"),
        (
            "",
            "validation: cerberus, normalize=False",
            f"{t['validate (cerberus, no normalization)']:9.1f} µs/doc",
        ),
        ("", "peak memory, scorecards kept", f"{peak / 2**20:9.1f} MiB"),
        ("", "", ""),
        ("ratio to floor", "without validation", f"{ratio_plain:9.1f} ×"),
        ("", "validated", f"{ratio_validated:9.1f} ×"),
        (
            "target",
            f"evaluation ≤ {TARGET_RATIO}× the floor once compiled",
            "met" if ratio_plain <= TARGET_RATIO else "NOT MET",
        ),
        (
            "target",
            "no parsing or schema building per evaluation",
            "NOT MET: " + ", ".join(f"{k}: {v}" for k, v in repeated.items())
            if repeated
            else "met (" + ", ".join(f"{k}: 0" for k in calls) + ")",
        ),
        ("", "scores equal the floor's on every fact set", "met"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    line = "─" * (widths[0] + widths[1] + 20)
    print(f"evalrules {evalrules.__version__} · Python {sys.version.split()[0]}")
    print(line)
    for a, b, c in rows:
        print(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip())
    print(line)
    if repeated:
        print(
            f"FAILED: work repeated in {evaluations} timed validated evaluations: "
            + ", ".join(f"{k} {v} times" for k, v in repeated.items()),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
