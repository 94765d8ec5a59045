"""Table facts over a small constructed rubric (tests/unit/tables/rubric.yaml): validation
naming each row, exclusions, row-derived values, every builtin aggregation, the row rule
kinds and their outcomes, the breakdown in evidence and renderers, pickling, determinism.

Every school below is constructed for the tests; none is real data."""

from __future__ import annotations

import copy
import json
import math
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

import evalrules
from evalrules._frozen import thaw
from evalrules._points import context
from evalrules.errors import FactsError, RubricError

HERE = Path(__file__).parent
ENGINE = evalrules.Engine(autoload=False)
RUBRIC = ENGINE.load_rubric(HERE / "rubric.yaml")
COMPILED = ENGINE.compile(RUBRIC)
DOC = ENGINE.load_facts(HERE / "facts.yaml")


def facts() -> dict[str, Any]:
    """A fresh, changeable copy of the constructed example's facts."""
    return copy.deepcopy(thaw(DOC.facts))


def problems(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(FactsError) as info:
        COMPILED.evaluate(doc)
    return [(p.path, p.code, p.message_zh) for p in info.value.problems]


def derived(doc: dict[str, Any], path: str) -> evalrules.DerivedValue:
    from evalrules._facts._derived import compute_derived

    flat = COMPILED.validate(doc)
    values, found = compute_derived(RUBRIC.derived, flat, 2023, COMPILED._validator.aggregations)
    assert found == []
    return values[path]


# ------------------------------------------------------------------------- validation


def test_every_problem_of_every_row_at_once_each_naming_the_row():
    doc = facts()
    rows = doc["schools"]
    rows[0]["pupils"] = "100人"
    rows[1]["colour"] = "red"
    rows[2]["equipment_value"] = Decimal("NaN")
    rows[3]["stage"] = "senior"
    del rows[4]["pupils"]
    rows[5]["category"] = "vocational"
    found = problems(doc)
    assert [(path, code) for path, code, _ in found] == [
        ("schools[0].pupils", "wrong-type"),
        ("schools[1].colour", "unknown"),
        ("schools[2].equipment_value", "not-finite"),
        ("schools[3].stage", "not-allowed"),
        ("schools[4].pupils", "missing"),
        ("schools[5].category", "not-allowed"),
    ]
    names = [
        "第一小学",
        "第二小学",
        "九年一贯制学校",
        "九年一贯制学校",
        "山口教学点",
        "特殊教育学校",
    ]
    for (_, _, message), name in zip(found, names, strict=True):
        assert message.startswith(f"{name}:")


def test_a_key_twice_in_one_stage_is_a_problem_but_once_per_stage_is_not():
    doc = facts()
    # S03 appears twice already, once per stage (a 九年一贯制 school): that is valid
    COMPILED.validate(doc)
    doc["schools"].append(dict(doc["schools"][1], name="第二小学(重复)"))
    ((path, code, message),) = problems(doc)
    assert (path, code) == ("schools[6].code", "duplicate-key")
    assert message.startswith("第二小学(重复):")
    # the other row is named by its path, counted from 0 like the problem's own path
    # (schools[6]), with its label: no 1-based "第2行" next to a 0-based index
    first = doc["schools"][1]["name"]
    # the key and the stage in words: the column's description, the stage's label
    code, stage = doc["schools"][1]["code"], doc["schools"][1]["stage"]
    assert stage == "primary"
    assert f"学校代码{code}与schools[1]({first})重复(同为小学学段)" in message
    assert "行" not in message.partition(":")[2]


def test_a_document_beyond_max_rows_is_refused():
    rubric = copy.deepcopy(thaw(_raw()))
    rubric["facts"]["schools"]["max_rows"] = 3
    compiled = ENGINE.compile(_build(rubric))
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts())
    assert [(p.path, p.code) for p in info.value.problems] == [("schools", "too-many-rows")]


def test_a_divisor_of_zero_names_the_row_unless_the_row_is_excluded():
    doc = facts()
    doc["schools"][4]["pupils"] = 0  # the teaching point: excluded, nothing to say
    COMPILED.validate(doc)
    doc["schools"][1]["pupils"] = 0
    found = problems(doc)
    assert {(p, c) for p, c, _ in found} == {("schools[1].pupils", "division-by-zero")}
    # both values named by their descriptions, not their identifiers, in both languages
    assert found[0][2] in (
        "第二小学:“每百名学生拥有高于规定学历教师数”无法计算:除数“在校生数”为0",
        "第二小学:“生均教学仪器设备值”无法计算:除数“在校生数”为0",
    )
    with pytest.raises(FactsError) as info:
        COMPILED.evaluate(doc)
    english = [p.message_en for p in info.value.problems]
    assert (
        "第二小学: cannot compute 'Teaching equipment per pupil': the divisor 'Pupils' is 0"
        in english
    )
    assert not any("pupils is 0" in m or "qualified_per_100" in m for m in english)


def test_the_fast_check_and_cerberus_accept_the_same_table():
    validator = COMPILED._validator
    doc = facts()
    assert validator._fast_strict is not None
    assert validator._fast_strict(doc)
    bad = facts()
    bad["schools"][0]["pupils"] = -1
    assert not validator._fast_strict(bad)
    assert not validator._validator(partial=False).validate(bad, normalize=False)


# ------------------------------------------------------------- exclusions and rows


def test_exclusions_leave_rows_out_and_say_why():
    table = COMPILED.validate(facts())["schools"]
    excluded = {r.label: r.excluded for r in table.rows if r.excluded is not None}
    assert set(excluded) == {"山口教学点", "特殊教育学校"}
    assert excluded["山口教学点"].zh == "在校生不足50人的教学点不纳入计算"
    assert [r.label for r in table.counted("primary")] == ["第一小学", "第二小学", "九年一贯制学校"]


def test_a_teaching_point_of_50_pupils_is_counted():
    doc = facts()
    doc["schools"][4]["pupils"] = 50
    table = COMPILED.validate(doc)["schools"]
    assert "山口教学点" in [r.label for r in table.counted("primary")]


def test_row_derived_values_are_exact():
    table = COMPILED.validate(facts())["schools"]
    junior = next(r for r in table.rows if r.stage == "junior")
    # 8 teachers for 150 pupils: 5.333… per 100; 400000 元 for 150 pupils: 2666.66… each
    c = context()
    assert junior.values["qualified_per_100"] == c.multiply(c.divide(8, 150), 100)
    assert junior.values["equipment_per_pupil"] == c.divide(400000, 150)


# ----------------------------------------------------------------------- aggregations


def test_sum_count_share_mean_min_max_over_the_counted_primary_rows():
    doc = facts()
    assert derived(doc, "derived.primary.pupils").value == 400
    assert derived(doc, "derived.primary.schools").value == 3
    # 2500, 1800 and 2200 元 per pupil: two of three meet 2000
    share = derived(doc, "derived.primary.share_equipped")
    assert share.value == context().multiply(context().divide(2, 3), 100)
    assert dict(share.breakdown) == {"matched": 2, "n": 3}
    mean = derived(doc, "derived.primary.mean_equipment")
    assert mean.value == Decimal(250000 + 180000 + 440000) / 400
    assert derived(doc, "derived.primary.min_equipment").value == 1800
    assert dict(derived(doc, "derived.primary.min_equipment").breakdown)["row"] == "第二小学"
    assert derived(doc, "derived.primary.max_equipment").value == 2500


def _float_cv(values: list[float], weights: list[float]) -> tuple[float, float, float]:
    """教督〔2017〕6号, recomputed here by hand in floats."""
    total = sum(weights)
    mean = sum(p * x for p, x in zip(weights, values, strict=True)) / total
    sd = math.sqrt(sum(p / total * (x - mean) ** 2 for p, x in zip(weights, values, strict=True)))
    return mean, sd, sd / mean


def test_the_cv_agrees_with_a_float_recomputation_within_a_millionth():
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 7
    cv = derived(doc, "derived.primary.cv.qualified_per_100")
    # counted primary rows: 2, 7 and 3 teachers per 100, for 100, 100 and 200 pupils
    mean, sd, coefficient = _float_cv([2.0, 7.0, 3.0], [100.0, 100.0, 200.0])
    parts = dict(cv.breakdown)
    assert abs(float(parts["mean"]) - mean) < 1e-6
    assert abs(float(parts["sd"]) - sd) < 1e-6
    assert abs(float(cv.value) - coefficient) < 1e-6
    assert (parts["n"], parts["weight_total"]) == (3, 400)


def test_the_cv_of_a_hand_chosen_table_is_exact():
    doc = facts()
    doc["schools"] = [
        {**doc["schools"][0], "qualified_teachers": 2},
        {**doc["schools"][1], "qualified_teachers": 4},
    ]
    cv = derived(doc, "derived.primary.cv.qualified_per_100")
    # X̄ = (100·2 + 100·4) / 200 = 3; S = √(½·1 + ½·1) = 1; CV = 1/3, to six places
    assert dict(cv.breakdown)["mean"] == Decimal("3.000000")
    assert dict(cv.breakdown)["sd"] == Decimal("1.000000")
    assert cv.value == Decimal("0.333333")


def test_a_plugin_aggregation_is_registered_and_used():
    class Plugin:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_aggregations():
            return [
                evalrules.aggregation(
                    "spread", description=evalrules.Text("极差", "range"), compute=_spread
                )
            ]

    engine = evalrules.Engine(plugins=[Plugin()], autoload=False)
    raw = thaw(_raw())
    raw["derived"]["derived.primary.spread"] = {
        "aggregate": "spread",
        "table": "schools",
        "column": "equipment_per_pupil",
        "stage": "primary",
        "description": {"zh": "极差", "en": "range"},
    }
    compiled = engine.compile(_build(raw, engine))
    back = pickle.loads(pickle.dumps(compiled))
    for each in (compiled, back):
        flat = each.validate(facts())
        from evalrules._facts._derived import compute_derived

        values, _ = compute_derived(each.rubric.derived, flat, 2023, each._validator.aggregations)
        assert values["derived.primary.spread"].value == 700


def _spread(rows: evalrules.AggregateRows) -> evalrules.AggregateResult:
    return evalrules.AggregateResult(
        max(rows.values) - min(rows.values), (("n", len(rows.values)),)
    )


# ---------------------------------------------------------------------------- the kinds


def _finding(card: evalrules.Scorecard, rule: str) -> list[evalrules.Finding]:
    return [f for f in card.findings if f.rule == rule]


def test_each_row_names_each_failing_school():
    doc = facts()
    card = COMPILED.evaluate(doc)
    (found,) = _finding(card, "T-A2")
    assert found.message.zh == "第二小学生均教学仪器设备值1800元,低于2000元的标准,扣2分。"
    assert found.outcome == "partial"
    assert found.points == -2
    # a row-derived value is derived evidence, computed from the row's cells
    assert found.evidence.facts == ()
    (dv,) = found.evidence.derived
    assert (dv.path, dv.value, dv.formula) == (
        "schools[1].equipment_per_pupil",
        Decimal(1800),
        "per_capita",
    )
    assert dv.inputs == (("schools[1].equipment_value", 180000), ("schools[1].pupils", 100))
    assert found.evidence.row == (
        ("table", "schools"),
        ("index", 1),
        ("key", "S02"),
        ("name", "第二小学"),
        ("stage", "primary"),
    )
    data = json.loads(card.to_json())
    mine = next(f for f in data["findings"] if f["rule"] == "T-A2")
    assert mine["evidence"]["row"] == {
        "table": "schools",
        "index": 1,
        "key": "S02",
        "name": "第二小学",
        "stage": "primary",
    }
    assert mine["evidence"]["derived"]["schools[1].equipment_per_pupil"]["inputs"] == {
        "schools[1].equipment_value": 180000,
        "schools[1].pupils": 100,
    }
    assert evalrules.Scorecard.from_json(card.to_json()) == card
    assert pickle.loads(pickle.dumps(card)) == card
    table = ENGINE.render(card, "table", lang="zh", rubric=RUBRIC, width=200)
    assert (
        "计算数据:第二小学(S02,小学) 生均教学仪器设备值 = 教学仪器设备值 180000元 ÷ "
        "在校生数 100人 = 1800元"
    ) in table
    assert "schools[1]" not in table  # the JSON names the cells; a card names the school
    doc["schools"][0]["equipment_value"] = 150000
    doc["schools"][3]["equipment_value"] = 300000  # junior: 2000 < 2500
    card = COMPILED.evaluate(doc)
    assert [f.params["school"]["zh"] for f in _finding(card, "T-A2")] == [
        "第一小学",
        "第二小学",
        "九年一贯制学校(初中学段)",  # a school with a row in each stage: which stage
    ]
    assert card.node("A2").score == 4


def test_a_school_of_one_stage_is_named_without_it_and_a_row_in_two_with_it():
    doc = facts()
    doc["schools"][0]["equipment_value"] = 150000  # 第一小学: one row, no stage named
    doc["schools"][2]["equipment_value"] = 200000  # the nine-year school's primary row
    card = COMPILED.evaluate(doc)
    names = [(f.params["school"]["zh"], f.params["school"]["en"]) for f in _finding(card, "T-A2")]
    assert names == [
        ("第一小学", "第一小学"),
        ("第二小学", "第二小学"),
        ("九年一贯制学校(小学学段)", "九年一贯制学校 (primary stage)"),
    ]
    # once the junior row is gone, the school has one stage and is named as any other
    del doc["schools"][3]
    card = COMPILED.evaluate(doc)
    assert [f.params["school"]["zh"] for f in _finding(card, "T-A2")][-1] == "九年一贯制学校"


def test_each_row_is_met_when_every_counted_school_is():
    doc = facts()
    doc["schools"][1]["equipment_value"] = 200000
    doc["schools"][4]["equipment_value"] = 0  # excluded: not held to it
    card = COMPILED.evaluate(doc)
    assert _finding(card, "T-A2") == []
    assert card.node("A2").score == 10


def test_k_of_n_too_few_and_too_far():
    doc = facts()
    assert _finding(COMPILED.evaluate(doc), "T-A3") == []
    doc["schools"][1]["qualified_teachers"] = 1  # 1 per 100 < 2, and 1800 < 2000
    (found,) = _finding(COMPILED.evaluate(doc), "T-A3")
    # none of the two met: said so, not "仅0项"
    assert found.message_id == "k_of_n.none_met"
    assert found.message.zh.startswith(
        "第二小学2项指标均未达到标准,未达到“至少1项达标”的要求;未达标:"
    )
    assert found.message.en.startswith("第二小学: none of the 2 standards met")
    doc = facts()
    doc["schools"][1]["equipment_value"] = 160000  # 1600 is 80% of 2000: below 85%
    (found,) = _finding(COMPILED.evaluate(doc), "T-A3")
    assert found.message_id == "k_of_n.too_far"
    assert "为标准的80%" in found.message.zh
    assert "2项指标中1项达到标准,但未达标的1项低于标准的85%" in found.message.zh


def test_the_kinds_outcomes_are_declared_and_reachable():
    outcomes = COMPILED.outcomes()
    assert set(outcomes["T-A2"]) == {"met", "partial", "missed"}
    assert set(outcomes["T-A3"]) == {"met", "missed"}


def test_a_rule_over_rows_is_checked_against_the_table():
    raw = thaw(_raw())
    params = raw["indicators"][0]["children"][1]["rules"][0]["params"]
    params["column"] = "colour"
    params["values_by_stage"]["senior"] = 3000
    raw["derived"]["derived.primary.cv.qualified_per_100"]["aggregate"] = "variance"
    raw["derived"]["derived.primary.pupils"]["stage"] = "senior"
    raw["facts"]["schools"]["exclude"][1]["when"] = {"column": "kind", "op": "in", "value": []}
    with pytest.raises(RubricError) as info:
        _build(raw)
    codes = sorted((p.code, p.path or "") for p in info.value.problems)
    assert codes == [
        ("bad-condition", "facts.schools.exclude[1].when"),
        ("bad-params", "params.column"),
        ("bad-params", "params.values_by_stage"),
        ("unknown-aggregation", "derived.derived.primary.cv.qualified_per_100.aggregate"),
        ("unknown-stage", "derived.derived.primary.pupils.stage"),
    ]


# ----------------------------------------------------- evidence, renderers, values


def test_the_cv_breakdown_shows_in_every_renderer_and_the_json():
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 40
    card = COMPILED.evaluate(doc)
    (found,) = _finding(card, "T-A1")
    (dv,) = found.evidence.derived
    assert [name for name, _ in dv.breakdown] == ["mean", "sd", "cv", "n", "weight_total"]
    for fmt in ("table", "markdown", "html"):
        text = "".join(ENGINE.render(card, fmt, rubric=RUBRIC).split())
        # rounded for reading (the JSON keeps 1.347580 and 16.170962), with the unit
        for shown in ("平均值X̄=12人", "标准差S≈16.17人", "差异系数CV≈1.348", "在校生数合计P=400人"):
            assert shown in text, fmt
    english = ENGINE.render(card, "markdown", lang="en", rubric=RUBRIC)
    assert "mean X̄" in english
    assert "standard deviation S" in english
    import json

    data = json.loads(ENGINE.render(card, "json"))
    (evidence,) = [f["evidence"] for f in data["findings"] if f["rule"] == "T-A1"]
    breakdown = evidence["derived"]["derived.primary.cv.qualified_per_100"]["breakdown"]
    assert breakdown["sd"] == 16.170962
    assert breakdown["n"] == 3
    jsonschema.validate(data, evalrules.scorecard_schema())
    assert evalrules.Scorecard.from_json(ENGINE.render(card, "json")) == card


def test_a_compiled_rubric_with_a_table_pickles_and_scores_the_same():
    back = pickle.loads(pickle.dumps(COMPILED))
    assert back.evaluate(DOC) == COMPILED.evaluate(DOC)


def test_evaluation_is_deterministic():
    first = ENGINE.render(COMPILED.evaluate(DOC), "json")
    again = ENGINE.render(
        ENGINE.compile(ENGINE.load_rubric(HERE / "rubric.yaml")).evaluate(DOC), "json"
    )
    assert first == again


# ---------------------------------------------------------------------------- helpers


def _raw() -> dict[str, Any]:
    from evalrules._documents import read_document

    return read_document(HERE / "rubric.yaml")


def _build(raw: dict[str, Any], engine: evalrules.Engine = ENGINE) -> evalrules.Rubric:
    import tempfile

    import yaml

    from evalrules._points import plain

    def plain_data(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(plain(value)) if value != value.to_integral_value() else int(value)
        if isinstance(value, dict):
            return {k: plain_data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain_data(v) for v in value]
        return value

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rubric.yaml"
        path.write_text(yaml.safe_dump(plain_data(raw), allow_unicode=True), "utf-8")
        return engine.load_rubric(path)


def _incomparable(change) -> set[str]:
    from evalrules._diff._compare import diff_rubrics

    raw = thaw(_raw())
    change(raw)
    engine = evalrules.Engine(autoload=False)
    new = _build(raw, engine)
    kinds = {k.name: k.item for k in engine.rule_kinds}
    diff = diff_rubrics(RUBRIC, new, reads=lambda r: kinds[r.kind].reads(r.params))
    return {c.code for c in diff.comparability if not c.comparable}


def test_a_diff_sees_a_change_of_a_column_or_an_exclusion_and_not_of_its_words():
    def minimum(raw):
        raw["facts"]["schools"]["columns"]["pupils"]["minimum"] = 1

    def exclusion(raw):
        raw["facts"]["schools"]["exclude"][0]["when"]["all"][1]["value"] = 100

    def words(raw):
        raw["facts"]["schools"]["columns"]["pupils"]["description"]["en"] = "Pupils enrolled"

    # every item reads the schools table, directly or through an aggregate
    assert _incomparable(minimum) == {"A", "A1", "A2", "A3"}
    assert _incomparable(exclusion) == {"A", "A1", "A2", "A3"}
    assert _incomparable(words) == set()


def test_without_the_table_the_items_are_not_assessable_in_partial_mode():
    card = COMPILED.evaluate({}, partial=True)
    assert {n.code: n.status for n in card.walk()} == dict.fromkeys(
        ("A", "A1", "A2", "A3"), "not_assessable"
    )
    assert problems({}) == [("schools", "missing", "缺少必填数据“义务教育学校”")]


def test_a_scalar_fact_takes_values_as_a_column_does():
    raw = thaw(_raw())
    raw["facts"]["county.kind"] = {
        "type": "choice",
        "values": ["county", "district"],
        "required": False,
        "description": {"zh": "县区类型", "en": "County or district"},
    }
    compiled = ENGINE.compile(_build(raw))
    doc = {**facts(), "county": {"kind": "district"}}
    assert compiled._validator._fast_strict(doc)
    assert compiled.validate(doc)["county.kind"] == "district"
    doc["county"]["kind"] = "city"
    assert not compiled._validator._fast_strict(doc)
    with pytest.raises(FactsError) as info:
        compiled.validate(doc)
    assert [(p.path, p.code) for p in info.value.problems] == [("county.kind", "not-allowed")]


@pytest.mark.parametrize("each", [None, 2])
def test_scores_only_agrees_with_the_explained_evaluation(each):
    raw = thaw(_raw())
    params = raw["indicators"][0]["children"][1]["rules"][0]["params"]
    if each is None:
        del params["points_each"]
    compiled = ENGINE.compile(_build(raw))
    doc = facts()
    doc["schools"][0]["equipment_value"] = 150000
    doc["schools"][1]["qualified_teachers"] = 1
    for variant in (facts(), doc):
        explained, quick = compiled.evaluate(variant), compiled.evaluate(variant, explain=False)
        assert [(n.code, n.score) for n in quick.walk()] == [
            (n.code, n.score) for n in explained.walk()
        ]
    assert compiled.evaluate(doc).node("A2").score == (0 if each is None else 6)


# ------------------------------------------------------------------- scope: `where`

#: The 九年一贯制 schools of more than 100 pupils (in the example: S03's two rows).
NINE_YEAR = {
    "all": [
        {"column": "category", "op": "in", "value": ["nine_year"]},
        {"column": "pupils", "op": ">", "value": 100},
    ]
}


def _rules(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters of T-A2 (each_row) and T-A3 (k_of_n) in a raw rubric."""
    children = raw["indicators"][0]["children"]
    return children[1]["rules"][0]["params"], children[2]["rules"][0]["params"]


def _scoped(
    each_row: dict[str, Any] | None = None, k_of_n: dict[str, Any] | None = None
) -> evalrules.CompiledRubric:
    raw = thaw(_raw())
    a2, a3 = _rules(raw)
    # a parameter given as None is left out (the rule's default)
    for params, change in ((a2, each_row or {}), (a3, k_of_n or {})):
        for key, value in change.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
    return ENGINE.compile(_build(raw))


def test_each_row_holds_only_the_rows_meeting_where():
    compiled = _scoped({"where": NINE_YEAR})
    doc = facts()
    # 第二小学 misses the standard (1800 < 2000) but is no 九年一贯制 school: not held to it
    assert _finding(compiled.evaluate(doc), "T-A2") == []
    assert compiled.evaluate(doc).node("A2").score == 10
    doc["schools"][3]["equipment_value"] = 300000  # the nine-year school's junior row: 2000
    (found,) = _finding(compiled.evaluate(doc), "T-A2")
    assert found.message.zh == (
        "九年一贯制学校(初中学段)生均教学仪器设备值2000元,低于2500元的标准,扣2分。"
    )
    assert found.message.en.startswith("九年一贯制学校 (junior secondary stage): ")
    # the evidence shows the cell missed and the cells that put the row in scope
    assert found.evidence.facts == (
        ("schools[3].category", "nine_year"),
        ("schools[3].pupils", 150),
    )
    assert [(d.path, d.value) for d in found.evidence.derived] == [
        ("schools[3].equipment_per_pupil", Decimal(2000))
    ]
    assert ("where", "category in [nine_year] and pupils > 100") in found.evidence.params


def test_k_of_n_holds_only_the_rows_meeting_where():
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 1  # 第二小学 now misses both checks
    assert [f.params["school"]["zh"] for f in _finding(COMPILED.evaluate(doc), "T-A3")] == [
        "第二小学"
    ]
    compiled = _scoped(k_of_n={"where": {"column": "category", "op": "==", "value": "nine_year"}})
    assert _finding(compiled.evaluate(doc), "T-A3") == []
    doc["schools"][3]["qualified_teachers"] = 1
    doc["schools"][3]["equipment_value"] = 300000
    (found,) = _finding(compiled.evaluate(doc), "T-A3")
    assert found.params["school"]["zh"] == "九年一贯制学校(初中学段)"
    assert ("schools[3].category", "nine_year") in found.evidence.facts


def test_where_is_worded_where_the_rule_states_its_scope():
    compiled = _scoped(
        {"where": NINE_YEAR},
        {"where": {"column": "stage", "op": "==", "value": "junior"}},
    )
    explained = {rule.code: compiled.describe(rule) for _, rule in compiled.rubric.rules()}
    a2, a3 = explained["T-A2"], explained["T-A3"]
    assert "要求每所义务教育学校(仅限办学类型为nine_year且在校生数高于100人的)" in a2.zh
    assert (
        "in every one of the compulsory-education schools where type of school is nine_year "
        "and pupils more than 100," in a2.en
    )
    # a stage is named by its label
    assert "要求每所义务教育学校(仅限学段为初中的)" in a3.zh
    assert "where stage is junior secondary meets at least 1 of 2" in a3.en


def test_no_row_in_scope_means_the_rule_is_met_as_for_a_stage_without_rows():
    nobody = {"column": "pupils", "op": ">", "value": 100000}
    for change in ({"where": nobody}, {"stage": "junior", "where": nobody}):
        compiled = _scoped(change, change)
        doc = facts()
        doc["schools"][1]["qualified_teachers"] = 1
        card = compiled.evaluate(doc)
        assert _finding(card, "T-A2") == _finding(card, "T-A3") == []
        assert (card.node("A2").score, card.node("A3").score) == (10, 10)
        assert dict(card.outcomes)["T-A2"] == dict(card.outcomes)["T-A3"] == "met"
        quick = compiled.evaluate(doc, explain=False)
        assert [(n.code, n.score) for n in quick.walk()] == [(n.code, n.score) for n in card.walk()]
    # the same as a stage no row has: here the junior rows are all excluded
    doc = facts()
    del doc["schools"][3]
    card = _scoped({"stage": "junior"}, {"stage": "junior"}).evaluate(doc)
    assert dict(card.outcomes)["T-A2"] == dict(card.outcomes)["T-A3"] == "met"


@pytest.mark.parametrize(
    ("where", "path", "says"),
    [
        (
            {"column": "colour", "op": "==", "value": "red"},
            "params.where",
            "column 'colour' is not a column of schools",
        ),
        (
            {"all": [{"column": "category", "value": "nine_year"}, {"column": "pupil", "op": ">"}]},
            "params.where.all.1",
            "column 'pupil' is not a column of schools",
        ),
        (
            {"any": [{"column": "category", "op": "in", "value": "nine_year"}]},
            "params.where.any.0",
            "in takes a list of values",
        ),
        (
            {"column": "pupils", "op": "~", "value": 1},
            "params.where",
            "operator '~' is not one of",
        ),
        (
            {"column": "category", "op": ">", "value": "nine_year"},
            "params.where",
            "category is a choice; operator > needs a number column",
        ),
        (
            {"column": "pupils", "op": ">=", "value": "many"},
            "params.where",
            "operator >= needs a number, got 'many'",
        ),
        ({"all": []}, "params.where", "all takes a non-empty list"),
        ({"fact": "pupils", "op": ">", "value": 1}, "params.where", "unknown key(s) ['fact']"),
        ("pupils > 1", "params.where", "must be of dict type"),
    ],
)
def test_a_bad_where_is_refused_when_the_rubric_loads_with_its_place(where, path, says):
    for rule in (0, 1):
        raw = thaw(_raw())
        _rules(raw)[rule]["where"] = where
        with pytest.raises(RubricError) as info:
            ENGINE.compile(_build(raw))
        found = [(p.code, p.path, p.rule, p.message) for p in info.value.problems]
        assert any(
            code == "bad-params" and at == path and says in message
            for code, at, _, message in found
        ), found
        assert {r for _, _, r, _ in found} == {("T-A2", "T-A3")[rule]}


@pytest.mark.parametrize("each", [None, 2])
@pytest.mark.parametrize(
    "where",
    [
        NINE_YEAR,
        {
            "any": [
                {"column": "stage", "op": "==", "value": "junior"},
                {"column": "pupils", "op": "<=", "value": 100},
            ]
        },
        {"column": "category", "op": "not_in", "value": ["nine_year", "primary"]},
    ],
)
def test_scores_only_honours_where_as_the_explained_evaluation_does(where, each):
    change: dict[str, Any] = {"where": where}
    compiled = _scoped({**change, "points_each": each}, change)
    doc = facts()
    doc["schools"][1]["qualified_teachers"] = 1
    doc["schools"][3]["equipment_value"] = 300000
    doc["schools"][2]["equipment_value"] = 300000
    for variant in (facts(), doc):
        explained, quick = compiled.evaluate(variant), compiled.evaluate(variant, explain=False)
        assert [(n.code, n.score) for n in quick.walk()] == [
            (n.code, n.score) for n in explained.walk()
        ]
        assert quick.outcomes == explained.outcomes


def test_a_diff_sees_a_where_added_or_changed():
    def added(raw):
        _rules(raw)[0]["where"] = NINE_YEAR

    def changed(raw):
        _rules(raw)[1]["where"] = {"column": "pupils", "op": ">", "value": 100}

    assert _incomparable(added) == {"A", "A2"}
    assert _incomparable(changed) == {"A", "A3"}


# ------------------------------------- an exclusion scoped to some columns (columns:)
# The special school left out of the qualified-teacher values only: the CV of them and the
# checks on them leave it out, while the each_row rule on equipment holds it.


def _left_out(columns: list[str]) -> dict[str, Any]:
    raw = copy.deepcopy(thaw(_raw()))
    raw["facts"]["schools"]["exclude"][1]["columns"] = columns
    return raw


def _special(compiled: Any, doc: dict[str, Any]) -> Any:
    table = compiled.validate(doc)["schools"]
    return next(r for r in table.rows if r.label == "特殊教育学校")


def test_without_columns_the_whole_row_is_left_out_as_before():
    compiled = ENGINE.compile(_build(copy.deepcopy(thaw(_raw()))))
    row = _special(compiled, facts())
    assert row.excluded is not None
    assert row.left_out == {}


def test_a_scoped_exclusion_leaves_out_only_its_columns_and_what_is_computed_from_them():
    compiled = ENGINE.compile(_build(_left_out(["qualified_teachers"])))
    row = _special(compiled, facts())
    assert row.excluded is None
    assert set(row.left_out) == {"qualified_teachers", "qualified_per_100"}
    assert row.left_out["qualified_per_100"].zh == "特殊教育学校不纳入计算"
    assert "qualified_per_100" not in row.values
    assert "equipment_per_pupil" in row.values  # still counted for the equipment standard


def test_the_rules_over_other_columns_hold_the_row_and_the_cv_leaves_it_out():
    whole = ENGINE.compile(_build(copy.deepcopy(thaw(_raw()))))
    scoped = ENGINE.compile(_build(_left_out(["qualified_per_100"])))
    doc = facts()
    doc["schools"][5]["equipment_value"] = 60000  # 1000 元 per pupil: short of 2000
    before, after = whole.evaluate(doc), scoped.evaluate(doc)
    # the CV of qualified teachers is the same: the special school is out of it either way
    cv = "derived.primary.cv.qualified_per_100"
    assert derived(doc, cv).value == _cv(scoped, doc, cv)
    # the equipment rule now holds the special school: one more failing row
    named = [f.message.zh for f in _finding(after, "T-A2")]
    assert any("特殊教育学校" in m for m in named)
    assert not any("特殊教育学校" in f.message.zh for f in _finding(before, "T-A2"))


def test_a_divisor_of_zero_in_a_value_left_out_is_not_a_problem():
    compiled = ENGINE.compile(_build(_left_out(["qualified_per_100", "equipment_per_pupil"])))
    doc = facts()
    doc["schools"][5]["pupils"] = 0
    compiled.validate(doc)  # no division-by-zero: both values are left out of the row


@pytest.mark.parametrize(
    ("columns", "path"),
    [
        (["colour"], "facts.schools.exclude[1].columns[0]"),
        ([], "facts.schools.exclude[1].columns"),
        ("pupils", "facts.schools.exclude[1].columns"),
    ],
)
def test_bad_columns_are_refused_at_their_place(columns: Any, path: str):
    with pytest.raises(RubricError) as info:
        ENGINE.compile(_build(_left_out(columns)))
    assert path in [p.path for p in info.value.problems]


def _cv(compiled: Any, doc: dict[str, Any], path: str) -> Any:
    from evalrules._facts._derived import compute_derived

    flat = compiled.validate(doc)
    values, found = compute_derived(
        compiled.rubric.derived, flat, 2023, compiled._validator.aggregations
    )
    assert found == []
    return values[path].value


def test_a_row_finding_left_no_points_is_worded_as_counted_in_the_item():
    # 4 points a school over 10: the third school takes the last 2, the fourth none.
    compiled = _scoped({"points_each": 4})
    doc = facts()
    for i, value in ((0, 150000), (2, 200000), (3, 300000)):
        doc["schools"][i]["equipment_value"] = value
    card = compiled.evaluate(doc)
    found = _finding(card, "T-A2")
    assert [f.points for f in found] == [-4, -4, -2, 0]
    assert [f.message_id for f in found] == ["each_row.missed"] * 3 + ["each_row.also_missed"]
    last = found[-1]
    assert last.message.zh == (
        "九年一贯制学校(初中学段)生均教学仪器设备值2000元,低于2500元的标准(已计入本项扣分,不重复扣分)。"
    )
    assert last.message.en.endswith(
        "(already counted in this item's deduction, not deducted again)."
    )
    assert card.node("A2").score == 0
    # headed as what it is, with no amount: the item's deduction is the first finding's
    from evalrules._renderers import _view

    assert _view.finding_head(card, last, "zh") == "同项扣分"
    assert _view.finding_head(card, last, "en") == "Same item"
    assert _view.finding_head(card, found[0], "zh") == "扣4.0分"
    # the general path (no compiled explain program) words it the same
    general = evalrules.CompiledRubric._from_plan(attrs.evolve(compiled._plan, explained=None))
    assert general.evaluate(doc).to_json() == compiled.evaluate(doc).to_json()


def test_row_findings_that_differ_only_by_their_school_hash_apart():
    """A card's findings are shared through a table keyed by what they hold; the findings of
    schools that miss the same standard differ by the school's name and key, deep in their
    params and evidence, and must not share a hash — a table of hundreds of schools would
    otherwise look each finding up along a chain of all the others (time quadratic in rows)."""
    from evalrules._scoring import _shared

    doc = facts()
    for row in doc["schools"]:
        row["equipment_value"] = row["pupils"] * 1800  # below 2000 and 2500: each fails T-A2
    card = COMPILED.evaluate(doc)
    mine = {id(f) for f in card.findings if f.rule == "T-A2"}
    keys = [k for k, f in list(_shared._FINDINGS.items()) if id(f) in mine]
    assert len(keys) == len(mine) >= 3, "several schools miss the standard"
    assert len({hash(k) for k in keys}) == len(keys)
