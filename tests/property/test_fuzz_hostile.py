"""Fuzzing with hostile input: facts documents, rubric files, report text for ``claims`` and
workbooks, each with mistakes injected where they are known.

Each property says the same thing: the result is a scorecard, or a refusal that lists every
injected mistake (at its path, or its line); never another exception. Whatever is shown of
a refusal, escaped as the command line escapes it, holds no raw control character.

The examples are a share of the profile's (``tests/_examples.py``); a soak runs the same
properties longer: ``pytest tests/property/test_fuzz_hostile.py --hypothesis-profile=soak``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import _rubrics as R
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import evalrules
from _examples import share
from evalrules._claims import ReportReadError, map_report, read_report
from evalrules._claims._render import render as render_claims
from evalrules._escape import escape_line, escape_text
from evalrules._frozen import thaw
from evalrules._limits import LIMIT_CODES, MAX_ITEMS, MAX_TEXT
from evalrules.errors import FactsError, RubricError

REPO = Path(__file__).resolve().parents[2]
SEED_REPORT = REPO / "tests" / "data" / "seed" / "shuangtaizi-2023-self-evaluation.txt"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

#: Text nobody should type, and everything a terminal must not receive raw.
HOSTILE_TEXT = st.sampled_from(
    [
        "\x1b[2J",
        "\x1b]0;title\x07",
        "\x1bc",
        "a\u202eb",
        "\u2066x\u2069",
        "\ud800",
        "line\nFAKE 总分 100.0 优秀",
        "1e999999999",
        "²⁰²¹",
        "１２３",
        "٣",
        "\x00",
        "扣{分",
        "{points!r}",
    ]
)
BAD_YEARS = st.sampled_from(["²⁰²¹", "٢٠٢١", "２０２１", "zz", "1800", None, Decimal("1.5")])
BEYOND_LIMITS = st.sampled_from(
    [
        Decimal("1.0e+99999999"),
        Decimal("1e-999999"),
        10**5000,
        "x" * (MAX_TEXT + 1),
        "deep",
        "long",
    ]
)


def _shown(error: Exception) -> str:
    text = escape_line(str(error))
    assert RAW.search(text) is None
    return text


def _layout(compiled: evalrules.CompiledRubric) -> tuple[list[str], list[str], list[str]]:
    validator = compiled._validator
    numeric = sorted(
        p
        for p, s in validator.specs.items()
        if p not in validator.series and validator.types[s.type].numeric
    )
    groups = sorted({p.rsplit(".", 1)[0] for p in validator.specs if "." in p})
    return numeric, groups, sorted(validator.series)


def _set(facts: dict[str, Any], path: str, value: Any, *, key: Any = None) -> None:
    """Set ``path`` to ``value``; with ``key``, set ``key`` (any text) inside ``path``."""
    *parents, leaf = path.split(".")
    if key is not None:
        parents, leaf = [*parents, leaf], key
    level = facts
    for part in parents:
        level = level.setdefault(part, {})
    level[leaf] = value


def _matches(problem_path: str, injected: str) -> bool:
    return problem_path == injected or problem_path.startswith((injected + ".", injected + "["))


@st.composite
def hostile_facts(draw: st.DrawFn, layout: tuple[list[str], list[str], list[str]], base: Any):
    """The example's facts with hostile mistakes injected; returns them and the path of
    each mistake."""
    numeric, groups, series = layout
    facts = thaw(base)
    injected: set[str] = set()
    for path in draw(st.sets(st.sampled_from(numeric), max_size=4)):
        _set(facts, path, draw(HOSTILE_TEXT))
        injected.add(path)
    for group in draw(st.lists(st.sampled_from(groups), max_size=3)):
        key = "zz" + draw(HOSTILE_TEXT)
        _set(facts, group, 1, key=key)
        injected.add(f"{group}.{key}")
    for path in draw(st.sets(st.sampled_from(series), max_size=2)):
        year = draw(BAD_YEARS)
        value = dict(facts_at(facts, path) or {})
        value[year] = 1
        _set(facts, path, value)
        injected.add(f"{path}.{year}")
    return facts, injected


def facts_at(facts: dict[str, Any], path: str) -> Any:
    value: Any = facts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_facts_are_refused_listing_each_injected_mistake(compiled, example, data):
    facts, injected = data.draw(hostile_facts(_layout(compiled), example.facts))
    try:
        compiled.evaluate(facts)
    except FactsError as exc:
        _shown(exc)
        paths = [p.path for p in exc.problems]
        for path in injected:
            assert any(_matches(p, path) for p in paths), (path, paths)
        for problem in exc.problems:
            assert " at 0x" not in problem.message_en
    else:
        assert not injected


@share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_values_beyond_the_limits_are_refused_listing_each(compiled, example, data):
    numeric, _, _ = _layout(compiled)
    facts = thaw(example.facts)
    injected = data.draw(st.sets(st.sampled_from(numeric), min_size=1, max_size=3))
    for path in injected:
        value = data.draw(BEYOND_LIMITS)
        if value == "deep":
            for _ in range(80):
                value = {"g": value}
        elif value == "long":
            value = [1] * (MAX_ITEMS + 1)
        _set(facts, path, value)
    with pytest.raises(FactsError) as info:
        compiled.evaluate(facts)
    _shown(info.value)
    assert all(p.code in LIMIT_CODES for p in info.value.problems)
    for path in injected:
        assert any(_matches(p.path, path) for p in info.value.problems), path


NUMBER_KEYS = ("total", "precision")


@share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    numbers=st.lists(
        st.sampled_from(["1.0e+99999999", "1.0e-999999", "1" * 5000, "9" * 29]),
        min_size=1,
        max_size=3,
    ),
    extra=st.lists(HOSTILE_TEXT.filter(lambda t: "\ud800" not in t), max_size=3),
)
def test_a_rubric_file_with_hostile_numbers_lists_each_line(tmp_path, numbers, extra):
    doc = R.minimal()
    doc["title"] = R.text("测试" + "".join(extra), "Test")
    text = R.dump(doc)
    lines = text.splitlines()
    injected = []
    # each hostile number on a line of its own, as the value of an unknown key
    for i, number in enumerate(numbers):
        lines.append(f"zz{i}: {number}")
        injected.append(len(lines))
    path = tmp_path / "hostile.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    with pytest.raises(RubricError) as info:
        R.engine().load_rubric(path)
    shown = _shown(info.value)
    for line in injected:
        assert f"line {line}" in shown, (line, shown)


def _report_text() -> str:
    return SEED_REPORT.read_text(encoding="utf-8")


#: Lines inserted into the report (drawn by index, so that a failing example prints short).
REPORT_INSERTS = (
    "（三）恶意标题\x1b[2J（10分，自评得分1e999999999分）",
    "（四）超长分数（5分，自评得分" + "9" * 5000 + "分）",
    "（五）\u202e反向（3分，自评得分3分）",
    "\ud800",
    "（六）{points!r}（2分，自评得分2.5分）",
    "1." * 2000,
    "自评得分" + "1" * 30 + "分",
)


@share(4, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    inserts=st.lists(
        st.tuples(st.integers(0, 200), st.integers(0, len(REPORT_INSERTS) - 1)),
        min_size=1,
        max_size=4,
    ),
    claimed_1000=st.booleans(),
)
def test_report_text_with_hostile_lines_is_read_or_refused(panjin, inserts, claimed_1000):
    text = _report_text()
    if claimed_1000:
        # the injected mistake: a stated total above the rubric's 100
        assert "自评总分为98.6分" in text
        text = text.replace("自评总分为98.6分", "自评总分为1000分")
    lines = text.splitlines()
    for at, which in inserts:
        lines.insert(min(at, len(lines)), REPORT_INSERTS[which])
    try:
        reading = read_report("\n".join(lines))
    except ReportReadError as exc:
        _shown(exc)
        return
    result = map_report(reading, panjin)
    for fmt in ("table", "json", "yaml", "facts"):
        out = escape_text(render_claims(reading, result, fmt, lang="zh"))
        assert RAW.search(out) is None
    if claimed_1000 and reading.total is not None and reading.total.claimed == 1000:
        assert any(p.code == "total" and p.kind == "above-max" for p in result.problems)


openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def blank_form(engine, panjin, example):
    from _workbooks import form

    return form(engine, panjin, example)


@share(8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_workbook_with_hostile_cells_is_refused_listing_each(
    engine, compiled, blank_form, tmp_path, data
):
    from _workbooks import edit

    numeric, _, _ = _layout(compiled)
    chosen = data.draw(st.sets(st.sampled_from(numeric), min_size=1, max_size=3))
    # what a cell can hold: openpyxl refuses control characters, XML has no surrogates
    cell_text = HOSTILE_TEXT.filter(lambda t: not re.search("[\x00-\x08\x0b-\x1f\ud800-\udfff]", t))
    values = {path: data.draw(cell_text) for path in chosen}
    book = edit(blank_form, values)
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(book)
    try:
        doc = engine.load_facts(path)
        compiled.evaluate(doc)
    except FactsError as exc:
        _shown(exc)
        paths = [p.path for p in exc.problems]
        for injected in chosen:
            assert any(_matches(p, injected) for p in paths), (injected, paths)
    else:
        raise AssertionError(f"hostile cells were accepted: {values}")
