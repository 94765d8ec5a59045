"""The public names of evalrules.testing, and what importing it (and evalrules) costs."""

from __future__ import annotations

import subprocess
import sys

import pytest

import evalrules.testing


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_every_public_name_resolves_and_is_documented():
    for name in evalrules.testing.__all__:
        value = getattr(evalrules.testing, name)
        if name == "PROBLEM_CODES":
            assert "part-of" in value
            continue
        if name == "INVARIANTS":
            documented = sys.modules["evalrules.testing._invariants"].__doc__
            assert all(f"``{invariant}``" in documented for invariant in value)
            continue
        assert value.__doc__, name
        assert value.__module__.startswith("evalrules.testing._"), name


def test_dir_lists_the_public_names():
    assert dir(evalrules.testing) == sorted(evalrules.testing.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        evalrules.testing.nope  # noqa: B018 - the attribute access is the test


def test_importing_evalrules_never_imports_hypothesis():
    modules = _modules_after("import evalrules")
    assert "hypothesis" not in modules
    assert "evalrules.testing" not in modules


def test_importing_the_kit_imports_hypothesis_only_for_strategies():
    modules = _modules_after(
        "import evalrules.testing\nfrom evalrules.testing import assert_deducts, collect_cases"
    )
    assert "hypothesis" not in modules
    assert "hypothesis" in _modules_after("from evalrules.testing import valid_facts")


def test_the_pytest_plugin_imports_cheaply():
    modules = _modules_after("import evalrules.testing._pytest_plugin")
    assert "hypothesis" not in modules
    assert "evalrules_panjin" not in modules  # no engine was built, no plugin loaded
    assert "jsonschema" not in modules
    assert "evalrules.testing._strategies" not in modules
