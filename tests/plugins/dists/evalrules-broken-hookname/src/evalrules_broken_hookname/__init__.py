"""A plugin with a misspelled hook name (``rubric`` for ``rubrics``)."""

from __future__ import annotations

from evalrules import RubricSource, hookimpl


@hookimpl
def evalrules_register_rubric() -> list[RubricSource]:
    """Misspelled: the hook is evalrules_register_rubrics."""
    return []
