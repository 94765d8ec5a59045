"""The engine: owns the plugin manager, the registries, rubric and facts loading.

Building an :class:`Engine` is the only thing that imports plugins. It registers the core's
own plugins through the public hooks, then the plugins it is given, then (unless disabled)
the installed ones found by two-phase discovery; it rejects unknown hooks and collects every
``evalrules_register_*`` hook into one :class:`~evalrules._registry.Registry` per kind.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import attrs
import pluggy

from evalrules import hookspecs
from evalrules._compiler._compiled import CompiledRubric
from evalrules._escape import escape_line, escape_values
from evalrules._excel._plugin import builtin_excel_plugin
from evalrules._facts._aggregations import Aggregation
from evalrules._facts._crosschecks import CrossCheckKind
from evalrules._facts._document import FactsDocument
from evalrules._facts._plugin import builtin_facts_plugin
from evalrules._facts._readers import FactsReader, read_facts
from evalrules._facts._types import FactType
from evalrules._plugins._cache import RubricCache
from evalrules._plugins._discovery import (
    PluginEntry,
    autoload_disabled,
    blocked_from_env,
    list_entries,
    load_entries,
)
from evalrules._plugins._modify import ScorecardHook, core_modify_plugin
from evalrules._plugins._registry import Registry
from evalrules._renderers import Renderer, RenderOptions
from evalrules._renderers._builtin import builtin_renderers_plugin
from evalrules._renderers._labels import Lang, check_lang
from evalrules._rubric._digest import rubric_digest
from evalrules._rubric._model import Rubric
from evalrules._rubric._source import RubricSource, parse_ref
from evalrules._rules._builtin import builtin_kinds_plugin
from evalrules._rules._kind import RuleKind, kind_problems
from evalrules._scorecard._model import Entity, Scorecard
from evalrules._text import Text
from evalrules._version import __version__
from evalrules.errors import (
    EvalrulesError,
    PluginError,
    PluginLoadError,
    RubricError,
    RubricNotFoundError,
    RubricProblem,
)
from evalrules.hookspecs import HOOK_PREFIX

if TYPE_CHECKING:
    from evalrules._cohort._model import Cohort

__all__ = ["Engine", "PluginInfo"]

T = TypeVar("T")

#: The public factory that builds each kind of registered item, for error messages.
_FACTORIES: Mapping[type, str] = {
    RubricSource: "rubric_source",
    RuleKind: "rule_kind",
    FactType: "fact_type",
    Renderer: "renderer",
    CrossCheckKind: "cross_check_kind",
    FactsReader: "facts_reader",
    Aggregation: "aggregation",
}

#: The builtin formats, all text: a plugin cannot take their names, so they type as ``str``.
TextFormat = Literal["table", "json", "markdown", "html"]


def _evaluate_cohort(*args: Any, **kwargs: Any) -> Cohort:
    """The cohort stage (``evalrules._cohort._evaluate.evaluate_cohort``) that compiled rubrics
    are bound to, imported when a cohort is first evaluated: a process that evaluates one
    document at a time never loads it."""
    from evalrules._cohort._evaluate import evaluate_cohort

    return evaluate_cohort(*args, **kwargs)


_REF = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[0-9]{4}$")
_RUBRIC_SUFFIXES = (".yaml", ".yml", ".json")


def _checked_source(source: RubricSource, name: str, plugin: object) -> RubricSource:
    """A plugin's rubric source, checked: a ``family/year`` reference in a safe character
    set, a title that is a :class:`Text`, and a YAML or JSON file. A relative path is the
    plugin's own: it is resolved against the folder of the plugin's module and must stay
    inside it (never against the current directory).

    Raises:
        PluginLoadError: naming the plugin.
    """

    def refuse(what: str) -> PluginLoadError:
        return PluginLoadError(
            f"插件 {name} 注册的评价方案有误 / plugin {name} registers a bad rubric: {what}",
            plugin=name,
        )

    ref = source.ref
    if not isinstance(ref, str) or not _REF.match(ref):
        raise refuse(
            f"reference {escape_line(repr(ref))[:80]} must look like 'family-name/2023' "
            "(lower-case letters, digits and '-', a slash, a four-digit year)"
        )
    if source.title is not None and not isinstance(source.title, Text):
        raise refuse(f"{ref}: title must be an evalrules.Text, not {type(source.title).__name__}")
    path: object = source.path
    if not isinstance(path, str | os.PathLike):
        raise refuse(f"{ref}: path must be a file path, not {type(path).__name__}")
    file = Path(path)
    if file.suffix.lower() not in _RUBRIC_SUFFIXES:
        raise refuse(f"{ref}: {escape_line(str(file))} is not a .yaml, .yml or .json file")
    if not file.is_absolute():
        module = sys.modules.get(getattr(plugin, "__module__", None) or "")
        if inspect.ismodule(plugin):
            module = plugin
        base_file = getattr(module, "__file__", None)
        if not base_file:
            raise refuse(f"{ref}: the relative path {escape_line(str(file))} has no folder")
        base = Path(base_file).resolve().parent
        resolved = (base / file).resolve()
        if not resolved.is_relative_to(base):
            raise refuse(f"{ref}: {escape_line(str(file))} lies outside the plugin's folder {base}")
        return attrs.evolve(source, path=resolved)
    return attrs.evolve(source, path=file) if not isinstance(path, Path) else source


def _plugin_name(plugin: object, index: int) -> str:
    """The name a plugin passed in-process is registered under: its ``__name__`` when it has
    one (modules, classes), else its class and position."""
    name = getattr(plugin, "__name__", None)
    if isinstance(name, str) and name:
        return name
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}#{index}"


def _refuse_broken_kind(kind: RuleKind, plugin: str) -> None:
    """Refuse a rule kind whose declarations do not hold together (its templates, above all),
    naming the plugin and every problem."""
    problems = kind_problems(kind)
    if problems:
        raise PluginLoadError(
            f"插件 {plugin} 的规则类型 {kind.name} 无法注册 / plugin {plugin}: rule kind "
            f"{kind.name!r} cannot be registered: " + "; ".join(problems),
            plugin=plugin,
        )


_BUILTINS: tuple[tuple[str, object], ...] = (
    ("evalrules.kinds", builtin_kinds_plugin),
    ("evalrules.facts", builtin_facts_plugin),
    ("evalrules.renderers", builtin_renderers_plugin),
    ("evalrules.excel", builtin_excel_plugin),
    ("evalrules.scorecard", core_modify_plugin),
)


class _PluginManager(pluggy.PluginManager):
    """A plugin manager that also takes unmarked ``evalrules_*`` functions as hook
    implementations, so that a plugin which forgot :data:`~evalrules.hookimpl` or misspelled
    a hook name fails in :meth:`check_pending` instead of being silently ignored."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if (
            opts is None
            and name.startswith(HOOK_PREFIX)
            and inspect.isroutine(getattr(plugin, name, None))
        ):
            return pluggy.HookimplOpts(
                wrapper=False,
                hookwrapper=False,
                optionalhook=False,
                tryfirst=False,
                trylast=False,
                specname=None,
            )
        return opts


@attrs.frozen
class PluginInfo:
    """A registered plugin, for introspection.

    Attributes:
        name: Registered name: ``distribution[entry]`` for installed plugins, the module or
            object name for plugins passed to :class:`Engine`, ``evalrules.*`` for builtins.
        distribution: The distribution that provides it (``evalrules`` for builtins), or
            ``None`` for a plugin passed in-process that no installed entry point names.
        version: The distribution's version, or ``None`` when there is no distribution.
        hooks: Names of the hooks it implements, sorted.
        builtin: True for the core's own plugins.
    """

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool = False


class Engine:
    """Loads plugins, holds the registries, loads and compiles rubrics, reads and evaluates
    facts, renders scorecards.

    Building an engine is the only thing that imports plugins; ``import evalrules`` does not.
    Plugins are registered in a fixed order: the core's own, then ``plugins`` in the order
    given, then installed ones sorted by distribution and entry-point name.

    Args:
        plugins: Extra plugin objects (modules, classes or instances with hook
            implementations), registered after the builtins, in order. They are never
            blocked. A plugin given here that an installed entry point also names is
            registered once.
        autoload: Discover installed plugins through the ``evalrules`` entry points. Also
            off when ``EVALRULES_DISABLE_PLUGIN_AUTOLOAD`` is set. Tests and multi-tenant
            hosts pass ``autoload=False`` and list their plugins.
        block: Installed plugins not to load, as ``distribution[entry]``, entry name or
            distribution name (added to those in ``EVALRULES_BLOCK_PLUGINS``).

    Raises:
        PluginLoadError: if an installed plugin fails to import, a plugin cannot be
            registered (a hook with an argument its specification lacks, a name taken
            twice), implements an unknown hook, or a register hook fails.
        RegistryConflictError: if two plugins register the same name for the same kind.
    """

    def __init__(
        self,
        *,
        plugins: Sequence[object] = (),
        autoload: bool = True,
        block: Iterable[str] = (),
    ) -> None:
        self._pm = _PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._infos: dict[str, PluginInfo] = {}
        for name, plugin in _BUILTINS:
            self._register(plugin, name, "evalrules", __version__, builtin=True)
        for i, plugin in enumerate(plugins):
            self._register(plugin, _plugin_name(plugin, i), None, None)
        if autoload and not autoload_disabled():
            blocked = (*blocked_from_env(), *block)
            entries = [e for e in list_entries() if not e.matches(blocked)]
            for entry, plugin in load_entries(entries):
                self._register_entry(entry, plugin)
        self._check_pending()
        self._scorecard_hook = ScorecardHook(self._pm)
        self.rubric_sources: Registry[RubricSource] = Registry("rubric")
        self.rule_kinds: Registry[RuleKind] = Registry("rule kind")
        self.fact_types: Registry[FactType] = Registry("fact type")
        self.renderers: Registry[Renderer] = Registry("renderer")
        self.cross_checks: Registry[CrossCheckKind] = Registry("cross check")
        self.aggregations: Registry[Aggregation] = Registry("aggregation")
        self.facts_readers: Registry[FactsReader] = Registry("facts reader")
        # Suffix → reader: two readers claiming one suffix is a conflict like a name taken
        # twice, so the reader of a file never depends on plugin order.
        self._facts_suffixes: Registry[FactsReader] = Registry("facts file suffix")
        self._collect("evalrules_register_rubrics", self.rubric_sources, RubricSource, "ref")
        self._collect("evalrules_register_rule_kinds", self.rule_kinds, RuleKind, "name")
        self._collect("evalrules_register_fact_types", self.fact_types, FactType, "name")
        self._collect("evalrules_register_renderers", self.renderers, Renderer, "name")
        self._collect("evalrules_register_cross_checks", self.cross_checks, CrossCheckKind, "name")
        self._collect("evalrules_register_aggregations", self.aggregations, Aggregation, "name")
        self._collect(
            "evalrules_register_facts_readers",
            self.facts_readers,
            FactsReader,
            "name",
            also=self._add_suffixes,
        )
        # Keyed by file and the reference asked for: one file may be registered (wrongly)
        # under another reference, and that must fail however often it is asked for.
        self._rubrics: dict[tuple[str, str | None], Rubric] = {}
        self._compiled: dict[tuple[str, str | None], CompiledRubric] = {}
        #: Checked rubrics kept between processes (``_plugins/_cache``); the command line
        #: sets it, a host's engine has none.
        self._rubric_cache: RubricCache | None = None

    # ------------------------------------------------------------------------- plugins

    def _register(
        self,
        plugin: object,
        name: str,
        distribution: str | None,
        version: str | None,
        *,
        builtin: bool = False,
    ) -> None:
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginLoadError(
                f"插件 {name} 无法注册 / plugin {name} cannot be registered: {exc}",
                plugin=name,
            ) from exc
        hooks = tuple(sorted(h.name for h in self._pm.get_hookcallers(plugin) or ()))
        self._infos[name] = PluginInfo(name, distribution, version, hooks, builtin)

    def _register_entry(self, entry: PluginEntry, plugin: object) -> None:
        known = self._pm.get_name(plugin)
        if known is not None:
            # The same object was passed in-process: keep one registration, and report the
            # distribution it comes from.
            info = self._infos[known]
            if not info.builtin:
                self._infos[known] = attrs.evolve(
                    info, distribution=entry.distribution, version=entry.version
                )
            return
        self._register(plugin, entry.name, entry.distribution, entry.version)

    def _check_pending(self) -> None:
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            import difflib

            unknown: list[str] = []
            culprits: list[str] = []
            specs = sorted(n for n in dir(hookspecs) if n.startswith(HOOK_PREFIX))
            for hook_name, caller in sorted(vars(self._pm.hook).items()):
                if getattr(caller, "spec", True) is not None:
                    continue
                for impl in caller.get_hookimpls():
                    if impl.optionalhook:
                        continue
                    near = difflib.get_close_matches(hook_name, specs, n=1)
                    hint = f" (did you mean {near[0]}?)" if near else ""
                    unknown.append(f"{impl.plugin_name}: {hook_name}{hint}")
                    culprits.append(impl.plugin_name)
            plugin_name = culprits[0] if culprits else self._pm.get_name(exc.plugin) or ""
            raise PluginLoadError(
                "插件实现了未知的钩子 / plugins implement unknown hooks: "
                + "; ".join(unknown or [str(exc)])
                + f" (known hooks: {', '.join(specs)})",
                plugin=plugin_name,
            ) from exc

    def _collect(
        self,
        hook: str,
        registry: Registry[T],
        item_type: type[T],
        key: str,
        *,
        also: Callable[[T, str], None] | None = None,
    ) -> None:
        factory = f"evalrules.{_FACTORIES[item_type]}"
        caller = getattr(self._pm.hook, hook)
        for impl in caller.get_hookimpls():
            name = impl.plugin_name
            if impl.wrapper or impl.hookwrapper:
                raise PluginLoadError(
                    f"插件 {name} 的 {hook} 不能是包装器 / plugin {name}: {hook} collects "
                    "items and cannot be a wrapper",
                    plugin=name,
                )
            try:
                items = impl.function()
            except (Exception, SystemExit) as exc:
                raise PluginLoadError(
                    f"插件 {name} 的 {hook} 出错 / plugin {name} failed in {hook}: "
                    f"{type(exc).__name__}: {exc}",
                    plugin=name,
                ) from exc
            if not isinstance(items, list | tuple):
                raise PluginLoadError(
                    f"插件 {name} 的 {hook} 应返回列表 / plugin {name}: {hook} must return a "
                    f"list, got {type(items).__name__}",
                    plugin=name,
                )
            for item in items:
                if not isinstance(item, item_type):
                    raise PluginLoadError(
                        f"插件 {name} 的 {hook} 返回了 {item!r} / plugin {name}: {hook} "
                        f"returned {item!r}, not a {item_type.__name__} built with {factory}()",
                        plugin=name,
                    )
                if isinstance(item, RuleKind):
                    _refuse_broken_kind(item, name)
                if isinstance(item, RubricSource):
                    item = cast(T, _checked_source(item, name, impl.plugin))
                registry.add(getattr(item, key), item, name)
                if also is not None:
                    also(item, name)

    def _add_suffixes(self, reader: FactsReader, origin: str) -> None:
        for suffix in reader.suffixes:
            self._facts_suffixes.add(suffix, reader, origin)

    def plugins(self) -> list[PluginInfo]:
        """Registered plugins: builtins first, then the others sorted by name."""
        infos = list(self._infos.values())
        return sorted(infos, key=lambda i: (not i.builtin, i.name))

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy plugin manager (for advanced hosts and tests)."""
        return self._pm

    # ------------------------------------------------------------------------- rubrics

    def rubrics(self) -> list[RubricSource]:
        """Installed rubrics, sorted by reference."""
        return [r.item for r in self.rubric_sources]

    def resolve(self, ref: str) -> RubricSource:
        """Find an installed rubric: ``family/year`` exactly, or ``family`` for the latest.

        Raises:
            RubricNotFoundError: listing what is installed.
        """
        family, year = parse_ref(ref)
        if year is not None and ref in self.rubric_sources:
            return self.rubric_sources.get(ref)
        if year is None and "/" not in ref:
            years = [
                (parse_ref(s.ref)[1] or 0, s)
                for s in self.rubrics()
                if parse_ref(s.ref)[0] == family
            ]
            if years:
                return max(years, key=lambda pair: pair[0])[1]
        raise RubricNotFoundError(ref, self.rubric_sources.names())

    def _base_path(self, ref: str) -> Path:
        """The file of an installed rubric that another one extends."""
        return self.resolve(ref).path

    def load_rubric(self, ref_or_path: str | Path) -> Rubric:
        """Load a rubric by reference (``panjin-county/2023``, ``panjin-county``) or file.

        A rubric loaded by reference must declare the ``family`` and ``year`` it is registered
        under. The rubric is compiled at once, so unknown rule kinds and bad parameters are
        reported here, not at evaluation.

        Raises:
            RubricNotFoundError: if no such rubric is installed; lists what is installed.
            RubricError: listing every problem in the rubric.
        """
        path, plugin, ref = self._locate(ref_or_path)
        key = (str(path), ref)
        if key not in self._rubrics:
            cache = self._rubric_cache
            cache_key = None if cache is None else cache.key(self, path, ref, plugin)
            if cache is not None and cache_key is not None:
                kept = cache.load(cache_key)
                if kept is not None and kept[0].file == str(path):
                    # Checked when it was kept, with these very plugins and files.
                    rubric, digest = kept
                    self._compiled[(rubric.ref, rubric.file)] = self._bind(rubric, digest)
                    self._rubrics[key] = rubric
                    return rubric
            # Reading and checking a rubric: what a process that takes it from the cache
            # never needs, so imported here.
            from evalrules._rubric._extends import read_with_extends
            from evalrules._rubric._loader import build_rubric

            # What extends could not apply is reported with the rubric's other problems.
            unapplied: list[RubricProblem] = []
            files: list[Path] = []
            raw = read_with_extends(
                path,
                self._base_path,
                () if ref is None else (ref,),
                problems=unapplied,
                files=files,
            )

            def check(rubric: Rubric) -> list[RubricProblem]:
                # Run with the loader's own checks, so that one error lists every problem.
                problems = list(unapplied)
                if ref is not None and rubric.ref != ref:
                    problems.append(
                        RubricProblem(
                            f"插件 {plugin} 将此文件注册为 {ref},但文件声明的是 {rubric.ref} / "
                            f"plugin {plugin} registers this file as {ref}, but it declares "
                            f"{rubric.ref} (family and year)",
                            "ref-mismatch",
                            str(path),
                            path="family",
                        )
                    )
                try:
                    # Compiling now checks kinds and parameters at load, not at evaluation.
                    self.compile(rubric)
                except RubricError as exc:
                    problems.extend(exc.problems)
                return problems

            self._rubrics[key] = build_rubric(raw, file=str(path), plugin=plugin, check=check)
            if cache is not None and cache_key is not None:
                cache.store(cache_key, self._rubrics[key], files)
        return self._rubrics[key]

    def _locate(self, ref_or_path: str | Path) -> tuple[Path, str | None, str | None]:
        if isinstance(ref_or_path, Path):
            return ref_or_path, None, None
        text = str(ref_or_path)
        if text.endswith((".yaml", ".yml", ".json")) or Path(text).is_file():
            return Path(text), None, None
        source = self.resolve(text)
        return source.path, self.rubric_sources.origin(source.ref), source.ref

    def compile(self, rubric: Rubric) -> CompiledRubric:
        """Compile a rubric with this engine's rule kinds and fact types (cached).

        Raises:
            RubricError: if the rubric uses unknown kinds or invalid parameters.
        """
        key = (rubric.ref, rubric.file)
        cached = self._compiled.get(key)
        # By digest, not ==: a rubric built in code may hold a Decimal NaN (never equal) or
        # sNaN (comparing it raises), and the digest is what the compiled rubric is known by.
        if cached is not None and (
            cached.rubric is rubric or cached.digest == rubric_digest(rubric)
        ):
            return cached
        from evalrules._compiler._check import compile_rubric

        compiled = compile_rubric(rubric, **self._binding())
        self._compiled[key] = compiled
        return compiled

    def _binding(self) -> dict[str, Any]:
        """What compiling binds a rubric to: this engine's kinds, types, aggregations, the
        scorecard hook and the cohort stage."""
        return {
            "kinds": {r.name: (r.item, r.origin) for r in self.rule_kinds},
            "types": {r.name: r.item for r in self.fact_types},
            "cross_checks": {r.name: r.item for r in self.cross_checks},
            "modify": self._scorecard_hook,
            "cohort": _evaluate_cohort,
            "origins": {
                (registry.name, r.name): r.origin
                for registry in (self.fact_types, self.cross_checks, self.aggregations)
                for r in registry
            },
            "aggregations": {r.name: r.item for r in self.aggregations},
        }

    def _bind(self, rubric: Rubric, digest: str) -> CompiledRubric:
        """A rubric that passed its checks with this engine's plugins, compiled without
        checking it again."""
        from evalrules._compiler._compiled import build

        return build(rubric, digest=digest, **self._binding())

    def facts_schema(self, rubric: Rubric) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of a facts document for ``rubric``."""
        from evalrules._facts._schema import facts_json_schema

        return facts_json_schema(rubric, {r.name: r.item for r in self.fact_types})

    def facts_template(self, rubric: Rubric) -> str:
        """A blank facts document for ``rubric`` in YAML, with a comment on every fact."""
        from evalrules._facts._schema import facts_template

        return facts_template(rubric, {r.name: r.item for r in self.fact_types})

    # --------------------------------------------------------------------------- facts

    def load_facts(self, path: str | Path) -> FactsDocument:
        """Read a facts file with the installed reader its suffix or its content chooses.

        The reader whose suffix ends the file name reads it (the longest suffix wins, so
        ``.facts.txt`` beats ``.txt``); when no reader claims the suffix, or there is none
        (``/dev/stdin``), the one reader whose ``sniff`` recognises the content does: a JSON
        object for ``json``, a YAML mapping for ``yaml``. Files are read whole, up to 2 MiB.

        Raises:
            FactsError: if the file is missing, a folder or unreadable; if no installed
                reader, or more than one, recognises it (listing the installed readers and
                their suffixes); or listing every problem the reader finds in it.
            PluginError: if a reader raises anything but a ``FactsError``, or returns
                something other than a document or a mapping.
        """
        return read_facts(path, [(r.item, r.origin) for r in self.facts_readers])

    # ---------------------------------------------------------------------- evaluation

    def evaluate(
        self,
        rubric: Rubric | CompiledRubric | str | Path,
        facts: FactsDocument | Mapping[str, Any],
        *,
        entity: Entity | None = None,
        claimed: Mapping[str, Any] | None = None,
        partial: bool = False,
    ) -> Scorecard:
        """Evaluate facts against a rubric (a reference, a path, a rubric or a compiled one).

        Raises:
            FactsError: if the facts are invalid.
            RubricError: if the rubric is invalid or not installed.
            RuleEvaluationError: if a rule raised.
        """
        if isinstance(rubric, CompiledRubric):
            compiled = rubric
        elif isinstance(rubric, Rubric):
            compiled = self.compile(rubric)
        else:
            compiled = self.compile(self.load_rubric(rubric))
        return compiled.evaluate(facts, entity=entity, claimed=claimed, partial=partial)

    @overload
    def render(
        self,
        scorecard: Scorecard,
        format: TextFormat = "table",
        *,
        lang: Lang = "zh",
        color: bool = False,
        rubric: Rubric | None = None,
        width: int = 80,
    ) -> str: ...

    @overload
    def render(
        self,
        scorecard: Scorecard,
        format: str,
        *,
        lang: Lang = "zh",
        color: bool = False,
        rubric: Rubric | None = None,
        width: int = 80,
    ) -> str | bytes: ...

    def render(
        self,
        scorecard: Scorecard,
        format: str = "table",
        *,
        lang: Lang = "zh",
        color: bool = False,
        rubric: Rubric | None = None,
        width: int = 80,
    ) -> str | bytes:
        """Render a scorecard with a registered renderer.

        A :class:`~evalrules.Renderer` declared ``binary`` returns bytes; the others, the
        builtin formats among them (and typed so), return text.

        Returns:
            The rendered scorecard, text or bytes.

        Raises:
            ValueError: if ``lang`` is not ``"zh"`` or ``"en"``, or ``width`` is below
                :data:`~evalrules._renderers.MIN_WIDTH` (see :class:`~evalrules.RenderOptions`).
            LookupError: if no renderer has that name.
            PluginError: if the renderer raises, or returns bytes when it declares text, or
                the other way round (naming the plugin).
        """
        lang = check_lang(lang)
        if format not in self.renderers:
            raise LookupError(
                f"no renderer {format!r} (installed: {', '.join(self.renderers.names())})"
            )
        options = RenderOptions(lang=lang, color=color, rubric=rubric, width=width)
        renderer = self.renderers.get(format)
        origin = self.renderers.origin(format)
        if format != "json":
            # What people read gets no control character, bidirectional mark or line feed
            # from a facts document (JSON escapes its own, and keeps the data as it is).
            scorecard = escape_values(scorecard)
        try:
            result = renderer.render(scorecard, options)
        except EvalrulesError:
            raise  # a refusal the renderer means (an extra not installed, say)
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"插件 {origin} 的输出格式 {format} 出错 / plugin {origin}: renderer "
                f"{format!r} raised {type(exc).__name__}: {exc}",
                plugin=origin,
            ) from exc
        expected = bytes if renderer.binary else str
        if not isinstance(result, expected):
            declared = "binary=True" if renderer.binary else "text (binary=False)"
            raise PluginError(
                f"插件 {origin} 的输出格式 {format} 返回了 {type(result).__name__} / plugin "
                f"{origin}: renderer {format!r} returned {type(result).__name__}, but it is "
                f"declared {declared} and must return {expected.__name__}",
                plugin=origin,
            )
        return result
