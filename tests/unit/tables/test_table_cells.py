"""What a table's cells may hold beyond their type: a blank cell, the rows a table needs,
a column that is part of another in the same row, text that says nothing; and the order in
which a refusal lists its rows' problems (tests/unit/tables/rubric.yaml, constructed data).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import evalrules
from evalrules._frozen import thaw
from evalrules.errors import FactsError

HERE = Path(__file__).parent
ENGINE = evalrules.Engine(autoload=False)
RUBRIC = ENGINE.load_rubric(HERE / "rubric.yaml")
COMPILED = ENGINE.compile(RUBRIC)
DOC = ENGINE.load_facts(HERE / "facts.yaml")


def facts() -> dict[str, Any]:
    return copy.deepcopy(thaw(DOC.facts))


def refusal(doc: Any) -> list[tuple[str, str, str, str]]:
    with pytest.raises(FactsError) as info:
        COMPILED.evaluate(doc)
    return [(p.path, p.code, p.message_zh, p.message_en) for p in info.value.problems]


def _as_file(tmp_path: Path, doc: dict[str, Any]) -> evalrules.FactsDocument:
    """``doc`` written out and read back, as a user's file is (its rows a tuple)."""
    import json

    path = tmp_path / "facts.json"
    path.write_text(
        json.dumps(
            {"evalrules": "facts/1", "rubric": "test-tables/2024", "facts": doc},
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    return ENGINE.load_facts(path)


# ------------------------------------------------------------------------ blank cells


@pytest.mark.parametrize("read", ["handed-in", "from-a-file"])
def test_a_blank_required_cell_is_missing_naming_the_cell_and_the_school(read, tmp_path):
    doc = facts()
    doc["schools"][1]["pupils"] = None
    given: Any = doc if read == "handed-in" else _as_file(tmp_path, doc)
    ((path, code, zh, en),) = refusal(given)
    assert (path, code) == ("schools[1].pupils", "missing")
    assert zh == "第二小学:缺少必填数据“在校生数”"
    assert en == "第二小学: required fact “Pupils” is missing"
    assert "ValidationError" not in zh + en


@pytest.mark.parametrize("read", ["handed-in", "from-a-file"])
def test_a_blank_optional_cell_is_a_cell_not_given(read, tmp_path):
    doc = facts()
    without = facts()
    doc["schools"][1]["space"] = None
    given: Any = doc if read == "handed-in" else _as_file(tmp_path, doc)
    card = COMPILED.evaluate(given)
    assert card.total == COMPILED.evaluate(without).total
    table = COMPILED.validate(doc)["schools"]
    assert "space" not in table.rows[1].values


def test_every_blank_cell_of_a_template_row_is_listed_once():
    doc = facts()
    doc["schools"].append(dict.fromkeys(doc["schools"][0], None) | {"space": None})
    found = refusal(doc)
    assert {p for p, _, _, _ in found} == {f"schools[6].{c}" for c in doc["schools"][0]}
    assert {c for _, c, _, _ in found} == {"missing"}
    # the row has no name yet: it is named by its place
    assert all(zh.startswith("schools[6]:") for _, _, zh, _ in found)


def test_a_null_cerberus_still_sees_is_a_missing_value_not_an_error_object():
    from evalrules._facts._validator import FactsValidator

    validator: FactsValidator = COMPILED._validator
    doc = facts()
    doc["schools"][1]["pupils"] = None  # handed to cerberus as it is, without the walk
    checker = validator._validator(partial=False)
    assert not checker.validate(doc, normalize=False)
    found = list(validator._translate(checker._errors))
    assert [(p.path, p.code) for p in found] == [("schools[1].pupils", "missing")]
    assert all("ValidationError" not in p.message_zh + p.message_en for p in found)


# ---------------------------------------------------------------------------- ordering


def test_a_refusal_lists_rows_by_their_number_not_as_text():
    doc = facts()
    for i in range(6):
        doc["schools"].append(dict(doc["schools"][0], code=f"X{i}", name=f"补充学校{i}"))
    for i in (2, 3, 10, 11, 7):
        doc["schools"][i]["pupils"] = -1
    paths = [p for p, _, _, _ in refusal(doc)]
    assert paths == [f"schools[{i}].pupils" for i in (2, 3, 7, 10, 11)]


def test_natural_order_reads_numbers_as_numbers():
    from evalrules._text import natural_order

    paths = ["schools[10].code", "A2.10", "schools[3].pupils", "A2.9", "schools[3].code", "a"]
    assert sorted(paths, key=natural_order) == [
        "A2.9",
        "A2.10",
        "a",
        "schools[3].code",
        "schools[3].pupils",
        "schools[10].code",
    ]


# ---------------------------------------------------------------------------- min_rows


def _with(**table: Any) -> evalrules.CompiledRubric:
    """The test rubric with its table's declaration changed."""
    from test_tables import _build, _raw

    raw = copy.deepcopy(thaw(_raw()))
    raw["facts"]["schools"].update(table)
    return ENGINE.compile(_build(raw))


def test_a_table_with_fewer_rows_than_min_rows_is_refused_at_the_table():
    compiled = _with(min_rows=1)
    doc = facts()
    doc["schools"] = []
    for given in (doc, {"schools": ()}):
        with pytest.raises(FactsError) as info:
            compiled.evaluate(given)
        ((problem),) = info.value.problems
        assert (problem.path, problem.code) == ("schools", "too-few-rows")
        assert problem.message_zh == "“义务教育学校”至少应填报1行,现为0行"
        assert (
            problem.message_en
            == "“Compulsory-education schools” must have at least 1 row; it has 0"
        )
    # the fast check and cerberus agree
    validator = compiled._validator
    assert validator._fast_strict is not None
    assert not validator._fast_strict(doc)
    assert not validator._validator(partial=False).validate(doc, normalize=False)
    assert validator._fast_strict(facts())
    compiled.evaluate(facts())


def test_fewer_rows_than_min_rows_and_other_problems_are_listed_together():
    compiled = _with(min_rows=8)
    doc = facts()
    doc["schools"][3]["pupils"] = -1
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("schools", "too-few-rows"),
        ("schools[3].pupils", "negative"),
    ]
    assert info.value.problems[0].message_zh.endswith("至少应填报8行,现为6行")


def test_min_rows_counts_the_rows_given_excluded_ones_too():
    # min_rows says what the document must report (a county lists its schools); which rows
    # count is the rubric's exclusions' business: a table whose every row is excluded is
    # accepted, and what reads its counted rows is not applicable, not refused.
    doc = facts()
    for row in doc["schools"]:
        row["category"] = "special"
    compiled = _with(min_rows=len(doc["schools"]))
    card = compiled.evaluate(doc)
    assert card.aggregates
    assert all(dict(a.breakdown).get("n") == 0 for a in card.aggregates)
    assert any(a.value is None for a in card.aggregates)
    assert any(n.status == "not_applicable" for n in card.walk() if not n.children)
    # one row fewer than min_rows is refused, excluded or not
    doc["schools"].pop()
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    assert [p.code for p in info.value.problems] == ["too-few-rows"]


def test_without_min_rows_an_empty_table_is_valid():
    doc = facts()
    doc["schools"] = []
    COMPILED.validate(doc)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "min_rows must be a whole number ≥ 1"),
        (True, "min_rows must be a whole number ≥ 1"),
        ("1", "min_rows must be a whole number ≥ 1"),
        (5001, "min_rows (5001) is more than the most rows a document may give (5000)"),
    ],
)
def test_the_loader_checks_min_rows(value, message):
    from test_tables import _build, _raw

    from evalrules.errors import RubricError

    raw = copy.deepcopy(thaw(_raw()))
    raw["facts"]["schools"]["min_rows"] = value
    with pytest.raises(RubricError) as info:
        _build(raw)
    found = [(p.path, p.message) for p in info.value.problems]
    assert ("facts.schools.min_rows", message) in found, found


def test_min_rows_is_in_the_json_schema_and_the_template():
    compiled = _with(min_rows=2)
    schema = ENGINE.facts_schema(compiled.rubric)
    assert schema["properties"]["facts"]["properties"]["schools"]["minItems"] == 2
    assert "at least 2 rows" in ENGINE.facts_template(compiled.rubric)
    assert "minItems" not in str(ENGINE.facts_schema(RUBRIC))


# ------------------------------------------------------------- relations within a row

RELATED = {
    "cross_checks": [
        {"kind": "part_of", "columns": ["qualified_teachers", "pupils"]},
        {
            "kind": "part_of",
            "columns": ["space", "equipment_value"],
            "description": {"zh": "面积不超过设备值(测试用)", "en": "space within value (test)"},
        },
    ]
}


def test_a_part_larger_than_its_whole_in_a_row_names_the_cell_the_row_and_both_values():
    compiled = _with(**RELATED)
    compiled.evaluate(facts())
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 120  # 100 pupils
    doc["schools"][5]["qualified_teachers"] = 61  # an excluded row is held to it too
    doc["schools"][2]["space"] = 500000  # 440000 元 of equipment
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    found = [(p.path, p.code, p.message_zh, p.message_en) for p in info.value.problems]
    assert found == [
        (
            "schools[1].qualified_teachers",
            "part-of",
            "第二小学:“高于规定学历教师数”(120人)大于“在校生数”(100人),部分不能大于整体",
            "第二小学: “Teachers above the required qualification” (120) exceeds “Pupils” "
            "(100); a part cannot exceed its whole",
        ),
        (
            "schools[2].space",
            "part-of",
            "九年一贯制学校:“教学及辅助用房面积”(500000平方米)大于“教学仪器设备值”(440000元),"
            "面积不超过设备值(测试用)",
            "九年一贯制学校: “Teaching and auxiliary space” (500000) exceeds “Value of teaching "
            "equipment” (440000); space within value (test)",
        ),
        (
            "schools[5].qualified_teachers",
            "part-of",
            "特殊教育学校:“高于规定学历教师数”(61人)大于“在校生数”(60人),部分不能大于整体",
            "特殊教育学校: “Teachers above the required qualification” (61) exceeds “Pupils” "
            "(60); a part cannot exceed its whole",
        ),
    ]
    assert info.value.problems[0].value == (120, 100)


def test_a_part_equal_to_its_whole_or_an_optional_column_not_given_is_fine():
    compiled = _with(**RELATED)
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 100
    compiled.validate(doc)  # space is given in no row


TOTALS = {
    "columns": {
        "whole": {
            "type": "count",
            "unit": "人",
            "optional": True,
            "description": {"zh": "全校在校生数", "en": "Pupils of the school"},
        }
    },
    "totals": {"whole": "pupils"},
}


def _with_totals() -> evalrules.CompiledRubric:
    from test_tables import _build, _raw

    raw = copy.deepcopy(thaw(_raw()))
    raw["facts"]["schools"]["columns"]["whole"] = TOTALS["columns"]["whole"]
    raw["facts"]["schools"]["totals"] = TOTALS["totals"]
    return ENGINE.compile(_build(raw))


def test_a_total_must_be_the_sum_over_its_key_rows():
    compiled = _with_totals()
    doc = facts()
    # S03, the 九年一贯制 school: 200 primary + 150 junior pupils
    doc["schools"][2]["whole"] = 350
    doc["schools"][3]["whole"] = 350
    doc["schools"][0]["whole"] = 100  # a school of one row: its own pupils
    compiled.validate(doc)
    doc["schools"][3]["whole"] = 300
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    ((problem),) = info.value.problems
    assert (problem.path, problem.code) == ("schools[3].whole", "total-mismatch")
    assert problem.message_zh == (
        "九年一贯制学校:“全校在校生数”为300人,不等于学校代码S03各行“在校生数”之和350人"
        "(schools[2] 200人 + schools[3] 150人)"
    )
    assert problem.message_en == (
        "九年一贯制学校: “Pupils of the school” is 300, not the sum of “Pupils” over the rows "
        "of School code S03, 350 (schools[2] 200 + schools[3] 150)"
    )


def test_a_total_is_not_checked_against_a_sum_a_refused_row_leaves_short():
    compiled = _with_totals()
    doc = facts()
    doc["schools"][2]["whole"] = 350
    doc["schools"][3]["pupils"] = "150人"  # refused for itself: the sum would be 200
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    assert [(p.path, p.code) for p in info.value.problems] == [("schools[3].pupils", "wrong-type")]


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        (
            {"cross_checks": [{"kind": "part_of", "columns": ["qualified", "pupils"]}]},
            "facts.schools.cross_checks[0].columns[0]",
            "cross check names 'qualified', not a column or a row_derived value",
        ),
        (
            {"cross_checks": [{"kind": "part_of", "facts": ["a", "b"]}]},
            "facts.schools.cross_checks[0]",
            "a row's cross check is {kind, columns: [names]}",
        ),
        (
            {"totals": {"pupils": "pupil"}},
            "facts.schools.totals.pupils",
            "totals names 'pupil', not a column",
        ),
        (
            {"totals": {"code": "pupils"}},
            "facts.schools.totals.code",
            "a total and the column it totals are two columns, neither the key",
        ),
    ],
)
def test_the_loader_checks_row_relations(table, path, message):
    from test_tables import _build, _raw

    from evalrules.errors import RubricError

    raw = copy.deepcopy(thaw(_raw()))
    raw["facts"]["schools"].update(table)
    with pytest.raises(RubricError) as info:
        _build(raw)
    assert (path, message) in [(p.path, p.message) for p in info.value.problems]


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        (
            {"cross_checks": [{"kind": "contains", "columns": ["qualified_teachers", "pupils"]}]},
            "facts.schools.cross_checks[0]",
            "unknown cross check 'contains'",
        ),
        (
            {"cross_checks": [{"kind": "part_of", "columns": ["name", "pupils"]}]},
            "facts.schools.cross_checks[0].columns[0]",
            "part_of compares numbers: 'name' is not a number column",
        ),
        (
            {"totals": {"pupils": "name"}},
            "facts.schools.totals.pupils",
            "a total adds numbers: 'name' is not a number column",
        ),
    ],
)
def test_compiling_checks_row_relations_against_the_kinds_and_types(table, path, message):
    from evalrules.errors import RubricError

    with pytest.raises(RubricError) as info:
        _with(**table)
    found = [(p.path, p.message) for p in info.value.problems]
    assert any(p == path and m.startswith(message) for p, m in found), found


# -------------------------------------------------------------------------- text cells


def test_a_blank_name_a_blank_code_and_control_characters_are_problems():
    doc = facts()
    doc["schools"][0]["name"] = ""
    doc["schools"][1]["code"] = "   "
    doc["schools"][2]["name"] = "九年一贯制\x07学校"
    doc["schools"][4]["category"] = "teaching_point"
    doc["schools"][5]["code"] = "S05\n"
    found = refusal(doc)
    assert [(p, c) for p, c, _, _ in found] == [
        ("schools[0].name", "empty"),
        ("schools[1].code", "empty"),
        ("schools[2].name", "control-character"),
        ("schools[5].code", "control-character"),
    ]
    messages = {p: (zh, en) for p, _, zh, en in found}
    # a row without a usable name is named by its place
    assert messages["schools[0].name"] == (
        "schools[0]:“学校名称”不能为空或只有空格",
        "schools[0]: “School name” cannot be empty or only spaces",
    )
    assert messages["schools[1].code"][0] == "第二小学:“学校代码”不能为空或只有空格"
    assert messages["schools[2].name"] == (
        "schools[2]:“学校名称”含有控制字符(U+0007),请删除",
        "schools[2]: “School name” holds a control character (U+0007); remove it",
    )
    assert messages["schools[5].code"][0] == "特殊教育学校:“学校代码”含有控制字符(U+000A),请删除"


def test_two_blank_codes_are_not_a_repeated_key():
    doc = facts()
    doc["schools"][0]["code"] = ""
    doc["schools"][1]["code"] = " "
    assert [(p, c) for p, c, _, _ in refusal(doc)] == [
        ("schools[0].code", "empty"),
        ("schools[1].code", "empty"),
    ]
