"""Introspection (``Engine.plugins()``) and the generic registry."""

from __future__ import annotations

import pytest

import evalrules
import evalrules_panjin
from evalrules import hookspecs
from evalrules._plugins._registry import Registry
from evalrules.errors import RegistryConflictError


def _hooks_of(module) -> tuple[str, ...]:
    """The hook implementations a plugin module defines, by the marker pluggy reads."""
    return tuple(
        sorted(
            name
            for name in dir(module)
            if name.startswith("evalrules_")
            and hasattr(getattr(module, name), f"{hookspecs.PROJECT_NAME}_impl")
        )
    )


def test_plugins_lists_distribution_version_and_hooks(fake_dist, installed, sample):
    installed([fake_dist("evalrules-sample"), fake_dist("panjin")])
    engine = evalrules.Engine()

    infos = engine.plugins()
    builtins = [p for p in infos if p.builtin]
    others = [p for p in infos if not p.builtin]

    assert infos == builtins + others  # builtins first
    assert {(p.distribution, p.version) for p in builtins} == {("evalrules", evalrules.__version__)}
    # The core uses its own hook API for everything but rubrics, which it does not ship.
    specs = {n for n in vars(hookspecs) if n.startswith("evalrules_")}
    assert set().union(*(p.hooks for p in builtins)) == specs - {"evalrules_register_rubrics"}

    assert others == [
        evalrules.PluginInfo(
            "evalrules-panjin[panjin]",
            "evalrules-panjin",
            "2023.1.0",
            _hooks_of(evalrules_panjin),
        ),
        evalrules.PluginInfo(
            "evalrules-sample[sample]", "evalrules-sample", "2024.1.0", _hooks_of(sample)
        ),
    ]
    assert len(others[1].hooks) == len(specs)  # the sample implements every hook


def test_plugins_passed_in_process_have_no_distribution(sample):
    engine = evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)
    others = [p for p in engine.plugins() if not p.builtin]
    assert [(p.name, p.distribution, p.version) for p in others] == [
        ("evalrules_panjin", None, None),
        ("evalrules_sample", None, None),
    ]


def test_plugin_instances_get_a_stable_name():
    class Nameless:
        def evalrules_register_renderers(self) -> list[evalrules.Renderer]:
            return []

    engine = evalrules.Engine(plugins=[Nameless(), Nameless()], autoload=False)
    names = [p.name for p in engine.plugins() if not p.builtin]
    prefix = f"{__name__}.test_plugin_instances_get_a_stable_name.<locals>.Nameless"
    assert names == [f"{prefix}#0", f"{prefix}#1"]


def test_registries_record_which_plugin_registered_what(sample):
    engine = evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)
    assert engine.rule_kinds.by_origin("evalrules_sample") == ("ratio_band",)
    assert engine.fact_types.by_origin("evalrules_sample") == ("permille",)
    assert engine.cross_checks.by_origin("evalrules_sample") == ("sum_at_most",)
    assert engine.renderers.by_origin("evalrules_sample") == ("csv",)
    assert engine.rubric_sources.by_origin("evalrules_sample") == ("sample-county/2024",)
    assert "threshold" in engine.rule_kinds.by_origin("evalrules.kinds")


def test_registry_refuses_a_second_registration_and_keeps_the_first():
    registry: Registry[int] = Registry("widget")
    registry.add("b", 2, "plugin-one")
    registry.add("a", 1, "plugin-one")
    with pytest.raises(RegistryConflictError) as caught:
        registry.add("b", 20, "plugin-two")
    assert str(caught.value).startswith(
        "widget 'b' is registered by both plugin-one and plugin-two"
    )
    assert caught.value.plugin == "plugin-two"
    assert registry.get("b") == 2
    assert registry.origin("b") == "plugin-one"
    assert [r.name for r in registry] == ["a", "b"]
    assert registry.names() == ("a", "b")
    assert len(registry) == 2
    assert "a" in registry
    assert "c" not in registry


def test_registry_lookup_of_a_missing_name_lists_the_registered_ones():
    registry: Registry[str] = Registry("renderer")
    registry.add("json", "J", "evalrules.renderers")
    with pytest.raises(KeyError, match=r"no renderer 'csv' is registered \(registered: json\)"):
        registry.get("csv")
    with pytest.raises(KeyError):
        registry.origin("csv")
