"""Fixtures for the plugin tests: the throwaway distributions under ``dists/`` three ways.

* in-process: the distribution's ``src`` folder goes on ``sys.path`` and the module is passed
  to ``Engine(plugins=[...])``;
* fake entry points: real :class:`importlib.metadata.PathDistribution` objects built from the
  distribution's own ``pyproject.toml`` in a temporary folder that is *not* on ``sys.path``,
  handed to discovery in place of the installed distributions;
* really installed: see ``test_plugin_installed.py`` (wheels built and installed with pip).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

import pytest

import evalrules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before 3.11
    import tomli as tomllib

from evalrules._plugins._discovery import BLOCK_ENV, DISABLE_ENV

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DISTS = HERE / "dists"
PANJIN_DIST = REPO / "plugins" / "evalrules-panjin"


@pytest.fixture(autouse=True)
def _no_plugin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin environment variables are unset unless a test sets them."""
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    monkeypatch.delenv(BLOCK_ENV, raising=False)


@pytest.fixture
def dists_dir() -> Path:
    """The folder of throwaway distributions."""
    return DISTS


@pytest.fixture
def sample_facts() -> Path:
    """The facts of the sample rubric ``sample-county/2024``."""
    return HERE / "data" / "sample-county-2024.facts.yaml"


@pytest.fixture
def importable(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make a distribution's import package importable (its ``src`` on ``sys.path``)."""

    def put_on_path(dist: str) -> None:
        monkeypatch.syspath_prepend(str(DISTS / dist / "src"))

    return put_on_path


@pytest.fixture
def load_plugin(importable: Callable[[str], None]) -> Callable[[str], ModuleType]:
    """Import a throwaway distribution's plugin module in-process."""

    def load(dist: str) -> ModuleType:
        importable(dist)
        return importlib.import_module(dist.replace("-", "_"))

    return load


@pytest.fixture
def sample(load_plugin: Callable[[str], ModuleType]) -> ModuleType:
    """The sample plugin module, imported in-process."""
    return load_plugin("evalrules-sample")


def _write_dist_info(
    root: Path, name: str, version: str, entry_points: dict[str, dict[str, str]]
) -> importlib.metadata.Distribution:
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, entries in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in entries.items())
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return importlib.metadata.PathDistribution(info)


@pytest.fixture
def fake_dist(
    tmp_path: Path, importable: Callable[[str], None]
) -> Callable[..., importlib.metadata.Distribution]:
    """Build a fake installed distribution.

    ``fake_dist("evalrules-sample")`` reads ``dists/evalrules-sample/pyproject.toml`` (name,
    version, entry points) and makes its package importable; ``fake_dist("panjin")`` does the
    same for ``plugins/evalrules-panjin``. ``fake_dist(name=..., version=..., entry_points=...)``
    builds one from scratch, importing nothing.
    """
    counter = iter(range(1_000_000))

    def make(
        dist: str | None = None,
        *,
        name: str | None = None,
        version: str = "1.0",
        entry_points: dict[str, dict[str, str]] | None = None,
    ) -> importlib.metadata.Distribution:
        root = tmp_path / "fake-site" / str(next(counter))
        if dist is None:
            assert name is not None
            return _write_dist_info(root, name, version, entry_points or {})
        project = PANJIN_DIST if dist == "panjin" else DISTS / dist
        meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        if dist != "panjin":
            importable(dist)
        return _write_dist_info(root, meta["name"], meta["version"], meta["entry-points"])

    return make


@pytest.fixture
def installed(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Iterable[importlib.metadata.Distribution]], None]:
    """Make discovery see exactly these distributions as the installed ones.

    The default engine of :func:`evalrules.load_facts` and the other module functions is
    built afresh under them, and discarded after the test, so that no test's fake
    distributions leak into another's.
    """

    def install(dists: Iterable[importlib.metadata.Distribution]) -> None:
        fixed = list(dists)
        monkeypatch.setattr(importlib.metadata, "distributions", lambda **_: iter(fixed))
        monkeypatch.setattr(evalrules, "_default", None)

    return install
