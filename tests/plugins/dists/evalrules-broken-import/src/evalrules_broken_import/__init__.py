"""A plugin whose import fails: it needs a module that is not installed."""

from __future__ import annotations

import evalrules_no_such_dependency  # noqa: F401 - the failing import is the point of this plugin

from evalrules import hookimpl


@hookimpl
def evalrules_register_rubrics() -> list[object]:
    """Never reached: the import above fails first."""
    return []
