"""Plugins really built and installed: wheels made with pip, installed into a temporary
folder, used by a fresh interpreter with autoloading on.

Entry-point typos and package data missing from the wheel only show up this way. These tests
are marked ``slow``: deselected by default, run with ``pytest -m slow`` (as CI does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import evalrules
import evalrules_national
import evalrules_panjin
from evalrules._plugins._discovery import BLOCK_ENV, DISABLE_ENV

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

# Run by a fresh interpreter: build an engine with autoloading on, report what it found and
# evaluate a facts file, as JSON on stdout.
SCRIPT = """\
import json, sys
import evalrules

engine = evalrules.Engine()
ref, facts = sys.argv[1], sys.argv[2]
source = engine.resolve(ref)
rubric = engine.load_rubric(ref)
card = engine.evaluate(rubric, evalrules.load_facts(facts))
module = sys.modules[engine.rubric_sources.origin(source.ref).split("[")[0].replace("-", "_")]
print(json.dumps({
    "plugins": [
        [p.name, p.distribution, p.version, list(p.hooks)]
        for p in engine.plugins() if not p.builtin
    ],
    "rubrics": [s.ref for s in engine.rubrics()],
    "origin": engine.rubric_sources.origin(source.ref),
    "source": str(source.path),
    "rubric_file": rubric.file,
    "module": module.__file__,
    "digest": engine.compile(rubric).digest,
    "total": str(card.total),
    "entity": [card.entity.id, card.entity.name],
    "renderers": list(engine.renderers.names()),
    "csv": engine.render(card, "csv") if "csv" in engine.renderers else None,
}))
"""


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _build_and_install(project: Path, tmp: Path) -> tuple[Path, Path]:
    """Build ``project``'s wheel and install it alone into ``tmp/site``."""
    wheels, site = tmp / "wheels", tmp / "site"
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels),
         str(project), cwd=tmp)  # fmt: skip
    (wheel,) = wheels.glob("*.whl")
    _pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel), cwd=tmp)
    return wheel, site


def _env(site: Path) -> dict[str, str]:
    """The environment of a fresh interpreter that sees ``site`` and autoloads plugins."""
    env = {k: v for k, v in os.environ.items() if k not in (DISABLE_ENV, BLOCK_ENV)}
    env["PYTHONPATH"] = str(site)
    return env


def _run(site: Path, ref: str, facts: Path, cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, ref, str(facts)],
        cwd=cwd,
        env=_env(site),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def sample_install(tmp_path_factory) -> tuple[Path, Path]:
    return _build_and_install(
        REPO / "tests/plugins/dists/evalrules-sample", tmp_path_factory.mktemp("sample")
    )


@pytest.fixture(scope="module")
def panjin_install(tmp_path_factory) -> tuple[Path, Path]:
    return _build_and_install(REPO / "plugins/evalrules-panjin", tmp_path_factory.mktemp("panjin"))


def test_sample_wheel_carries_its_rubric_and_entry_point(sample_install):
    wheel, _ = sample_install
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entry_text = archive.read(entry_points).decode()
    assert "evalrules_sample/__init__.py" in names
    assert "evalrules_sample/rubrics/sample-county/2024.yaml" in names
    assert "[evalrules]\nsample = evalrules_sample" in entry_text


def test_installed_sample_is_found_loaded_and_evaluated(sample_install, sample, sample_facts):
    _, site = sample_install
    report = _run(site, "sample-county", sample_facts, cwd=site.parent)

    # Loaded from the installed copy, not from the source tree.
    assert Path(report["module"]).is_relative_to(site)
    assert Path(report["rubric_file"]).is_relative_to(site)
    assert report["origin"] == "evalrules-sample[sample]"
    plugins = {name: (dist, version, hooks) for name, dist, version, hooks in report["plugins"]}
    assert plugins["evalrules-sample[sample]"][:2] == ("evalrules-sample", "2024.1.0")
    assert "evalrules-panjin[panjin]" in plugins  # the base rubric's plugin, also installed
    assert {"sample-county/2024", "panjin-county/2023"} <= set(report["rubrics"])
    assert "csv" in report["renderers"]

    # Same result as the same plugins registered in-process.
    engine = evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)
    rubric = engine.load_rubric("sample-county/2024")
    card = engine.evaluate(rubric, evalrules.load_facts(sample_facts))
    assert report["digest"] == engine.compile(rubric).digest
    assert report["total"] == str(card.total)
    assert report["entity"] == [card.entity.id, card.entity.name]
    assert report["csv"] == engine.render(card, "csv")


def test_panjin_wheel_carries_the_2023_rubric(panjin_install):
    wheel, _ = panjin_install
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "evalrules_panjin/rubrics/panjin-county/2023.yaml" in names
    assert "evalrules_panjin/rubrics/panjin-county/examples/shuangtaizi-2023.facts.yaml" in names
    cohort = REPO / "rubrics/panjin-county/examples/cohort"
    for path in sorted(cohort.iterdir()):
        assert f"evalrules_panjin/rubrics/panjin-county/examples/cohort/{path.name}" in names


def test_installed_panjin_registers_2023_from_the_packaged_copy(panjin_install, engine, example):
    _, site = panjin_install
    packaged = site / "evalrules_panjin" / "rubrics" / "panjin-county"
    report = _run(
        site, "panjin-county/2023", packaged / "examples/shuangtaizi-2023.facts.yaml", site.parent
    )

    assert Path(report["module"]).is_relative_to(site)
    assert Path(report["source"]) == packaged / "2023.yaml"
    assert Path(report["rubric_file"]) == packaged / "2023.yaml"
    assert report["origin"] == "evalrules-panjin[panjin]"
    assert ["evalrules-panjin[panjin]", "evalrules-panjin", "2023.1.0"] in [
        p[:3] for p in report["plugins"]
    ]
    # The packaged copy is the reviewed file in rubrics/, byte for byte.
    assert (packaged / "2023.yaml").read_bytes() == (
        REPO / "rubrics/panjin-county/2023.yaml"
    ).read_bytes()
    rubric = engine.load_rubric("panjin-county/2023")
    assert report["digest"] == engine.compile(rubric).digest
    assert report["total"] == str(engine.evaluate(rubric, example).total)


@pytest.fixture(scope="module")
def national_install(tmp_path_factory) -> tuple[Path, Path]:
    return _build_and_install(
        REPO / "plugins/evalrules-national", tmp_path_factory.mktemp("national")
    )


def test_national_wheel_carries_both_rubrics_and_their_examples(national_install):
    wheel, _ = national_install
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entry_text = archive.read(entry_points).decode()
    assert "[evalrules]\nnational = evalrules_national" in entry_text
    for path in (
        "national-balance/2017.yaml",
        "national-balance/examples/jia-county.facts.yaml",
        "national-balance/examples/yi-county.facts.yaml",
        "national-preschool/2020.yaml",
        "national-preschool/examples/jia-county.facts.yaml",
    ):
        assert f"evalrules_national/rubrics/{path}" in names, path


@pytest.mark.parametrize(
    ("ref", "example"),
    [
        ("national-balance/2017", "national-balance/examples/jia-county.facts.yaml"),
        ("national-preschool/2020", "national-preschool/examples/jia-county.facts.yaml"),
    ],
)
def test_installed_national_registers_from_the_packaged_copy(national_install, ref, example):
    _, site = national_install
    packaged = site / "evalrules_national" / "rubrics"
    report = _run(site, ref, packaged / example, site.parent)
    family, year = ref.split("/")
    assert Path(report["module"]).is_relative_to(site)
    assert Path(report["rubric_file"]) == packaged / family / f"{year}.yaml"
    assert report["origin"] == "evalrules-national[national]"
    assert {"national-balance/2017", "national-preschool/2020"} <= set(report["rubrics"])
    assert (packaged / family / f"{year}.yaml").read_bytes() == (
        REPO / "rubrics" / family / f"{year}.yaml"
    ).read_bytes()
    engine = evalrules.Engine(plugins=[evalrules_national], autoload=False)
    rubric = engine.load_rubric(ref)
    assert report["digest"] == engine.compile(rubric).digest
    card = engine.evaluate(rubric, evalrules.load_facts(REPO / "rubrics" / example))
    assert report["total"] == str(card.total)


def test_installed_sample_appears_in_the_cli_listings(sample_install):
    _, site = sample_install
    outputs = {}
    for command in ("rubrics", "plugins"):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from evalrules._cli import main; main()",
                command,
                "--lang",
                "en",
            ],
            cwd=site.parent,
            env=_env(site),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs[command] = done.stdout
    assert "sample-county/2024" in outputs["rubrics"]
    assert "evalrules-sample[sample]" in outputs["rubrics"]
    assert "evalrules-sample[sample]" in outputs["plugins"]
    assert "2024.1.0" in outputs["plugins"]
    assert "evalrules_modify_scorecard" in outputs["plugins"]
