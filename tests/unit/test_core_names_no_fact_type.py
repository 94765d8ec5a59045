"""The core asks a fact type's traits; it never names a builtin type.

Only the builtin plugin modules may write ``"count"`` or ``"series"``: the module that
defines the builtin types and registers them, and the builtin rule kinds. Anywhere else such
a literal is the core switching on a name, which a plugin's type could never match.
"""

from __future__ import annotations

import ast
from pathlib import Path

import evalrules
from evalrules._facts._types import BUILTIN_TYPES

SRC = Path(evalrules.__file__).resolve().parent

#: The builtin plugin modules, where the builtin types are defined and used by name.
BUILTIN_PLUGIN_MODULES = {"_facts/_types.py", "_facts/_plugin.py", "_rules/_builtin.py"}

#: Literals that spell a builtin type's name but mean something else, with the reason: by
#: module, or by package (a path ending in ``/``).
SAME_SPELLING = {
    ("_facts/_derived.py", "ratio"): "the derived-fact formula ratio (a ÷ b), not the type",
    ("_renderers/_labels.py", "ratio"): "the English label of that formula",
    ("_excel/_cells.py", "boolean"): "the JSON Schema type boolean, which cells are read by",
    ("_claims/", "text"): "a self-assessment report read as plain text, not the fact type",
    ("_cli.py", "text"): "check's output format text (file:line:col lines), not the fact type",
    ("_diagnostics.py", "text"): "the same output format, where check's lines are written",
}


def excepted(module: str, name: str) -> bool:
    return any(
        name == spelt and (module == where or (where.endswith("/") and module.startswith(where)))
        for where, spelt in SAME_SPELLING
    )


NAMES = {t.name for t in BUILTIN_TYPES}


def literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES
    ]


def test_the_builtin_types_are_the_ones_this_test_looks_for():
    assert {"count", "money", "percent", "ratio", "boolean", "text", "judgement", "series"} <= NAMES


def test_no_core_module_names_a_builtin_fact_type():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        if module in BUILTIN_PLUGIN_MODULES:
            continue
        for line, name in literals(path):
            if not excepted(module, name):
                found.append(f"{module}:{line}: {name!r}")
    assert found == [], "the core names builtin fact types; ask the type's traits instead"


def test_the_scan_finds_a_name_where_there_is_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('def f(spec):\n    return spec.type == "series"\n', encoding="utf-8")
    assert literals(sample) == [(2, "series")]


def test_every_exception_is_still_needed():
    for where, name in SAME_SPELLING:
        paths = sorted((SRC / where).rglob("*.py")) if where.endswith("/") else [SRC / where]
        assert any(name in {n for _, n in literals(p)} for p in paths), (where, name)
