"""Values are data: every public value is frozen, hashes and pickles; a compiled rubric is made
only by ``Engine.compile``, never changes, and travels to other processes."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import pytest
from _rubrics import engine as isolated_engine
from _rubrics import fact, rule, single, write
from hypothesis import given, settings
from hypothesis import strategies as st

import evalrules
import evalrules_panjin
from evalrules import CompiledRubric, Text, hookimpl
from evalrules._frozen import FrozenDict, freeze, thaw
from evalrules.testing import valid_facts

PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)

#: Every value class of ``evalrules.__all__``. A new public class must be added here (and
#: to ``_values``) or to NOT_VALUES: ``test_every_public_class_is_listed`` fails otherwise.
VALUES = (
    "Aggregate",
    "AggregateResult",
    "AggregateRows",
    "Aggregation",
    "Alternative",
    "ClaimComparison",
    "CrossCheck",
    "CrossCheckKind",
    "DerivedFact",
    "DerivedValue",
    "Entity",
    "Evidence",
    "FactSpec",
    "FactType",
    "FactsDocument",
    "FactsReader",
    "Finding",
    "GateResult",
    "Grade",
    "GradeBand",
    "Indicator",
    "Monotonic",
    "NodeResult",
    "PluginInfo",
    "RenderOptions",
    "Renderer",
    "Rubric",
    "RubricInfo",
    "RubricSource",
    "RowExclusion",
    "Rule",
    "RuleKind",
    "Scorecard",
    "SensitivityCase",
    "Source",
    "SourceDocument",
    "TableRow",
    "TableSpec",
    "TableValue",
    "Text",
    "Verdict",
    "VerdictSpec",
)

#: Public classes that are not values, and why.
NOT_VALUES = {
    "Engine": "holds the plugin manager and caches; not data",
    "CompiledRubric": "holds a validator and functions; compares by identity",
    "RuleContext": "what a rule kind works with while it evaluates; records effects",
    "DescribeContext": "what a rule kind's describe and check read; lives for one call",
}


@pytest.fixture(scope="module")
def card(compiled: CompiledRubric, example: evalrules.FactsDocument) -> evalrules.Scorecard:
    # 4100 of 5232 (78.36%) miss the 80% standard: a finding with a derived value.
    return compiled.evaluate(example.with_facts({"kindergarten.inclusive_children": 4100}))


@pytest.fixture(scope="module")
def values(
    compiled: CompiledRubric,
    engine: evalrules.Engine,
    panjin: evalrules.Rubric,
    example: evalrules.FactsDocument,
    card: evalrules.Scorecard,
    certification: CompiledRubric,
    certified: evalrules.FactsDocument,
) -> dict[str, Any]:
    """One instance of every public value class, taken from real results where possible."""
    failed = certification.evaluate(certified.with_facts({"g.meetings": 1})).verdict
    assert failed is not None
    assert failed.failed
    with_derived = next(f for f in card.findings if f.evidence.derived)
    rule_ = next(r for _, r in panjin.rules() if r.monotonic)
    assert card.claimed, "the example claims scores"
    pj_11_b = next(r for _, r in panjin.rules() if r.code == "PJ-11-b")
    sensitive = compiled.sensitivity(example)
    # the constructed test rubric over a table of schools
    tables = Path(__file__).parent / "tables"
    table_rubric = engine.load_rubric(tables / "rubric.yaml")
    schools = engine.compile(table_rubric).validate(engine.load_facts(tables / "facts.yaml").facts)[
        "schools"
    ]
    table_spec = table_rubric.facts[0].table
    return {
        "Aggregate": table_rubric.derived[0].aggregate,
        "AggregateResult": evalrules.AggregateResult(Decimal(3), (("n", 3),)),
        "AggregateRows": evalrules.AggregateRows((Decimal(3),), None, (True,), ("第一小学",)),
        "Aggregation": engine.aggregations.get("cv"),
        "RowExclusion": table_spec.exclude[0],
        "TableRow": schools.rows[0],
        "TableSpec": table_spec,
        "TableValue": schools,
        "Alternative": pj_11_b.source.alternatives[0],
        "ClaimComparison": card.claimed[0],
        "CrossCheck": panjin.cross_checks[0],
        "CrossCheckKind": engine.cross_checks.get("part_of"),
        "DerivedFact": panjin.derived[0],
        "DerivedValue": with_derived.evidence.derived[0],
        "Entity": card.entity,
        "Evidence": with_derived.evidence,
        "FactSpec": panjin.facts[0],
        "FactType": engine.fact_types.get("judgement"),
        "FactsDocument": example,
        "FactsReader": engine.facts_readers.get("yaml"),
        "Finding": with_derived,
        "Grade": card.grade,
        "GradeBand": panjin.grades[0],
        "Indicator": panjin.indicators[0],
        "Monotonic": rule_.monotonic[0],
        "NodeResult": card.indicators[0],
        "PluginInfo": engine.plugins()[-1],
        "RenderOptions": evalrules.RenderOptions(lang="en", rubric=panjin),
        "Renderer": engine.renderers.get("html"),
        "Rubric": panjin,
        "RubricInfo": card.rubric,
        "RubricSource": engine.rubrics()[0],
        "Rule": rule_,
        "RuleKind": engine.rule_kinds.get("bands"),
        "Scorecard": card,
        "SensitivityCase": sensitive.sensitivity[0],
        "Source": rule_.source,
        "SourceDocument": panjin.source,
        "Text": panjin.title,
        "Verdict": failed,
        "GateResult": failed.failed[0],
        "VerdictSpec": certification.rubric.verdict,
    }


def _fields(value: Any) -> list[Any]:
    """Every field, those left out of equality (``Rubric.file``, ``source``) too."""
    return [getattr(value, f.name) for f in attrs.fields(type(value))]


# ------------------------------------------------------------------------ the value list


def test_every_public_class_is_listed():
    public = {name for name in evalrules.__all__ if isinstance(getattr(evalrules, name), type)}
    assert set(VALUES).isdisjoint(NOT_VALUES)
    assert public == set(VALUES) | set(NOT_VALUES), (
        "add a new public class to VALUES (with an instance in the values fixture) or to "
        "NOT_VALUES with the reason it is not a value"
    )


def test_the_fixture_has_an_instance_of_every_value(values):
    assert sorted(values) == sorted(VALUES)
    for name, value in values.items():
        assert type(value) is getattr(evalrules, name)


@pytest.mark.parametrize("name", VALUES)
def test_value_is_frozen(values, name):
    value = values[name]
    field = attrs.fields(type(value))[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(value, field.name, getattr(value, field.name))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        delattr(value, field.name)


@pytest.mark.parametrize("name", VALUES)
def test_value_hashes_and_equals_an_equal_copy(values, name):
    value = values[name]
    other = attrs.evolve(value)  # an equal value built again, through the converters
    assert other == value
    assert hash(other) == hash(value)
    assert {value, other} == {value}


@pytest.mark.parametrize("name", VALUES)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_value_pickles_to_an_equal_value(values, name, protocol):
    value = values[name]
    back = pickle.loads(pickle.dumps(value, protocol))
    assert type(back) is type(value)
    assert back == value
    assert hash(back) == hash(value)
    assert _fields(back) == _fields(value)


@pytest.mark.parametrize("name", VALUES)
def test_value_copies_to_an_equal_value(values, name):
    value = values[name]
    for back in (copy.copy(value), copy.deepcopy(value)):
        assert back == value
        assert hash(back) == hash(value)


def test_a_scorecard_pickles_to_the_same_json(card):
    back = pickle.loads(pickle.dumps(card))
    assert back.to_json() == card.to_json()


def test_mappings_inside_values_cannot_change(panjin, example, card):
    rule_ = next(r for _, r in panjin.rules())
    finding = card.findings[0]
    for mapping in (rule_.params, finding.params, example.facts, example.facts["funding"]):
        with pytest.raises(TypeError, match="cannot be changed"):
            mapping["x"] = 1
        with pytest.raises(TypeError, match="cannot be changed"):
            mapping.update({"x": 1})
        with pytest.raises(TypeError, match="cannot be changed"):
            mapping.clear()


def test_values_freeze_what_they_are_given():
    finding = evalrules.Finding(
        indicator="1",
        rule="R-1",
        kind="deduction",
        points=Decimal("-1"),
        nominal=Decimal("1"),
        message_id="x",
        params={"items": ["a", "b"], "text": {"zh": "甲"}},
        message=Text("甲"),
        evidence=evalrules.Evidence(facts=(("x.series", {2021: Decimal("1")}),)),
    )
    assert finding.params == {"items": ("a", "b"), "text": {"zh": "甲"}}
    assert isinstance(finding.params["text"], FrozenDict)
    assert isinstance(finding.evidence.facts[0][1], FrozenDict)
    hash(finding)
    doc = evalrules.FactsDocument({"a": {"b": [1, 2]}}, claimed={"total": Decimal("9")})
    assert doc.facts == {"a": {"b": (1, 2)}}
    hash(doc)


def test_with_facts_changes_a_copy(example):
    changed = example.with_facts({"safety.major_accident": True, "new.group.fact": 1})
    assert changed.facts["safety"]["major_accident"] is True
    assert changed.facts["new"] == {"group": {"fact": 1}}
    assert example.facts["safety"]["major_accident"] is False
    assert "new" not in example.facts
    assert changed.facts["funding"] == example.facts["funding"]
    assert (changed.entity, changed.claimed, changed.source) == (
        example.entity,
        example.claimed,
        example.source,
    )
    with pytest.raises(ValueError, match=r"'safety\.major_accident' is a fact, not a group"):
        example.with_facts({"safety.major_accident.when": 2022})


@settings(max_examples=25)
@given(data=st.data())
def test_scorecards_of_generated_documents_pickle_and_hash_equal(compiled, data):
    facts = data.draw(valid_facts(compiled), label="facts")
    doc = evalrules.FactsDocument(facts, entity=evalrules.Entity("211102", "双台子区"))
    card = compiled.evaluate(doc)
    back = pickle.loads(pickle.dumps(card))
    assert back == card
    assert hash(back) == hash(card)
    assert back.to_json() == card.to_json()
    doc_back = pickle.loads(pickle.dumps(doc))
    assert doc_back == doc
    assert hash(doc_back) == hash(doc)
    assert compiled.evaluate(doc_back) == card


# --------------------------------------------------------------------------- FrozenDict


def test_frozen_dict_is_a_dict_that_cannot_change():
    frozen = FrozenDict({"a": 1, "b": 2})
    assert frozen == {"b": 2, "a": 1}
    assert {"a": 1, "b": 2} == frozen  # noqa: SIM300 - dict on the left: the other side
    assert hash(frozen) == hash(FrozenDict({"b": 2, "a": 1}))
    assert isinstance(frozen, dict)
    assert repr(frozen) == "FrozenDict({'a': 1, 'b': 2})"
    for change in (
        lambda: frozen.__setitem__("c", 3),
        lambda: frozen.__delitem__("a"),
        lambda: frozen.pop("a"),
        lambda: frozen.popitem(),
        lambda: frozen.setdefault("c", 3),
        lambda: frozen.update(c=3),
        lambda: frozen.clear(),
        lambda: frozen.__ior__({"c": 3}),
    ):
        with pytest.raises(TypeError, match="FrozenDict cannot be changed"):
            change()
    assert frozen == {"a": 1, "b": 2}
    assert frozen | {"c": 3} == {"a": 1, "b": 2, "c": 3}  # a new (plain) dict
    assert FrozenDict.fromkeys("ab", 0) == {"a": 0, "b": 0}
    assert type(FrozenDict.fromkeys("ab")) is FrozenDict
    assert copy.copy(frozen) is frozen


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_frozen_dict_pickles_with_every_protocol(protocol):
    frozen = freeze({"a": [1, {"b": Decimal("0.1")}], "c": None})
    back = pickle.loads(pickle.dumps(frozen, protocol))
    assert type(back) is FrozenDict
    assert type(back["a"][1]) is FrozenDict
    assert back == frozen
    assert hash(back) == hash(frozen)


def test_freeze_and_thaw():
    data = {"a": [1, {"b": {2, 3}}], "t": Text("甲")}
    frozen = freeze(data)
    assert frozen == {"a": (1, {"b": frozenset({2, 3})}), "t": Text("甲")}
    hash(frozen)
    plain = thaw(frozen)
    assert type(plain) is dict
    assert type(plain["a"]) is list
    assert type(plain["a"][1]) is dict
    plain["a"].append(4)  # plain data again: it can change
    assert frozen["a"] == (1, {"b": frozenset({2, 3})})


# ---------------------------------------------------------------------- compiled rubrics


def test_a_compiled_rubric_is_made_only_by_engine_compile(panjin, engine):
    with pytest.raises(TypeError, match=r"made by Engine\.compile"):
        CompiledRubric()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"made by Engine\.compile"):
        CompiledRubric(  # type: ignore[call-arg]
            panjin,
            kinds={r.name: (r.item, r.origin) for r in engine.rule_kinds},
            types={r.name: r.item for r in engine.fact_types},
            cross_checks={r.name: r.item for r in engine.cross_checks},
        )


def test_a_compiled_rubric_cannot_be_changed(compiled, panjin):
    for name in ("rubric", "digest", "_plan", "anything"):
        with pytest.raises(AttributeError, match="cannot be changed"):
            setattr(compiled, name, None)
        with pytest.raises(AttributeError, match="cannot be changed"):
            delattr(compiled, name)
    assert compiled.rubric is panjin
    assert not hasattr(compiled, "__dict__")


def test_the_compiled_rubric_api_stays_as_it_was(compiled):
    public = {name for name in dir(compiled) if not name.startswith("_")}
    assert public == {
        "bonus_codes",
        "describe",
        "digest",
        "evaluate",
        "evaluate_many",
        "evidence_params",
        "info",
        "kind",
        "label",
        "message",
        "outcomes",
        "rubric",
        "sensitivity",
        "validate",
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_unpickled_compiled_rubric_evaluates_byte_identically(compiled, example, protocol):
    back = pickle.loads(pickle.dumps(compiled, protocol))
    assert back is not compiled
    assert back.rubric == compiled.rubric
    assert back.digest == compiled.digest
    assert back.info == compiled.info
    assert back.evaluate(example).to_json() == compiled.evaluate(example).to_json()
    partial_facts = example.with_facts({"safety.major_accident": None})
    assert (
        back.evaluate(partial_facts, partial=True).to_json()
        == compiled.evaluate(partial_facts, partial=True).to_json()
    )
    claimed = {"total": Decimal("90")}
    assert back.evaluate(example.facts, claimed=claimed) == compiled.evaluate(
        example.facts, claimed=claimed
    )


def test_a_process_rebuilds_the_same_compiled_rubric_once(compiled):
    first = pickle.loads(pickle.dumps(compiled))
    assert pickle.loads(pickle.dumps(compiled)) is first
    assert pickle.loads(pickle.dumps(first)) is first


def test_builtin_plugin_values_pickle_by_reference(engine):
    for registry in (
        engine.rule_kinds,
        engine.fact_types,
        engine.cross_checks,
        engine.facts_readers,
        engine.renderers,
    ):
        for entry in registry:
            item = entry.item
            back = pickle.loads(pickle.dumps(item))
            assert back == item, entry.name
            for field in attrs.fields(type(item)):
                value = getattr(item, field.name)
                if callable(value):
                    # the same function object: carried by its name, not by value
                    assert getattr(back, field.name) is value, (entry.name, field.name)


def test_compiled_rubrics_travel_to_a_process_pool(compiled, example):
    documents = [
        example,
        example.with_facts({"safety.major_accident": True}),
        example.with_facts({"funding.primary.public_funds": Decimal("8000000")}),
    ]
    expected = [compiled.evaluate(doc) for doc in documents]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        cards = list(pool.map(partial(CompiledRubric.evaluate, compiled), documents))
    assert cards == expected
    assert [c.to_json() for c in cards] == [c.to_json() for c in expected]


class StampingPlugin:
    """Adds a mark to the entity's name of every scorecard (a module-level plugin class)."""

    @staticmethod
    @hookimpl(wrapper=True)
    def evalrules_modify_scorecard(scorecard, rubric):
        result = yield
        return attrs.evolve(result, entity=attrs.evolve(result.entity, name="stamped"))


def test_the_scorecard_hook_travels_with_the_compiled_rubric(example):
    engine = isolated_engine(evalrules_panjin, StampingPlugin)
    compiled = engine.compile(engine.load_rubric("panjin-county/2023"))
    assert compiled.evaluate(example).entity.name == "stamped"
    back = pickle.loads(pickle.dumps(compiled))
    assert back.evaluate(example).entity.name == "stamped"
    assert back.evaluate(example).to_json() == compiled.evaluate(example).to_json()


def test_a_scorecard_hook_that_cannot_travel_names_its_plugin(example):
    class Local:
        @hookimpl(wrapper=True)
        def evalrules_modify_scorecard(self, scorecard, rubric):
            return (yield)

    engine = isolated_engine(evalrules_panjin, Local())
    compiled = engine.compile(engine.load_rubric("panjin-county/2023"))
    with pytest.raises(pickle.PicklingError) as caught:
        pickle.dumps(compiled)
    message = str(caught.value)
    assert "evalrules_modify_scorecard" in message
    assert "Local" in message
    assert "module-level" in message


def _keeps(ctx):
    ctx.outcome("kept")


def _describe_named(ctx):
    return Text("具名", "named")


class LocalKindsPlugin:
    """Registers a rule kind whose evaluate is an anonymous function (which cannot pickle)."""

    @staticmethod
    @hookimpl
    def evalrules_register_rule_kinds():
        return [
            evalrules.rule_kind(
                "anonymous",
                summary=Text("匿名", "Anonymous"),
                description="A kind whose evaluate is a lambda.",
                params={"fact": {"type": "string", "required": True}},
                evaluate=lambda ctx: ctx.outcome("kept"),
                describe=lambda ctx: Text("匿名", "anonymous"),
                outcomes=("kept",),
                messages={},
            ),
            evalrules.rule_kind(
                "named",
                summary=Text("具名", "Named"),
                description="A kind whose functions are module-level.",
                params={"fact": {"type": "string", "required": True}},
                evaluate=_keeps,
                describe=_describe_named,
                outcomes=("kept",),
                messages={},
            ),
        ]


def test_a_kind_that_cannot_travel_names_itself_and_its_plugin(tmp_path):
    engine = isolated_engine(LocalKindsPlugin)
    doc = single(
        [
            rule("R-1", "anonymous", {"fact": "x.value"}),
            rule("R-2", "named", {"fact": "x.value"}),
        ],
        {"x.value": fact("percent")},
    )
    compiled = engine.compile(engine.load_rubric(write(tmp_path, doc)))
    assert compiled.evaluate({"x": {"value": 50}}).outcomes == (("R-1", "kept"), ("R-2", "kept"))
    with pytest.raises(pickle.PicklingError) as caught:
        pickle.dumps(compiled)
    message = str(caught.value)
    assert "rule kind 'anonymous' of plugin LocalKindsPlugin" in message
    assert "'named'" not in message
    assert "importable module-level functions" in message
