"""The import order of docs/explanation/architecture.md, held against every module's imports.

A module imports only from its own unit (subpackage or top-level module) and from the units
before it in ``ORDER``. Imports under ``if TYPE_CHECKING:`` are exempt: a type annotation may
name a later stage's value. Deferred imports inside functions are not exempt: they run.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "evalrules"
ARCHITECTURE = SRC.parents[1] / "docs" / "explanation" / "architecture.md"

#: The base, in order: each module imports at run time only base modules before it.
BASE = (
    "_version",
    "_text",
    "_points",
    "_frozen",
    "_units",
    "_limits",
    "_escape",
    "_documents",
    "errors",
    "hookspecs",
)

#: The units after the base, each importing only from itself, the base and those before it.
ORDER = (
    "_rubric",
    "_scorecard",
    "_facts",
    "_rules",
    "_scoring",
    "_compiler",
    "_renderers",
    "_claims",
    "_excel",
    "_diff",
    "_cohort",
    "_plugins",
    "__init__",
    "testing",
    "_diagnostics",
    "_newyear",
    "_cli",
)

#: Top-level modules that are part of another unit: the year-to-year commands, the cohort
#: command and the console script are the command line's, each kept in a module of its own.
PART_OF = {"_cli_years": "_cli", "_cli_cohort": "_cli", "_console": "_cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _unit(module: str) -> str:
    parts = module.split(".")
    unit = parts[1] if len(parts) > 1 else "__init__"
    return PART_OF.get(unit, unit)


@functools.cache
def _is_module(name: str) -> bool:
    path = SRC.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for child in node.body:
                found.update(id(n) for n in ast.walk(child))
    return found


@functools.cache
def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of evalrules a module runs."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_nodes(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # ``from evalrules import hookspecs`` imports the module evalrules.hookspecs
            targets = [
                f"{source}.{a.name}" if _is_module(f"{source}.{a.name}") else source
                for a in node.names
            ]
        else:
            continue
        out.extend((node.lineno, t) for t in targets if t.split(".")[0] == "evalrules")
    return out


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_unit_is_placed():
    units = {_unit(_module_name(p)) for p in _modules()}
    assert units == set(BASE) | set(ORDER)


def test_the_base_imports_only_the_base_before_it():
    wrong = [
        (_module_name(p), line, target)
        for p in _modules()
        if _unit(_module_name(p)) in BASE
        for line, target in runtime_imports(p)
        if _unit(target) not in BASE[: BASE.index(_unit(_module_name(p)))]
    ]
    assert wrong == []


def test_no_module_imports_a_later_stage():
    rank = {unit: i for i, unit in enumerate(ORDER)}
    rank.update(dict.fromkeys(BASE, -1))
    wrong = []
    for path in _modules():
        module = _module_name(path)
        for line, target in runtime_imports(path):
            if rank[_unit(target)] > rank[_unit(module)]:
                wrong.append(f"{module}:{line} imports {target}")
    assert wrong == []


def test_the_checker_sees_deferred_imports_and_skips_annotations():
    # the checker itself: a deferred import counts, a TYPE_CHECKING one does not
    src = SRC / "_rubric" / "_model.py"
    assert any(t == "evalrules._frozen" for _, t in runtime_imports(src))
    engine = SRC / "_plugins" / "_engine.py"
    assert any(t == "evalrules.hookspecs" for _, t in runtime_imports(engine))
    hooks = runtime_imports(SRC / "hookspecs.py")
    assert hooks == []
    compiled = runtime_imports(SRC / "_compiler" / "_compiled.py")
    assert any(t == "evalrules._scoring._evaluate" for _, t in compiled)  # inside a method


def test_architecture_states_this_order():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    stated = re.search(r"<!-- import-order -->\n(.*?)\n<!-- /import-order -->", text, re.S)
    assert stated, "architecture.md lost its import-order block"
    names = re.findall(r"`([\w.]+)`", stated.group(1))
    expected = [*BASE, *("evalrules" if u == "__init__" else u for u in ORDER)]
    assert names == expected
