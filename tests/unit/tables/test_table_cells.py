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
