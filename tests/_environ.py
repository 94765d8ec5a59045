"""The environment a test gives a process it starts: the caller's, without what would change
how that process runs (pytest's options and plugins, evalrules' plugin switches)."""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Variables a process started by a test must not inherit: they are the outer run's settings
#: (``PYTEST_ADDOPTS="-m slow"`` would deselect the inner run's tests).
SCRUBBED_PREFIXES = ("PYTEST_", "EVALRULES_")
SCRUBBED = ("NO_COLOR",)


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``os.environ`` without pytest's and evalrules' variables, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(SCRUBBED_PREFIXES) and k not in SCRUBBED
    }
    env.update(extra or {})
    return env
