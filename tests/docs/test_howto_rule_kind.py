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

PLUGIN = DOCS / "examples" / "evalrules-rate-steps"
HOWTO = DOCS / "how-to" / "add-a-rule-kind.md"
TEXT = HOWTO.read_text(encoding="utf-8")
RUBRIC = PLUGIN / "tests" / "panjin-2023-rate-steps.yaml"
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


@pytest.fixture(scope="module")
def plugin():
    """The example plugin's module, imported from its source folder (not installed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PLUGIN / "src"))
        module = importlib.import_module("evalrules_rate_steps")
        yield module
        sys.modules.pop("evalrules_rate_steps", None)


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
    assert engine.rule_kinds.get("rate_steps") is plugin.RATE_STEPS
    assert engine.rule_kinds.origin("rate_steps") == "evalrules_rate_steps"


def test_the_example_is_scored_as_the_page_says(compiled):
    card = compiled.evaluate(evalrules.load_facts(EXAMPLE))
    assert card.node("11").score == Decimal("3.5")
    (finding,) = card.findings_for("PJ-11-s")
    assert (finding.points, finding.outcome) == (Decimal("-0.5"), "partial")
    assert [path for path, _ in finding.evidence.facts] == []
    assert [d.path for d in finding.evidence.derived] == ["derived.kindergarten.inclusive_rate"]


def test_the_rule_in_words(compiled):
    rule = next(r for _, r in compiled.rubric.rules() if r.code == "PJ-11-s")
    words = compiled.describe(rule)
    assert words.zh == (
        "普惠性幼儿园覆盖率(普惠率)应不低于85%;每低1%扣0.5分(不足1%按1%计),最多扣2分。"
    )
    assert words.en.startswith("Share of children in affordable kindergartens should be at least")


def test_the_catalogue_generator_lays_out_a_plugins_kind(plugin):
    catalogue = runpy.run_path(str(DOCS / "_gen" / "rule_kinds.py"), run_name="docs_test")
    entry = catalogue["render_kind"](plugin.RATE_STEPS)
    for name in ("fact", "target", "step", "deduct_each", "points", "rate_steps.below"):
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
    assert done.stdout.splitlines()[-1].startswith("10 passed"), done.stdout
