"""Every hook is documented the way the hook reference needs it, and has a test of its own.

The hook reference page is generated from these docstrings, so a hook without its sections
would leave a hole in the docs; a hook that no test in ``tests/plugins`` is named after is a
hook nobody checked.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

import pluggy
import pytest

from evalrules import hookspecs

HERE = Path(__file__).resolve().parent
_SECTION = re.compile(r"^(\w[\w ]*):(?:\s+(.*))?$")
_REQUIRED = ("Returns", "Order", "Since")


def _hook_names() -> list[str]:
    return [
        name
        for name, obj in vars(hookspecs).items()
        if callable(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
    ]


def _sections(doc: str) -> dict[str, str]:
    """Google-style sections: ``Name:`` at the docstring's left margin, then indented text."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match and not line.startswith(" "):
            current = found.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2))
        elif current is not None:
            current.append(line)
    return {name: textwrap.dedent("\n".join(lines)).strip() for name, lines in found.items()}


def _test_function_names() -> set[str]:
    names: set[str] = set()
    for path in sorted(HERE.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
        )
    return names


HOOKS = _hook_names()


def test_hookspecs_module_lists_every_hook():
    assert len(HOOKS) >= 6
    assert set(HOOKS) <= set(hookspecs.__all__)
    assert all(name.startswith(hookspecs.HOOK_PREFIX) for name in HOOKS)
    # Hook names read evalrules_<verb>_<object>.
    assert all(re.fullmatch(r"evalrules_[a-z]+_[a-z_]+", name) for name in HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_full_docstring(name):
    func = getattr(hookspecs, name)
    doc = inspect.getdoc(func)
    assert doc, f"{name} has no docstring"
    summary = doc.split("\n\n", 1)[0]
    assert summary.endswith("."), f"{name}: the summary must be one sentence"
    sections = _sections(doc)
    for section in _REQUIRED:
        assert sections.get(section), f"{name}: no '{section}:' section"
    assert re.fullmatch(r"\d+\.\d+", sections["Since"]), f"{name}: 'Since: X.Y'"

    params = list(inspect.signature(func).parameters)
    documented = re.findall(r"^(\w+):", sections.get("Args", ""), flags=re.M)
    assert documented == params, f"{name}: 'Args:' must document {params} in order"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test_named_after_it(name):
    tests = sorted(t for t in _test_function_names() if name in t)
    assert tests, f"no test function under tests/plugins is named after {name}"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_calling_style_matches_its_family(name):
    opts = getattr(hookspecs, name).evalrules_spec
    if name.startswith("evalrules_register_"):
        assert not opts.get("firstresult"), f"{name} collects from every plugin"
        assert list(inspect.signature(getattr(hookspecs, name)).parameters) == []
    else:
        assert opts.get("firstresult"), f"{name} returns one result that wrappers can replace"


def test_the_section_checker_rejects_an_undocumented_hook():
    """The checks above fail for a hook written without the sections."""
    marker = pluggy.HookspecMarker(hookspecs.PROJECT_NAME)

    @marker
    def evalrules_register_widgets() -> list[object]:
        """Register widgets."""

    sections = _sections(inspect.getdoc(evalrules_register_widgets) or "")
    assert [s for s in _REQUIRED if not sections.get(s)] == list(_REQUIRED)
    assert not any("evalrules_register_widgets" in t for t in _test_function_names())
