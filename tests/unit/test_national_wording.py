"""The words the national certification rubrics' cards and messages are written in: choice
values by their labels, stages by theirs, citations as official documents are cited."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs
import pytest

import evalrules
import evalrules_national
from evalrules._frozen import thaw
from evalrules._rubric._model import Source
from evalrules.errors import FactsError, RubricError

REPO = Path(__file__).resolve().parents[2]
BALANCE = REPO / "rubrics" / "national-balance" / "examples" / "jia-county.facts.yaml"
PRESCHOOL = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"


@pytest.fixture(scope="module")
def national() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


@pytest.fixture(scope="module")
def balance(national: evalrules.Engine) -> evalrules.CompiledRubric:
    return national.compile(national.load_rubric("national-balance/2017"))


@pytest.fixture(scope="module")
def preschool(national: evalrules.Engine) -> evalrules.CompiledRubric:
    return national.compile(national.load_rubric("national-preschool/2020"))


def _rule(compiled: Any, code: str) -> Any:
    return next(r for _, r in compiled.rubric.rules() if r.code == code)


def _problems(national: evalrules.Engine, compiled: Any, doc: dict[str, Any]) -> list[Any]:
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    return list(info.value.problems)


def test_an_article_follows_the_document_directly_anything_else_after_a_comma():
    doc = "《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号)"
    assert Source(document=doc, clause="第六条").cited() == f"{doc}第六条"
    assert Source(document=doc, clause="普及普惠水平").cited() == f"{doc}, 普及普惠水平"
    assert Source(document="盘政教督室文件", clause="第六条").cited() == "盘政教督室文件, 第六条"
    assert Source(document=doc).cited() == doc


def test_a_value_outside_a_choice_is_told_by_the_labels_with_the_codes(national, balance):
    doc = copy.deepcopy(thaw(national.load_facts(BALANCE).facts))
    doc["schools"][0]["category"] = "college"
    doc["schools"][1]["stage"] = "senior"
    found = {p.path: p for p in _problems(national, balance, doc)}
    category = found["schools[0].category"]
    assert "九年一贯制学校(nine_year)" in category.message_zh
    assert "nine-year school (nine_year)" in category.message_en
    stage = found["schools[1].stage"]
    assert "应为以下之一:小学(primary)、初中(junior)" in stage.message_zh


def test_a_where_on_a_choice_is_worded_by_its_label(balance, preschool):
    # the kind's own words (these rules carry a description, which would be shown instead)
    b1 = balance.describe(attrs.evolve(_rule(balance, "NB-B1-a"), description=None))
    assert "九年一贯制学校" in b1.zh
    assert "nine_year" not in b1.zh
    assert "nine-year school" in b1.en
    assert "nine_year" not in b1.en
    c1 = preschool.describe(attrs.evolve(_rule(preschool, "NP-C1-a"), description=None))
    assert "2016年前" in c1.zh
    assert "before_2016" not in c1.zh + c1.en


def test_labels_must_name_values_of_the_choice(national, tmp_path):
    text = (REPO / "rubrics" / "national-preschool" / "2020.yaml").read_text(encoding="utf-8")
    bad = text.replace("since_2016: {zh: 2016年起", "since_2017: {zh: 2016年起", 1)
    assert bad != text
    path = tmp_path / "2020.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        national.load_rubric(path)
    assert any("since_2017" in p.message for p in info.value.problems)


def test_a_rule_says_rows_are_left_out_only_where_the_exclusions_reach_its_column(balance):
    # The balance table leaves teaching points and special schools out of the seven
    # resource columns only: their teacher-training funds (C3) and size (B1) are held.
    c3 = balance.describe(_rule(balance, "NB-C3-a"))
    assert "不纳入计算" not in c3.zh
    assert "leaves out" not in c3.en
    # a rule on a resource column (left out of those schools) says so
    rule = _rule(balance, "NB-C3-a")
    on_resource = attrs.evolve(
        rule,
        description=None,
        params={**thaw(rule.params), "column": "equipment_per_pupil", "value": 2000},
    )
    words = balance.describe(on_resource)
    assert "(不纳入计算的学校除外)" in words.zh
    assert "(the schools the rubric leaves out aside)" in words.en
