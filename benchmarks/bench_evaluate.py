"""What an evaluation costs, against hand-written code and peers: one run, one table.

Run from the repository root (evalrules and evalrules-panjin installed; fastjsonschema from
the ``bench`` extra for the validation peer)::

    python benchmarks/bench_evaluate.py            # 3000 generated fact sets, 11 rounds
    python benchmarks/bench_evaluate.py --quick    # 300 fact sets, 5 rounds (CI)

Every timing is CPU time (:func:`time.process_time`, or the children's CPU time from
:func:`resource.getrusage` for whole processes), taken in interleaved rounds — each round
runs every contender once over the whole batch — and reported as the median with the range
(min–max) of the rounds. Each ratio is worked out round by round from the same rounds, so a
busy machine slows both sides of it alike. Beside each ratio is its target and PASS or MISS.

It evaluates the 2023 Panjin rubric on the bundled 双台子区 example and on fact sets
generated deterministically (``random.Random(seed)``) within each fact's declared range; it
asserts that a hand-written ``Decimal`` function (the floor) computes the same item scores,
total and grade on every one of them, and that no YAML or JSON is parsed, no cerberus schema
built and no rubric compiled while the evaluations are timed (exit status 1 otherwise).

The explained target is measured on documents not evaluated before: each round evaluates a
batch of its own (generated with another seed), against the floor and the validation on the
same batch. The rounds over the same fact sets, evaluated again each round, are reported
beside it: what a what-if costs, where evalrules finds again the items and findings it made.
``to_json()`` likewise: cards not written before against documents not evaluated before, and
the same cards written again beside it.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import pickle
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import cerberus.schema
import yaml.composer

import evalrules
import evalrules_panjin
from evalrules._compiler import _compiled
from evalrules._facts._validator import FactsValidator

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
REF = "panjin-county/2023"
SEED = 20231

#: The targets (they live here only: timings are never asserted in the test suite).
EXPLAINED_TARGET = 2.0  # explained evaluation ÷ floor, once compiled, net of validation
SCORES_ONLY_TARGET = 1.5  # scores only (explain=False) ÷ floor, net of validation
VALIDATION_TARGET = 2.0  # validating a valid document ÷ fastjsonschema, same schema
TO_JSON_TARGET = 1.0  # card.to_json() ÷ the evaluation that made the card
#: Documents per round never evaluated before (a batch of its own each round), and the
#: seeds they are generated with (the seed + this + the round).
FRESH_MAX = 1000
FRESH_SEEDS = 1000
#: Evaluations (and writes) of the bundled example per round, for its own rows.
EXAMPLE_REPEAT = 50
COLD_START_TARGET_MS = 200.0  # `evalrules evaluate EXAMPLE`, the whole process
KEPT_CARD_TARGET_KB = 10.0  # one kept scorecard: pickle length, and memory (tracemalloc)

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
    if kg["inclusive_children"] * 100 < 80 * kg["children"]:
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
    "YAML parses": (yaml.composer.Composer, "compose_document"),
    "JSON parses": (json.JSONDecoder, "decode"),
    "cerberus schemas built": (cerberus.schema.DefinitionSchema, "__init__"),
    "facts validators built": (FactsValidator, "__init__"),
    "evaluation plans built": (_compiled, "_plan"),  # what compiling (or unpickling) builds
}


# ------------------------------------------------------------------------------- measuring


def cpu_rounds(tasks: Mapping[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Run every task once per round, in turn (A B C A B C …); CPU seconds per run."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(rounds):
        for name, task in tasks.items():
            gc.collect()
            start = time.process_time()
            task()
            times[name].append(time.process_time() - start)
    return times


def process_rounds(commands: Mapping[str, Sequence[str]], rounds: int) -> dict[str, list[float]]:
    """Run every command once per round, in turn; the child's CPU seconds (user + system).

    Each command runs once first, unmeasured, so that Python's bytecode caches exist as they
    do for an installed package.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(command: Sequence[str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(
                f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
            )
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    for command in commands.values():
        run(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(run(command))
    return times


def evalrules_command() -> list[str]:
    """The ``evalrules`` console script of this Python, or the same entry point through it."""
    script = Path(sys.executable).with_name("evalrules")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from evalrules._cli import run; sys.exit(run())"]


def spread(values: Sequence[float], scale: float = 1.0, digits: int = 1) -> str:
    """``median [min–max]`` of ``values`` × ``scale``."""
    med, lo, hi = (f"{v * scale:.{digits}f}" for v in (statistics.median(values), *_ends(values)))
    return f"{med:>9} [{lo}–{hi}]"


def _ends(values: Sequence[float]) -> tuple[float, float]:
    return min(values), max(values)


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "not available"
    return "PASS" if value <= target else "MISS"


def scores_only(compiled: evalrules.CompiledRubric) -> Callable[[Any], Any] | None:
    """``compiled.evaluate(facts, explain=False)``, once that exists; ``None`` until then."""
    try:
        parameters = inspect.signature(compiled.evaluate).parameters
    except (TypeError, ValueError):
        return None
    if "explain" not in parameters:
        return None
    return lambda facts: compiled.evaluate(facts, explain=False)


def fastjsonschema_validator(schema: Mapping[str, Any]) -> Callable[[Any], Any] | str:
    """fastjsonschema's validator for ``schema``, or why there is none."""
    try:
        import fastjsonschema
    except ImportError:
        return "not installed (pip install -e '.[bench]')"
    return fastjsonschema.compile(dict(schema))  # type: ignore[no-any-return]


def as_json(value: Any) -> Any:
    """What a facts document is once written as JSON and read back by ``json.loads``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 fact sets, 5 rounds (CI)")
    parser.add_argument("--count", type=int, help="number of generated fact sets")
    parser.add_argument("--rounds", type=int, help="interleaved rounds of every timing")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    count = args.count or (300 if args.quick else 3000)
    rounds = args.rounds or (5 if args.quick else 11)
    process_runs = 5 if args.quick else 11

    # --- once per rubric: first use (read YAML, check, compile), and compiling alone ---
    def first_use() -> None:
        evalrules.Engine(plugins=[evalrules_panjin], autoload=False).load_rubric(REF)

    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    rubric = engine.load_rubric(REF)

    def compiling() -> None:  # a fresh engine has not compiled it yet
        evalrules.Engine(plugins=[evalrules_panjin], autoload=False).compile(rubric)

    def engine_alone() -> None:
        evalrules.Engine(plugins=[evalrules_panjin], autoload=False)

    once = cpu_rounds(
        {"first use": first_use, "compiling": compiling, "engine": engine_alone}, rounds
    )
    compiled = engine.compile(rubric)

    # --- the inputs: the example first, then the generated fact sets ---
    example = evalrules.load_facts(EXAMPLE)
    docs = generate(rubric, example.facts, count, args.seed)
    inputs: list[Any] = [example, *docs]
    facts: list[Mapping[str, Any]] = [example.facts, *docs]
    json_docs = [as_json({"evalrules": "facts/1", "rubric": REF, "facts": f}) for f in facts]
    n = len(inputs)

    # --- the floor gives the same scores as evalrules, on every fact set ---
    cards = [compiled.evaluate(d) for d in inputs]
    for doc, card in zip(facts, cards, strict=True):
        items, total, grade = floor_scores(doc)
        assert total == card.total, (total, card.total, doc)
        assert grade == card.grade.code, (grade, card.grade.code, doc)
        assert items == {n.code: n.score for n in card.walk() if not n.children}, doc
    assert cards[0].total == Decimal("98.6")
    outcomes = {o for card in cards for o in card.outcomes}
    possible = sum(len(o) for o in compiled.outcomes().values())
    rules = [r.code for _, r in rubric.rules()]

    quick_scores = scores_only(compiled)
    if quick_scores is not None:  # the same numbers, or it is no shortcut
        for doc, card in zip(inputs, cards, strict=True):
            result = quick_scores(doc)
            assert result.total == card.total, (result.total, card.total)
            assert result.grade.code == card.grade.code
    peer = fastjsonschema_validator(engine.facts_schema(rubric))
    if not isinstance(peer, str):
        for doc in json_docs:
            peer(doc)  # raises if the exported schema refuses what evalrules accepts

    # --- per evaluation: interleaved rounds, counting what must not happen ---
    def each(func: Callable[[Any], Any], items: Sequence[Any]) -> Callable[[], None]:
        def run() -> None:
            for item in items:
                func(item)  # the result is dropped, as a server drops it once sent

        return run

    # Documents not evaluated before: a batch of its own each round, made here (untimed).
    # What evalrules keeps of the documents it evaluated (findings, items found again by
    # the values they read) serves the timed rounds above from the second round on, as it
    # serves a what-if evaluating the same district again; a year's new returns are these.
    fresh_n = min(count, FRESH_MAX)
    fresh = [
        generate(rubric, example.facts, fresh_n, args.seed + FRESH_SEEDS + r) for r in range(rounds)
    ]

    # Cards whose JSON was not written before, a batch each round (their documents,
    # another seed's, evaluated here untimed).
    fresh_cards = [
        [
            compiled.evaluate(d)
            for d in generate(rubric, example.facts, fresh_n, args.seed + 2 * FRESH_SEEDS + r)
        ]
        for r in range(rounds)
    ]

    def each_fresh(
        func: Callable[[Any], Any], batches_of: Sequence[Sequence[Any]] = fresh
    ) -> Callable[[], None]:
        batches = iter(batches_of)

        def run() -> None:
            for item in next(batches):
                func(item)

        return run

    tasks: dict[str, Callable[[], Any]] = {
        "evaluate": each(compiled.evaluate, inputs),
        "validate": each(compiled.validate, facts),
        "floor": each(floor_scores, facts),
        "to_json": each(lambda card: card.to_json(), cards),
        "evaluate, fresh": each_fresh(compiled.evaluate),
        "validate, fresh": each_fresh(compiled.validate),
        "floor, fresh": each_fresh(floor_scores),
        "to_json, fresh": each_fresh(lambda card: card.to_json(), fresh_cards),
        # The bundled example is a real self-assessment: it claims a score for every item,
        # which the generated documents do not, so its card also holds 43 claims compared.
        "evaluate, example": each(compiled.evaluate, [example] * EXAMPLE_REPEAT),
        "to_json, example": each(lambda card: card.to_json(), [cards[0]] * EXAMPLE_REPEAT),
    }
    if quick_scores is not None:
        tasks["scores only"] = each(quick_scores, inputs)
    if not isinstance(peer, str):
        tasks["fastjsonschema"] = each(peer, json_docs)
    # The scorecards kept for to_json() would otherwise be traversed by every full garbage
    # collection during every timing, charging everyone for the batch's size.
    gc.collect()
    gc.freeze()
    with counting(NO_PER_EVALUATION_WORK) as calls:
        per = cpu_rounds(tasks, rounds)
    gc.unfreeze()
    repeated = {k: v for k, v in calls.items() if v}

    def per_item(name: str) -> int:
        if name.endswith(", fresh"):
            return fresh_n
        return EXAMPLE_REPEAT if name.endswith(", example") else n

    us = {name: [t / per_item(name) * 1e6 for t in times] for name, times in per.items()}

    def ratio(top: Callable[[int], float], bottom: str) -> list[float]:
        return [top(r) / us[bottom][r] for r in range(rounds)]

    net = {
        name: [
            us[name][r] - us["validate, fresh" if name.endswith(", fresh") else "validate"][r]
            for r in range(rounds)
        ]
        for name in us
    }
    ratios: dict[str, list[float] | None] = {
        "explained": ratio(lambda r: net["evaluate, fresh"][r], "floor, fresh"),
        "explained, again": ratio(lambda r: net["evaluate"][r], "floor"),
        "explained, validated": ratio(lambda r: us["evaluate"][r], "floor"),
        "scores only": ratio(lambda r: net["scores only"][r], "floor") if quick_scores else None,
        "validation": ratio(lambda r: us["validate"][r], "fastjsonschema")
        if "fastjsonschema" in us
        else None,
        "to_json": ratio(lambda r: us["to_json, fresh"][r], "evaluate, fresh"),
        "to_json, again": ratio(lambda r: us["to_json"][r], "evaluate"),
        "to_json, example": ratio(lambda r: us["to_json, example"][r], "evaluate, example"),
    }

    # --- a whole process: `evalrules evaluate EXAMPLE`, against Python doing nothing ---
    evalrules_cmd = evalrules_command()
    processes = process_rounds(
        {
            "evaluate": [*evalrules_cmd, "evaluate", str(EXAMPLE)],
            # the same without the rubric kept between runs (read, checked, compiled anew)
            "evaluate, no cache": [
                "env",
                "EVALRULES_NO_CACHE=1",
                *evalrules_cmd,
                "evaluate",
                str(EXAMPLE),
            ],
            "import": [sys.executable, "-c", "import evalrules._cli"],
            "pass": [sys.executable, "-c", "pass"],
        },
        process_runs,
    )
    cold_ms = statistics.median(processes["evaluate"]) * 1e3

    # --- a kept scorecard: its pickle, and the memory that keeping one more takes ---
    try:
        pickled: list[float] | str = [
            len(pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL)) / 1024 for c in cards
        ]
    except Exception as exc:  # values that do not pickle yet: say so, do not stop
        pickled = f"does not pickle: {type(exc).__name__}: {exc}"[:70]
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    kept = [compiled.evaluate(d) for d in inputs]
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept_kb = (after - before) / len(kept) / 1024
    # The same over documents never evaluated in this process: what keeping them takes
    # with the first copy of every finding they make and the entries of the tables that
    # share findings between cards, not only what one more card of a seen document adds.
    unseen_docs = generate(rubric, example.facts, count, args.seed + 1)
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    unseen = [compiled.evaluate(d) for d in unseen_docs]
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    unseen_kb = (after - before) / len(unseen) / 1024
    unseen_pickled = statistics.median(
        len(pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL)) / 1024 for c in unseen
    )
    del unseen

    # --- the table ---
    def us_row(label: str, name: str) -> tuple[str, str]:
        return label, f"{spread(us[name])} µs" if name in us else "not available"

    def ratio_row(label: str, key: str, target: float, why: str = "") -> tuple[str, ...]:
        values = ratios[key]
        if values is None:
            return (label, why or "not available", f"≤ {target:g} ×", "not available")
        med = statistics.median(values)
        return (label, f"{spread(values, digits=2)} ×", f"≤ {target:g} ×", verdict(med, target))

    pickled_med = statistics.median(pickled) if not isinstance(pickled, str) else None
    sections: list[tuple[str, list[tuple[str, ...]]]] = [
        (
            "setting",
            [
                ("rubric", f"{REF} ({len(rules)} rules, {len(rubric.facts)} facts)"),
                ("fact sets", f"the bundled example + {count} generated (seed {args.seed})"),
                ("rule outcomes reached", f"{len(outcomes)} of the {possible} possible"),
                ("timing", f"CPU time, {rounds} interleaved rounds: median [min–max]"),
            ],
        ),
        (
            "once per rubric (ms)",
            [
                ("first use: read YAML, check, compile", f"{spread(once['first use'], 1e3)} ms"),
                ("compiling alone", f"{spread(once['compiling'], 1e3)} ms"),
                ("an Engine (builtins + the plugin)", f"{spread(once['engine'], 1e3)} ms"),
            ],
        ),
        (
            f"per document ({n} documents)",
            [
                us_row("explained evaluation (validated)", "evaluate"),
                (
                    "scores only (explain=False)",
                    f"{spread(us['scores only'])} µs"
                    if "scores only" in us
                    else "not available (evaluate has no explain= yet)",
                ),
                us_row("validation (CompiledRubric.validate)", "validate"),
                (
                    "explained, net of validation",
                    f"{spread(net['evaluate'])} µs",
                ),
                (
                    f"explained, {fresh_n} documents not evaluated before",
                    f"{spread(us['evaluate, fresh'])} µs "
                    f"(net {spread(net['evaluate, fresh'])} µs; floor "
                    f"{spread(us['floor, fresh'])} µs)",
                ),
                us_row("floor (hand-written, Decimal)", "floor"),
                (
                    "fastjsonschema, same exported schema",
                    f"{spread(us['fastjsonschema'])} µs" if "fastjsonschema" in us else peer,
                ),
                us_row("card.to_json()", "to_json"),
                us_row(f"card.to_json(), {fresh_n} cards not written before", "to_json, fresh"),
                us_row("the bundled example (43 claims): evaluation", "evaluate, example"),
                us_row("the bundled example: card.to_json()", "to_json, example"),
            ],
        ),
        (
            f"whole process (ms, {process_runs} runs)",
            [
                ("evalrules evaluate EXAMPLE", f"{spread(processes['evaluate'], 1e3)} ms"),
                (
                    "the same, EVALRULES_NO_CACHE=1",
                    f"{spread(processes['evaluate, no cache'], 1e3)} ms",
                ),
                ("python -c 'import evalrules._cli'", f"{spread(processes['import'], 1e3)} ms"),
                ("python -c pass", f"{spread(processes['pass'], 1e3)} ms"),
            ],
        ),
        (
            "a kept scorecard (KB)",
            [
                (
                    "pickle length",
                    f"{spread(pickled, digits=2)} KB" if not isinstance(pickled, str) else pickled,
                ),
                ("memory kept per scorecard (tracemalloc)", f"{kept_kb:9.2f} KB"),
                (
                    "the same, documents not evaluated before",
                    f"{unseen_kb:9.2f} KB (pickle {unseen_pickled:.2f} KB)",
                ),
                ("peak while evaluating and keeping all", f"{peak / 2**20:9.1f} MiB"),
            ],
        ),
        (
            "targets (ratios round by round)",
            [
                ratio_row(
                    "explained evaluation ÷ floor (net of validation)",
                    "explained",
                    EXPLAINED_TARGET,
                ),
                ratio_row(
                    "the same, documents evaluated before (a what-if)",
                    "explained, again",
                    EXPLAINED_TARGET,
                ),
                ratio_row(
                    "scores only ÷ floor (net of validation)",
                    "scores only",
                    SCORES_ONLY_TARGET,
                    "not available",
                ),
                ratio_row(
                    "validation ÷ fastjsonschema",
                    "validation",
                    VALIDATION_TARGET,
                    peer if isinstance(peer, str) else "",
                ),
                ratio_row("to_json() ÷ the evaluation", "to_json", TO_JSON_TARGET),
                ratio_row("the same, both again (a what-if)", "to_json, again", TO_JSON_TARGET),
                ratio_row(
                    "the same, the bundled example (with its claims)",
                    "to_json, example",
                    TO_JSON_TARGET,
                ),
                (
                    "cold start: evalrules evaluate EXAMPLE",
                    f"{cold_ms:9.1f} ms",
                    f"≤ {COLD_START_TARGET_MS:g} ms",
                    verdict(cold_ms, COLD_START_TARGET_MS),
                ),
                (
                    "a kept scorecard: pickle length",
                    f"{pickled_med:9.2f} KB" if pickled_med is not None else "does not pickle",
                    f"≤ {KEPT_CARD_TARGET_KB:g} KB",
                    verdict(pickled_med, KEPT_CARD_TARGET_KB)
                    if pickled_med is not None
                    else "MISS",
                ),
                (
                    "a kept scorecard: memory (tracemalloc)",
                    f"{kept_kb:9.2f} KB",
                    f"≤ {KEPT_CARD_TARGET_KB:g} KB",
                    verdict(kept_kb, KEPT_CARD_TARGET_KB),
                ),
                (
                    "a kept scorecard: memory, unseen documents",
                    f"{unseen_kb:9.2f} KB",
                    f"≤ {KEPT_CARD_TARGET_KB:g} KB",
                    verdict(unseen_kb, KEPT_CARD_TARGET_KB),
                ),
                (
                    "nothing parsed or built per evaluation",
                    ", ".join(f"{k}: {v}" for k, v in repeated.items()) if repeated else "none",
                    "none",
                    "FAIL" if repeated else "PASS",
                ),
                ("the floor's scores on every fact set", "equal", "equal", "PASS"),
            ],
        ),
        (
            "for reference (no target)",
            [
                (
                    "explained evaluation ÷ floor (validated)",
                    f"{spread(ratios['explained, validated'] or [], digits=2)} ×",
                ),
                (
                    "watched while timing (each must stay 0)",
                    ", ".join(NO_PER_EVALUATION_WORK),
                ),
            ],
        ),
    ]

    print(
        f"evalrules {evalrules.__version__} · Python {sys.version.split()[0]} · "
        f"{os.cpu_count()} CPUs · {'--quick' if args.quick else 'full run'}"
    )
    label_width = max(len(r[0]) for _, rows in sections for r in rows)
    value_width = max(len(r[1]) for _, rows in sections for r in rows if len(r) > 2)
    line = "─" * (label_width + value_width + 30)
    for title, rows in sections:
        print(line)
        print(title)
        for row in rows:
            if len(row) == 2:
                print(f"  {row[0]:<{label_width}}  {row[1]}".rstrip())
            else:
                label, value, target, result = row
                print(f"  {label:<{label_width}}  {value:<{value_width}}  {target:<10}  {result}")
    print(line)
    if repeated:
        print(
            "FAILED: work repeated while evaluations were timed: "
            + ", ".join(f"{k} {v} times" for k, v in repeated.items()),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
