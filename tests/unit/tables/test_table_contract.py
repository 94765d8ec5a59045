"""A table fact in the facts contract: the JSON Schema (an array of typed row objects), the
facts template, and the rubric problems of a table declaration. The rubric is the
constructed one of tests/unit/tables (no real data)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import evalrules
from evalrules._documents import read_document
from evalrules._frozen import thaw
from evalrules._rubric._loader import build_rubric
from evalrules.errors import RubricError

HERE = Path(__file__).parent
ENGINE = evalrules.Engine(autoload=False)
RUBRIC = ENGINE.load_rubric(HERE / "rubric.yaml")


def _example() -> dict[str, Any]:
    return yaml.safe_load((HERE / "facts.yaml").read_text("utf-8"))


def test_the_schema_accepts_the_example_and_refuses_a_bad_row():
    schema = ENGINE.facts_schema(RUBRIC)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(_example())
    table = schema["properties"]["facts"]["properties"]["schools"]
    assert table["type"] == "array"
    assert table["maxItems"] == 5000
    assert table["items"]["properties"]["stage"]["enum"] == ["primary", "junior"]
    assert table["items"]["properties"]["pupils"]["maximum"] == 10000
    assert "space" not in table["items"]["required"]
    assert table["x-unique"] == ["stage", "code"]
    for change in (
        {"pupils": -1},
        {"stage": "senior"},
        {"category": "vocational"},
        {"colour": "red"},
        {"pupils": "100人"},
    ):
        doc = _example()
        doc["facts"]["schools"][0].update(change)
        assert not validator.is_valid(doc), change


def test_the_template_lists_every_column_and_is_a_facts_document():
    text = ENGINE.facts_template(RUBRIC)
    for column in RUBRIC.facts[0].table.columns:
        assert f"#   {column.path}: {column.description.zh}" in text
    assert "schools: []" in text
    assert "not counted: 在校生不足50人的教学点不纳入计算" in text
    assert yaml.safe_load(text)["facts"]["schools"] == []


def _problems(change) -> list[tuple[str, str | None]]:
    raw = copy.deepcopy(thaw(read_document(HERE / "rubric.yaml")))
    change(raw)
    with pytest.raises(RubricError) as info:
        build_rubric(raw, check=lambda r: [])
    return sorted((p.code, p.path) for p in info.value.problems)


def test_a_table_declaration_names_columns_that_exist():
    def change(raw):
        table = raw["facts"]["schools"]
        table["key"] = "id"
        table["label"] = "title"
        del table["stages"]
        table["row_derived"]["qualified_per_100"]["inputs"] = ["qualified_teachers", "pupil"]
        table["columns"]["Bad Name"] = {"type": "text"}

    assert _problems(change) == [
        ("bad-path", "facts.schools.columns.Bad Name"),
        ("missing", "facts.schools.stages"),
        ("unknown-column", "facts.schools.key"),
        ("unknown-column", "facts.schools.label"),
        ("unknown-column", "facts.schools.row_derived.qualified_per_100.inputs[1]"),
    ]


def test_an_aggregate_names_a_table_and_its_columns():
    def change(raw):
        derived = raw["derived"]["derived.primary.mean_equipment"]
        derived["table"] = "pupils"
        raw["derived"]["derived.primary.pupils"]["column"] = "pupil"

    assert _problems(change) == [
        ("unknown-column", "derived.derived.primary.pupils.column"),
        ("unknown-fact", "derived.derived.primary.mean_equipment.table"),
    ]


def test_a_cv_needs_a_weight_and_a_rule_over_rows_its_checks(tmp_path):
    raw = copy.deepcopy(thaw(read_document(HERE / "rubric.yaml")))
    del raw["derived"]["derived.primary.cv.qualified_per_100"]["weight"]
    raw["indicators"][0]["children"][2]["rules"][0]["params"]["at_least"] = 3
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(_plain(raw), allow_unicode=True), "utf-8")
    with pytest.raises(RubricError) as info:
        evalrules.Engine(autoload=False).load_rubric(path)
    assert sorted((p.code, p.path) for p in info.value.problems) == [
        ("bad-params", "params.at_least"),
        ("missing", "derived.derived.primary.cv.qualified_per_100.weight"),
    ]


def _plain(value: Any) -> Any:
    """A document as YAML writes it (numbers as int or float)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
