"""The ``evalrules.scorecard/1`` JSON: round trips, the published schema, exact and stable bytes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import _rubrics as R
import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalrules
from evalrules import Scorecard
from evalrules.testing import check_invariants

POINT_FIELDS = ("total", "base_total", "max", "bonus", "score", "claimed", "computed", "difference")


@pytest.fixture(scope="module")
def card(compiled, example) -> Scorecard:
    """The 双台子区 example's scorecard, with what the 85% alternative would change."""
    card = compiled.sensitivity(example)
    return attrs.evolve(card, evaluated_at="2023-09-15T08:00:00Z")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = evalrules.scorecard_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _load(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


# ------------------------------------------------------------------------- round trips


def test_round_trip_through_plain_data(card):
    assert Scorecard.from_dict(card.to_dict()) == card


def test_round_trip_through_json_text(card):
    assert Scorecard.from_dict(_load(card.to_json())) == card


def test_json_text_survives_a_round_trip_byte_for_byte(card):
    text = card.to_json()
    assert Scorecard.from_dict(_load(text)).to_json() == text


def test_the_rubric_family_is_written_under_both_its_names(card):
    rubric = card.to_dict()["rubric"]
    assert rubric["family"] == rubric["id"] == card.rubric.family == "panjin-county"


def test_a_scorecard_written_before_family_was_added_reads_back(card):
    data = card.to_dict()
    del data["rubric"]["family"]
    assert Scorecard.from_dict(data) == card


def test_a_document_of_another_format_is_refused(card):
    data = card.to_dict()
    data["schema"] = "evalrules.scorecard/2"
    with pytest.raises(ValueError, match=r"scorecard/2"):
        Scorecard.from_dict(data)


# ------------------------------------------------------------------------------ schema


def test_the_schema_ships_in_the_package():
    text = resources.files("evalrules").joinpath("scorecard.schema.json").read_text("utf-8")
    assert evalrules.scorecard_schema() == json.loads(text)
    assert evalrules.scorecard_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_example_follows_the_schema(card, validator):
    validator.validate(_load(card.to_json()))


def _properties(schema: Any, where: str = "#") -> list[tuple[str, Any]]:
    """Every ``(location, subschema)`` under a ``properties`` map, recursively."""
    out = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            out.append((f"{where}/{name}", sub))
        for key, sub in schema.items():
            if key in ("properties", "$defs"):
                for name, inner in sub.items():
                    out.extend(_properties(inner, f"{where}/{name}"))
            elif isinstance(sub, dict):
                out.extend(_properties(sub, f"{where}/{key}"))
    return out


def test_every_field_is_documented():
    schema = evalrules.scorecard_schema()
    fields = _properties(schema)
    assert len(fields) > 50
    undocumented = [where for where, sub in fields if not sub.get("description")]
    assert undocumented == []
    assert all(d.get("description") for d in schema["$defs"].values())


def test_fields_added_by_a_later_release_still_validate(card, validator):
    # the contract only ever gains fields, so readers' schemas must let new ones through
    data = _load(card.to_json())
    data["added_later"] = {"anything": 1}
    data["findings"][0]["added_later"] = True
    data["indicators"][0]["added_later"] = "x"
    assert list(validator.iter_errors(data)) == []


def test_the_schema_lists_the_fields_in_the_order_they_are_written(card):
    # A verdict (a certification rubric's) is set by hand: the Panjin rubric has none.
    gate = evalrules.GateResult(
        "1", evalrules.Text("一", "one"), Decimal(0), Decimal(2), evalrules.Text("原因", "why")
    )
    verdict = evalrules.Verdict("failed", evalrules.Text("未达标", "failed"), (gate,), (gate,))
    # So is a value over a table (a rubric with tables has them).
    aggregate = evalrules.DerivedValue(
        "derived.cv",
        Decimal("0.1"),
        "cv",
        (),
        (("cv", Decimal("0.1")),),
        evalrules.Text("差", "cv"),
    )
    data = attrs.evolve(card, verdict=verdict, aggregates=(aggregate,)).to_dict()
    schema = evalrules.scorecard_schema()
    assert list(data) == list(schema["properties"])
    shown = schema["properties"]["verdict"]["oneOf"][1]
    assert list(data["verdict"]) == list(shown["properties"]) == shown["required"]
    gate_fields = schema["$defs"]["gate"]
    assert list(data["verdict"]["failed"][0]) == list(gate_fields["properties"])
    assert gate_fields["required"] == list(gate_fields["properties"])
    optional = {"claimed", "aggregates", "assumed", "sensitivity", "evaluated_at", "verdict"}
    assert set(schema["required"]) == set(data) - optional
    assert schema["properties"]["rubric"]["required"] == list(data["rubric"])
    defs = schema["$defs"]
    assert list(data["findings"][0]) == list(defs["finding"]["properties"])
    assert list(data["indicators"][0]) == list(defs["node"]["properties"])
    # depends_on_cohort, last, is written only when set (an item scored by place, alone)
    claim_fields = list(defs["claim"]["properties"])
    assert claim_fields[-1] == "depends_on_cohort"
    assert list(data["claimed"][0]) == claim_fields[:-1]
    aggregate_fields = schema["properties"]["aggregates"]["items"]["properties"]
    # written only when set, last: not_computed (a value not computed for want of rows),
    # formula_label and breakdown_labels (an aggregation that words its value itself)
    optional_last = ["not_computed", "formula_label", "breakdown_labels"]
    assert list(aggregate_fields)[-3:] == optional_last
    assert list(data["aggregates"][0]) == list(aggregate_fields)[:-3]
    uncomputed = attrs.evolve(aggregate, value=None, not_computed=evalrules.Text("无", "none"))
    written = attrs.evolve(card, aggregates=(uncomputed,)).to_dict()["aggregates"][0]
    assert list(written) == list(aggregate_fields)[:-2]
    assert written["value"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("grade"), "'grade' is a required property"),
        (lambda d: d.update(total="96.6"), "'96.6' is not of type 'number'"),
        (lambda d: d["findings"][0].update(kind="penalty"), "'penalty' is not one of"),
        (lambda d: d["indicators"][0].update(status="done"), "'done' is not one of"),
        (lambda d: d["rubric"].update(digest="md5:0"), "does not match"),
        (lambda d: d["rubric"].pop("family"), "'family' is a required property"),
    ],
)
def test_the_schema_refuses_broken_documents(card, validator, change, message):
    data = _load(card.to_json())
    change(data)
    errors = [e.message for e in validator.iter_errors(data)]
    assert any(message in e for e in errors), errors


# --------------------------------------------------------------------------- the bytes


def test_the_same_input_gives_the_same_bytes(example):
    import evalrules_panjin

    texts = set()
    for _ in range(2):
        engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
        texts.add(engine.evaluate("panjin-county/2023", example).to_json())
    assert len(texts) == 1


def test_points_carry_the_rubric_precision_and_nothing_else(card):
    text = card.to_json()
    assert '"score": 61.6,' in text
    assert "61.59" not in text
    assert "e+" not in text.lower()
    assert "e-" not in text.lower()
    values = re.findall(rf'"(?:{"|".join(POINT_FIELDS)})": (-?[0-9.]+)', text)
    assert len(values) > 100
    assert all(re.fullmatch(r"-?\d+\.\d", v) for v in values), values
    finding_points = re.findall(r'"points": (-?[0-9.]+),\n', text)
    assert finding_points
    assert all(re.fullmatch(r"-?\d+\.\d", v) for v in finding_points)


def test_derived_values_are_written_exactly(compiled, example):
    # 4100 of 5232 (78.36…%) misses the 80% standard, so the finding carries the share.
    card = compiled.evaluate(example.with_facts({"kindergarten.inclusive_children": 4100}))
    data = _load(card.to_json())
    (finding,) = [f for f in data["findings"] if f["rule"] == "PJ-11-b"]
    derived = finding["evidence"]["derived"]["derived.kindergarten.inclusive_rate"]
    value = derived["value"]
    assert abs(value - Decimal(4100) * 100 / Decimal(5232)) < Decimal("1e-25")
    assert len(value.as_tuple().digits) >= 30  # not rounded for display
    assert derived["inputs"] == {
        "kindergarten.inclusive_children": 4100,
        "kindergarten.children": 5232,
    }


# -------------------------------------------------------------- generated scorecards


def _doc() -> dict[str, Any]:
    return R.single(
        [
            R.rule("T-1", "threshold", {"fact": "x.value", "op": ">=", "value": 50, "deduct": 3}),
            R.rule("V-1", "veto", {"when": {"fact": "x.accident"}, "effect": "force_fail"}),
            R.rule("M-1", "manual", {"fact": "x.judgement"}),
        ],
        {
            "x.value": R.fact("percent", unit="%"),
            "x.accident": R.fact("boolean"),
            "x.judgement": R.fact("judgement", required=False),
            "x.award": R.fact("boolean"),
        },
        bonus=[
            R.item("B+1", 1, [R.rule("B-1", "bonus", {"when": {"fact": "x.award"}, "points": 1})])
        ],
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> evalrules.CompiledRubric:
    """A rubric with a deduction, a veto, a judgement and a bonus item."""
    engine = R.engine()
    path = R.write(tmp_path_factory.mktemp("rubric"), _doc())
    return engine.compile(engine.load_rubric(path))


_decimals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@given(
    value=_decimals,
    accident=st.booleans(),
    deduct=st.one_of(st.none(), st.decimals(min_value=0, max_value=12, places=1)),
    award=st.booleans(),
    claimed=st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=1)),
)
def test_generated_scorecards_follow_the_schema_and_keep_their_bytes(
    small, value, accident, deduct, award, claimed
):
    facts: dict[str, Any] = {"x": {"value": value, "accident": accident, "award": award}}
    if deduct is not None:
        facts["x"]["judgement"] = {"deduct": deduct, "reason": "依据 <记录> | *"}
    document: dict[str, Any] = {"facts": facts}
    if claimed is not None:
        document["claimed"] = {"total": claimed, "indicators": {"1": claimed}}
    doc = evalrules.FactsDocument.from_mapping(document)
    # The stock invariants include the JSON's: valid for the schema, read back into a
    # scorecard that writes the same bytes, the same bytes again whatever the key order.
    check_invariants(small, doc, partial=True)


def test_a_partial_scorecard_follows_the_schema(small, validator):
    doc = evalrules.FactsDocument.from_mapping({"facts": {"x": {"accident": False}}})
    card = small.evaluate(doc, partial=True)
    assert not card.complete
    data = _load(card.to_json())
    validator.validate(data)
    assert "claimed" not in data
    statuses = {n["status"] for n in data["indicators"][0]["children"]}
    assert statuses == {"not_assessable"}


def test_the_schema_file_is_valid_json_with_stable_formatting():
    path = Path(evalrules.__file__).with_name("scorecard.schema.json")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert "\t" not in text
