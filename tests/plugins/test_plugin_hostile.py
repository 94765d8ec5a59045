"""Hostile plugins: every fault is a PluginError naming the plugin (``dist[entry]`` when it
comes through an entry point), never a silent exit, a raw traceback or a file read from
somewhere else."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

import evalrules
from evalrules import hookimpl
from evalrules.errors import PluginError, PluginLoadError


class _Renderer:
    def __init__(self, render):
        self._render = render

    @hookimpl
    def evalrules_register_renderers(self):
        return [
            evalrules.renderer(
                "hostile",
                render=self._render,
                description=evalrules.Text("坏", "bad"),
                media_type="text/plain",
                suffix=".txt",
            )
        ]


def _divide(card, options):
    return 1 / 0


def _number(card, options):
    return 12345


@pytest.mark.parametrize("render", [_divide, _number])
def test_a_renderer_fault_names_its_plugin(compiled, example, render):
    engine = evalrules.Engine(plugins=[_Renderer(render)], autoload=False)
    card = compiled.evaluate(example)
    with pytest.raises(PluginError) as info:
        engine.render(card, "hostile")
    assert info.value.plugin
    assert info.value.plugin in str(info.value)


class _Rubrics:
    def __init__(self, *sources):
        self._sources = sources

    @hookimpl
    def evalrules_register_rubrics(self):
        return list(self._sources)


@pytest.mark.parametrize(
    "source",
    [
        evalrules.RubricSource(ref=123, path=Path("/x.yaml")),  # type: ignore[arg-type]
        evalrules.RubricSource(ref="../../x", path=Path("/x.yaml")),
        evalrules.RubricSource(ref="a/2023\x1b[2J", path=Path("/x.yaml")),
        evalrules.RubricSource(ref="a/2023", path=Path("../../../../etc/passwd")),
        evalrules.RubricSource(ref="a/2023", path=Path("../../../../tmp/x.yaml")),
        evalrules.RubricSource(ref="a/2023", path=123),  # type: ignore[arg-type]
    ],
    ids=["ref-not-text", "ref-traversal", "ref-escape", "passwd", "outside", "path-not-path"],
)
def test_a_bad_rubric_source_is_refused_naming_its_plugin(source):
    with pytest.raises(PluginLoadError) as info:
        evalrules.Engine(plugins=[_Rubrics(source)], autoload=False)
    assert info.value.plugin
    assert "\x1b" not in str(info.value)


def test_a_relative_rubric_path_is_the_plugin_s_own(tmp_path, monkeypatch):
    package = tmp_path / "relplugin"
    package.mkdir()
    (package / "r.yaml").write_text("x: 1\n", encoding="utf-8")
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from evalrules import hookimpl, RubricSource

            @hookimpl
            def evalrules_register_rubrics():
                return [RubricSource(ref="rel-plugin/2024", path=Path("r.yaml"))]
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    import relplugin

    engine = evalrules.Engine(plugins=[relplugin], autoload=False)
    (found,) = engine.rubrics()
    assert found.path == (package / "r.yaml").resolve()
    sys.modules.pop("relplugin", None)


class _Exits:
    @hookimpl
    def evalrules_register_rule_kinds(self):
        raise SystemExit(5)


def test_system_exit_in_a_hook_is_a_plugin_error():
    with pytest.raises(PluginLoadError) as info:
        evalrules.Engine(plugins=[_Exits()], autoload=False)
    assert info.value.plugin
    assert isinstance(info.value.__cause__, SystemExit)


def test_system_exit_at_import_names_dist_and_entry(fake_dist, installed, tmp_path, monkeypatch):
    (tmp_path / "exits_at_import.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    installed(
        [fake_dist(name="evalrules-exits", entry_points={"evalrules": {"e": "exits_at_import"}})]
    )
    with pytest.raises(PluginLoadError) as info:
        evalrules.Engine()
    assert info.value.plugin == "evalrules-exits[e]"


def test_system_exit_at_import_exits_3_from_the_command(
    fake_dist, installed, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from evalrules._cli import main

    (tmp_path / "exits_at_import2.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    installed(
        [fake_dist(name="evalrules-exits", entry_points={"evalrules": {"e": "exits_at_import2"}})]
    )
    result = CliRunner().invoke(main, ["rubrics"])
    assert result.exit_code == 3
    assert "evalrules-exits[e]" in result.output
