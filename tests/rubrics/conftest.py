"""The fixture cases run with the suite's isolated engine (builtins and the Panjin plugin)."""

from __future__ import annotations

import pytest

import evalrules


@pytest.fixture(scope="session")
def evalrules_engine(engine: evalrules.Engine) -> evalrules.Engine:
    """Override the plugin's fixture: no installed plugin is discovered."""
    return engine
