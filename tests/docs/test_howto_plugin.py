"""The how-to "Write next year's rubric plugin": its plugin works, and the page shows it as it is.

The example plugin lives in ``docs/examples/evalrules-panjin-2024``; the page includes its
files with pymdownx.snippets, so there is one copy, and these tests load that copy.
"""

from __future__ import annotations

import importlib
import os
import shlex
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner
from docs_markdown import DOCS, REPO, console_sessions, expand, fenced_blocks, includes

import evalrules
import evalrules_panjin
from _environ import clean_env
from evalrules._cli import main
from evalrules.errors import RubricError

PLUGIN = DOCS / "examples" / "evalrules-panjin-2024"
HOWTO = DOCS / "how-to" / "write-a-rubric-plugin.md"
TEXT = HOWTO.read_text(encoding="utf-8")
RUBRIC = PLUGIN / "src" / "evalrules_panjin_2024" / "2024.yaml"
FACTS = PLUGIN / "tests" / "example-2024.facts.yaml"


def _files(folder):
    return sorted(
        p.relative_to(REPO).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


@pytest.fixture(scope="module")
def plugin_2024():
    """The example plugin's module, imported from its source folder (not installed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(PLUGIN / "src"))
        module = importlib.import_module("evalrules_panjin_2024")
        yield module
        sys.modules.pop("evalrules_panjin_2024", None)


@pytest.fixture(scope="module")
def engine(plugin_2024):
    return evalrules.Engine(plugins=[evalrules_panjin, plugin_2024], autoload=False)


def test_the_page_includes_every_file_of_the_plugin():
    assert sorted(includes(TEXT)) == _files(PLUGIN)


def test_each_included_file_is_a_code_block_of_its_own():
    for _, body in fenced_blocks(TEXT):
        if includes(body):
            assert body.strip() == f'--8<-- "{includes(body)[0]}"', body


def test_no_other_code_block_copies_a_plugin_file():
    # A hand-made copy of an example would drift from the tested file.
    sources = [(REPO / path).read_text(encoding="utf-8") for path in _files(PLUGIN)]
    for _, body in fenced_blocks(TEXT):
        if includes(body):
            continue
        lines = [line for line in body.splitlines() if len(line.strip()) > 25]
        for line in lines:
            assert not any(line in source for source in sources), line


def test_the_rubric_loads_on_top_of_2023_in_process(engine):
    rubric = engine.load_rubric("panjin-county/2024")
    assert (rubric.ref, rubric.extends, rubric.max) == (
        "panjin-county/2024",
        "panjin-county/2023",
        100,
    )
    codes = [node.code for node in rubric.indicator("5").children]
    assert codes == ["5.1", "5.2", "5.3", "5.4", "5.6"]


def test_the_example_facts_score_as_the_page_says(engine):
    compiled = engine.compile(engine.load_rubric("panjin-county/2024"))
    card = compiled.evaluate(evalrules.load_facts(FACTS))
    assert card.total == Decimal("94.6")
    assert card.node("11").score == Decimal("2.0")  # 86.5% is short of the new 88%
    assert card.node("5.6").score == Decimal("1.0")
    assert [f.rule for f in card.findings if f.indicator in ("11", "5.6") and f.points] == [
        "PJ-5.6-a",
        "PJ-11-c",
    ]


def test_check_prints_what_the_page_shows():
    (shown,) = [s for c, s in console_sessions(TEXT) if c.startswith("evalrules check")]
    command = next(c for c, _ in console_sessions(TEXT) if c.startswith("evalrules check"))
    result = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == shown


def test_the_mistake_shown_is_reported_as_shown(engine, tmp_path, monkeypatch):
    (shown,) = [body.strip() for lang, body in fenced_blocks(TEXT) if "[max-not-sum]" in body]
    text = RUBRIC.read_text(encoding="utf-8")
    item = text[text.index('- code: "5.6"') :]
    broken = text.replace(item, item.replace("max: 2", "max: 3", 1))
    path = tmp_path / "2024.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        engine.load_rubric(path)
    (problem,) = caught.value.problems
    assert problem.code == "max-not-sum"
    # `evalrules check` run from the repository shows it as the page does.
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("EVALRULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stdout.strip().replace(str(path), "2024.yaml") == shown


@pytest.mark.slow
def test_the_plugins_own_tests_pass():
    # Run as the page says (pytest in the plugin's folder), with the plugin importable.
    paths = [str(PLUGIN / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = clean_env({"PYTHONPATH": os.pathsep.join(paths)})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=PLUGIN,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("3 passed"), done.stdout


def test_every_page_include_exists():
    for path in includes(TEXT):
        assert (REPO / path).is_file(), path
    assert "--8<--" not in expand(TEXT)


# Run by a fresh interpreter that sees only the installed wheel (and the environment's
# evalrules and evalrules-panjin): autoloading must find the rubric through the entry point,
# and its file must be in the wheel.
_INSTALLED = """\
import sys
import evalrules

engine = evalrules.Engine()
rubric = engine.load_rubric("panjin-county/2024")
print(engine.rubric_sources.origin("panjin-county/2024"))
print(rubric.file.startswith(sys.argv[1]), rubric.max)
"""


@pytest.mark.slow
def test_the_built_wheel_installs_and_registers_the_rubric(tmp_path):
    def pip(*args):
        done = subprocess.run(
            [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels), str(PLUGIN))
    (wheel,) = wheels.glob("*.whl")
    pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALRULES_")}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-c", _INSTALLED, str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["evalrules-panjin-2024[panjin-2024]", "True 100"]
