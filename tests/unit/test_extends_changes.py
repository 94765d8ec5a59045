"""``extends`` operations for authors: ``change`` (a node's own fields, subtree kept),
``remove_facts``, and cross checks added to the base's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import evalrules
import evalrules_panjin
from evalrules.errors import RubricError

HEAD = """\
evalrules: rubric/1
extends: panjin-county/2023
year: 2024
version: "1.0.0"
title: {zh: 测试, en: Test}
"""


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin], autoload=False)


def load(engine: evalrules.Engine, tmp_path: Path, body: str) -> evalrules.Rubric:
    # A new file each time: the engine caches a rubric by its path.
    path = tmp_path / f"2024-{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return engine.load_rubric(path)


def problems(engine: evalrules.Engine, tmp_path: Path, body: str) -> list[tuple[str, str]]:
    with pytest.raises(RubricError) as caught:
        load(engine, tmp_path, body)
    return [(p.code, p.message) for p in caught.value.problems]


#: Item 5.5's 2 points moved to item 8.1: the parents' maxes changed, their subtrees kept.
MOVED = (
    'remove: ["5.5"]\n'
    'change:\n  "5": {max: 8}\n  A: {max: 61}\n  B: {max: 39}\n'
    '  "8": {max: 16, title: {zh: 教育经费, en: Funding}}\n'
    '  "8.1": {max: 10}\n'
)


def test_change_sets_a_parents_max_and_keeps_its_subtree(engine, tmp_path):
    base = engine.load_rubric("panjin-county/2023")
    rubric = load(engine, tmp_path, MOVED + "total: 100\n")
    assert rubric.indicator("5").max == Decimal(8)
    assert rubric.indicator("8").title.en == "Funding"
    assert rubric.indicator("8").children == tuple(
        c if c.code != "8.1" else rubric.indicator("8.1") for c in base.indicator("8").children
    )
    assert rubric.indicator("8.1").rules == base.indicator("8.1").rules
    assert rubric.max == Decimal(100)


def test_change_refuses_the_subtree_and_suggests_a_slip(engine, tmp_path):
    found = problems(
        engine, tmp_path, 'change:\n  "5": {children: [], mxa: 10}\n  "99": {max: 1}\n'
    )
    codes = sorted(code for code, _ in found)
    assert codes == ["unknown-code", "unknown-key", "unknown-key"]
    messages = " | ".join(m for _, m in found)
    assert "change names '99'" in messages
    assert "change cannot set 'children' (a node's code and children stay" in messages
    assert "change cannot set 'mxa'; did you mean 'max'?" in messages


def test_a_parent_max_that_no_longer_adds_up_is_reported(engine, tmp_path):
    found = problems(engine, tmp_path, 'change:\n  "5": {max: 11}\n')
    assert ("max-not-sum", "max is 11 but the children's maxes add up to 10") in found


def test_remove_facts_drops_a_declaration(engine, tmp_path):
    fact = "tutoring.prepaid_fees_fully_supervised"
    rubric = load(engine, tmp_path, f"{MOVED}remove_facts: [{fact}]\n")
    assert fact not in {f.path for f in rubric.facts}
    # A fact a rule still reads cannot be removed: the rule would read an undeclared fact.
    found = problems(engine, tmp_path, f"remove_facts: [{fact}]\n")
    assert [code for code, _ in found] == ["undeclared-fact"]
    found = problems(engine, tmp_path, "remove_facts: [tutoring.prepaid_fee]\n")
    assert found == [
        (
            "unknown-fact",
            "remove_facts names 'tutoring.prepaid_fee', which the base rubric does not "
            "declare; did you mean 'tutoring.prepaid_fees_fully_supervised'?",
        )
    ]


def test_cross_checks_are_added_to_the_bases(engine, tmp_path):
    base = engine.load_rubric("panjin-county/2023")
    extra = (
        "cross_checks:\n"
        "  - {kind: part_of, facts: [party.branches_with_deputy, party.branches],\n"
        "     description: {zh: 配备专职副书记的支部不多于支部总数, en: Branches with a deputy "
        "are among all branches}}\n"
        "  - {kind: part_of, facts: [safety.inspection_2022.open_findings, "
        "safety.inspection_2022.findings]}\n"
    )
    rubric = load(engine, tmp_path, extra)
    assert rubric.cross_checks[: len(base.cross_checks)] == base.cross_checks
    # The first one is the base's own, kept once; the second is new.
    assert len(rubric.cross_checks) == len(base.cross_checks) + 1
    assert rubric.cross_checks[-1].facts == (
        "safety.inspection_2022.open_findings",
        "safety.inspection_2022.findings",
    )
