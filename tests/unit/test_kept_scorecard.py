"""A kept scorecard: it pickles compactly, and reads back equal — in any protocol from 2, in
a process where no plugin is installed or loaded, and beside cards of another rubric.

The pickle carries every text the card shows (titles, labels, message templates): it is
read without the rubric it was computed from. The size target (≤ 10 KB) is measured by
``benchmarks/bench_evaluate.py``, not asserted here.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from decimal import Decimal as evalrules_decimal
from pathlib import Path

import pytest
from _rubrics import minimal, text, write

import evalrules

SRC = Path(evalrules.__file__).resolve().parents[1]
PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)
FORMATS = ("table", "markdown", "html")


def renders(engine: evalrules.Engine, card: evalrules.Scorecard) -> dict[str, str]:
    """The card as JSON and in every text format, in both languages."""
    out = {"json": card.to_json()}
    for fmt in FORMATS:
        for lang in ("zh", "en"):
            out[f"{fmt}/{lang}"] = engine.render(card, fmt, lang=lang)
    return out


@pytest.fixture(scope="module")
def cards(compiled, example):
    """The example explained and scores only, and documents that lose points elsewhere."""
    varied = example.with_facts(
        {
            "safety.anti_fall_completion": 93,
            "ratings.fitness": 65.79,
            "schools.has_private_schools": False,
            "safety.student_abnormal_deaths": 1,
        }
    )
    return [
        compiled.evaluate(example),
        compiled.evaluate(example, explain=False),
        compiled.evaluate(varied),
        compiled.evaluate(varied.with_facts({"safety.major_accident": True})),
    ]


def test_the_example_card_is_not_trivial(cards):
    card = cards[0]
    assert card.findings
    assert card.claimed
    assert card.assumed
    assert any(f.evidence.facts for f in card.findings)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_card_reads_back_equal_in_every_protocol(engine, cards, protocol):
    for card in cards:
        back = pickle.loads(pickle.dumps(card, protocol))
        assert back == card
        assert hash(back) == hash(card)
        assert renders(engine, back) == renders(engine, card)
        for mine, theirs in zip(back.findings, card.findings, strict=True):
            assert mine.params == theirs.params
            assert mine.message == theirs.message
            assert mine.evidence == theirs.evidence


def test_a_card_pickles_as_one_compressed_state(cards):
    card = cards[0]
    reduced = card.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    assert len(reduced[1]) == 1
    assert isinstance(reduced[1][0], bytes)
    # Shorter than the same values in attrs' own pickling (field names, each value apart).
    state = [getattr(card, f) for f in ("indicators", "findings", "outcomes", "claimed")]
    assert len(pickle.dumps(card)) < len(pickle.dumps(state)) / 2


def test_a_state_of_another_layout_is_refused(cards):
    import zlib

    from evalrules._scorecard._model import _scorecard

    state = zlib.compress(pickle.dumps((99, "x")))
    with pytest.raises(pickle.UnpicklingError, match="layout 99"):
        _scorecard(state)
    short = zlib.compress(pickle.dumps((1, "x")))
    with pytest.raises(pickle.UnpicklingError, match="a scorecard state of 1 fields"):
        _scorecard(short)


def test_cards_of_two_rubrics_keep_their_own_parts(engine, tmp_path):
    """Two rubrics alike in codes, rules and facts, with other words: each card keeps its own
    titles and message, evaluated one after the other and pickled together."""
    first = minimal()
    second = minimal()
    second["family"] = "test-other"
    second["indicators"][0]["children"][0]["title"] = text("另一指标", "another item")
    second["indicators"][0]["children"][0]["rules"][0]["message"] = text(
        "未达标:{value}", "short of the standard: {value}"
    )
    compiled = [engine.compile(engine.load_rubric(write(tmp_path, doc))) for doc in (first, second)]
    doc = evalrules.FactsDocument({"x": {"value": 40}})
    cards = [c.evaluate(doc) for c in compiled]
    assert cards[0].findings[0].params == cards[1].findings[0].params
    assert cards[0].node("1").title != cards[1].node("1").title
    assert cards[0].findings[0].message != cards[1].findings[0].message
    texts = [card.to_json() for card in cards]
    again = [c.evaluate(doc) for c in reversed(compiled)][::-1]
    assert [card.to_json() for card in again] == texts
    back = pickle.loads(pickle.dumps([*cards, *again, cards[0]]))
    assert back == [*cards, *cards, cards[0]]
    assert [card.to_json() for card in back] == [*texts, *texts, texts[0]]
    assert back[1].node("1").title.zh == "另一指标"
    assert back[1].findings[0].message.en == "short of the standard: 40"


_FRESH = textwrap.dedent(
    """
    import importlib.abc, json, pickle, sys

    src, site, where = sys.argv[1], sys.argv[2].split(os.pathsep), sys.argv[3]

    class NoPlugins(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0].startswith("evalrules_"):
                raise ImportError(f"no plugin in this process: {name}")
            return None

    sys.meta_path.insert(0, NoPlugins())
    sys.path[:0] = [src]
    sys.path.extend(site)
    with open(where + "/cards.pickle", "rb") as f:
        cards = pickle.load(f)
    import evalrules
    assert evalrules.__file__.startswith(src), evalrules.__file__
    engine = evalrules.Engine(autoload=False)
    out = []
    for card in cards:
        texts = {"json": card.to_json()}
        for fmt in ("table", "markdown", "html"):
            for lang in ("zh", "en"):
                texts[fmt + "/" + lang] = engine.render(card, fmt, lang=lang)
        out.append(texts)
    equal = [pickle.loads(pickle.dumps(card)) == card for card in cards]
    plugins = sorted(m for m in sys.modules if m.startswith("evalrules_"))
    with open(where + "/out.json", "w", encoding="utf-8") as f:
        json.dump({"renders": out, "plugins": plugins, "equal": equal}, f)
    """
).replace("import importlib.abc,", "import os, importlib.abc,")


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_a_card_reads_back_where_no_plugin_is(engine, cards, tmp_path, protocol):
    (tmp_path / "cards.pickle").write_bytes(pickle.dumps(cards, protocol))
    site = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "EVALRULES_DISABLE_PLUGIN_AUTOLOAD": "1"}
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _FRESH, str(SRC), os.pathsep.join(site), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert result["plugins"] == []
    assert result["equal"] == [True] * len(cards)
    assert result["renders"] == [renders(engine, card) for card in cards]
    # and what the other process read is equal here, field for field
    back = pickle.loads((tmp_path / "cards.pickle").read_bytes())
    assert back == cards


# --------------------------------------------------------------------------- shared parts


def test_the_same_finding_is_one_object_between_cards(compiled, example):
    first, second = compiled.evaluate(example), compiled.evaluate(example)
    assert first.findings
    for mine, theirs in zip(first.findings, second.findings, strict=True):
        assert mine is theirs
    for mine, theirs in zip(first.outcomes, second.outcomes, strict=True):
        assert mine is theirs


def test_a_value_written_otherwise_is_not_shared(engine, tmp_path):
    """``40`` and ``40.0`` are equal, but a card shows what its document said."""
    compiled = engine.compile(engine.load_rubric(write(tmp_path, minimal())))
    as_int = compiled.evaluate(evalrules.FactsDocument({"x": {"value": 40}}))
    as_decimal = compiled.evaluate(
        evalrules.FactsDocument({"x": {"value": evalrules_decimal("40.0")}})
    )
    mine, theirs = as_int.findings[0], as_decimal.findings[0]
    assert mine is not theirs
    assert str(mine.params["value"]) != str(theirs.params["value"])
    assert str(mine.evidence.facts[0][1]) == "40"
    assert str(theirs.evidence.facts[0][1]) == "40.0"
    assert compiled.evaluate(evalrules.FactsDocument({"x": {"value": 40}})).to_json() == (
        as_int.to_json()
    )


def _general(compiled: evalrules.CompiledRubric) -> evalrules.CompiledRubric:
    """``compiled`` without its explain program: every rule through its kind's evaluate."""
    import attrs

    return evalrules.CompiledRubric._from_plan(attrs.evolve(compiled._plan, explained=None))


def test_an_input_of_a_derived_value_written_otherwise_is_not_shared(compiled, example):
    """An item found again by what its rules read: a derived value by its inputs, as
    written. ``800000`` and ``800000.0`` give equal but differently written evidence."""
    general = _general(compiled)
    cards = []
    for funds in ("800000", "800000.0", "800000"):
        doc = example.with_facts(
            {"funding.primary.public_funds": evalrules_decimal(funds), "pupils.primary": 1000}
        )
        card = compiled.evaluate(doc)
        assert card.to_json() == general.evaluate(doc).to_json()
        (found,) = [f for f in card.findings if f.indicator == "8.2"]
        (dv,) = found.evidence.derived
        assert str(dict(dv.inputs)["funding.primary.public_funds"]) == funds
        cards.append(card)
    assert cards[0].findings == cards[1].findings  # equal values, written otherwise
    first, second, third = ([f for f in c.findings if f.indicator == "8.2"] for c in cards)
    assert first[0] is not second[0]
    assert first[0] is third[0]


def test_a_fact_marked_assumed_is_explained_so_after_the_same_values(compiled, example):
    """The same values, then the same with the rating marked as assumed, then again not:
    each card as the general path words it."""
    from evalrules._text import Text

    general = _general(compiled)
    facts = example.with_facts({"ratings.fitness": 61}).facts
    low = evalrules.FactsDocument(facts=facts)
    marked = evalrules.FactsDocument(
        facts=facts, assumed={"ratings.fitness": Text("推算", "estimated")}
    )
    messages = []
    for doc in (low, marked, low):
        card = compiled.evaluate(doc)
        assert card.to_json() == general.evaluate(doc).to_json()
        (found,) = [f for f in card.findings if f.indicator == "3.1"]
        messages.append(found.message_id)
    assert messages == [
        "external_rating.scaled",
        "external_rating.assumed",
        "external_rating.scaled",
    ]


def test_rubrics_alike_in_codes_never_share_a_finding(engine, tmp_path):
    """Two rubrics with the same codes and the same facts, their fact named otherwise: each
    card's finding is its own rubric's, however the cards are interleaved."""
    other = minimal()
    other["version"] = "1.0.1"
    other["facts"]["x.value"]["description"] = text("另一事实", "another fact")
    first = engine.compile(engine.load_rubric(write(tmp_path, minimal())))
    second = engine.compile(engine.load_rubric(write(tmp_path, other)))
    doc = evalrules.FactsDocument({"x": {"value": 40}})
    for compiled, label in ((first, "percent事实"), (second, "另一事实"), (first, "percent事实")):
        (found,) = compiled.evaluate(doc).findings
        assert found.params["fact_label"]["zh"] == label
    assert first.evaluate(doc).findings[0] is not second.evaluate(doc).findings[0]
    assert first.evaluate(doc).findings[0] is first.evaluate(doc).findings[0]


def test_threads_sharing_a_rubric_make_the_cards_one_thread_makes(compiled, example):
    from concurrent.futures import ThreadPoolExecutor

    docs = [
        example.with_facts({"ratings.fitness": 60 + i % 7, "safety.anti_fall_completion": 60 + i})
        for i in range(40)
    ]
    alone = [compiled.evaluate(d).to_json() for d in docs]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda d: compiled.evaluate(d).to_json(), docs * 4))
    assert together == alone * 4
