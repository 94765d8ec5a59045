"""The constructed example county of national-preschool/2020, through the library and the CLI.

The county-wide rates are recomputed here from the kindergartens table (the test's own sums),
and the card must show the same; the kindergartens short of a standard must be named.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import evalrules
import evalrules_national
from evalrules._cli import main
from evalrules.testing import collect_cases

REPO = Path(__file__).resolve().parents[4]
JIA = REPO / "rubrics" / "national-preschool" / "examples" / "jia-county.facts.yaml"
REF = "national-preschool/2020"
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def engine() -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_national], autoload=False)


@pytest.fixture(scope="module")
def compiled(engine) -> evalrules.CompiledRubric:
    return engine.compile(engine.load_rubric(REF))


@pytest.fixture(scope="module")
def card(engine, compiled) -> evalrules.Scorecard:
    return compiled.evaluate(engine.load_facts(JIA))


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(JIA.read_text(encoding="utf-8"))["facts"]


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT)


def test_the_rates_are_the_tables_sums(raw):
    rows = raw["kindergartens"]
    children = sum(r["children"] for r in rows)
    public = sum(r["children"] for r in rows if r["type"] == "public")
    affordable = sum(r["children"] for r in rows if r["type"] in ("public", "private_inclusive"))
    assert len(rows) == 17
    assert _share(children, raw["preschool"]["age_3_to_5_population"]) == Decimal("89.23")
    assert _share(affordable, children) == Decimal("84.87")
    assert _share(public, children) == Decimal("55.21")
    compliant = sum(r["compliant_classes"] for r in rows)
    assert _share(compliant, sum(r["classes"] for r in rows)) == Decimal("91.46")
    teachers = sum(r["teachers"] for r in rows)
    assert (Decimal(children) / teachers).quantize(CENT) == Decimal("13.74")


def test_the_card_fails_on_the_kindergartens_short_of_a_standard(card, raw):
    assert card.verdict is not None
    assert card.verdict.code == "failed"
    assert [g.code for g in card.verdict.failed] == ["C1", "C4"]
    assert card.total == Decimal(10)
    space = [f.message.zh for f in card.findings if f.indicator == "C1"]
    short = [
        r["name"]
        for r in raw["kindergartens"]
        if Decimal(str(r["building_area"])) / r["children"]
        < (9 if r["planning_period"] == "since_2016" else 6)
    ]
    assert short == ["县第三幼儿园", "贝贝幼儿园"]
    assert len(space) == len(short)
    for name in short:
        assert any(name in m for m in space)
    (licence,) = [f.message.zh for f in card.findings if f.indicator == "C4"]
    assert "阳光幼儿园" in licence


def test_every_case_file_checks_its_own_item(compiled):
    here = Path(__file__).parent
    leaves = sorted(n.code for n in compiled.rubric.walk() if n.is_leaf)
    assert sorted(p.stem for p in here.glob("*.yaml")) == leaves
    rule_items = {rule.code: item.code for item, rule in compiled.rubric.rules()}
    for case in collect_cases(here):
        if case.expect.error is not None:
            continue
        named = set(case.expect.scores) | {
            str(f.get("indicator") or rule_items.get(str(f.get("rule"))))
            for f in case.expect.findings
        }
        assert case.file.stem in named, case.id


def _verdict_lines(out: str) -> str:
    """The table's 认定结论 entry, whose text wraps onto the lines below it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("认定结论"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    return "".join(line.strip() for line in lines[start:end])


@pytest.fixture
def run(monkeypatch):
    """``evalrules ARGS`` in-process, with the installed plugins (as a terminal sees them)."""
    for name in ("NO_COLOR", "COLUMNS", "EVALRULES_DISABLE_PLUGIN_AUTOLOAD"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_cli_evaluates_the_example(run):
    result = run("evaluate", JIA)
    assert result.exit_code == 0, result.stderr
    line = _verdict_lines(result.stdout)
    assert "未达标" in line
    assert "C1" in line
    assert "C4" in line
    assert "县第三幼儿园" in result.stdout
    assert "贝贝幼儿园" in result.stdout


def test_cli_show_explain_and_check(run):
    shown = run("show", REF)
    assert shown.exit_code == 0, shown.stderr
    assert "教督〔2020〕1号" in shown.stdout
    explained = run("explain", REF, "A2")
    assert explained.exit_code == 0, explained.stderr
    assert "80%" in explained.stdout
    checked = run("check", REF)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
