"""The how-to "Add an aggregation": its plugin works, and the page shows it as it is.

The example plugin lives in ``docs/examples/evalrules-median``; the page includes its files
with pymdownx.snippets, and these tests load that copy, on the constructed table rubric of the
unit tests with the page's ``derived:`` fragment added.
"""

from __future__ import annotations

import importlib
import json
import pickle
import sys
from decimal import Decimal

import pytest
import yaml
from docs_markdown import DOCS, REPO, expand, fenced_blocks, includes

import evalrules
from evalrules._documents import read_document
from evalrules._frozen import thaw

PLUGIN = DOCS / "examples" / "evalrules-median"
HOWTO = DOCS / "how-to" / "add-an-aggregation.md"
TEXT = HOWTO.read_text(encoding="utf-8")
TABLES = REPO / "tests" / "unit" / "tables"


@pytest.fixture(scope="module")
def plugin():
    """The example plugin's module, imported from its source folder (not installed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PLUGIN / "src"))
        module = importlib.import_module("evalrules_median")
        yield module
        sys.modules.pop("evalrules_median", None)


@pytest.fixture(scope="module")
def engine(plugin):
    return evalrules.Engine(plugins=[plugin], autoload=False)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture(scope="module")
def compiled(engine, tmp_path_factory):
    """The table rubric with the page's derived fact, and its first rule reading it."""
    raw = thaw(read_document(TABLES / "rubric.yaml"))
    fragment = yaml.safe_load((PLUGIN / "derived.yaml").read_text(encoding="utf-8"))
    raw["derived"] = fragment["derived"]
    first = raw["indicators"][0]
    first["max"] = 10
    item = first["children"][0]
    first["children"] = [
        {
            **item,
            "rules": [
                {
                    **item["rules"][0],
                    "params": {"fact": "derived.primary.median_pupils", "op": ">=", "value": 150},
                }
            ],
        }
    ]
    path = tmp_path_factory.mktemp("median") / "rubric.yaml"
    path.write_text(yaml.safe_dump(_plain(raw), allow_unicode=True), "utf-8")
    return engine.compile(engine.load_rubric(path))


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


def test_the_aggregation_is_registered_through_the_hook(plugin, engine):
    assert engine.aggregations.get("median") is plugin.MEDIAN
    assert engine.aggregations.origin("median") == "evalrules_median"


def test_the_median_is_computed_and_named_in_both_languages(engine, compiled):
    facts = engine.load_facts(TABLES / "facts.yaml")
    card = compiled.evaluate(facts, explain=True)
    # counted primary schools: 100, 100 and 200 pupils; the median 100 is below 150
    (finding,) = card.findings
    (median,) = finding.evidence.derived
    assert (median.value, median.formula) == (100, "median")
    zh = engine.render(card, format="table", lang="zh")
    en = engine.render(card, format="table", lang="en")
    assert "中位数(学校数n = 3,最低值 = 100,最高值 = 200)" in zh
    assert "median (rows n = 3, lowest = 100, highest = 200)" in en
    assert "lowest" not in zh
    assert "median(" not in zh


def test_the_words_survive_json_and_pickling(engine, compiled):
    facts = engine.load_facts(TABLES / "facts.yaml")
    back = pickle.loads(pickle.dumps(compiled))
    card = back.evaluate(facts, explain=True)
    text = engine.render(card, format="json")
    stored = json.loads(text)
    (aggregate,) = stored["aggregates"]
    assert aggregate["formula_label"] == {"zh": "中位数", "en": "median"}
    assert aggregate["breakdown_labels"]["lowest"] == {"zh": "最低值", "en": "lowest"}
    again = evalrules.Scorecard.from_dict(stored)
    assert again.aggregates == card.aggregates
    assert engine.render(again, format="table", lang="en") == engine.render(
        card, format="table", lang="en"
    )


def test_a_label_that_is_not_text_is_refused(plugin):
    with pytest.raises(TypeError, match="lowest"):
        evalrules.aggregation(
            "median2",
            description=evalrules.Text("中位数", "median"),
            compute=plugin.median,
            breakdown_labels={"lowest": "最低值"},  # type: ignore[dict-item]
        )
