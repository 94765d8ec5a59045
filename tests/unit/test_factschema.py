"""The facts JSON Schema export and the blank facts template."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _rubrics import fact, minimal, write

from evalrules import FactsDocument
from evalrules._documents import loads_yaml, read_document
from evalrules.errors import FactsError


def as_json(value: Any) -> Any:
    """What a JSON round trip makes of a facts document: floats, string keys."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


@pytest.fixture(scope="module")
def raw_example(example) -> dict[str, Any]:
    """The example document as read from its file: envelope, facts and claimed scores."""
    return read_document(Path(example.source or ""))


@pytest.fixture(scope="module")
def validator(engine, panjin) -> jsonschema.Draft202012Validator:
    schema = engine.facts_schema(panjin)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_draft_2020_12(engine, panjin):
    schema = engine.facts_schema(panjin)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "panjin-county/2023" in schema["$id"]
    assert schema["x-cross-checks"][1] == {
        "kind": "part_of",
        "facts": ["kindergarten.public_children", "kindergarten.children"],
    }


def test_the_example_is_valid_for_the_schema(validator, raw_example, compiled):
    compiled.evaluate(FactsDocument.from_mapping(raw_example))  # valid for evalrules
    assert list(validator.iter_errors(as_json(raw_example))) == []


@pytest.mark.parametrize(
    ("mutate", "where", "keyword", "named"),
    [
        # A key that should not be there, or is missing, is reported at the object holding it;
        # the message names the key.
        (
            lambda d: d["facts"]["kindergarten"].update(childrn=1),
            "facts/kindergarten",
            "additionalProperties",
            "childrn",
        ),
        (
            lambda d: d["facts"]["pupils"].update(primary="12,000"),
            "facts/pupils/primary",
            "type",
            None,
        ),
        # pupils.primary divides a derived fact: it must be more than 0
        (
            lambda d: d["facts"]["pupils"].update(primary=-1),
            "facts/pupils/primary",
            "exclusiveMinimum",
            None,
        ),
        (
            lambda d: d["facts"]["after_school"].update(coverage_rate=101),
            "facts/after_school/coverage_rate",
            "maximum",
            None,
        ),
        (
            lambda d: d["facts"]["pupils"].update(junior=5_000_000),
            "facts/pupils/junior",
            "maximum",
            None,
        ),
        (
            lambda d: d["facts"]["safety"].update(major_accident="false"),
            "facts/safety/major_accident",
            "type",
            None,
        ),
        (lambda d: d["facts"].pop("balance"), "facts", "required", "balance"),
        (
            lambda d: d["facts"]["fitness"].update(good_rate={"abc": 1}),
            "facts/fitness/good_rate",
            "pattern",
            "abc",
        ),
        (
            lambda d: d["claimed"]["indicators"].update({"99": 1}),
            "claimed/indicators",
            "additionalProperties",
            "99",
        ),
        (lambda d: d.update(rubrik="x"), "", "additionalProperties", "rubrik"),
    ],
)
def test_documents_evalrules_refuses_the_schema_refuses_too(
    validator, raw_example, mutate, where, keyword, named
):
    doc = as_json(copy.deepcopy(raw_example))
    mutate(doc)
    errors = list(validator.iter_errors(doc))
    found = [("/".join(map(str, e.absolute_path)), e.validator) for e in errors]
    assert found == [(where, keyword)], [e.message for e in errors]
    if named is not None:
        assert repr(named) in errors[0].message


def test_conditional_requirements_are_annotations(engine, panjin):
    props = engine.facts_schema(panjin)["properties"]["facts"]["properties"]
    violations = props["high_school"]["properties"]["admission_violations"]
    assert violations["x-required-if"] == "schools.has_high_school"
    assert "high_school" not in engine.facts_schema(panjin)["properties"]["facts"]["required"]


def test_schema_of_a_small_rubric(tmp_path):
    import _rubrics

    doc = minimal()
    doc["facts"] = {
        "a.count": fact("count", plausible_max=100),
        "a.money": fact("money", maximum=500, plausible_max=1000),
        "a.series": fact("series", items="percent"),
        "b.flag": fact("boolean", required=False),
    }
    doc["indicators"][0]["children"][0]["rules"][0]["params"]["fact"] = "a.money"
    e = _rubrics.engine()
    schema = e.facts_schema(e.load_rubric(write(tmp_path, doc)))
    facts = schema["properties"]["facts"]
    assert facts["required"] == ["a"]  # b holds only an optional fact
    a = facts["properties"]["a"]["properties"]
    assert a["count"]["type"] == "integer"
    assert a["count"]["maximum"] == 100
    assert a["money"]["maximum"] == 500  # the smaller of maximum and plausible_max
    assert a["series"]["type"] == "object"
    assert a["series"]["additionalProperties"]["maximum"] == 100
    v = jsonschema.Draft202012Validator(schema)
    assert v.is_valid({"facts": {"a": {"count": 3, "money": 1.5, "series": {"2022": 5}}}})
    assert not v.is_valid({"facts": {"a": {"count": 3, "money": 1.5, "series": {"22": 5}}}})


# ------------------------------------------------------------------------------ template


def _leaves(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict) and value:
        return set().union(*(_leaves(v, f"{prefix}{k}.") for k, v in value.items()))
    return {prefix.rstrip(".")}


def test_template_parses_and_lists_every_declared_fact(engine, panjin):
    text = engine.facts_template(panjin)
    data = loads_yaml(text)
    assert data["evalrules"] == "facts/1"
    assert data["rubric"] == "panjin-county/2023"
    # a series placeholder is an empty mapping, so its path is a leaf here too
    assert _leaves(data["facts"]) == {s.path for s in panjin.facts}
    assert list(data["claimed"]["indicators"]) == [n.code for n in panjin.walk()]
    for spec in panjin.facts:
        assert spec.description.zh in text


def test_template_comments_say_type_unit_and_requirement(engine, panjin):
    text = engine.facts_template(panjin)
    assert "— count, 个, 0–2000, required\n" in text  # party.branches: 0 up to plausible_max
    assert "required if schools.has_high_school" in text
    assert "series of percent by year" in text
    assert "optional" in text


def test_blank_template_reports_every_required_fact_as_missing(engine, panjin, compiled):
    data = loads_yaml(engine.facts_template(panjin))
    data["entity"]["id"] = "211102"
    doc = FactsDocument.from_mapping(data)
    assert doc.claimed == {}  # blank claims are no claims
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    # every blank required fact is reported as missing, none is silently taken as zero
    required = {s.path for s in panjin.facts if s.required and not s.required_if}
    assert {(p.path, p.code) for p in info.value.problems} == {(p, "missing") for p in required}


def test_template_filled_with_the_example_gives_the_example_score(
    engine, panjin, compiled, raw_example
):
    data = loads_yaml(engine.facts_template(panjin))

    def fill(blank: dict[str, Any], values: dict[str, Any]) -> None:
        for key, value in values.items():
            if isinstance(blank.get(key), dict) and blank[key] and isinstance(value, dict):
                fill(blank[key], value)
            else:
                blank[key] = value

    fill(data, copy.deepcopy(raw_example))
    card = compiled.evaluate(FactsDocument.from_mapping(data))
    assert card.total == Decimal("98.6")
