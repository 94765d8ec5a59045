"""Comparing two rubrics, and the scores of the same facts under both (``evalrules diff``).

``_compare`` turns two :class:`~evalrules._rubric._model.Rubric` values into a
:class:`RubricDiff` (every change, and per indicator whether scores stay comparable);
``_rescore`` scores facts documents under two compiled rubrics and explains each delta by the
changes that caused it; ``_render`` writes both as a table, Markdown, JSON or HTML.
"""

from __future__ import annotations

from evalrules._diff._compare import diff_rubrics
from evalrules._diff._model import (
    Change,
    Comparability,
    DistrictDelta,
    ItemDelta,
    RubricDiff,
)
from evalrules._diff._rescore import rescore

__all__ = [
    "Change",
    "Comparability",
    "DistrictDelta",
    "ItemDelta",
    "RubricDiff",
    "diff_rubrics",
    "rescore",
]
