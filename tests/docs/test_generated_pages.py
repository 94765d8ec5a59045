"""The page generators in docs/_gen: each page covers everything it is generated from.

The scripts run at site build time through mkdocs-gen-files; here their ``render``
functions are called directly, so the checks need no mkdocs installation.
"""

from __future__ import annotations

import inspect
import re
import runpy

import pytest
import yaml
from docs_markdown import DOCS, REPO

import evalrules
import evalrules.hookspecs as hookspecs
import evalrules_national
import evalrules_panjin
from evalrules._cli import main as cli_main

GEN = DOCS / "_gen"


def _script(name):
    return runpy.run_path(str(GEN / f"{name}.py"), run_name="docs_test")


@pytest.fixture(scope="module")
def compiled_2023():
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    return engine.compile(engine.load_rubric("panjin-county/2023"))


def test_hooks_page_documents_every_hook_with_its_arguments():
    page = _script("hooks")["render"]()
    hooks = [n for n, f in vars(hookspecs).items() if hasattr(f, "evalrules_spec")]
    assert len(hooks) >= 6
    for name in hooks:
        assert f"## `{name}` {{ #evalrules.hookspecs.{name} }}" in page
        for arg in inspect.signature(getattr(hookspecs, name)).parameters:
            assert f"| `{arg}` |" in page, (name, arg)
    assert page.count("*Since evalrules") == len(hooks)
    assert not re.search(r":(class|func|meth|data|exc):`", page)


def test_rule_kinds_page_lists_every_builtin_kind_and_parameter():
    gen = _script("rule_kinds")
    page = gen["render"]()
    kinds = gen["builtin_kinds"]()
    assert {k.name for k in kinds} >= {"threshold", "per_incident", "checklist", "bands", "veto"}
    for kind in kinds:
        assert f"{{ #{kind.name} }}" in page
        assert kind.summary.zh in page
        assert kind.summary.en in page
        for param in kind.params:
            assert f"| `{param}` |" in page, (kind.name, param)
        for message_id in kind.messages:
            assert f"| `{message_id}` |" in page
        assert all(f"`{o}`" in page for o in kind.outcomes)


def test_rule_kinds_page_spells_out_nested_parameters():
    gen = _script("rule_kinds")
    rows = {
        row[0]: row
        for row in gen["parameter_rows"](
            evalrules.Engine(autoload=False).rule_kinds.get("bands").params
        )
    }
    assert rows["bands[].deduct"][1:3] == ("number", "yes")
    assert rows["bands[].min_inclusive"][1] == "boolean"


def test_rule_kinds_page_documents_where_on_the_row_kinds():
    gen = _script("rule_kinds")
    kinds = evalrules.Engine(autoload=False).rule_kinds
    for name in ("each_row", "k_of_n"):
        kind = kinds.get(name)
        rows = {row[0]: row for row in gen["parameter_rows"](kind.params)}
        assert rows["where"][1:3] == ("row condition", "no")
        assert "rubric-format.md#tables-school-level-records" in rows["where"][3]
        assert "`where`" in kind.description


def test_rubric_page_has_every_node_and_rule_in_both_tables(compiled_2023):
    page = _script("rubrics")["render"](compiled_2023)
    zh = page[page.index("## 评分细则") : page.index("## Scoring rules")]
    en = page[page.index("## Scoring rules") : page.index("## 等次 Grades")]
    rubric = compiled_2023.rubric
    for node in rubric.walk():
        assert f"| {node.title.zh}" in zh.replace("**", "").replace("　", "")
        assert f"| {node.title.en}" in en.replace("**", "").replace("　", "")
    for _, rule in rubric.rules():
        words = compiled_2023.describe(rule)
        assert f"`{rule.code}` {words.zh}" in zh
        assert f"`{rule.code}` {words.en}" in en
    inferred = [r for _, r in rubric.rules() if r.source.inferred]
    assert zh.count("**推定**") == len(inferred)
    assert en.count("**inferred:**") == len(inferred)
    for spec in rubric.facts:
        assert f"| `{spec.path}` |" in page


@pytest.mark.parametrize("ref", ["national-balance/2017", "national-preschool/2020"])
def test_national_rubric_pages_show_tables_aggregations_and_the_verdict(ref):
    engine = evalrules.Engine(plugins=[evalrules_national], autoload=False)
    compiled = engine.compile(engine.load_rubric(ref))
    page = _script("rubrics")["render"](compiled)
    rubric = compiled.rubric
    zh = page[page.index("## 评分细则") : page.index("## Scoring rules")]
    for _, rule in rubric.rules():
        assert f"`{rule.code}` {compiled.describe(rule).zh}" in zh
    assert "## 认定结论 Verdict" in page
    assert all(f"| `{gate}` |" in page for gate in rubric.verdict.gates)
    (table,) = [f for f in rubric.facts if f.table is not None]
    assert f"### `{table.path}`" in page
    for column in table.table.columns:
        assert f"| `{column.path}` |" in page
    for derived in table.table.row_derived:
        assert f"| `{derived.path}` |" in page
    for d in rubric.derived:
        assert f"| `{d.path}` |" in page
    if ref == "national-balance/2017":
        assert page.count("`cv`: 差异系数") == 14
        assert "category == teaching_point" in page


def test_a_certification_rubrics_page_lists_its_gates(compiled_2023, certification):
    render = _script("rubrics")["render"]
    assert "## 认定结论 Verdict" not in render(compiled_2023)
    page = render(certification)
    section = page[page.index("## 认定结论 Verdict") : page.index("## 数据项 Facts")]
    assert "达标 / Meets the standard" in section
    for code in certification.rubric.verdict.gates:
        node = certification.rubric.indicator(code)
        assert f"| `{code}` | {node.title.zh} | {node.title.en} |" in section


def test_rubric_pages_are_in_the_navigation():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    page_path = _script("rubrics")["page_path"]
    refs = [ref for plugin in _script("rubrics")["PLUGINS"] for ref in plugin.RUBRICS]
    assert {"panjin-county/2023", "national-balance/2017", "national-preschool/2020"} <= set(refs)
    for ref in refs:
        assert page_path(ref).removeprefix("reference/") in nav


def test_cli_page_shows_every_commands_help():
    page = _script("cli")["render"]()
    for name, command in cli_main.commands.items():
        assert f"## `evalrules {name}`" in page
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in page, (name, opt)


def test_scorecard_schema_page_lists_every_field():
    gen = _script("scorecard_schema")
    schema = evalrules.scorecard_schema()
    page = gen["render"](schema)
    for name in schema["properties"]:
        assert f"| `{name}` |" in page
    for definition, node in schema.get("$defs", {}).items():
        assert f"## `{definition}`" in page
        for name in node.get("properties", {}):
            assert f"| `{name}` |" in page, (definition, name)
    assert '"evalrules.scorecard/1"' in page


def test_docstring_roles_become_links_or_code():
    convert = _script("docstring_markdown")
    to_markdown = convert["to_markdown"]
    text = "Use :class:`~evalrules.Finding`, :func:`rule_kind` and :class:`attrs.evolve`."
    assert to_markdown(text) == (
        "Use [`Finding`][evalrules.Finding], [`rule_kind`][evalrules.rule_kind] and `attrs.evolve`."
    )
    block = "Example::\n\n    x = 1\n\nAfter."
    assert to_markdown(block) == "Example:\n\n```python\nx = 1\n```\n\nAfter."


def test_navigation_lists_every_page_once():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def pages(items):
        for item in items:
            for value in item.values() if isinstance(item, dict) else [item]:
                if isinstance(value, list):
                    yield from pages(value)
                else:
                    yield value

    listed = list(pages(config["nav"]))
    assert len(listed) == len(set(listed))
    written = {
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if p.relative_to(DOCS).parts[0] not in ("_gen", "examples")
    }
    generated = {
        "reference/hooks.md",
        "reference/rule-kinds.md",
        "reference/cli.md",
        "reference/scorecard-schema.md",
        *(
            _script("rubrics")["page_path"](ref)
            for plugin in _script("rubrics")["PLUGINS"]
            for ref in plugin.RUBRICS
        ),
    }
    assert set(listed) == written | generated
    assert not written & generated  # generated pages are never committed
