"""Cohorts: many districts evaluated together, ranked, compared, refused ones kept.

The districts here are the 双台子区 example's facts under other names and codes, some of
them changed: constructed for these tests, not any district's reported data.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import attrs
import jsonschema
import pytest
from referencing import Registry, Resource

import evalrules
from evalrules import Cohort, Entity, FactsDocument
from evalrules._cohort._evaluate import competition_ranks
from evalrules.errors import FactsError

#: A scorecard to vary: its node tree is replaced where a test needs other scores.
CARD = evalrules.Scorecard(
    rubric=evalrules.RubricInfo("t/2024", "t", 2024, "1", "0" * 64),
    entity=Entity("x"),
    total=Decimal(0),
    max=Decimal(10),
    bonus=Decimal(0),
    grade=evalrules.Grade("pass", evalrules.Text("合格", "Pass"), "pass"),
    vetoes=(),
    complete=True,
    indicators=(),
    findings=(),
)


def _as(example: FactsDocument, code: str, name: str, **changes: object) -> FactsDocument:
    doc = attrs.evolve(example, entity=Entity(code, name))
    return doc.with_facts(changes) if changes else doc


@pytest.fixture(scope="module")
def districts(example: FactsDocument) -> list[FactsDocument]:
    # Constructed: the example's facts, with inclusive kindergarten places lowered for three
    # and one more branch without a deputy for the last.
    return [
        _as(example, "211102", "双台子区"),
        _as(example, "211103", "兴隆台区", **{"kindergarten.inclusive_children": 4100}),
        _as(example, "211104", "大洼区", **{"kindergarten.inclusive_children": 4100}),
        _as(
            example,
            "211122",
            "盘山县",
            **{"kindergarten.inclusive_children": 4100, "party.branches_with_deputy": 2},
        ),
    ]


@pytest.fixture(scope="module")
def cohort(compiled, districts) -> Cohort:
    return compiled.evaluate_cohort(districts, sources=[d.entity.id for d in districts])


def test_competition_ranks_share_a_rank_and_skip():
    ranks = competition_ranks([Decimal(9), Decimal(8), Decimal(8), Decimal(7), Decimal(7)])
    assert ranks == [1, 2, 2, 4, 4]
    assert competition_ranks([]) == []


def test_the_ranking_follows_the_totals_each_district_gets_alone(compiled, districts, cohort):
    alone = {d.entity.id: compiled.evaluate(d).total for d in districts}
    assert [m.card.total for m in cohort.members] == sorted(alone.values(), reverse=True)
    for member in cohort.members:
        assert member.card == compiled.evaluate(
            districts[[d.entity.id for d in districts].index(member.entity.id)]
        )
        assert alone[member.entity.id] == member.card.total
    assert len(set(alone.values())) == 3, "the constructed districts tie once"


def test_tied_totals_share_a_rank_listed_by_entity_id(cohort):
    ranks = [(m.rank, m.entity.id) for m in cohort.members]
    assert ranks == [(1, "211102"), (2, "211103"), (2, "211104"), (4, "211122")]
    assert cohort.rank_policy == "competition"


def test_statistics_per_node_are_the_members_scores(cohort):
    assert cohort.indicators, "one entry per node"
    codes = [s.code for s in cohort.indicators]
    first = cohort.members[0].card
    assert codes == [n.code for top in (*first.indicators, *first.bonus_items) for n in top.walk()]
    for stats in cohort.indicators:
        scores = [
            m.card.node(stats.code).score
            for m in cohort.members
            if m.card.node(stats.code).status == "scored"
        ]
        assert [s for _, s in stats.scores] == scores
        if scores:
            assert stats.minimum == min(scores)
            assert stats.maximum == max(scores)
            exact = sum(scores) / len(scores)
            assert abs(stats.mean - exact) <= cohort.rubric.precision / 2


def test_a_refused_document_is_kept_with_its_problems_and_stops_nothing(compiled, districts):
    broken = _as(districts[0], "211199", "虚构区", **{"kindergarten.inclusive_children": "many"})
    docs = [districts[0], broken, districts[3]]
    cohort = compiled.evaluate_cohort(docs, sources=["a.yaml", "broken.yaml", "c.yaml"])
    assert [m.source for m in cohort.members] == ["a.yaml", "c.yaml"]
    assert [m.rank for m in cohort.members] == [1, 2]
    (refusal,) = cohort.refused
    assert refusal.source == "broken.yaml"
    assert refusal.entity == Entity("211199", "虚构区")
    with pytest.raises(FactsError) as alone:
        compiled.evaluate(broken)
    assert refusal.problems == alone.value.problems
    assert refusal.error.problems == alone.value.problems


def test_a_second_document_of_one_entity_and_one_without_an_entity_are_refused(compiled, districts):
    unnamed = attrs.evolve(districts[1], entity=None)
    cohort = compiled.evaluate_cohort([districts[0], districts[0], unnamed])
    assert [m.source for m in cohort.members] == ["#1"]
    assert [r.source for r in cohort.refused] == ["#2", "#3"]
    assert [p.code for r in cohort.refused for p in r.problems] == ["duplicate", "missing"]
    assert "#1" in cohort.refused[0].problems[0].message_en


def test_sources_must_match_the_documents(compiled, districts):
    with pytest.raises(ValueError, match="2 sources for 4 documents"):
        compiled.evaluate_cohort(districts, sources=["a", "b"])


def test_an_executor_gives_the_same_cohort(compiled, districts, cohort):
    with ThreadPoolExecutor(2) as pool:
        again = compiled.evaluate_cohort(
            districts, executor=pool, sources=[d.entity.id for d in districts]
        )
    assert again == cohort
    assert again.to_json() == cohort.to_json()


def test_an_empty_cohort(compiled):
    cohort = compiled.evaluate_cohort([])
    assert cohort.members == ()
    assert cohort.indicators == ()


# ------------------------------------------------------------------------------ JSON


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = evalrules.cohort_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    card_schema = evalrules.scorecard_schema()
    registry = Registry().with_resource(card_schema["$id"], Resource.from_contents(card_schema))
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_the_json_follows_its_schema(compiled, districts, validator):
    broken = _as(districts[0], "211199", "虚构区", **{"kindergarten.inclusive_children": "many"})
    cohort = compiled.evaluate_cohort([*districts, broken])
    data = json.loads(cohort.to_json(), parse_float=Decimal)
    validator.validate(data)
    assert data["schema"] == "evalrules.cohort/1"
    assert [m["rank"] for m in data["members"]] == [m.rank for m in cohort.members]
    assert data["members"][0]["scorecard"] == json.loads(
        cohort.members[0].card.to_json(), parse_float=Decimal
    )
    assert data["refused"][0]["problems"]


def test_the_schema_refuses_what_is_not_a_cohort(validator, cohort):
    data = json.loads(cohort.to_json(), parse_float=Decimal)
    del data["members"][0]["scorecard"]["total"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)


def test_the_json_is_deterministic_and_reads_back(compiled, districts, cohort):
    again = compiled.evaluate_cohort(list(districts), sources=[d.entity.id for d in districts])
    assert again.to_json() == cohort.to_json()
    back = Cohort.from_json(cohort.to_json())
    assert back.to_json() == cohort.to_json()
    assert [m.card.total for m in back.members] == [m.card.total for m in cohort.members]


def test_the_json_is_the_bytes_of_its_data(compiled, districts, cohort):
    # to_json() embeds each card as the card's own writer gives it; the bytes are those of
    # the cohort's data written whole, refused members and every indentation depth included.
    from evalrules._cohort._json import cohort_to_dict
    from evalrules._scorecard._json import dumps

    broken = _as(districts[0], "211199", "虚构区", **{"kindergarten.inclusive_children": "many"})
    for each in (
        cohort,
        compiled.evaluate_cohort([*districts, broken]),
        compiled.evaluate_cohort([]),
    ):
        assert each.to_json() == dumps(cohort_to_dict(each))
    assert cohort.to_json().count('"schema": "evalrules.scorecard/1"') == len(cohort.members)


def test_from_json_refuses_another_format(cohort):
    with pytest.raises(ValueError, match=r"evalrules\.cohort/1"):
        Cohort.from_json(cohort.members[0].card.to_json())


def test_the_mean_is_rounded_half_up_to_the_precision():
    from evalrules._cohort._evaluate import indicator_statistics

    def member(code: str, score: str) -> evalrules.CohortMember:
        node = evalrules.NodeResult(
            "1", evalrules.Text("项"), Decimal(10), Decimal(score), "scored"
        )
        card = attrs.evolve(CARD, entity=Entity(code), indicators=(node,), bonus_items=())
        return evalrules.CohortMember(code, card, 1)

    members = (member("a", "7"), member("b", "7.5"))  # mean 7.25
    (tenths,) = indicator_statistics(members, Decimal("0.1"))
    (halves,) = indicator_statistics(members, Decimal("0.5"))
    assert (tenths.mean, halves.mean) == (Decimal("7.3"), Decimal("7.5"))
    assert (tenths.minimum, tenths.maximum) == (Decimal(7), Decimal("7.5"))
