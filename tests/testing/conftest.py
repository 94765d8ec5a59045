"""Fixtures for the tests of ``evalrules.testing``: a small rubric using every builtin kind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import evalrules
import evalrules_panjin

pytest_plugins = ["pytester"]

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini-county-2024.yaml"


class MiniPlugin:
    """Registers the small rubric as ``mini-county/2024``."""

    @staticmethod
    @evalrules.hookimpl
    def evalrules_register_rubrics() -> list[evalrules.RubricSource]:
        return [evalrules.rubric_source("mini-county/2024", MINI)]


@pytest.fixture(scope="session")
def kit_engine() -> evalrules.Engine:
    """Builtins, the Panjin plugin and the small rubric; nothing discovered."""
    return evalrules.Engine(plugins=[evalrules_panjin, MiniPlugin()], autoload=False)


@pytest.fixture(scope="session")
def mini(kit_engine: evalrules.Engine) -> evalrules.CompiledRubric:
    """The small rubric, compiled."""
    return kit_engine.compile(kit_engine.load_rubric("mini-county/2024"))


@pytest.fixture
def restore_hypothesis_profile():
    """A pytester run in this process may load another hypothesis profile: load ours back."""
    yield
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
