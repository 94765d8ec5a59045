"""The engine: owns the plugin manager, the registries, and rubric loading."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pluggy

from evalrules import hookspecs
from evalrules._builtin_kinds import evalrules_register_rule_kinds as _builtin_kinds_hook
from evalrules._compiler import CompiledRubric, compile_rubric
from evalrules._discovery import (
    PluginEntry,
    autoload_disabled,
    blocked_from_env,
    list_entries,
    load_entries,
)
from evalrules._facts import CrossCheckKind, FactsDocument, FactType, builtin_facts_plugin
from evalrules._kinds import RuleKind
from evalrules._loader import RubricSource, apply_extends, build_rubric, parse_ref, read_rubric_file
from evalrules._model import Entity, Rubric, Scorecard
from evalrules._registry import Registry
from evalrules._renderers import Renderer, RenderOptions, builtin_renderers_plugin
from evalrules._version import __version__
from evalrules.errors import (
    PluginError,
    PluginLoadError,
    RubricError,
    RubricNotFoundError,
    RubricProblem,
)
from evalrules.hookspecs import hookimpl

__all__ = ["Engine", "PluginInfo"]


class _BuiltinKinds:
    evalrules_register_rule_kinds = staticmethod(_builtin_kinds_hook)


class _CoreModify:
    @staticmethod
    @hookimpl(trylast=True)
    def evalrules_modify_scorecard(scorecard: Scorecard, rubric: Rubric) -> Scorecard:
        """Return the scorecard unchanged (runs last)."""
        return scorecard


_BUILTINS: tuple[tuple[str, object], ...] = (
    ("evalrules.kinds", _BuiltinKinds()),
    ("evalrules.facts", builtin_facts_plugin),
    ("evalrules.renderers", builtin_renderers_plugin),
    ("evalrules.scorecard", _CoreModify()),
)


@attrs.frozen
class PluginInfo:
    """A registered plugin, for introspection.

    Attributes:
        name: Registered name (``distribution[entry]`` for installed plugins).
        distribution: The distribution that provides it (``evalrules`` for builtins).
        version: The distribution's version.
        hooks: Names of the hooks it implements, sorted.
        builtin: True for the core's own plugins.
    """

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool = False


class Engine:
    """Loads plugins, holds the registries, loads and compiles rubrics, evaluates facts.

    Building an engine is the only thing that imports plugins; ``import evalrules`` does not.

    Args:
        plugins: Extra plugin objects (modules or instances with hook implementations),
            registered after the builtins, in order.
        autoload: Discover installed plugins through the ``evalrules`` entry points. Also
            off when ``EVALRULES_DISABLE_PLUGIN_AUTOLOAD`` is set.
        block: Plugin names not to load (added to ``EVALRULES_BLOCK_PLUGINS``).

    Raises:
        PluginLoadError: if an installed plugin fails to import or register.
        RegistryConflictError: if two plugins register the same name.
    """

    def __init__(
        self,
        *,
        plugins: Sequence[object] = (),
        autoload: bool = True,
        block: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._infos: dict[str, PluginInfo] = {}
        for name, plugin in _BUILTINS:
            self._register(plugin, name, "evalrules", __version__, builtin=True)
        for i, plugin in enumerate(plugins):
            name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}#{i}"
            self._register(plugin, name, "", "")
        if autoload and not autoload_disabled():
            blocked = (*blocked_from_env(), *block)
            entries = [e for e in list_entries() if not e.matches(blocked)]
            for entry, plugin in load_entries(entries):
                self._register(plugin, entry.name, entry.distribution, entry.version, entry=entry)
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin_name = self._pm.get_name(exc.plugin) or repr(exc.plugin)
            raise PluginLoadError(
                f"plugin {plugin_name} implements an unknown hook: {exc}", plugin=plugin_name
            ) from exc
        self.rubric_sources: Registry[RubricSource] = Registry("rubric")
        self.rule_kinds: Registry[RuleKind] = Registry("rule kind")
        self.fact_types: Registry[FactType] = Registry("fact type")
        self.renderers: Registry[Renderer] = Registry("renderer")
        self.cross_checks: Registry[CrossCheckKind] = Registry("cross check")
        self._collect("evalrules_register_rubrics", self.rubric_sources, lambda i: i.ref)
        self._collect("evalrules_register_rule_kinds", self.rule_kinds, lambda i: i.name)
        self._collect("evalrules_register_fact_types", self.fact_types, lambda i: i.name)
        self._collect("evalrules_register_renderers", self.renderers, lambda i: i.name)
        self._collect("evalrules_register_cross_checks", self.cross_checks, lambda i: i.name)
        self._rubrics: dict[str, Rubric] = {}
        self._compiled: dict[tuple[str, str | None], CompiledRubric] = {}

    # ------------------------------------------------------------------------- plugins

    def _register(
        self,
        plugin: object,
        name: str,
        distribution: str,
        version: str,
        *,
        builtin: bool = False,
        entry: PluginEntry | None = None,
    ) -> None:
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginLoadError(f"plugin {name} cannot be registered: {exc}", plugin=name) from exc
        hooks = tuple(sorted(h.name for h in self._pm.get_hookcallers(plugin) or ()))
        self._infos[name] = PluginInfo(name, distribution, version, hooks, builtin)

    def _collect(self, hook: str, registry: Registry[Any], key: Any) -> None:
        caller = getattr(self._pm.hook, hook)
        for impl in caller.get_hookimpls():
            try:
                items = impl.function()
            except Exception as exc:
                raise PluginLoadError(
                    f"plugin {impl.plugin_name} failed in {hook}: {type(exc).__name__}: {exc}",
                    plugin=impl.plugin_name,
                ) from exc
            if not isinstance(items, list | tuple):
                raise PluginLoadError(
                    f"plugin {impl.plugin_name}: {hook} must return a list, got "
                    f"{type(items).__name__}",
                    plugin=impl.plugin_name,
                )
            for item in items:
                try:
                    name = key(item)
                except AttributeError as exc:
                    raise PluginLoadError(
                        f"plugin {impl.plugin_name}: {hook} returned {item!r}, not an item built "
                        "with the public factory",
                        plugin=impl.plugin_name,
                    ) from exc
                registry.add(name, item, impl.plugin_name)

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

    def _raw(self, path: Path, stack: tuple[str, ...]) -> dict[str, Any]:
        raw = read_rubric_file(path)
        if isinstance(raw, Mapping) and isinstance(raw.get("extends"), str):
            base_ref = raw["extends"]
            if base_ref in stack:
                chain = " → ".join((*stack, base_ref))
                raise RubricError(
                    [RubricProblem(f"extends forms a cycle: {chain}", "extends-cycle", str(path), path="extends")],
                    rubric=str(path),
                )
            base_path = self._base_path(base_ref, path)
            base = self._raw(base_path, (*stack, base_ref))
            return apply_extends(base, raw, str(path))
        return raw  # type: ignore[no-any-return]

    def _base_path(self, ref: str, child: Path) -> Path:
        candidate = (child.parent / ref).resolve()
        if ref.endswith((".yaml", ".yml", ".json")) and candidate.is_file():
            return candidate
        try:
            return self.resolve(ref).path
        except RubricNotFoundError as exc:
            raise RubricError(
                [
                    RubricProblem(
                        f"extends {ref!r}, which is not installed (installed: "
                        f"{', '.join(exc.available) or 'none'})",
                        "extends-not-found",
                        str(child),
                        path="extends",
                    )
                ],
                rubric=str(child),
            ) from None

    def load_rubric(self, ref_or_path: str | Path) -> Rubric:
        """Load a rubric by reference (``panjin-county/2023``, ``panjin-county``) or file.

        Raises:
            RubricNotFoundError: if no such rubric is installed.
            RubricError: listing every problem in the rubric.
        """
        path, plugin = self._locate(ref_or_path)
        key = str(path)
        if key not in self._rubrics:
            raw = self._raw(path, ())
            rubric = build_rubric(raw, file=str(path), plugin=plugin)
            self.compile(rubric)  # checks kinds and parameters now, not at evaluation
            self._rubrics[key] = rubric
        return self._rubrics[key]

    def _locate(self, ref_or_path: str | Path) -> tuple[Path, str | None]:
        if isinstance(ref_or_path, Path):
            return ref_or_path, None
        text = str(ref_or_path)
        if text.endswith((".yaml", ".yml", ".json")) or Path(text).is_file():
            return Path(text), None
        source = self.resolve(text)
        return source.path, self.rubric_sources.origin(source.ref)

    def compile(self, rubric: Rubric) -> CompiledRubric:
        """Compile a rubric with this engine's rule kinds and fact types (cached).

        Raises:
            RubricError: if the rubric uses unknown kinds or invalid parameters.
        """
        key = (rubric.ref, rubric.file)
        cached = self._compiled.get(key)
        if cached is not None and cached.rubric == rubric:
            return cached
        compiled = compile_rubric(
            rubric,
            kinds={r.name: (r.item, r.origin) for r in self.rule_kinds},
            types={r.name: r.item for r in self.fact_types},
            cross_checks={r.name: r.item for r in self.cross_checks},
            modify=self._modify,
        )
        self._compiled[key] = compiled
        return compiled

    def _modify(self, scorecard: Scorecard, rubric: Rubric) -> Scorecard:
        try:
            result = self._pm.hook.evalrules_modify_scorecard(scorecard=scorecard, rubric=rubric)
        except Exception as exc:
            raise PluginError(
                f"a plugin's evalrules_modify_scorecard raised {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(result, Scorecard):
            raise PluginError(
                f"evalrules_modify_scorecard returned {type(result).__name__}, not a Scorecard"
            )
        return result

    def facts_schema(self, rubric: Rubric) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of a facts document for ``rubric``."""
        from evalrules._factschema import facts_json_schema

        return facts_json_schema(rubric, {r.name: r.item for r in self.fact_types})

    def facts_template(self, rubric: Rubric) -> str:
        """A blank facts document for ``rubric`` in YAML, with a comment on every fact."""
        from evalrules._factschema import facts_template

        return facts_template(rubric, {r.name: r.item for r in self.fact_types})

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

    def render(
        self,
        scorecard: Scorecard,
        format: str = "table",  # noqa: A002 - the natural name for an output format
        *,
        lang: str = "zh",
        color: bool = False,
        rubric: Rubric | None = None,
    ) -> str:
        """Render a scorecard with a registered renderer.

        Raises:
            LookupError: if no renderer has that name.
        """
        if format not in self.renderers:
            raise LookupError(
                f"no renderer {format!r} (installed: {', '.join(self.renderers.names())})"
            )
        options = RenderOptions(lang=lang, color=color, rubric=rubric)
        return self.renderers.get(format).render(scorecard, options)
