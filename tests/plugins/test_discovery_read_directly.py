"""Discovery without importlib.metadata: the same entry points, read from the same files.

A process that has not imported :mod:`importlib.metadata` (the command line) reads the
metadata folders on ``sys.path`` itself; these tests hold that reading to what
importlib.metadata finds, on the real environment and on folders made to be awkward, and
check that it leaves everything unusual to importlib.metadata.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from _environ import clean_env
from evalrules._plugins import _discovery
from evalrules._plugins._discovery import PluginEntry, list_entries

EXAMPLE = (
    Path(__file__).parents[2]
    / "rubrics"
    / "panjin-county"
    / "examples"
    / "shuangtaizi-2023.facts.yaml"
)


def _by_importlib() -> list[PluginEntry]:
    return list_entries(metadata.distributions())


def _info(root: Path, folder: str, files: dict[str, str]) -> None:
    info = root / folder
    info.mkdir(parents=True)
    for name, text in files.items():
        (info / name).write_text(text, encoding="utf-8")


@pytest.fixture
def awkward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A ``sys.path`` of two folders of metadata written every way importlib.metadata reads."""
    first, second = tmp_path / "first", tmp_path / "second"
    ours = "[evalrules]\n"
    _info(
        first,
        "Foo_Bar-1.0.dist-info",
        {
            "METADATA": "Metadata-Version: 2.1\nName:   Foo_Bar\nSummary: one\n  and two\n"
            "Version: 1.0\n\nName: not-a-header\n",
            "entry_points.txt": "# comment\n[console_scripts]\nfoo = foo:main\n\n"
            f"{ours}  a =  foo_bar  \nb=foo_bar.sub:plugin [extra]\n; not a comment = x\n",
        },
    )
    _info(first, "other-2.0.dist-info", {"METADATA": "Name: other\n", "entry_points.txt": ""})
    _info(
        first,
        "nameless-1.0.dist-info",
        {"METADATA": "Name:\n", "entry_points.txt": ours + "x = y\n"},
    )
    _info(
        first,
        "no_version-3.dist-info",
        {"METADATA": "Name: no-version\n", "entry_points.txt": ours + "n = nv"},
    )
    _info(
        first,
        "eggy.egg-info",
        {"PKG-INFO": "Name: eggy\nVersion: 0.1\n", "entry_points.txt": ours + "e = eggy"},
    )
    _info(
        first,
        "Empty_Meta-1.dist-info",
        {
            "METADATA": "",
            "PKG-INFO": "Name: empty-meta\nVersion: 9\n",
            "entry_points.txt": ours + "m = em",
        },
    )
    (first / "plain.egg-info").write_text("Name: plain\n", encoding="utf-8")
    _info(first, "no_entries-1.dist-info", {"METADATA": "Name: no-entries\n"})
    # Windows line ends, read as text, and a folded header other than the name and version
    _info(
        first,
        "crlf-1.dist-info",
        {
            "METADATA": "Name: crlf\r\nVersion: 1\r\nSummary: a\r\n  folded\r\n",
            "entry_points.txt": ours + "r = crlf",
        },
    )
    # spaces and a tab that end a header's value
    _info(
        first,
        "ws-1.dist-info",
        {"METADATA": "Name: ws \nVersion: 1 \t\n", "entry_points.txt": ours + "w = ws\n"},
    )
    # the same distribution again, later on the path: the first found wins
    _info(
        second,
        "foo.bar-2.0.dist-info",
        {
            "METADATA": "Name: foo.bar\nVersion: 2.0\n",
            "entry_points.txt": ours + "a = later\nc = only_here\n",
        },
    )
    paths = [str(first), str(tmp_path / "missing"), str(second)]
    monkeypatch.setattr(sys, "path", paths)
    return paths


def test_the_environment_reads_the_same_without_importlib_metadata():
    read = _discovery._read_path()
    assert read is not None
    assert any(e.distribution == "evalrules-panjin" for e in read)
    assert read == _by_importlib()


def test_awkward_folders_read_the_same_without_importlib_metadata(awkward):
    read = _discovery._read_path()
    assert read == _by_importlib()
    assert [(e.distribution, e.version, e.entry, e.value) for e in read] == [
        ("crlf", "1", "r", "crlf"),
        ("eggy", "0.1", "e", "eggy"),
        ("empty-meta", "9", "m", "em"),
        ("Foo_Bar", "1.0", "; not a comment", "x"),  # only "#" starts a comment
        ("Foo_Bar", "1.0", "a", "foo_bar"),
        ("Foo_Bar", "1.0", "b", "foo_bar.sub:plugin [extra]"),
        # (foo.bar 2.0 later on the path is Foo_Bar shadowed: none of its entry points)
        ("no-version", "", "n", "nv"),
        ("ws ", "1 \t", "w", "ws"),  # a header's value keeps the spaces that end it
    ]
    assert read == list_entries(metadata.distributions())
    # the standard library's own view of the group: one distribution of a name, the first
    standard = metadata.entry_points(group="evalrules")
    named = {(ep.dist.name, ep.name) for ep in standard if ep.dist is not None and ep.dist.name}
    assert named == {(e.distribution, e.entry) for e in read}


def test_metadata_is_read_only_of_distributions_with_our_entry_points(awkward, monkeypatch):
    read = []
    headers = _discovery._headers

    def spy(text):
        read.append(text)
        return headers(text)

    monkeypatch.setattr(_discovery, "_headers", spy)
    entries = _discovery._read_path()
    assert entries is not None
    # nameless, no-version, eggy, empty-meta, crlf, ws, both Foo_Bars: not other nor
    # no-entries
    assert len(read) == 8


@pytest.mark.parametrize(
    "unusual",
    [
        "zip",
        "finder",
        "no-metadata",
        "from-line",
        "not-a-header",
        "continuation-first",
        "folded-version",
        "pair-without-value",
        "egg",
        "not-utf8",
    ],
)
def test_anything_unusual_is_left_to_importlib_metadata(awkward, tmp_path, monkeypatch, unusual):
    root = tmp_path / "unusual"
    ours = "[evalrules]\nu = unusual\n"
    if unusual == "zip":
        with zipfile.ZipFile(tmp_path / "site.zip", "w") as z:
            z.writestr("zipped-1.dist-info/METADATA", "Name: zipped\n")
            z.writestr("zipped-1.dist-info/entry_points.txt", ours)
        sys.path.append(str(tmp_path / "site.zip"))
    elif unusual == "finder":

        class Finder:
            @staticmethod
            def find_distributions(context=None):
                return iter(())

        monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    elif unusual == "egg":
        egg = tmp_path / "thing-1.0.egg"
        _info(egg, "EGG-INFO", {"PKG-INFO": "Name: thing\n", "entry_points.txt": ours})
        sys.path.append(str(egg))
    else:
        metadata_text = {
            "no-metadata": None,
            "from-line": "From someone\nName: u\n",
            "not-a-header": "Name: u\nnot a header\n",
            "continuation-first": "  folded before any header\nName: u\n",
            "folded-version": "Name: u\nVersion: 1\n  .0\n",
        }.get(unusual, "Name: u\n")
        files = {"entry_points.txt": ours}
        if unusual == "pair-without-value":
            files["entry_points.txt"] = "[other]\nno value here\n"
        if metadata_text is not None:
            files["METADATA"] = metadata_text
        _info(root, "u-1.dist-info", files)
        if unusual == "not-utf8":
            (root / "u-1.dist-info" / "METADATA").write_bytes(b"Name: \xff\n")
        sys.path.append(str(root))
    assert _discovery._read_path() is None


def test_entry_points_load_without_importlib_metadata_as_it_loads_them(monkeypatch):
    # The command line's process has not imported importlib.metadata: entry points are
    # loaded by their own reading of the value (this process has, so it is taken out).
    values = ("evalrules_panjin", "evalrules._plugins:_discovery", "os.path:join [x]")
    expected = [metadata.EntryPoint(name="e", value=v, group="evalrules").load() for v in values]
    monkeypatch.delitem(sys.modules, "importlib.metadata")
    loaded = [_discovery._load(PluginEntry("d", "1", "e", v)) for v in values]
    assert "importlib.metadata" not in sys.modules
    assert loaded == expected
    nested = _discovery._load(
        PluginEntry("d", "1", "e", "evalrules._plugins._discovery:PluginEntry.__init__")
    )
    assert nested is PluginEntry.__init__


def test_entry_points_load_as_importlib_metadata_loads_them():
    for value in ("evalrules_panjin", "evalrules._plugins:_discovery", "os.path:join [x]"):
        entry = PluginEntry("d", "1", "e", value)
        expected = metadata.EntryPoint(name="e", value=value, group="evalrules").load()
        assert _discovery._load(entry) is expected
    with pytest.raises(AttributeError):  # importlib.metadata's own failure, as before
        _discovery._load(PluginEntry("d", "1", "e", "not a value!"))


_PLUGINS = """
import json, sys
if sys.argv[1] == "imported":
    import importlib.metadata
import evalrules
names = [(p.name, p.version) for p in evalrules.Engine().plugins()]
print(json.dumps({"plugins": names, "metadata": "importlib.metadata" in sys.modules}))
"""


def test_an_engine_finds_the_same_plugins_either_way():
    runs = {}
    for how in ("imported", "not imported"):
        done = subprocess.run(
            [sys.executable, "-c", _PLUGINS, how],
            env=clean_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        runs[how] = json.loads(done.stdout)
    assert runs["imported"]["metadata"] is True
    assert runs["not imported"]["metadata"] is False
    assert runs["imported"]["plugins"] == runs["not imported"]["plugins"]
    assert ["evalrules-panjin[panjin]", "2023.1.0"] in runs["not imported"]["plugins"]


@pytest.mark.slow
def test_a_broken_plugin_found_without_importlib_metadata_exits_3_naming_it(tmp_path):
    # A distribution on the path whose entry point raises when imported: the console script
    # (which reads the metadata itself) refuses to go on, naming distribution[entry].
    site = tmp_path / "site"
    _info(
        site,
        "Broken_Thing-1.0.dist-info",
        {
            "METADATA": "Metadata-Version: 2.1\nName: Broken_Thing\nVersion: 1.0\n",
            "entry_points.txt": "[evalrules]\nbad = broken_mod:plugin.inner [extra]\n",
        },
    )
    (site / "broken_mod.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    env = {**clean_env(), "PYTHONPATH": str(site)}
    script = Path(sys.executable).with_name("evalrules")
    done = subprocess.run(
        [str(script), "evaluate", str(EXAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "Broken_Thing[bad]" in done.stderr
    assert "boom" in done.stderr
    assert "Traceback" not in done.stderr
