"""The pluggy hook specifications of evalrules.

A plugin is a module or object with functions marked by :data:`hookimpl` whose names match the
hooks below. Installed plugins declare an entry point in the group ``evalrules``::

    [project.entry-points.evalrules]
    panjin = "evalrules_panjin"

Hook families:

* ``evalrules_register_*`` — collect-all hooks. Each implementation returns a list of items
  built with the public factories (:func:`evalrules.rubric_source`,
  :func:`evalrules.rule_kind`, :func:`evalrules.fact_type`, :func:`evalrules.renderer`,
  :func:`evalrules.cross_check_kind`). Every item's name must be unique across all plugins;
  a duplicate raises :class:`evalrules.errors.RegistryConflictError` naming both plugins.
* ``evalrules_modify_scorecard`` — a first-result hook that post-processes a scorecard;
  implement it as a wrapper (``@hookimpl(wrapper=True)``) to see and replace the result.

Hooks only ever gain arguments; pluggy lets an implementation accept fewer than the spec
offers, so an old plugin keeps working when a new argument is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from evalrules._facts import CrossCheckKind, FactType
    from evalrules._kinds import RuleKind
    from evalrules._model import Rubric, Scorecard
    from evalrules._loader import RubricSource
    from evalrules._renderers import Renderer

__all__ = [
    "PROJECT_NAME",
    "evalrules_modify_scorecard",
    "evalrules_register_cross_checks",
    "evalrules_register_fact_types",
    "evalrules_register_renderers",
    "evalrules_register_rubrics",
    "evalrules_register_rule_kinds",
    "hookimpl",
    "hookspec",
]

#: The pluggy project name and the entry-point group.
PROJECT_NAME = "evalrules"

#: Marks a hook specification (used by this module only).
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Marks a hook implementation in a plugin: ``@hookimpl def evalrules_register_rubrics(): ...``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register rubrics that this plugin ships.

    Returns:
        A list of :func:`evalrules.rubric_source` items, one per rubric year, each naming its
        reference (``family/year``) and the YAML file it loads from. Files are read only when
        the rubric is asked for, so listing rubrics stays cheap.

    Order:
        All implementations are called; results are merged and sorted by reference. Two
        plugins registering the same reference is an error naming both.

    Since: 0.1
    """


@hookspec
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register rule kinds: how a rule turns facts into deductions and other effects.

    Returns:
        A list of :func:`evalrules.rule_kind` items. The core's own kinds (``threshold``,
        ``per_incident``, ``checklist``, …) are registered through this same hook.

    Order:
        All implementations are called. A kind name registered twice is an error naming both
        plugins; a rubric that uses an unregistered kind fails to load.

    Since: 0.1
    """


@hookspec
def evalrules_register_fact_types() -> list[FactType]:
    """Register fact types: how a declared fact is validated, exported and converted.

    Returns:
        A list of :func:`evalrules.fact_type` items. Each gives a cerberus rule set, a JSON
        Schema fragment and a conversion to the value rules read. The core's ``count``,
        ``money``, ``percent``, ``ratio``, ``boolean``, ``text``, ``series`` and ``judgement``
        types are registered through this hook.

    Order:
        All implementations are called; duplicate names are an error naming both plugins.

    Since: 0.1
    """


@hookspec
def evalrules_register_cross_checks() -> list[CrossCheckKind]:
    """Register cross-field checks that a rubric's ``cross_checks`` can name.

    Returns:
        A list of :func:`evalrules.cross_check_kind` items. A check receives the values of
        the facts the rubric names and returns the problems it finds; they are reported in the
        same :class:`evalrules.errors.FactsError` as every other facts problem. The core
        registers ``part_of`` (a part never exceeds its whole).

    Order:
        All implementations are called; duplicate names are an error naming both plugins.

    Since: 0.1
    """


@hookspec
def evalrules_register_renderers() -> list[Renderer]:
    """Register scorecard renderers (output formats).

    Returns:
        A list of :func:`evalrules.renderer` items, each with a format name (``table``,
        ``json``, ``markdown``, ``html`` for the core's own), a media type and a function
        ``render(scorecard, options) -> str``.

    Order:
        All implementations are called; duplicate format names are an error naming both
        plugins.

    Since: 0.1
    """


@hookspec(firstresult=True)
def evalrules_modify_scorecard(scorecard: Scorecard, rubric: Rubric) -> Scorecard | None:
    """Post-process a scorecard before it is returned.

    Implement it as a wrapper to see the result of the inner implementations and return a
    replacement built with :func:`attrs.evolve`::

        @hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            result = yield
            return attrs.evolve(result, ...)

    Args:
        scorecard: The scorecard as computed.
        rubric: The rubric that computed it.

    Returns:
        A scorecard, or ``None`` to leave it to the next implementation. The core's own
        implementation runs last and returns the scorecard unchanged.

    Order:
        First result wins; wrappers run around all plain implementations, the last registered
        wrapper outermost. A wrapper that raises makes the evaluation fail with
        :class:`evalrules.errors.PluginError`.

    Since: 0.1
    """
