"""The how-to "Add a rule kind": its kind registers, checks, scores and words rules as shown."""

from __future__ import annotations

import importlib
import os
import runpy
import subprocess
import sys
from decimal import Decimal

import pytest
from docs_markdown import DOCS, REPO, expand, fenced_blocks, includes

import evalrules
import evalrules_panjin
from _environ import clean_env

PLUGIN = DOCS / "examples" / "evalrules-at-least"
HOWTO = DOCS / "how-to" / "add-a-rule-kind.md"
TEXT = HOWTO.read_text(encoding="utf-8")
RUBRIC = PLUGIN / "tests" / "panjin-2023-at-least.yaml"
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


@pytest.fixture(scope="module")
def plugin():
    """The example plugin's module, imported from its source folder (not installed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PLUGIN / "src"))
        module = importlib.import_module("evalrules_at_least")
        yield module
        sys.modules.pop("evalrules_at_least", None)


@pytest.fixture(scope="module")
def compiled(plugin):
    engine = evalrules.Engine(plugins=[evalrules_panjin, plugin], autoload=False)
    return engine.compile(engine.load_rubric(RUBRIC))


def test_the_page_includes_every_file_of_the_plugin():
    files = sorted(
        p.relative_to(REPO).as_posix()
        for p in PLUGIN.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert sorted(includes(TEXT)) == files
    for _, body in fenced_blocks(TEXT):
        if includes(body):
            assert body.strip() == f'--8<-- "{includes(body)[0]}"', body
    assert "--8<--" not in expand(TEXT)


def test_the_kind_is_registered_through_the_hook(plugin):
    engine = evalrules.Engine(plugins=[plugin], autoload=False)
    assert engine.rule_kinds.get("at_least") is plugin.AT_LEAST
    assert engine.rule_kinds.origin("at_least") == "evalrules_at_least"


def test_the_example_is_scored_as_the_page_says(compiled):
    example = evalrules.load_facts(EXAMPLE)
    assert compiled.evaluate(example).node("5.1").score == Decimal(3)
    only_the_plan = {
        "double_reduction.homework_management": False,
        "double_reduction.homework_publicity": False,
    }
    card = compiled.evaluate(example.with_facts(only_the_plan))
    assert card.node("5.1").score == Decimal("1.5")
    (finding,) = card.findings_for("PJ-5.1-k")
    assert (finding.points, finding.outcome) == (Decimal("-1.5"), "partial")
    assert "未落实:各校制定作业管理和控制计划" in finding.message.zh
    assert len(finding.evidence.facts) == 3


def test_the_rule_in_words(compiled):
    rule = next(r for _, r in compiled.rubric.rules() if r.code == "PJ-5.1-k")
    words = compiled.describe(rule)
    assert words.zh.startswith("3项措施(印发“双减”实施方案并成立领导小组(工作专班)；")
    assert words.zh.endswith(")中至少落实2项;每少一项扣1.5分,最多扣3分。")
    assert words.en.startswith("At least 2 of 3 in place (")


def test_the_page_says_the_builtin_shortfall_exists():
    assert "[`shortfall`](../reference/rule-kinds.md#shortfall)" in TEXT


def test_the_catalogue_generator_lays_out_a_plugins_kind(plugin):
    catalogue = runpy.run_path(str(DOCS / "_gen" / "rule_kinds.py"), run_name="docs_test")
    entry = catalogue["render_kind"](plugin.AT_LEAST)
    for name in ("facts", "at_least", "deduct_each", "points", "at_least.short"):
        assert f"`{name}`" in entry


@pytest.mark.slow
def test_the_plugins_own_tests_pass():
    paths = [str(PLUGIN / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=PLUGIN,
        env=clean_env({"PYTHONPATH": os.pathsep.join(paths)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("12 passed"), done.stdout
