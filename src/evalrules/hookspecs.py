"""The pluggy hook specifications of evalrules.

A plugin is a module, class or object whose functions are marked with :data:`hookimpl` and
named after the hooks below. An installed plugin declares an entry point in the group
``evalrules``; its distribution is named ``evalrules-<name>`` and its import package
``evalrules_<name>``::

    [project.entry-points.evalrules]
    panjin = "evalrules_panjin"

Hook families:

* ``evalrules_register_*`` — collect-all hooks taking no arguments. Each implementation
  returns a list of frozen items built with the public factories
  (:func:`evalrules.rubric_source`, :func:`evalrules.rule_kind`, :func:`evalrules.fact_type`,
  :func:`evalrules.renderer`, :func:`evalrules.cross_check_kind`,
  :func:`evalrules.facts_reader`, :func:`evalrules.aggregation`). They are called once, when
  an :class:`evalrules.Engine` is built, and every item lands in one registry per kind. An
  item's name must be unique across all plugins: a duplicate raises
  :class:`evalrules.errors.RegistryConflictError` naming both plugins, and nothing is
  overridden. These hooks cannot be wrappers.
* ``evalrules_modify_scorecard`` — a first-result hook called for every scorecard; implement
  it as a wrapper (``@hookimpl(wrapper=True)``) to post-process the result.

Rules that hold for every hook:

* The name prefix ``evalrules_`` is reserved: a plugin function with that prefix is taken as a
  hook implementation even without the marker, so a misspelled hook name fails when the
  engine is built (:class:`evalrules.errors.PluginLoadError`) instead of being ignored.
* An implementation may accept fewer arguments than the specification offers, never more;
  an argument the specification does not have is a :class:`~evalrules.errors.PluginLoadError`.
* Hooks only ever gain arguments, so an old plugin keeps working when a new argument is added.

The hook reference of the documentation is generated from the docstrings below; each has the
sections ``Args`` (when the hook takes arguments), ``Returns``, ``Order`` and ``Since``.
"""

# Specifications have no body by nature; pluggy reads only their signature and options.
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from evalrules._facts._aggregations import Aggregation
    from evalrules._facts._crosschecks import CrossCheckKind
    from evalrules._facts._readers import FactsReader
    from evalrules._facts._types import FactType
    from evalrules._renderers import Renderer
    from evalrules._rubric._model import Rubric
    from evalrules._rubric._source import RubricSource
    from evalrules._rules._kind import RuleKind
    from evalrules._scorecard._model import Scorecard

__all__ = [
    "HOOK_PREFIX",
    "PROJECT_NAME",
    "evalrules_modify_scorecard",
    "evalrules_register_aggregations",
    "evalrules_register_cross_checks",
    "evalrules_register_fact_types",
    "evalrules_register_facts_readers",
    "evalrules_register_renderers",
    "evalrules_register_rubrics",
    "evalrules_register_rule_kinds",
    "hookimpl",
    "hookspec",
]

#: The pluggy project name and the entry-point group.
PROJECT_NAME = "evalrules"
#: Every hook's name starts with this; plugin functions with it are hook implementations.
HOOK_PREFIX = "evalrules_"

#: Marks a hook specification (used by this module only).
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Marks a hook implementation in a plugin: ``@hookimpl def evalrules_register_rubrics(): ...``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def evalrules_register_rubrics() -> list[RubricSource]:
    """Register the rubrics this plugin ships, one item per rubric year.

    Returns:
        A list of :func:`evalrules.rubric_source` items, each naming its reference
        (``family/year``, e.g. ``panjin-county/2023``) and the YAML file it loads from. A file
        is read only when its rubric is asked for, so listing rubrics stays cheap. The file
        must declare the same ``family`` and ``year`` as the reference it is registered under.
        Package the YAML inside the import package so that it is in the wheel.

    Order:
        Every implementation is called once, when the engine is built; the items are kept
        sorted by reference. Two plugins registering the same reference is a
        :class:`~evalrules.errors.RegistryConflictError` naming both. ``family`` alone selects
        the latest year installed.

    Example:
        A plugin module shipping one year, its YAML inside the package::

            @hookimpl
            def evalrules_register_rubrics():
                folder = Path(__file__).parent / "rubrics" / "panjin-county"
                return [evalrules.rubric_source("panjin-county/2024", folder / "2024.yaml")]

    Since: 0.1
    """


@hookspec
def evalrules_register_rule_kinds() -> list[RuleKind]:
    """Register rule kinds: how a rule turns facts into deductions and other effects.

    Returns:
        A list of :func:`evalrules.rule_kind` items. The core's own kinds (``threshold``,
        ``per_incident``, ``checklist``, ``bands``, …) are registered through this same hook.
        A kind's ``evaluate`` never raises for an expected outcome; if it does raise, the
        evaluation fails with :class:`~evalrules.errors.RuleEvaluationError` naming the
        plugin, the rubric and the rule, and no scorecard is returned. The engine checks
        each kind as it registers it (declared outcomes; message templates that name only
        the fields declared for them) and refuses a broken one with
        :class:`~evalrules.errors.PluginLoadError` naming the plugin.

    Order:
        Every implementation is called once, when the engine is built. A kind name
        registered twice (including a builtin's name) is a
        :class:`~evalrules.errors.RegistryConflictError` naming both plugins; a rubric that
        uses an unregistered kind fails to load.

    Example:
        A plugin adding one kind::

            @hookimpl
            def evalrules_register_rule_kinds():
                return [evalrules.rule_kind("ratio_band", summary=..., evaluate=...)]

    Since: 0.1
    """


@hookspec
def evalrules_register_fact_types() -> list[FactType]:
    """Register fact types: how a declared fact is validated, exported and converted.

    Returns:
        A list of :func:`evalrules.fact_type` items. Each gives a type test (``accepts``,
        compiled into the rubric's cerberus validator as a custom type), extra cerberus rules,
        a JSON Schema fragment and a conversion to the value rules read, and the traits the
        core asks instead of the type's name: how its values compare (``compares``), its
        ``shape`` (one value, a series by year, or — reserved — a table), a hypothesis
        ``strategy`` for the test kit, a ``step`` and a spreadsheet ``cell_format``. The
        core's ``count``, ``money``, ``percent``, ``ratio``, ``boolean``, ``text``,
        ``judgement`` and ``series`` types are registered through this hook.

    Order:
        Every implementation is called once, when the engine is built; a name registered
        twice is a :class:`~evalrules.errors.RegistryConflictError` naming both plugins.

    Example:
        A plugin adding one type::

            @hookimpl
            def evalrules_register_fact_types():
                return [
                    evalrules.fact_type(
                        "permille", accepts=..., json_schema=..., compares="numbers"
                    )
                ]

    Since: 0.1
    """


@hookspec
def evalrules_register_cross_checks() -> list[CrossCheckKind]:
    """Register cross-field checks that a rubric's ``cross_checks`` can name.

    Returns:
        A list of :func:`evalrules.cross_check_kind` items. A check receives the values of
        the facts a rubric names and returns the problem it finds (Chinese, English) or
        ``None``; problems are reported in the same :class:`~evalrules.errors.FactsError` as
        every other facts problem. The core registers ``part_of`` (a part never exceeds its
        whole), declared ``at_most``: a check with that trait is one the test kit's
        strategies can draw and break without knowing its name.

    Order:
        Every implementation is called once, when the engine is built; a name registered
        twice is a :class:`~evalrules.errors.RegistryConflictError` naming both plugins.

    Example:
        A plugin adding one check::

            @hookimpl
            def evalrules_register_cross_checks():
                return [evalrules.cross_check_kind("sum_at_most", arity=3, check=...)]

    Since: 0.1
    """


@hookspec
def evalrules_register_aggregations() -> list[Aggregation]:
    """Register aggregations that a rubric's derived facts over a table can name.

    Returns:
        A list of :func:`evalrules.aggregation` items. An aggregation receives the rows in
        scope (not excluded, of the stage asked for) as an ``AggregateRows`` — each row's
        value of the column, its weight, whether it meets ``where`` — and returns an
        ``AggregateResult``: the value and the breakdown shown beside it. The core registers
        ``sum``, ``count``, ``share_where``, ``weighted_mean``, ``cv`` (教督〔2017〕6号),
        ``min`` and ``max`` through this hook.

    Order:
        Every implementation is called once, when the engine is built; a name registered
        twice is a :class:`~evalrules.errors.RegistryConflictError` naming both plugins.

    A plugin's ``description`` names the value's formula on every card (``中位数(学校数n =
    17, 最低值 = 1600)``), and its ``breakdown_labels`` name the breakdown's keys in Chinese
    and English.

    Example:
        A plugin adding a median (the complete, tested plugin is in the how-to "Add an
        aggregation", ``docs/examples/evalrules-median``)::

            @hookimpl
            def evalrules_register_aggregations():
                return [
                    evalrules.aggregation(
                        "median",
                        description=Text("中位数", "median"),
                        compute=median,
                        breakdown_labels={"lowest": Text("最低值", "lowest")},
                    )
                ]

    Since: 0.1
    """


@hookspec
def evalrules_register_renderers() -> list[Renderer]:
    """Register scorecard renderers (output formats).

    Returns:
        A list of :func:`evalrules.renderer` items, each with a format name, a media type,
        a file suffix and a function ``render(scorecard, options)``. A renderer returns
        ``str``, or ``bytes`` when it is declared with ``binary=True`` (a spreadsheet, a
        PDF); :meth:`evalrules.Engine.render` refuses the other type with a
        :class:`~evalrules.errors.PluginError` naming the plugin. The command line writes
        binary output into a file (``-o``, atomically) or a pipe, never onto a terminal. The
        core's own formats, all text, are registered through this hook.

    Order:
        Every implementation is called once, when the engine is built; a format name
        registered twice is a :class:`~evalrules.errors.RegistryConflictError` naming both
        plugins.

    Example:
        A plugin adding a text format and a binary one::

            @hookimpl
            def evalrules_register_renderers():
                return [
                    evalrules.renderer("csv", media_type="text/csv", render=...),
                    evalrules.renderer("xlsx", suffix=".xlsx", binary=True, render=...),
                ]

    Since: 0.1
    """


@hookspec
def evalrules_register_facts_readers() -> list[FactsReader]:
    """Register facts readers: the file formats a facts document can be read from.

    Returns:
        A list of :func:`evalrules.facts_reader` items. Each names its format, the file
        suffixes it claims (``.xlsx``; a compound suffix such as ``.facts.txt`` works) and
        ``read(data, source)``, which turns a file's bytes into a
        :class:`~evalrules.FactsDocument`, or into a mapping in the shape of a facts
        document (``evalrules``, ``rubric``, ``entity``, ``facts``, ``claimed``) that the
        engine checks like a YAML one. ``source`` names the file for messages. A reader
        reports a bad file by raising :class:`~evalrules.errors.FactsError` listing every
        problem with its location (a line, a cell); anything else it raises, or returns,
        is a :class:`~evalrules.errors.PluginError` naming the plugin. An optional
        ``sniff(data) -> bool`` recognises the format from the bytes when no reader claims
        a file's suffix. The core's ``yaml`` and ``json`` readers are registered through
        this hook.

    Order:
        Every implementation is called once, when the engine is built. A reader name, or a
        suffix, registered twice is a :class:`~evalrules.errors.RegistryConflictError`
        naming both plugins. :meth:`evalrules.Engine.load_facts` reads a file with the
        reader whose suffix ends its name (the longest suffix wins); when no reader claims
        it, with the one reader whose ``sniff`` recognises the content. No reader, or more
        than one, is a :class:`~evalrules.errors.FactsError` listing the installed readers
        and their suffixes.

    Example:
        A plugin reading a spreadsheet::

            @hookimpl
            def evalrules_register_facts_readers():
                return [
                    evalrules.facts_reader(
                        "xlsx", suffixes=[".xlsx"], sniff=..., read=..., description=...
                    )
                ]

    Since: 0.1
    """


@hookspec(firstresult=True)
def evalrules_modify_scorecard(scorecard: Scorecard, rubric: Rubric) -> Scorecard | None:
    """Post-process a scorecard before the engine returns it.

    Implement it as a wrapper to see the result of the inner implementations and return a
    replacement built with :func:`attrs.evolve`; check ``rubric`` to touch only the
    scorecards of your own rubrics::

        @hookimpl(wrapper=True)
        def evalrules_modify_scorecard(scorecard, rubric):
            result = yield
            if rubric.family != "sample-county":
                return result
            return attrs.evolve(result, entity=...)

    Args:
        scorecard: The scorecard as the scorer computed it.
        rubric: The rubric that computed it.

    Returns:
        A :class:`~evalrules.Scorecard`, or ``None`` to leave it to the next
        implementation. The core's own implementation runs last and returns ``scorecard``
        unchanged, so the hook always has a result.

    Order:
        Called once per evaluation, after scoring. Plain implementations run newest
        registered first and the first non-``None`` result wins; wrappers run around all of
        them, the last registered wrapper outermost. An implementation that raises, or a
        result that is not a scorecard, fails the evaluation with
        :class:`~evalrules.errors.PluginError` naming the plugin; no scorecard is returned.

    Since: 0.1
    """
