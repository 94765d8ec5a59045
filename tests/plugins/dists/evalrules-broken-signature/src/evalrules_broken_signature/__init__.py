"""A plugin whose hook takes an argument (``engine``) that the specification does not offer."""

from __future__ import annotations

from evalrules import RuleKind, hookimpl


@hookimpl
def evalrules_register_rule_kinds(engine: object) -> list[RuleKind]:
    """Asks for an ``engine`` argument, which evalrules_register_rule_kinds does not have."""
    return []
