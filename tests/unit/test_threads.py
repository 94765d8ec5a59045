"""A compiled rubric is safe to share between threads.

One compiled rubric is hammered from eight threads with valid and invalid documents, with
the interpreter switching threads as often as it can, and every result is compared with the
one the same document gives in a single thread: the same scorecard JSON, byte for byte, or
the same problems.
"""

from __future__ import annotations

import copy
import sys
import threading
from typing import Any

import evalrules
from evalrules._frozen import thaw
from evalrules.errors import FactsError


def _outcome(compiled: evalrules.CompiledRubric, doc: Any) -> tuple[str, object]:
    try:
        card = compiled.evaluate(doc)
    except FactsError as exc:
        return ("refused", tuple((p.path, p.code, p.message_en) for p in exc.problems))
    except Exception as exc:  # any other exception is a failure of the promise
        return ("raised", f"{type(exc).__name__}: {exc}")
    return ("scored", card.to_json())


def _documents(example: evalrules.FactsDocument) -> list[Any]:
    facts = thaw(example.facts)
    negative = copy.deepcopy(facts)
    negative["safety"]["anti_fall_completion"] = -5
    unknown = copy.deepcopy(facts)
    unknown["party"]["branchez"] = 3
    unknown["safety"]["student_abnormal_deaths"] = "none"
    missing = copy.deepcopy(facts)
    del missing["party"]
    return [example, negative, unknown, missing, facts]


def test_one_compiled_rubric_shared_by_eight_threads(
    engine: evalrules.Engine, panjin: evalrules.Rubric, example: evalrules.FactsDocument
) -> None:
    # A fresh compile: nothing built lazily by an earlier test in a single thread.
    compiled = engine.compile(panjin)
    docs = _documents(example)
    rounds = 30
    results: list[list[tuple[int, tuple[str, object]]]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def work(slot: int) -> None:
        start.wait()
        for i in range(rounds):
            index = (i + slot) % len(docs)
            results[slot].append((index, _outcome(compiled, docs[index])))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    expected = [_outcome(engine.compile(panjin), doc) for doc in docs]
    assert [e[0] for e in expected] == ["scored", "refused", "refused", "refused", "scored"]
    wrong = [
        (slot, index, got)
        for slot, got_list in enumerate(results)
        for index, got in got_list
        if got != expected[index]
    ]
    assert sum(len(r) for r in results) == 8 * rounds
    assert wrong == []
