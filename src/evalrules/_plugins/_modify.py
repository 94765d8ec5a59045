"""The ``evalrules_modify_scorecard`` hook as compiled rubrics call it, here or in a worker.

Every rubric an engine compiles calls this hook after scoring. In the engine's own process it
runs on the engine's plugin manager. A pickled compiled rubric carries the hook as the plugins
that implement it, in the order they were registered; unpickling registers them on a plugin
manager of its own, so the hook runs in a worker exactly as it runs beside the engine. Those
plugins must therefore pickle: a module travels by its name, a class by reference, an object
with its state.
"""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Sequence
from types import ModuleType, TracebackType
from typing import Any

import pluggy

from evalrules._rubric._model import Rubric
from evalrules._scorecard._model import Scorecard
from evalrules.errors import PluginError
from evalrules.hookspecs import hookimpl

#: How a plugin travels: ``(registered name, module name or None, the object or None)``.
_Portable = tuple[str, str | None, object]


def _culprit(tb: TracebackType | None, impls: Sequence[pluggy.HookImpl]) -> str:
    """The plugin whose hook implementation is the innermost frame of a traceback."""
    codes: dict[object, str] = {}
    for impl in impls:
        code = getattr(impl.function, "__code__", None)
        if code is not None:
            codes[code] = impl.plugin_name
    found = "unknown"
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


class ScorecardHook:
    """``hook(scorecard, rubric) -> scorecard``: an engine's ``evalrules_modify_scorecard``.

    Args:
        pm: The plugin manager whose hook it calls.
    """

    __slots__ = ("_pm",)

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._pm = pm

    def __call__(self, scorecard: Scorecard, rubric: Rubric) -> Scorecard:
        """Run the hook on ``scorecard``.

        Raises:
            PluginError: naming the plugin, if an implementation raised or the result is not
                a scorecard.
        """
        caller = self._pm.hook.evalrules_modify_scorecard
        impls = caller.get_hookimpls()
        if len(impls) == 1 and impls[0].plugin is core_modify_plugin:
            return scorecard  # no plugin wraps the innermost one, which changes nothing
        try:
            result = caller(scorecard=scorecard, rubric=rubric)
        except (Exception, SystemExit) as exc:
            culprit = _culprit(exc.__traceback__, caller.get_hookimpls())
            raise PluginError(
                f"插件 {culprit} 的 evalrules_modify_scorecard 出错(评价方案 {rubric.ref}) / "
                f"plugin {culprit}: evalrules_modify_scorecard raised {type(exc).__name__} "
                f"for rubric {rubric.ref}: {exc}",
                plugin=culprit,
            ) from exc
        if not isinstance(result, Scorecard):
            wrappers = [i.plugin_name for i in caller.get_hookimpls() if i.wrapper]
            suspects = ", ".join(wrappers) or "none"
            raise PluginError(
                f"evalrules_modify_scorecard 返回了 {type(result).__name__} / "
                f"evalrules_modify_scorecard returned {type(result).__name__}, not a Scorecard, "
                f"for rubric {rubric.ref} (wrappers: {suspects})",
                plugin=wrappers[-1] if wrappers else None,
            )
        return result

    def _implementers(self) -> list[tuple[str, object]]:
        """``(name, plugin)`` of every plugin implementing the hook, in registration order
        (which, with each implementation's own options, decides the order they run in)."""
        impls = self._pm.hook.evalrules_modify_scorecard.get_hookimpls()
        ids = {id(impl.plugin) for impl in impls}
        return [(name, plugin) for name, plugin in self._pm.list_name_plugin() if id(plugin) in ids]

    def __reduce__(self) -> tuple[Any, tuple[tuple[_Portable, ...]]]:
        portable: list[_Portable] = []
        problems: list[str] = []
        for name, plugin in self._implementers():
            if isinstance(plugin, ModuleType):
                portable.append((name, plugin.__name__, None))
                continue
            try:
                pickle.dumps(plugin, pickle.HIGHEST_PROTOCOL)
            except (Exception, SystemExit) as exc:
                problems.append(f"plugin {name}: {type(exc).__name__}: {exc}")
            portable.append((name, None, plugin))
        if problems:
            raise pickle.PicklingError(
                "evalrules_modify_scorecard 的插件无法序列化 / plugins implementing "
                f"evalrules_modify_scorecard cannot be pickled: {'; '.join(problems)}. A "
                "plugin whose hooks travel with a compiled rubric must be an importable module, "
                "a module-level class or an object of one."
            )
        return (_rebuild, (tuple(portable),))


def _rebuild(portable: tuple[_Portable, ...]) -> ScorecardHook:
    """The hook on a plugin manager of its own, with the plugins that implement it."""
    from evalrules import hookspecs
    from evalrules._plugins._engine import _PluginManager

    pm = _PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name, module, plugin in portable:
        pm.register(importlib.import_module(module) if module is not None else plugin, name=name)
    return ScorecardHook(pm)


class _CoreModify:
    """The innermost ``evalrules_modify_scorecard``: the wrappers of plugins wrap it."""

    @staticmethod
    @hookimpl(trylast=True)
    def evalrules_modify_scorecard(scorecard: Scorecard, rubric: Rubric) -> Scorecard:
        """Return the scorecard unchanged (runs last)."""
        return scorecard

    def __reduce__(self) -> str:
        # The one instance, by reference: a worker's hook then knows it has nothing to run.
        return "core_modify_plugin"


core_modify_plugin = _CoreModify()
