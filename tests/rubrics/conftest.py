"""The fixture cases run with an isolated engine (builtins, the Panjin and the national plugins)."""

from __future__ import annotations

import pytest

import evalrules
import evalrules_national
import evalrules_panjin


@pytest.fixture(scope="session")
def evalrules_engine() -> evalrules.Engine:
    """Override the plugin's fixture: no installed plugin is discovered."""
    return evalrules.Engine(plugins=[evalrules_panjin, evalrules_national], autoload=False)
