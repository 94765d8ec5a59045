"""Loading rubric files into the model: values, defaults, references, ``extends``."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from _rubrics import INFERRED, engine, fact, item, load, minimal, node, rule, write

import evalrules_panjin
from evalrules import GradeBand, Text
from evalrules.errors import RubricError, RubricNotFoundError


def test_minimal_rubric(tmp_path):
    rubric = load(tmp_path, minimal())
    assert rubric.ref == "test-rubric/2024"
    assert (rubric.family, rubric.year, rubric.version) == ("test-rubric", 2024, "1.0.0")
    assert rubric.title == Text("测试评价方案", "Test rubric")
    assert rubric.precision == Decimal("0.1")
    assert rubric.rounding == "ROUND_HALF_UP"
    assert rubric.not_applicable == "full"
    assert rubric.bonus_cap is None
    assert rubric.max == 10
    assert rubric.grades[0] == GradeBand("excellent", Text("优秀", "Excellent"), Decimal(9))
    assert rubric.grades[-1].lower is None
    (spec,) = rubric.facts
    assert (spec.path, spec.type, spec.unit, spec.required) == ("x.value", "percent", "%", True)
    ((item_, rule_),) = list(rubric.rules())
    assert (item_.code, rule_.code, rule_.kind) == ("1", "R-1", "threshold")
    assert rule_.source.inferred
    assert rule_.source.why == Text(INFERRED["why"])
    assert rubric.file is not None


def test_defaults(tmp_path):
    doc = minimal()
    for key in ("precision", "rounding", "not_applicable"):
        del doc[key]
    rubric = load(tmp_path, doc)
    assert (rubric.precision, rubric.rounding, rubric.not_applicable) == (
        Decimal("0.1"),
        "ROUND_HALF_UP",
        "full",
    )
    assert rubric.data_year is None  # the data year is then the year before


def test_numbers_are_exact_decimals(tmp_path):
    doc = minimal()
    del doc["grades"]  # their mins are for 10 points
    text = (
        write(tmp_path, doc)
        .read_text(encoding="utf-8")
        .replace("max: 10\n", "max: 2.5\n")
        .replace("total: 10\n", "total: 2.5\n")
    )
    rubric = load(tmp_path, text)
    assert rubric.indicators[0].max == Decimal("2.5")
    assert isinstance(rubric.indicators[0].max, Decimal)
    assert rubric.max == Decimal("2.5")


def test_params_are_read_only(tmp_path):
    rubric = load(tmp_path, minimal())
    params = rubric.indicators[0].children[0].rules[0].params
    assert params == {"fact": "x.value", "op": ">=", "value": 50}
    with pytest.raises(TypeError):
        params["value"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        params.update(value=1)  # type: ignore[attr-defined]
    assert hash(params) == hash(rubric.indicators[0].children[0].rules[0].params)


def test_numeric_codes_become_text_and_plain_titles_are_chinese(tmp_path):
    doc = minimal()
    doc["indicators"][0]["children"][0]["code"] = 1
    doc["indicators"][0]["title"] = "党的领导"
    rubric = load(tmp_path, doc)
    assert rubric.indicators[0].children[0].code == "1"
    assert rubric.indicators[0].title == Text("党的领导", "")


def test_json_rubric_file(tmp_path):
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps(minimal(), ensure_ascii=False), encoding="utf-8")
    assert engine().load_rubric(path).ref == "test-rubric/2024"


def test_a_file_is_loaded_once_per_engine(tmp_path):
    e = engine()
    path = write(tmp_path, minimal())
    assert e.load_rubric(path) is e.load_rubric(str(path))


def test_tree_walk_and_lookup(tmp_path):
    doc = minimal()
    doc["indicators"].append(
        node(
            "B",
            5,
            [item("2", 5, [rule("R-2", "threshold", {"fact": "x.value", "op": ">=", "value": 1})])],
        )
    )
    doc["total"] = 15
    rubric = load(tmp_path, doc)
    assert [n.code for n in rubric.walk()] == ["A", "1", "B", "2"]
    assert rubric.indicator("2").max == 5
    with pytest.raises(KeyError):
        rubric.indicator("9")


# ---------------------------------------------------------------------------- references


def test_installed_rubric_by_reference():
    e = engine(evalrules_panjin)
    rubric = e.load_rubric("panjin-county/2023")
    assert rubric.ref == "panjin-county/2023"
    assert rubric.plugin is not None
    assert e.load_rubric("panjin-county") is rubric  # the family alone: the latest year


def test_unknown_reference_lists_what_is_installed():
    with pytest.raises(RubricNotFoundError) as info:
        engine(evalrules_panjin).load_rubric("panjin-county/1999")
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, RubricError)
    assert info.value.available == ("panjin-county/2023",)
    assert "panjin-county/2023" in str(info.value)


# ------------------------------------------------------------------------------- extends


def _base(tmp_path):
    doc = minimal()
    doc["facts"]["y.count"] = fact("count")
    doc["indicators"][0]["children"].append(
        item("2", 5, [rule("R-2", "threshold", {"fact": "x.value", "op": ">=", "value": 10})])
    )
    doc["indicators"][0]["max"] = 15
    doc["total"] = 15
    return write(tmp_path, doc, "base.yaml")


def test_extends_replace_remove_add(tmp_path):
    _base(tmp_path)
    child = {
        "evalrules": "rubric/1",
        "extends": "base.yaml",
        "year": 2025,
        "version": "2.0.0",
        "title": {"zh": "2025年测试", "en": "Test 2025"},
        "replace": {
            "2": item("2", 5, [rule("R-2b", "per_incident", {"fact": "y.count", "deduct_each": 1})])
        },
        "remove": ["1"],
        "add": {
            "A": [
                item(
                    "3",
                    10,
                    [rule("R-3", "threshold", {"fact": "z.flag", "op": "==", "value": True})],
                )
            ]
        },
        "facts": {"z.flag": fact("boolean")},
    }
    rubric = load(tmp_path, child)
    assert (rubric.ref, rubric.version, rubric.title.zh) == (
        "test-rubric/2025",
        "2.0.0",
        "2025年测试",
    )
    assert rubric.extends == "base.yaml"
    assert [n.code for n in rubric.walk()] == ["A", "2", "3"]
    assert [r.code for _, r in rubric.rules()] == ["R-2b", "R-3"]
    assert {f.path for f in rubric.facts} == {"x.value", "y.count", "z.flag"}
    assert rubric.max == 15
    # the base is unchanged
    assert [n.code for n in engine().load_rubric(tmp_path / "base.yaml").walk()] == ["A", "1", "2"]


def test_extends_an_installed_rubric(tmp_path):
    child = {
        "evalrules": "rubric/1",
        "extends": "panjin-county/2023",
        "year": 2024,
        "data_year": 2023,
        "version": "1.0.0",
        "replace": {
            "12": item(
                "12",
                6,
                [
                    rule(
                        "PJ24-12-a",
                        "threshold",
                        {"fact": "balance.basic_cv_met", "op": "==", "value": True, "deduct": 3},
                    )
                ],
            )
        },
    }
    rubric = engine(evalrules_panjin).load_rubric(write(tmp_path, child))
    assert rubric.ref == "panjin-county/2024"
    assert rubric.max == 100
    assert rubric.indicator("12").rules[0].code == "PJ24-12-a"
    assert rubric.indicator("11").rules[1].code == "PJ-11-b"


def test_extends_replacing_a_parent_with_a_new_max(tmp_path):
    _base(tmp_path)
    child = {
        "evalrules": "rubric/1",
        "extends": "base.yaml",
        "year": 2025,
        "version": "2.0.0",
        "total": 20,
        "replace": {
            "A": node(
                "A",
                20,
                [
                    item(
                        "1",
                        20,
                        [rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 60})],
                    )
                ],
            )
        },
    }
    rubric = load(tmp_path, child)
    assert rubric.max == 20
    assert rubric.indicator("1").rules[0].params["value"] == 60
