"""Hostile input: tiny files with huge costs, and bad input that must never be an internal
error. Each refusal is a normal problem with its path (or line), found before any
expensive work; none of these tests measures time (benchmarks do), but each input below
took seconds to minutes and gigabytes before its limit existed, so a regression shows as a
test that hangs or runs out of memory."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import evalrules
from evalrules._documents import DocumentError, loads_json, loads_yaml, read_bytes
from evalrules._frozen import thaw
from evalrules._limits import MAX_DIGITS, MAX_ITEMS, MAX_KEYS, MAX_VALUES
from evalrules.errors import FactsError

HEAD = "evalrules: facts/1\nrubric: panjin-county/2023\nfacts:\n  funding:\n    primary:\n"


def _problems(compiled, path: Path) -> list[tuple[str, str]]:
    with pytest.raises(FactsError) as info:
        compiled.evaluate(evalrules.load_facts(path))
    return [(p.path, p.code) for p in info.value.problems]


@pytest.mark.parametrize(
    "number",
    ["1.0e+99999999", "1.0e+999999999", "1.0e-99999999", "1" * 5000, "1" * 29, "0." + "1" * 60],
)
def test_a_number_beyond_the_limits_is_refused_while_reading(tmp_path, compiled, number):
    path = tmp_path / "f.yaml"
    path.write_text(f"{HEAD}      public_funds: {number}\n", encoding="utf-8")
    assert _problems(compiled, path) == [("line 6", "number-limit")]


def test_a_number_beyond_the_limits_in_json_is_refused_with_its_path():
    for text in ["1" * 5000, "1.0e+99999999", "-" + "9" * 29]:
        with pytest.raises(DocumentError) as info:
            loads_json('{"facts": {"a": ' + text + "}}")
        assert info.value.code == "number-limit"


def test_base_sixty_integers_are_held_to_the_digit_limit():
    with pytest.raises(DocumentError) as info:
        loads_yaml("a: " + ":".join(["59"] * 5000) + "\n")
    assert info.value.code == "number-limit"
    assert loads_yaml("a: 1:30\n") == {"a": 90}


def test_numbers_within_the_limits_are_read_exactly():
    assert loads_yaml("a: 9245154.23\nb: 1.0e-30\nc: %s\n" % ("9" * MAX_DIGITS)) == {
        "a": Decimal("9245154.23"),
        "b": Decimal("1.0e-30"),
        "c": int("9" * MAX_DIGITS),
    }


def test_a_number_as_huge_text_is_a_normal_problem(tmp_path, compiled):
    path = tmp_path / "f.yaml"
    path.write_text(f'{HEAD}      public_funds: "1e999999999"\n', encoding="utf-8")
    assert ("funding.primary.public_funds", "wrong-type") in _problems(compiled, path)


def test_keys_items_and_values_are_limited():
    many = ", ".join(f"k{i}: 1" for i in range(MAX_KEYS + 1))
    with pytest.raises(DocumentError) as info:
        loads_yaml("{" + many + "}")
    assert info.value.code == "too-many-keys"
    with pytest.raises(DocumentError) as info:
        loads_yaml("[" + ", ".join("1" * (MAX_ITEMS + 1)) + "]")
    assert info.value.code == "too-many-items"
    with pytest.raises(DocumentError) as info:
        loads_yaml("[" + ", ".join(["[1, 1, 1, 1, 1, 1, 1, 1, 1]"] * (MAX_VALUES // 9)) + "]")
    assert info.value.code == "too-many-values"
    with pytest.raises(DocumentError) as info:
        loads_json("{" + ", ".join(f'"k{i}": 1' for i in range(MAX_KEYS + 1)) + "}")
    assert (info.value.code, info.value.path) == ("too-many-keys", "<document>")


def test_a_million_item_list_is_refused_quickly():
    with pytest.raises(DocumentError) as info:
        loads_yaml("a: [" + "1," * 500_000 + "1]")
    assert info.value.code in ("too-many-items", "too-many-values")


def test_dev_zero_is_read_within_the_size_limit():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(DocumentError, match="larger than"):
        read_bytes(Path("/dev/zero"))


def test_every_duplicate_key_is_reported_with_its_line_or_path(tmp_path, compiled):
    path = tmp_path / "f.yaml"
    path.write_text(
        "evalrules: facts/1\nfacts:\n  a: 1\n  a: 2\n  b: 1\n  b: 2\n  c: 1\n  c: 3\n",
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as info:
        evalrules.load_facts(path)
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("line 4", "duplicate-key"),
        ("line 6", "duplicate-key"),
        ("line 8", "duplicate-key"),
    ]
    path = tmp_path / "f.json"
    path.write_text(
        '{"evalrules": "facts/1", "facts": {"a": 1, "a": 2, "g": {"b": 1, "b": 2, "c": 1,'
        ' "c": 2}}}',
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as info:
        evalrules.load_facts(path)
    assert sorted((p.path, p.code) for p in info.value.problems) == [
        ("facts.a", "duplicate-key"),
        ("facts.g.b", "duplicate-key"),
        ("facts.g.c", "duplicate-key"),
    ]


def test_deep_nesting_through_the_library_is_a_problem_not_a_recursion_error(compiled):
    deep: dict = {"x": 1}
    for _ in range(500):
        deep = {"g": deep}
    with pytest.raises(FactsError) as info:
        compiled.evaluate({"funding": deep})
    assert [p.code for p in info.value.problems] == ["too-deep"]
    with pytest.raises(FactsError):
        compiled.validate({"funding": deep})


def test_a_huge_integer_handed_in_is_a_problem_with_its_path(compiled, example):
    facts = thaw(example.facts)
    facts["funding"]["primary"]["public_funds"] = 10**5000
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    assert ("funding.primary.public_funds", "number-limit") in [
        (p.path, p.code) for p in info.value.problems
    ]
    facts["funding"]["primary"]["public_funds"] = Decimal("1e+99999999")
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    assert ("funding.primary.public_funds", "number-limit") in [
        (p.path, p.code) for p in info.value.problems
    ]


def test_many_unknown_keys_are_each_reported(compiled, example):
    facts = thaw(example.facts)
    for i in range(1500):
        facts["party"][f"zz{i}"] = 1
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    unknown = [p for p in info.value.problems if p.code == "unknown"]
    assert len(unknown) == 1500
    facts = thaw(example.facts)
    facts["party"].update({f"zz{i}": 1 for i in range(MAX_KEYS + 1)})
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    assert [(p.path, p.code) for p in info.value.problems] == [("party", "too-many-keys")]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"²⁰²¹": 1}, ["fitness.good_rate.²⁰²¹"]),
        ({"٢٠٢١": 1}, ["fitness.good_rate.٢٠٢١"]),
        ({"２０２１": 1}, ["fitness.good_rate.２０２１"]),
        ({Decimal("1.5"): 1, "zz": 2}, ["fitness.good_rate.1.5", "fitness.good_rate.zz"]),
        ({None: 1, 2022: 39.78}, ["fitness.good_rate.None"]),
    ],
)
def test_bad_year_keys_are_bad_years(compiled, example, keys, expected):
    facts = thaw(example.facts)
    facts["fitness"]["good_rate"] = keys
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    found = sorted(p.path for p in info.value.problems if p.code == "bad-year")
    assert found == expected
    for p in info.value.problems:
        assert " at 0x" not in p.message_en


def test_a_claimed_total_above_the_rubric_s_max_is_refused(compiled, example):
    # Regression: a total of 1000 on a 100-point rubric is refused like an indicator's.
    doc = attrs.evolve(example, claimed={**example.claimed, "total": Decimal(1000)})
    with pytest.raises(FactsError) as info:
        compiled.evaluate(doc)
    assert [(p.path, p.code) for p in info.value.problems] == [("claimed.total", "over-max")]
