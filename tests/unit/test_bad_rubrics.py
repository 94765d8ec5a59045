"""Bad rubric files: one test per problem, each reported with its location; all at once."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from _rubrics import (
    dump,
    engine,
    fact,
    item,
    minimal,
    problems,
    rule,
    write,
)

from evalrules.errors import RubricError

MAX_BYTES = 2 * 1024 * 1024


def _item(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["indicators"][0]["children"][0]


def _rule(doc: dict[str, Any]) -> dict[str, Any]:
    return _item(doc)["rules"][0]


def one(tmp_path, doc):
    """The single problem of ``doc``."""
    found = problems(tmp_path, doc)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------------- rule problems


def test_unknown_rule_kind(tmp_path):
    doc = minimal()
    _rule(doc)["kind"] = "thresold"
    p = one(tmp_path, doc)
    assert (p.code, p.indicator, p.rule) == ("unknown-kind", "1", "R-1")
    assert "'thresold'" in p.message
    assert "threshold" in p.message


def test_bad_parameters(tmp_path):
    doc = minimal()
    _rule(doc)["params"]["op"] = "=>"
    p = one(tmp_path, doc)
    assert (p.code, p.indicator, p.rule, p.path) == ("bad-params", "1", "R-1", "params.op")


@pytest.mark.parametrize("key", ["deduct", "points"])
def test_a_rule_cannot_take_more_than_its_item(tmp_path, key):
    doc = minimal()
    _rule(doc)["params"][key] = 11  # the item has 10
    p = one(tmp_path, doc)
    assert (p.path, p.code, p.indicator, p.rule) == (f"params.{key}", "bad-params", "1", "R-1")
    assert (
        p.message
        == "11 is more than the item's max 10; a rule cannot take more points than the item has"
    )


def test_a_per_incident_rate_may_exceed_its_item(tmp_path):
    # one incident may cost the whole item, and more
    doc = minimal()
    doc["facts"]["x.count"] = {"type": "count", "description": {"zh": "次数", "en": "count"}}
    _item(doc)["rules"] = [
        {**_rule(doc), "kind": "per_incident", "params": {"fact": "x.count", "deduct_each": 20}}
    ]
    engine().load_rubric(write(tmp_path, doc))  # loads without a problem


def test_rule_reads_a_fact_the_rubric_does_not_declare(tmp_path):
    doc = minimal()
    _rule(doc)["params"]["fact"] = "x.valeu"
    p = one(tmp_path, doc)
    assert (p.code, p.indicator, p.rule) == ("undeclared-fact", "1", "R-1")
    assert "x.valeu" in p.message


def test_rule_without_kind(tmp_path):
    doc = minimal()
    del _rule(doc)["kind"]
    p = one(tmp_path, doc)
    assert (p.path, p.code) == ("indicators[0].children[0].rules[0].kind", "missing")
    assert (p.indicator, p.rule) == ("1", "R-1")


# ---------------------------------------------------------------------------- tree shape


def test_parent_max_is_not_the_sum_of_its_children(tmp_path):
    doc = minimal()
    doc["indicators"][0]["max"] = 12
    doc["total"] = 12
    p = one(tmp_path, doc)
    assert (p.code, p.indicator, p.path) == ("max-not-sum", "A", "indicators[0].max")
    assert "12" in p.message
    assert "10" in p.message


def test_declared_total_does_not_match(tmp_path):
    doc = minimal()
    doc["total"] = 100
    p = one(tmp_path, doc)
    assert (p.code, p.path) == ("total-mismatch", "total")


def test_max_between_two_precision_steps(tmp_path):
    doc = minimal()
    _item(doc)["max"] = Decimal("9.95")
    doc["indicators"][0]["children"].append(
        item(
            "2",
            Decimal("0.05"),
            [rule("R-2", "threshold", {"fact": "x.value", "op": ">=", "value": 1})],
        )
    )
    found = problems(tmp_path, doc)
    # the location is the indicator (the problem has no path inside the document)
    assert [(p.path, p.code, p.indicator) for p in found] == [
        (None, "max-precision", "1"),
        (None, "max-precision", "2"),
    ]


def test_duplicate_indicator_code(tmp_path):
    doc = minimal()
    doc["indicators"][0]["children"].append(
        item("1", 0, [rule("R-2", "threshold", {"fact": "x.value", "op": ">=", "value": 1})])
    )
    p = one(tmp_path, doc)
    assert (p.code, p.indicator) == ("duplicate-code", "1")


def test_duplicate_rule_code(tmp_path):
    doc = minimal()
    _item(doc)["rules"].append(
        rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 1, "deduct": 1})
    )
    p = one(tmp_path, doc)
    assert (p.code, p.indicator, p.rule) == ("duplicate-code", "1", "R-1")


def test_a_rule_alias_may_not_reuse_another_rules_code(tmp_path):
    doc = minimal()
    _item(doc)["rules"].append(
        rule(
            "R-2",
            "threshold",
            {"fact": "x.value", "op": ">=", "value": 1, "deduct": 1},
            aliases=["R-1"],
        )
    )
    p = one(tmp_path, doc)
    assert (p.code, p.rule) == ("duplicate-code", "R-2")


def test_indicator_with_both_children_and_rules(tmp_path):
    doc = minimal()
    doc["indicators"][0]["rules"] = copy.deepcopy(_item(doc)["rules"])
    doc["indicators"][0]["rules"][0]["code"] = "R-9"
    p = one(tmp_path, doc)
    assert (p.path, p.code, p.indicator) == ("indicators[0]", "children-and-rules", "A")


def test_item_without_rules(tmp_path):
    doc = minimal()
    _item(doc)["rules"] = []
    p = one(tmp_path, doc)
    assert (p.path, p.code, p.indicator) == ("indicators[0].children[0]", "no-rules", "1")


# ------------------------------------------------------------------------ document level


def test_malformed_yaml(tmp_path):
    text = dump(minimal()).replace("title:\n", "title: [\n", 1)
    path = write(tmp_path, text)
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    (p,) = info.value.problems
    # the bracket opened on line 7 is never closed: the parser names where it opened
    assert (p.path, p.code) == ("line 7", "unreadable")
    assert p.file == str(path)
    assert "invalid YAML" in p.message


def test_duplicate_yaml_keys(tmp_path):
    text = dump(minimal()) + "year: 2025\n"
    path = write(tmp_path, text)
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    (p,) = info.value.problems
    assert (p.path, p.code) == (f"line {text.count(chr(10))}", "duplicate-key")
    assert "duplicate key 'year'" in p.message


def test_too_deep_nesting(tmp_path):
    doc = minimal()
    deep: Any = "bottom"
    for _ in range(70):
        deep = {"n": deep}
    doc["note"] = deep
    path = write(tmp_path, doc)
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    (p,) = info.value.problems
    assert (p.code, p.file) == ("unreadable", str(path))
    assert "deeper than 64" in p.message


def test_too_large_file(tmp_path):
    text = dump(minimal()) + "# " + "x" * MAX_BYTES + "\n"
    path = write(tmp_path, text)
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    (p,) = info.value.problems
    assert (p.code, p.file) == ("unreadable", str(path))
    assert "2 MiB" in p.message


def test_not_a_mapping(tmp_path):
    found = problems(tmp_path, ["a", "list"])
    assert [(p.path, p.code) for p in found] == [(None, "wrong-type")]


def test_missing_file(tmp_path):
    with pytest.raises(RubricError) as info:
        engine().load_rubric(tmp_path / "absent.yaml")
    assert "no such file" in str(info.value)


# ------------------------------------------------------------- wrong types, missing keys


@pytest.mark.parametrize(
    ("mutate", "code", "path"),
    [
        (lambda d: d.update(year="2024"), "bad-year", "year"),
        (lambda d: d.update(year=True), "bad-year", "year"),
        (lambda d: d.update(precision="fine"), "wrong-type", "precision"),
        (lambda d: d.update(precision=0), "out-of-range", "precision"),
        (lambda d: d.update(precision="1E-30"), "precision-digits", "precision"),
        (lambda d: d.update(rounding="ROUND_NICELY"), "bad-rounding", "rounding"),
        (lambda d: d.update(not_applicable="half"), "bad-policy", "not_applicable"),
        (lambda d: d.update(indicators={"A": 1}), "missing", "indicators"),
        (lambda d: d.update(facts=["x.value"]), "wrong-type", "facts"),
        (lambda d: d.update(grades="A"), "wrong-type", "grades"),
        (lambda d: d.update(bonus_cap="lots"), "wrong-type", "bonus_cap"),
        (lambda d: d["indicators"][0].update(max="ten"), "wrong-type", "indicators[0].max"),
        (lambda d: d["indicators"][0].update(max=-1), "out-of-range", "indicators[0].max"),
        (lambda d: d["indicators"][0].update(code=1.5), "bad-code", "indicators[0].code"),
        (lambda d: d["indicators"][0].update(children="1"), "wrong-type", "indicators[0].children"),
        (
            lambda d: _item(d).update(methods="查阅资料"),
            "wrong-type",
            "indicators[0].children[0].methods",
        ),
        (
            lambda d: _rule(d).update(params=[1]),
            "wrong-type",
            "indicators[0].children[0].rules[0].params",
        ),
        (
            lambda d: _rule(d).update(name=5),
            "wrong-type",
            "indicators[0].children[0].rules[0].name",
        ),
        (
            lambda d: _rule(d).update(aliases="R-0"),
            "wrong-type",
            "indicators[0].children[0].rules[0].aliases",
        ),
        (
            lambda d: _rule(d).update(monotonic="helps"),
            "wrong-type",
            "indicators[0].children[0].rules[0].monotonic",
        ),
        (
            lambda d: _rule(d).update(source={"inferred": "yes", "why": "x"}),
            "wrong-type",
            "indicators[0].children[0].rules[0].source.inferred",
        ),
        (
            lambda d: d["facts"]["x.value"].update(required="yes"),
            "wrong-type",
            "facts.x.value.required",
        ),
        (
            lambda d: d["facts"]["x.value"].update(plausible_max="big"),
            "wrong-type",
            "facts.x.value.plausible_max",
        ),
        (lambda d: d["grades"][0].update(min="ninety"), "wrong-type", "grades[0].min"),
    ],
)
def test_wrong_types(tmp_path, mutate, code, path):
    doc = minimal()
    mutate(doc)
    found = problems(tmp_path, doc)
    assert [(p.code, p.path) for p in found] == [(code, path)]


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [
        (lambda d: d.pop("title"), "title", "missing"),
        (lambda d: d.pop("version"), "version", "missing"),
        (lambda d: d.pop("evalrules"), "evalrules", "bad-format"),
        (lambda d: d.pop("family"), "family", "bad-family"),
        (lambda d: d.pop("year"), "year", "bad-year"),
        (lambda d: d.pop("indicators"), "indicators", "missing"),
        (lambda d: d["indicators"][0]["title"].pop("zh"), "indicators[0].title.zh", "missing"),
        (lambda d: _item(d).pop("max"), "indicators[0].children[0].max", "missing"),
        (
            lambda d: _rule(d).pop("source"),
            "indicators[0].children[0].rules[0].source",
            "no-source",
        ),
        (lambda d: _rule(d).pop("code"), "indicators[0].children[0].rules[0].code", "bad-code"),
        (lambda d: d["facts"]["x.value"].pop("type"), "facts.x.value.type", "missing"),
        (
            lambda d: d["facts"]["x.value"].pop("description"),
            "facts.x.value.description",
            "missing",
        ),
        (lambda d: d["grades"][0].pop("code"), "grades[0].code", "missing"),
    ],
)
def test_missing_fields(tmp_path, mutate, path, code):
    doc = minimal()
    mutate(doc)
    found = problems(tmp_path, doc)
    # the omission is reported once, not again through its consequences (a fact without a
    # type is not also a fact the rule reads without declaring it)
    assert [(p.path, p.code) for p in found] == [(path, code)]


@pytest.mark.parametrize(
    ("mutate", "path", "suggestion"),
    [
        (lambda d: d.update(titel="x"), "titel", "title"),
        (lambda d: d.update(precison="0.1"), "precison", "precision"),
        (lambda d: d["indicators"][0].update(chidren=[]), "indicators[0].chidren", "children"),
        (lambda d: _item(d).update(rulez=[]), "indicators[0].children[0].rulez", "rules"),
        (lambda d: _rule(d).update(parms={}), "indicators[0].children[0].rules[0].parms", "params"),
        (lambda d: d["facts"]["x.value"].update(unti="%"), "facts.x.value.unti", "unit"),
        (lambda d: d["grades"][0].update(minimum=90), "grades[0].minimum", "min"),
        (lambda d: d["title"].update(fr="x"), "title.fr", None),
    ],
)
def test_unknown_keys_with_did_you_mean(tmp_path, mutate, path, suggestion):
    doc = minimal()
    mutate(doc)
    (p,) = problems(tmp_path, doc)
    assert (p.code, p.path) == ("unknown-key", path)
    if suggestion:
        assert f"did you mean {suggestion!r}?" in p.message


def test_the_old_name_of_the_family_points_to_the_new_one(tmp_path):
    doc = minimal()
    doc["id"] = doc.pop("family")
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("bad-family", "family"),
        ("unknown-key", "id"),
    ]
    (unknown,) = (p for p in found if p.code == "unknown-key")
    assert "did you mean 'family'?" in unknown.message


def test_unknown_key_far_from_every_known_one_has_no_suggestion(tmp_path):
    doc = minimal()
    doc["zzzzzzzzzz"] = 1
    (p,) = problems(tmp_path, doc)
    assert "did you mean" not in p.message


def test_fact_declaration_problems(tmp_path):
    doc = minimal()
    doc["facts"]["Bad Path"] = fact("count")
    doc["facts"]["x.series"] = {"type": "series", "description": {"zh": "序列"}}
    doc["facts"]["x.flag"] = fact("count", required_if="x.value")
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("bad-path", "facts.Bad Path"),
        ("missing", "facts.x.series.items"),
        ("wrong-type", "facts.x.flag.required_if"),
    ]


def test_fact_that_is_also_a_group(tmp_path):
    doc = minimal()
    doc["facts"]["x"] = fact("count")
    (p,) = problems(tmp_path, doc)
    assert (p.path, p.code) == ("facts.x", "path-conflict")


def test_derived_fact_problems(tmp_path):
    doc = minimal()
    doc["derived"] = {
        "derived.a": {"formula": "median", "inputs": ["x.value"], "description": {"zh": "甲"}},
        "derived.b": {"formula": "ratio", "inputs": ["x.value"], "description": {"zh": "乙"}},
        "derived.c": {
            "formula": "sum",
            "inputs": ["x.value", "y.value"],
            "description": {"zh": "丙"},
        },
        "x.value": {
            "formula": "sum",
            "inputs": ["x.value", "x.value"],
            "description": {"zh": "丁"},
        },
    }
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("bad-arity", "derived.derived.b.inputs"),
        ("duplicate-fact", "derived.x.value"),
        ("unknown-fact", "derived.derived.c.inputs[1]"),
        ("unknown-formula", "derived.derived.a.formula"),
    ]


def test_grade_problems(tmp_path):
    doc = minimal()
    doc["grades"] = [
        {"code": "good", "label": {"zh": "良好"}, "min": 8},
        {"code": "excellent", "label": {"zh": "优秀"}, "min": 9},
        {"code": "good", "label": {"zh": "合格"}, "min": 6},
    ]
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("duplicate-code", "grades"),
        ("grade-gap", "grades[2].min"),
        ("grade-order", "grades[1].min"),
    ]


def test_a_grade_above_the_most_a_total_can_be_is_refused(tmp_path):
    doc = minimal()  # 10 points, no bonus
    doc["grades"][0]["min"] = 1000
    found = problems(tmp_path, doc)
    assert [(p.code, p.path) for p in found] == [("grade-unreachable", "grades[0].min")]
    assert "needs at least 1000" in found[0].message
    assert "can be is 10 (10 base)" in found[0].message


def test_bonus_points_make_a_higher_grade_reachable(tmp_path):
    bonus = item("B1", 2, [rule("B-1", "bonus", {"when": {"fact": "x.flag"}, "points": 2})])
    doc = minimal()
    doc["facts"]["x.flag"] = fact("boolean")
    doc["bonus"] = [bonus]
    doc["grades"][0]["min"] = 12  # 10 base + 2 bonus: reachable
    assert engine().load_rubric(write(tmp_path, doc)).grades[0].lower == 12
    doc["bonus_cap"] = 1  # now at most 11
    found = problems(tmp_path, doc)
    assert [(p.code, p.path) for p in found] == [("grade-unreachable", "grades[0].min")]


def test_cross_check_problems(tmp_path):
    doc = minimal()
    doc["facts"]["x.count"] = fact("count")
    doc["cross_checks"] = [{"kind": "part_of", "facts": ["x.count", "y.whole"]}, "part_of"]
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("unknown-fact", "cross_checks[0].facts[1]"),
        ("wrong-type", "cross_checks[1]"),
    ]


def test_cross_check_kinds_and_arity(tmp_path):
    doc = minimal()
    doc["facts"]["x.count"] = fact("count")
    doc["cross_checks"] = [
        {"kind": "part_of", "facts": ["x.count"]},
        {"kind": "bigger_than", "facts": ["x.count", "x.value"]},
    ]
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("unknown-cross-check", "cross_checks[0]"),
        ("unknown-cross-check", "cross_checks[1]"),
    ]
    assert "takes 2 facts, got 1" in found[0].message
    assert "'bigger_than'" in found[1].message


def test_unknown_fact_type(tmp_path):
    doc = minimal()
    doc["facts"]["x.value"]["type"] = "percnt"
    p = one(tmp_path, doc)
    assert (p.code, p.path) == ("unknown-fact-type", "facts.x.value.type")
    assert "percent" in p.message


# -------------------------------------------------------------------- everything at once


def test_five_mistakes_fail_once_listing_five_problems(tmp_path):
    doc = minimal()
    doc["titel"] = "typo"  # 1 unknown key
    doc["year"] = "2024"  # 2 wrong type
    doc["indicators"][0]["max"] = 11  # 3 parent max is not the sum
    doc["total"] = 11
    _item(doc)["rules"].append(
        rule("R-1", "threshold", {"fact": "x.value", "op": ">=", "value": 1, "deduct": 1})
    )  # 4 duplicate rule code
    del doc["facts"]["x.value"]["description"]  # 5 missing field
    path = write(tmp_path, doc)
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    found = info.value.problems
    assert sorted((p.code, p.path, p.indicator, p.rule) for p in found) == [
        ("bad-year", "year", None, None),
        ("duplicate-code", None, "1", "R-1"),
        ("max-not-sum", "indicators[0].max", "A", None),
        ("missing", "facts.x.value.description", None, None),
        ("unknown-key", "titel", None, None),
    ]
    text = str(info.value)
    assert "has 5 problems" in text
    assert text.count(str(path)) == 6  # the heading and every problem name the file


def test_five_mistakes_found_by_the_loader_and_by_the_rule_kinds_fail_once(tmp_path):
    doc = minimal()
    doc["titel"] = "typo"  # 1 unknown key (loader)
    doc["indicators"][0]["max"] = 11  # 2 parent max is not the sum (loader)
    doc["total"] = 11
    _rule(doc)["kind"] = "thresold"  # 3 unknown rule kind (rule kinds)
    doc["indicators"][0]["children"].append(
        item(
            "2",
            0,
            [
                rule("R-2", "threshold", {"fact": "x.value", "op": "=>", "value": 1}),  # 4 params
                rule("R-3", "threshold", {"fact": "y.value", "op": ">=", "value": 1}),  # 5 fact
            ],
        )
    )
    with pytest.raises(RubricError) as info:
        engine().load_rubric(write(tmp_path, doc))
    assert sorted((p.code, p.path, p.indicator, p.rule) for p in info.value.problems) == [
        ("bad-params", "params.op", "2", "R-2"),
        ("max-not-sum", "indicators[0].max", "A", None),
        ("undeclared-fact", None, "2", "R-3"),
        ("unknown-key", "titel", None, None),
        ("unknown-kind", None, "1", "R-1"),
    ]


def test_errors_subclass_value_error(tmp_path):
    doc = minimal()
    doc["total"] = 1
    with pytest.raises(ValueError, match="total-mismatch"):
        engine().load_rubric(write(tmp_path, doc))


# ------------------------------------------------------------------------------ extends


def _base(tmp_path):
    doc = minimal()
    doc["indicators"][0]["children"].append(
        item("2", 5, [rule("R-2", "threshold", {"fact": "x.value", "op": ">=", "value": 10})])
    )
    doc["indicators"][0]["max"] = 15
    doc["total"] = 15
    return write(tmp_path, doc, "base.yaml")


def _child(**extra: Any) -> dict[str, Any]:
    return {
        "evalrules": "rubric/1",
        "extends": "base.yaml",
        "year": 2025,
        "version": "2.0.0",
        **extra,
    }


def test_extends_unknown_codes(tmp_path):
    _base(tmp_path)
    doc = _child(replace={"9": item("9", 1, [])}, remove=["8"], add={"7": []})
    found = problems(tmp_path, doc)
    assert sorted((p.code, p.path) for p in found) == [
        ("unknown-code", "add.7"),
        ("unknown-code", "remove[0]"),
        ("unknown-code", "replace.9"),
    ]
    assert all("the base rubric does not have" in p.message for p in found)


def test_extends_wrong_types(tmp_path):
    _base(tmp_path)
    found = problems(tmp_path, _child(replace=[1], remove="1", add=3))
    assert sorted((p.code, p.path) for p in found) == [
        ("wrong-type", "add"),
        ("wrong-type", "remove"),
        ("wrong-type", "replace"),
    ]


def test_extends_cycle(tmp_path):
    write(tmp_path, _child(extends="b.yaml"), "a.yaml")
    write(tmp_path, _child(extends="a.yaml"), "b.yaml")
    with pytest.raises(RubricError) as info:
        engine().load_rubric(tmp_path / "a.yaml")
    (p,) = info.value.problems
    assert (p.path, p.code) == ("extends", "extends-cycle")
    assert "a.yaml" in p.message
    assert "b.yaml" in p.message


def test_extends_itself(tmp_path):
    path = write(tmp_path, _child(extends="self.yaml"), "self.yaml")
    with pytest.raises(RubricError) as info:
        engine().load_rubric(path)
    assert [(p.path, p.code) for p in info.value.problems] == [("extends", "extends-cycle")]


def test_extends_a_rubric_that_is_not_installed(tmp_path):
    with pytest.raises(RubricError) as info:
        engine().load_rubric(write(tmp_path, _child(extends="nowhere/2020")))
    (p,) = info.value.problems
    assert (p.path, p.code) == ("extends", "extends-not-found")
    assert "nowhere/2020" in p.message


def test_extends_removing_without_adding_breaks_the_sum(tmp_path):
    _base(tmp_path)
    found = problems(tmp_path, _child(remove=["2"], total=15))
    assert [(p.code, p.path, p.indicator) for p in found] == [
        ("max-not-sum", "indicators[0].max", "A")
    ]


@pytest.mark.parametrize(
    ("message", "path", "text"),
    [
        ("params.bands: gap between bands", "params.bands", "gap between bands"),
        (
            "params.elements.1.fact: e.rate is a percent",
            "params.elements.1.fact",
            "e.rate is a percent",
        ),
        ("params: x is a boolean", "params", "x is a boolean"),
        ("bands overlap: low and high", "params", "bands overlap: low and high"),
    ],
)
def test_a_kind_check_message_is_filed_at_the_path_it_starts_with(message, path, text):
    from evalrules._compiler._check import located

    assert located(message) == (path, text)


def test_points_too_large_for_their_precision_are_refused_with_the_rest(tmp_path):
    doc = minimal()
    doc["indicators"][0]["max"] = "1E+30"
    found = [(p.code, p.path) for p in problems(tmp_path, doc)]
    assert ("precision-digits", "precision") in found
    assert len(found) > 1  # and the tree's other problems, at once
