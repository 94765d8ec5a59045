"""The core asks a plugin value's traits; it never names a builtin fact type, rule kind or
cross check.

A string literal that is exactly a builtin's name (``"series"``, ``"threshold"``,
``"part_of"``, or the cross check's problem code ``"part-of"``) is the core switching on a
name, which a plugin's type, kind or check could never match. Builtins may be named only where
they are defined: inside the ``fact_type(...)`` calls of ``_facts/_types.py`` and the
``cross_check_kind(...)`` calls of ``_facts/_crosschecks.py``, and in the builtin rule kinds'
plugin modules ``_rules/_builtin.py`` and ``_rules/_relative.py`` (a plugin names its own kinds
and the types it reads).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

import evalrules
from evalrules._facts._crosschecks import PART_OF
from evalrules._facts._types import BUILTIN_TYPES

SRC = Path(evalrules.__file__).resolve().parent

#: A builtin plugin module, where builtins are named as any plugin names its own.
BUILTIN_PLUGIN_MODULES = {"_rules/_builtin.py", "_rules/_relative.py", "_rules/_explainers.py"}

#: Modules that define builtins: a literal is a definition only inside a call to the factory.
DEFINITIONS = {"_facts/_types.py": "fact_type", "_facts/_crosschecks.py": "cross_check_kind"}

#: Literals that spell a builtin's name but mean something else, with the reason: by module,
#: or by package (a path ending in ``/``).
SAME_SPELLING = {
    ("_facts/_types.py", "series"): "the shape series, a trait value any fact type may declare",
    ("_facts/_formulas.py", "ratio"): "the derived-fact formula ratio (a ÷ b), not the type",
    ("_renderers/_view.py", "ratio"): "the formula ratio written in words, not the type",
    ("_facts/_types.py", "table"): "the shape table, a trait value any fact type may declare",
    ("_facts/_aggregations.py", "count"): "the aggregation count (rows counted), not the type",
    ("_renderers/_labels.py", "count"): "the label of that aggregation",
    ("_rubric/_loader.py", "table"): "an aggregate's key table: the table fact it reads",
    ("_claims/", "table"): "a table of a self-assessment report (its HTML element, its layout)",
    ("_renderers/_builtin.py", "table"): "the terminal table renderer's name",
    ("_renderers/_view.py", "table"): "the row evidence's field table: the table fact of the row",
    ("_plugins/_engine.py", "table"): "the table renderer's name among the builtin formats",
    ("_cli.py", "table"): "the table output format",
    ("_cli_years.py", "table"): "the table output format",
    ("_cli_cohort.py", "table"): "the table output format of a cohort",
    ("_diff/_render.py", "table"): "the table output format of a diff",
    ("_diff/_compare.py", "table"): "an aggregate's field table (the table fact it reads)",
    ("_rubric/_model.py", "ratio"): "the formula ratio among the formulas a rubric may use",
    ("_renderers/_labels.py", "ratio"): "the English label of that formula",
    ("_excel/_cells.py", "boolean"): "the JSON Schema type boolean, which cells are read by",
    ("_claims/", "text"): "a self-assessment report read as plain text, not the fact type",
    ("_cli.py", "text"): "check's output format text (file:line:col lines), not the fact type",
    ("_diagnostics.py", "text"): "the same output format, where check's lines are written",
    ("testing/_strategies.py", "part-of"): (
        "PROBLEM_CODES lists the builtin check's code among the codes invalid_facts draws; "
        "drawing asks the at_most trait"
    ),
}

#: What the core calls effects and findings shares words with kind names (a bonus kind
#: awards a bonus effect): those words are the core's own and are not searched for.
CORE_WORDS = {"deduction", "zero_out", "not_applicable", "bonus", "veto", "manual", "outcome"}


def _builtin_names() -> dict[str, set[str]]:
    engine = evalrules.Engine(autoload=False)
    kinds = {e.name for e in engine.rule_kinds if e.origin == "evalrules.kinds"}
    checks = {e.name for e in engine.cross_checks if e.origin == "evalrules.facts"}
    return {
        "fact type": {t.name for t in BUILTIN_TYPES},
        "rule kind": kinds - CORE_WORDS,
        "cross check": checks | {c.replace("_", "-") for c in checks},
    }


NAMES = _builtin_names()
ALL_NAMES = set().union(*NAMES.values())


def excepted(module: str, name: str) -> bool:
    return any(
        name == spelt and (module == where or (where.endswith("/") and module.startswith(where)))
        for where, spelt in SAME_SPELLING
    )


def _defined(tree: ast.AST, factory: str) -> set[int]:
    """The nodes inside calls of ``factory``: the definitions of builtins."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == factory:
            inside.update(id(n) for n in ast.walk(node))
    return inside


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def literals(path: Path, *, definitions: str | None = None) -> list[tuple[int, str]]:
    """String literals that are exactly a builtin's name, outside calls of ``definitions``."""
    tree = _parse(path)
    skip = _defined(tree, definitions) if definitions else set()
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in ALL_NAMES
        and id(node) not in skip
    ]


def test_the_builtins_are_the_ones_this_test_looks_for():
    assert {"count", "money", "percent", "ratio", "boolean", "text", "judgement", "series"} <= (
        NAMES["fact type"]
    )
    assert len(NAMES["rule kind"]) == 17  # 21 builtin kinds; four share a core word
    assert {"threshold", "bands", "checklist", "non_decrease"} <= NAMES["rule kind"]
    assert NAMES["cross check"] == {PART_OF.name, "part-of"}


def test_no_core_module_names_a_builtin():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        if module in BUILTIN_PLUGIN_MODULES:
            continue
        for line, name in literals(path, definitions=DEFINITIONS.get(module)):
            if not excepted(module, name):
                found.append(f"{module}:{line}: {name!r}")
    assert found == [], "the core names builtins; ask the plugin value's traits instead"


@pytest.mark.parametrize("name", ["series", "threshold", "part_of", "part-of"])
def test_the_scan_finds_a_name_where_there_is_one(tmp_path, name):
    sample = tmp_path / "sample.py"
    sample.write_text(f'def f(spec):\n    return spec.type == "{name}"\n', encoding="utf-8")
    assert literals(sample) == [(2, name)]


def test_definitions_are_exempt_only_inside_the_factory_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'COUNT = fact_type("count", expected=Text("个", "count"))\n'
        'def f(t):\n    return t.name == "count"\n',
        encoding="utf-8",
    )
    assert literals(sample, definitions="fact_type") == [(3, "count")]
    # the real modules define every builtin inside the factory calls
    types = {n for _, n in literals(SRC / "_facts/_types.py")} & NAMES["fact type"]
    assert types == NAMES["fact type"]
    assert {n for _, n in literals(SRC / "_facts/_crosschecks.py")} == {PART_OF.name}
    assert literals(SRC / "_facts/_crosschecks.py", definitions="cross_check_kind") == []


def test_the_builtin_kinds_module_names_every_kind():
    # the scan can fail: run on the builtin kinds' modules, it finds every kind's name
    found = {n for module in BUILTIN_PLUGIN_MODULES for _, n in literals(SRC / module)}
    assert NAMES["rule kind"] <= found


def test_every_exception_is_still_needed():
    for where, name in SAME_SPELLING:
        paths = sorted((SRC / where).rglob("*.py")) if where.endswith("/") else [SRC / where]
        hits = {
            n
            for p in paths
            for _, n in literals(p, definitions=DEFINITIONS.get(p.relative_to(SRC).as_posix()))
        }
        assert name in hits, (where, name)
