"""The core's fact types, cross checks, aggregations and facts readers, registered through the
public hooks."""

from __future__ import annotations

from evalrules._facts._aggregations import BUILTIN_AGGREGATIONS, Aggregation
from evalrules._facts._crosschecks import PART_OF, CrossCheckKind
from evalrules._facts._readers import BUILTIN_READERS, FactsReader
from evalrules._facts._types import BUILTIN_TYPES, FactType
from evalrules.hookspecs import hookimpl


class _BuiltinFacts:
    """The core's fact types, cross checks and facts readers, registered through the public
    hooks."""

    @staticmethod
    @hookimpl
    def evalrules_register_fact_types() -> list[FactType]:
        """Register the builtin fact types."""
        return list(BUILTIN_TYPES)

    @staticmethod
    @hookimpl
    def evalrules_register_cross_checks() -> list[CrossCheckKind]:
        """Register the builtin cross checks."""
        return [PART_OF]

    @staticmethod
    @hookimpl
    def evalrules_register_aggregations() -> list[Aggregation]:
        """Register the builtin aggregations over tables."""
        return list(BUILTIN_AGGREGATIONS)

    @staticmethod
    @hookimpl
    def evalrules_register_facts_readers() -> list[FactsReader]:
        """Register the builtin YAML and JSON readers."""
        return list(BUILTIN_READERS)


builtin_facts_plugin = _BuiltinFacts()
