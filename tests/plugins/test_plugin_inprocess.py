"""The sample plugin registered in-process: ``Engine(plugins=[module], autoload=False)``.

Each hook the sample implements has a test named after it (see ``test_hookspecs.py``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import evalrules
import evalrules_panjin
from evalrules.errors import FactsError, RubricError


@pytest.fixture
def sample_engine(sample) -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)


@pytest.fixture
def sample_card(sample_engine, sample_facts) -> evalrules.Scorecard:
    return sample_engine.evaluate("sample-county/2024", evalrules.load_facts(sample_facts))


def _panjin_view_of(sample_facts) -> evalrules.FactsDocument:
    """The sample facts as a 2023 Panjin document: without the drills the 2023 rubric lacks."""
    doc = evalrules.load_facts(sample_facts)
    facts = {k: v for k, v in doc.facts.items() if k != "drills"}
    return attrs.evolve(doc, facts=facts, rubric="panjin-county/2023")


def test_evalrules_register_rubrics_sample_extends_panjin_with_three_changes(sample_engine):
    base = sample_engine.load_rubric("panjin-county/2023")
    rubric = sample_engine.load_rubric("sample-county/2024")

    assert rubric.ref == "sample-county/2024"
    assert rubric.extends == "panjin-county/2023"
    assert rubric.plugin == "evalrules_sample"
    assert rubric.max == base.max
    # 1.1: a new threshold under a new rule code.
    (old_rule,) = base.indicator("1.1").rules
    (new_rule,) = rubric.indicator("1.1").rules
    assert (old_rule.code, old_rule.params["value"]) == ("PJ-1.1-a", 50)
    assert (new_rule.code, new_rule.params["value"]) == ("SC-1.1-a", 60)
    # 2.1 removed, 2.4 added with its points, so indicator 2 still adds up.
    old_codes = [c.code for c in base.indicator("2").children]
    new_codes = [c.code for c in rubric.indicator("2").children]
    assert old_codes == ["2.1", "2.2", "2.3"]
    assert new_codes == ["2.2", "2.3", "2.4"]
    assert rubric.indicator("2").max == sum(c.max for c in rubric.indicator("2").children)
    assert rubric.indicator("2.4").max == base.indicator("2.1").max
    # Everything else is the base's.
    untouched = {n.code for n in base.walk()} - {"1.1", "2.1", "1", "2", "A"}
    for code in sorted(untouched):
        assert rubric.indicator(code) == base.indicator(code), code


def test_evalrules_register_rubrics_sample_scores_only_its_changes(sample_engine, sample_facts):
    base_card = sample_engine.evaluate("panjin-county/2023", _panjin_view_of(sample_facts))
    card = sample_engine.evaluate("sample-county/2024", evalrules.load_facts(sample_facts))

    assert card.rubric.ref == "sample-county/2024"
    # 10 of 19 branches: enough for 2023's 50%, not for 2024's 60%.
    assert base_card.node("1.1").score == base_card.node("1.1").max
    assert card.node("1.1").score == 0
    (finding,) = card.findings_for("1.1")
    assert finding.rule == "SC-1.1-a"
    expected = (
        base_card.total
        - base_card.node("1.1").score
        - base_card.node("2.1").score
        + card.node("1.1").score
        + card.node("2.4").score
    )
    assert card.total == expected
    assert card.complete


def test_evalrules_register_rule_kinds_ratio_band_within_and_outside(sample_engine, sample_facts):
    doc = evalrules.load_facts(sample_facts)
    within = sample_engine.evaluate("sample-county/2024", doc)
    assert ("SC-2.4-a", "within") in within.outcomes
    assert within.findings_for("2.4") == ()

    drills = dict(doc.facts["drills"])
    drills["participants"] = int(drills["pupils"] * Decimal("0.9"))
    outside = sample_engine.evaluate(
        "sample-county/2024", attrs.evolve(doc, facts={**doc.facts, "drills": drills})
    )
    (finding,) = outside.findings_for("2.4")
    assert (finding.rule, finding.outcome, finding.points) == ("SC-2.4-a", "outside", -2)
    assert outside.node("2.4").score == 1
    # The rule read both facts, so both are its evidence.
    assert dict(finding.evidence.facts) == {
        "drills.participants": drills["participants"],
        "drills.pupils": drills["pupils"],
    }
    assert "0.95" in finding.message.en


def test_evalrules_register_rule_kinds_ratio_band_parameters_checked_at_load(
    sample_engine, tmp_path
):
    rubric = tmp_path / "bad.yaml"
    rubric.write_text(
        """\
evalrules: rubric/1
extends: sample-county/2024
family: sample-county
year: 2025
replace:
  "2.4":
    code: "2.4"
    title: {zh: 演练, en: Drills}
    max: 3
    rules:
      - code: SC-2.4-x
        kind: ratio_band
        name: {zh: 区间颠倒, en: Band upside down}
        params: {numerator: drills.participants, denominator: drills.pupils, min: 0.9, max: 0.5}
        source: {inferred: true, why: test}
      - code: SC-2.4-y
        kind: ratio_band
        name: {zh: 缺少下限, en: No lower bound}
        params: {numerator: drills.participants, denominator: drills.pupils}
        source: {inferred: true, why: test}
""",
        encoding="utf-8",
    )
    with pytest.raises(RubricError) as caught:
        sample_engine.load_rubric(rubric)
    problems = {(p.rule, p.code) for p in caught.value.problems}
    assert problems == {("SC-2.4-x", "bad-params"), ("SC-2.4-y", "bad-params")}


def test_evalrules_register_fact_types_permille_validates_and_exports(sample_engine, sample_facts):
    doc = evalrules.load_facts(sample_facts)
    rubric = sample_engine.load_rubric("sample-county/2024")
    schema = sample_engine.facts_schema(rubric)
    assert "permille" in sample_engine.fact_types
    assert sample_engine.fact_types.origin("permille") == "evalrules_sample"

    drills = {**doc.facts["drills"], "injury_rate": Decimal("1200")}
    with pytest.raises(FactsError) as caught:
        sample_engine.evaluate(rubric, attrs.evolve(doc, facts={**doc.facts, "drills": drills}))
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("drills.injury_rate", "too-large")
    ]

    drills = {**doc.facts["drills"], "injury_rate": "0.4‰"}
    with pytest.raises(FactsError) as caught:
        sample_engine.evaluate(rubric, attrs.evolve(doc, facts={**doc.facts, "drills": drills}))
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("drills.injury_rate", "wrong-type")
    assert "0 to 1000" in problem.message_en

    node = schema
    for part in ("facts", "drills", "injury_rate"):
        node = node["properties"][part]
    assert node["x-evalrules-type"] == "permille"
    assert (node["type"], node["minimum"], node["maximum"]) == ("number", 0, 1000)


def test_evalrules_register_cross_checks_sum_at_most_reports_a_facts_problem(
    sample_engine, sample_facts
):
    doc = evalrules.load_facts(sample_facts)
    drills = {**doc.facts["drills"], "excused": doc.facts["drills"]["pupils"]}
    with pytest.raises(FactsError) as caught:
        sample_engine.evaluate(
            "sample-county/2024", attrs.evolve(doc, facts={**doc.facts, "drills": drills})
        )
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("drills.participants", "sum-at-most")
    assert "drills.excused" in problem.message_en


def test_evalrules_register_aggregations_median_is_computed_over_a_table(sample_engine, tmp_path):
    """A rubric over a table (the constructed test rubric) names the sample's aggregation."""
    import yaml

    from evalrules._documents import read_document
    from evalrules._frozen import thaw

    here = Path(__file__).parents[1] / "unit" / "tables"
    raw = thaw(read_document(here / "rubric.yaml"))
    raw["derived"] = {
        "derived.primary.median_pupils": {
            "aggregate": "median",
            "table": "schools",
            "column": "pupils",
            "stage": "primary",
            "description": {"zh": "小学在校生数中位数", "en": "Median primary pupils"},
        }
    }
    raw["indicators"][0]["max"] = 10
    raw["indicators"][0]["children"] = [
        {
            **raw["indicators"][0]["children"][0],
            "rules": [
                {
                    **raw["indicators"][0]["children"][0]["rules"][0],
                    "params": {"fact": "derived.primary.median_pupils", "op": ">=", "value": 150},
                }
            ],
        }
    ]
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(json_ready(raw), allow_unicode=True), "utf-8")
    compiled = sample_engine.compile(sample_engine.load_rubric(path))
    card = compiled.evaluate(sample_engine.load_facts(here / "facts.yaml"))
    # counted primary rows: 100, 100 and 200 pupils; the median 100 is below 150
    (finding,) = card.findings
    assert finding.evidence.derived[0].value == 100
    assert finding.evidence.derived[0].formula == "median"
    assert sample_engine.aggregations.origin("median") == "evalrules_sample"


def json_ready(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    return value


def test_evalrules_register_renderers_csv_renders_every_indicator(sample_engine, sample_card):
    text = sample_engine.render(sample_card, "csv", lang="en")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "title", "max", "score", "status"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {n.code for n in sample_card.walk()} | {"total"}
    assert Decimal(by_code["total"][3]) == sample_card.total
    assert by_code["2.4"][1] == "Campus evacuation drills"
    assert sample_engine.renderers.get("csv").media_type == "text/csv"


def test_evalrules_modify_scorecard_wrapper_names_the_entity_of_its_own_rubrics(
    sample, sample_engine, sample_card, sample_facts
):
    assert evalrules.load_facts(sample_facts).entity.name == ""
    assert sample_card.entity.name == sample.ENTITY_NAMES[sample_card.entity.id]

    # Another family's scorecard is left alone, even with a code the plugin knows.
    doc = attrs.evolve(_panjin_view_of(sample_facts), rubric=None)
    panjin_card = sample_engine.evaluate("panjin-county/2023", doc)
    assert panjin_card.entity == doc.entity == evalrules.Entity("990101", "")

    # A name the facts give is kept.
    named = evalrules.Entity("990101", "某区")
    card = sample_engine.evaluate(
        "sample-county/2024", evalrules.load_facts(sample_facts), entity=named
    )
    assert card.entity == named
    assert card.total == sample_card.total


def test_a_pickled_compiled_rubric_knows_its_hook_has_only_the_core():
    # The core's innermost implementation travels by reference: a worker's hook then sees
    # that no plugin wraps it and returns the card without calling the plugin manager.
    import pickle

    from evalrules._plugins._modify import core_modify_plugin

    assert pickle.loads(pickle.dumps(core_modify_plugin)) is core_modify_plugin
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    compiled = engine.compile(engine.load_rubric("panjin-county/2023"))
    hook = pickle.loads(pickle.dumps(compiled))._plan.modify
    (impl,) = hook._pm.hook.evalrules_modify_scorecard.get_hookimpls()
    assert impl.plugin is core_modify_plugin
