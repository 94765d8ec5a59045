"""Shared fixtures: isolated engines (no autoloading), the 2023 Panjin rubric, the example."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import evalrules
import evalrules_panjin

REPO = Path(__file__).resolve().parents[1]
RUBRICS = REPO / "rubrics"
EXAMPLE = RUBRICS / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"
#: A small certification rubric (constructed for the tests): three gates and a veto.
CERTIFICATION = Path(__file__).resolve().parent / "data" / "certification"

settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A soak: the fuzz and property tests run much longer (HYPOTHESIS_PROFILE=soak, or
# pytest --hypothesis-profile=soak tests/property/test_fuzz_hostile.py).
settings.register_profile(
    "soak",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Test modules in every folder import ``_examples`` (a share of the profile's examples).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session")
def engine() -> evalrules.Engine:
    """An engine with the builtins and the Panjin plugin registered in-process."""
    return evalrules.Engine(plugins=[evalrules_panjin], autoload=False)


@pytest.fixture(scope="session")
def panjin(engine: evalrules.Engine) -> evalrules.Rubric:
    """The 2023 Panjin rubric."""
    return engine.load_rubric("panjin-county/2023")


@pytest.fixture(scope="session")
def compiled(engine: evalrules.Engine, panjin: evalrules.Rubric) -> evalrules.CompiledRubric:
    """The 2023 Panjin rubric, compiled."""
    return engine.compile(panjin)


@pytest.fixture(scope="session")
def example() -> evalrules.FactsDocument:
    """The 双台子区 2023 facts document."""
    return evalrules.load_facts(EXAMPLE)


@pytest.fixture(scope="session")
def certification(engine: evalrules.Engine) -> evalrules.CompiledRubric:
    """The tests' certification rubric (a verdict from gates and a veto), compiled."""
    return engine.compile(engine.load_rubric(CERTIFICATION / "gates-2024.yaml"))


@pytest.fixture(scope="session")
def certified() -> evalrules.FactsDocument:
    """Facts (constructed) that meet every gate of the certification rubric."""
    return evalrules.load_facts(CERTIFICATION / "example.facts.yaml")
