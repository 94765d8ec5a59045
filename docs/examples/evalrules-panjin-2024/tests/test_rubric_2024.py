"""The 2024 rubric: it loads on top of 2023 with exactly its three changes, and scores."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import evalrules_panjin_2024
import pytest

import evalrules
import evalrules_panjin

EXAMPLE = Path(__file__).parent / "example-2024.facts.yaml"


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    # Isolated: exactly these two plugins, whatever else is installed on the machine.
    return evalrules.Engine(plugins=[evalrules_panjin, evalrules_panjin_2024], autoload=False)


@pytest.fixture(scope="module")
def compiled(engine: evalrules.Engine) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric("panjin-county/2024"))


def test_only_the_three_changes_differ_from_2023(engine, compiled):
    old = {rule.code for _, rule in engine.load_rubric("panjin-county/2023").rules()}
    new = {rule.code for _, rule in compiled.rubric.rules()}
    assert new - old == {"PJ-11-c", "PJ-2.3-veto-b", "PJ-5.6-a"}
    assert old - new == {"PJ-11-b", "PJ-2.3-veto", "PJ-5.5-a"}
    assert compiled.rubric.max == 100
    assert compiled.rubric.indicator("5").max == 10


def test_the_example_district(engine, compiled):
    card = compiled.evaluate(engine.load_facts(EXAMPLE))
    lost = {f.rule: f.points for f in card.findings if f.points}
    assert lost == {
        "PJ-3.1-a": Decimal("-0.2"),
        "PJ-3.2-a": Decimal("-0.3"),
        "PJ-3.3-a": Decimal("-0.5"),
        "PJ-5.6-a": Decimal("-1.0"),  # no science practice activities
        "PJ-7.3-a": Decimal("-0.4"),
        "PJ-10.3-a": Decimal("-1.0"),
        "PJ-11-c": Decimal("-2.0"),  # 普惠率 86.5%: enough in 2023, short of 88% in 2024
    }
    assert card.total == Decimal("94.6")
    assert card.grade.code == "excellent"


def test_a_major_accident_now_fails_the_district_and_keeps_the_score(engine, compiled):
    facts = engine.load_facts(EXAMPLE).with_facts({"safety.major_accident": True})
    card = compiled.evaluate(facts)
    assert card.total == Decimal("94.6")
    assert (card.grade.base, card.grade.code) == ("excellent", "fail")
    assert [v.rule for v in card.vetoes] == ["PJ-2.3-veto-b"]
