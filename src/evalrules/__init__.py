"""evalrules: executable, explainable scoring of education-duty evaluation rubrics.

A rubric (a year's 评价实施方案) is data, shipped by a plugin; the engine compiles it once and
evaluates many facts documents into scorecards in which every point lost is explained::

    import evalrules

    engine = evalrules.Engine()
    rubric = engine.load_rubric("panjin-county/2023")
    facts = evalrules.load_facts("shuangtaizi-2023.facts.yaml")
    card = engine.evaluate(rubric, facts)
    print(card.total, card.grade.label.zh)

Importing this package has no side effects: plugins load when an :class:`Engine` is built.
"""

from __future__ import annotations

import importlib as _importlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalrules._version import __version__

# The public names live in private modules, imported when a name is first used (PEP 562):
# ``import evalrules`` then costs only what is used, and a short-lived command such as
# ``evalrules evaluate`` loads none of the modules it does not need (the rubric loader, the
# cohort stage, ...). Type checkers and the documentation read the imports below; _LAZY
# says where each name lives, and tests/unit/test_cold_start.py holds the two equal.
if TYPE_CHECKING:
    from evalrules._cohort._model import Cohort, CohortMember, CohortRefusal, IndicatorStatistics
    from evalrules._compiler._compiled import CompiledRubric
    from evalrules._facts._aggregations import (
        AggregateResult,
        AggregateRows,
        Aggregation,
        aggregation,
    )
    from evalrules._facts._crosschecks import CrossCheckKind, cross_check_kind
    from evalrules._facts._document import FactsDocument
    from evalrules._facts._readers import FactsReader, facts_reader
    from evalrules._facts._tables import TableRow, TableValue
    from evalrules._facts._types import FactType, fact_type
    from evalrules._plugins._engine import Engine, PluginInfo
    from evalrules._renderers import Renderer, RenderOptions, renderer
    from evalrules._rubric._model import (
        Aggregate,
        Alternative,
        CrossCheck,
        DerivedFact,
        FactSpec,
        GradeBand,
        Indicator,
        Monotonic,
        RowExclusion,
        Rubric,
        Rule,
        Source,
        SourceDocument,
        TableSpec,
        VerdictSpec,
    )
    from evalrules._rubric._source import RubricSource, rubric_source
    from evalrules._rules._context import DescribeContext, RuleContext
    from evalrules._rules._kind import CohortStatistics, RuleKind, rule_kind
    from evalrules._scorecard._model import (
        ClaimComparison,
        DerivedValue,
        Entity,
        Evidence,
        Finding,
        GateResult,
        Grade,
        NodeResult,
        RubricInfo,
        Scorecard,
        SensitivityCase,
        Verdict,
    )
    from evalrules._text import Text
    from evalrules.hookspecs import hookimpl

#: Where each public name (but ``__version__``) lives: module → names.
_LAZY: dict[str, tuple[str, ...]] = {
    "evalrules._cohort._model": ("Cohort", "CohortMember", "CohortRefusal", "IndicatorStatistics"),
    "evalrules._compiler._compiled": ("CompiledRubric",),
    "evalrules._facts._aggregations": (
        "AggregateResult",
        "AggregateRows",
        "Aggregation",
        "aggregation",
    ),
    "evalrules._facts._crosschecks": ("CrossCheckKind", "cross_check_kind"),
    "evalrules._facts._document": ("FactsDocument",),
    "evalrules._facts._readers": ("FactsReader", "facts_reader"),
    "evalrules._facts._tables": ("TableRow", "TableValue"),
    "evalrules._facts._types": ("FactType", "fact_type"),
    "evalrules._plugins._engine": ("Engine", "PluginInfo"),
    "evalrules._renderers": ("Renderer", "RenderOptions", "renderer"),
    "evalrules._rubric._model": (
        "Aggregate",
        "Alternative",
        "CrossCheck",
        "DerivedFact",
        "FactSpec",
        "GradeBand",
        "Indicator",
        "Monotonic",
        "RowExclusion",
        "Rubric",
        "Rule",
        "Source",
        "SourceDocument",
        "TableSpec",
        "VerdictSpec",
    ),
    "evalrules._rubric._source": ("RubricSource", "rubric_source"),
    "evalrules._rules._context": ("DescribeContext", "RuleContext"),
    "evalrules._rules._kind": ("CohortStatistics", "RuleKind", "rule_kind"),
    "evalrules._scorecard._model": (
        "ClaimComparison",
        "DerivedValue",
        "Entity",
        "Evidence",
        "Finding",
        "GateResult",
        "Grade",
        "NodeResult",
        "RubricInfo",
        "Scorecard",
        "SensitivityCase",
        "Verdict",
    ),
    "evalrules._text": ("Text",),
    "evalrules.hookspecs": ("hookimpl",),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "Aggregate",
    "AggregateResult",
    "AggregateRows",
    "Aggregation",
    "Alternative",
    "ClaimComparison",
    "Cohort",
    "CohortMember",
    "CohortRefusal",
    "CohortStatistics",
    "CompiledRubric",
    "CrossCheck",
    "CrossCheckKind",
    "DerivedFact",
    "DerivedValue",
    "DescribeContext",
    "Engine",
    "Entity",
    "Evidence",
    "FactSpec",
    "FactType",
    "FactsDocument",
    "FactsReader",
    "Finding",
    "GateResult",
    "Grade",
    "GradeBand",
    "Indicator",
    "IndicatorStatistics",
    "Monotonic",
    "NodeResult",
    "PluginInfo",
    "RenderOptions",
    "Renderer",
    "RowExclusion",
    "Rubric",
    "RubricInfo",
    "RubricSource",
    "Rule",
    "RuleContext",
    "RuleKind",
    "Scorecard",
    "SensitivityCase",
    "Source",
    "SourceDocument",
    "TableRow",
    "TableSpec",
    "TableValue",
    "Text",
    "Verdict",
    "VerdictSpec",
    "__version__",
    "aggregation",
    "cohort_schema",
    "cross_check_kind",
    "evaluate",
    "fact_type",
    "facts_reader",
    "hookimpl",
    "load_facts",
    "load_rubric",
    "renderer",
    "rubric_source",
    "rule_kind",
    "scorecard_schema",
]

if not TYPE_CHECKING:  # a type checker sees the imports above, and no __getattr__

    def __getattr__(name: str) -> Any:
        """A public name, imported from its module when first asked for (then kept); a
        public submodule the package always had as an attribute (``evalrules.errors``,
        ``evalrules.hookspecs``) likewise."""
        module = _HOME.get(name)
        if module is None:
            if name in _SUBMODULES:
                return _importlib.import_module(f"{__name__}.{name}")
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_importlib.import_module(module), name)
        globals()[name] = value
        return value


#: Public submodules, attributes of the package as soon as they are asked for (as they were
#: when the package imported them itself); ``evalrules.testing`` is imported by its user.
_SUBMODULES = ("errors", "hookspecs")


def __dir__() -> list[str]:
    """The public names and submodules, and the package's own dunder attributes."""
    return sorted({*__all__, *_SUBMODULES, *(n for n in globals() if n.startswith("__"))})


_default: Engine | None = None


def _engine() -> Engine:
    global _default
    if _default is None:
        from evalrules._plugins._engine import Engine

        _default = Engine()
    return _default


def load_rubric(ref_or_path: str | Path) -> Rubric:
    """Load an installed rubric (``"panjin-county/2023"``) or a rubric file, with a default
    :class:`Engine` built on first use.

    Raises:
        RubricNotFoundError: if no such rubric is installed.
        RubricError: listing every problem in the rubric.
    """
    return _engine().load_rubric(ref_or_path)


def load_facts(path: str | Path) -> FactsDocument:
    """Read a facts file with the default :class:`Engine`, built on first use.

    Every installed reader is available: YAML and JSON, and those of installed plugins. See
    :meth:`Engine.load_facts`.

    Problems in the document's envelope (entity, rubric, claimed) are kept on it
    (``FactsDocument.problems``) and reported by evaluation with the facts' own.

    Raises:
        FactsError: if the file cannot be read or recognised.
    """
    return _engine().load_facts(path)


def evaluate(
    rubric: Rubric | CompiledRubric | str | Path,
    facts: FactsDocument | Mapping[str, Any],
    *,
    entity: Entity | None = None,
    claimed: Mapping[str, Any] | None = None,
    partial: bool = False,
) -> Scorecard:
    """Evaluate facts against a rubric with the default :class:`Engine`.

    See :meth:`Engine.evaluate`.
    """
    return _engine().evaluate(rubric, facts, entity=entity, claimed=claimed, partial=partial)


def cohort_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the cohort JSON (``evalrules.cohort/1``); its
    members' scorecards refer to :func:`scorecard_schema` by its ``$id``."""
    from evalrules._cohort._json import schema

    return schema()


def scorecard_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scorecard JSON (``evalrules.scorecard/1``)."""
    from evalrules._scorecard._json import schema

    return schema()
