"""Facts readers and binary renderers from a plugin: the throwaway ``evalrules-toyio``.

Its reader reads a toy ``.facts.txt`` format; its renderer ``toy-card`` returns bytes. Both go
through the public hooks, and are tested registered in-process, through fake entry points
(where the module function :func:`evalrules.load_facts` sees them too), and really installed
into a temporary folder and run by the ``evalrules`` command, into a pipe, a file and a
terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import evalrules
import evalrules_panjin
from evalrules import Text, facts_reader, hookimpl, renderer
from evalrules.errors import FactsError, PluginError, PluginLoadError, RegistryConflictError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


@pytest.fixture
def toyio(load_plugin) -> ModuleType:
    """The toy input/output plugin module, imported in-process."""
    return load_plugin("evalrules-toyio")


@pytest.fixture
def toy_engine(toyio) -> evalrules.Engine:
    return evalrules.Engine(plugins=[evalrules_panjin, toyio], autoload=False)


@pytest.fixture
def toy_file(toyio, example, tmp_path) -> Path:
    """The 双台子区 example written in the toy format."""
    path = tmp_path / "shuangtaizi.facts.txt"
    path.write_text(toyio.dump(example), encoding="utf-8")
    return path


def _readers_plugin(*readers: evalrules.FactsReader) -> object:
    class Plugin:
        __name__ = "readers_" + "_".join(r.name.replace("-", "_") for r in readers)

        @hookimpl
        def evalrules_register_facts_readers(self):
            return list(readers)

    return Plugin()


def _reader(name, *, suffixes=(), sniff=None, read=None) -> evalrules.FactsReader:
    return facts_reader(
        name,
        suffixes=list(suffixes),
        sniff=sniff,
        read=read or (lambda data, source: {"facts": {"name": name}}),
        description=Text(name, name),
    )


def _problem(caught: pytest.ExceptionInfo[FactsError]):
    (problem,) = caught.value.problems
    return problem


# ------------------------------------------------------------------------- registration


def test_evalrules_register_facts_readers_builtins_register_through_the_hook():
    engine = evalrules.Engine(autoload=False)
    assert engine.facts_readers.names() == ("csv", "json", "xlsx", "yaml")
    assert engine.facts_readers.by_origin("evalrules.facts") == ("csv", "json", "yaml")
    assert engine.facts_readers.by_origin("evalrules.excel") == ("xlsx",)
    assert engine.facts_readers.get("yaml").suffixes == (".yaml", ".yml")
    (info,) = [p for p in engine.plugins() if p.name == "evalrules.facts"]
    assert "evalrules_register_facts_readers" in info.hooks


def test_evalrules_register_facts_readers_toy_reader_reads_its_suffix(
    toy_engine, toy_file, example
):
    assert toy_engine.facts_readers.origin("toy") == "evalrules_toyio"
    doc = toy_engine.load_facts(toy_file)
    assert doc == example  # facts, entity, rubric and claimed scores, all exact
    assert doc.source == str(toy_file)
    card = toy_engine.evaluate("panjin-county/2023", doc)
    # The toy format holds values, not the notes on how some were obtained.
    plain = attrs.evolve(example, assumed={})
    assert card == toy_engine.evaluate("panjin-county/2023", plain)


def test_evalrules_register_facts_readers_problems_name_their_lines(toy_engine, tmp_path):
    path = tmp_path / "bad.facts.txt"
    path.write_text(
        '# toy facts\nrubric = "panjin-county/2023"\nno equals sign\nfacts.a = [1,\nfacts.b = 2\n',
        encoding="utf-8",
    )
    with pytest.raises(FactsError) as caught:
        toy_engine.load_facts(path)
    assert caught.value.source == str(path)
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("line 3", "toy-syntax"),
        ("line 4", "toy-value"),
    ]


def test_evalrules_register_facts_readers_without_the_plugin_the_suffix_is_unknown(
    engine, toy_file
):
    # `.txt` is no builtin's suffix, and the toy content is neither YAML nor JSON.
    with pytest.raises(FactsError) as caught:
        engine.load_facts(toy_file)
    problem = _problem(caught)
    assert problem.code == "unknown-format"
    assert (
        "csv (.csv, content); json (.json, content); xlsx (.xlsx, .xlsm, .xls, content); "
        "yaml (.yaml, .yml, content)"
    ) in problem.message_en
    assert "no reader claims the suffix .txt" in problem.message_en
    assert "已安装的读取器" in problem.message_zh


def test_evalrules_register_facts_readers_longest_suffix_wins(toyio, toy_file, example, tmp_path):
    plain = _reader("plain-text", suffixes=[".txt"], read=lambda data, source: {"facts": {}})
    engine = evalrules.Engine(plugins=[toyio, _readers_plugin(plain)], autoload=False)
    assert engine.load_facts(toy_file) == example
    notes = tmp_path / "notes.TXT"  # suffixes match whatever the case
    notes.write_text("anything", encoding="utf-8")
    assert engine.load_facts(notes).facts == {}


def _flat(prefix: str, value) -> dict:
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            out.update(_flat(f"{prefix}.{key}", inner))
        return out
    return {prefix: value}


def test_evalrules_register_facts_readers_sample_flat_json_beats_the_builtin_json(
    sample, sample_facts, tmp_path
):
    engine = evalrules.Engine(plugins=[evalrules_panjin, sample], autoload=False)
    doc = engine.load_facts(sample_facts)
    flat = {"rubric": doc.rubric, "entity.id": doc.entity.id, **_flat("facts", dict(doc.facts))}
    path = tmp_path / "sample.flat.json"
    # Decimals written through their shortest float repr read back equal (28.67 → 28.67).
    path.write_text(json.dumps(flat, default=float), encoding="utf-8")
    assert engine.facts_readers.origin("flat-json") == "evalrules_sample"
    assert engine.load_facts(path) == doc
    # Without the plugin, the builtin JSON reader takes it, and finds no `facts:` (a problem
    # the document keeps, for evaluation to report with any other).
    read = evalrules.Engine(autoload=False).load_facts(path)
    # Read as an envelope, every flat key but rubric is unknown, and there are no facts.
    expected = {(key, "unknown") for key in flat if key != "rubric"} | {("facts", "missing")}
    assert {(p.path, p.code) for p in read.problems} == expected
    with pytest.raises(FactsError) as caught:
        read.raise_problems()
    assert {(p.path, p.code) for p in caught.value.problems} == expected


@pytest.mark.parametrize("name", ["facts", "facts.data", "stdin"])
def test_evalrules_register_facts_readers_content_chooses_without_a_known_suffix(
    toy_engine, toyio, example, tmp_path, name
):
    path = tmp_path / name
    path.write_text(toyio.dump(example), encoding="utf-8")
    assert toy_engine.load_facts(path) == example


def test_evalrules_register_facts_readers_two_sniffs_are_ambiguous(toyio, toy_file, tmp_path):
    greedy = _reader("greedy", suffixes=[".greedy"], sniff=lambda data: True)
    engine = evalrules.Engine(plugins=[toyio, _readers_plugin(greedy)], autoload=False)
    path = tmp_path / "facts"
    path.write_bytes(toy_file.read_bytes())
    with pytest.raises(FactsError) as caught:
        engine.load_facts(path)
    problem = _problem(caught)
    assert problem.code == "ambiguous-format"
    assert "greedy (plugin readers_greedy)" in problem.message_en
    assert "toy (plugin evalrules_toyio)" in problem.message_en
    assert ".facts.txt" in problem.message_en
    # A suffix still decides.
    assert engine.load_facts(toy_file).rubric == "panjin-county/2023"


def test_evalrules_register_facts_readers_a_suffix_taken_twice_names_both_plugins():
    thief = _reader("yaml-too", suffixes=[".yml"])
    with pytest.raises(RegistryConflictError) as caught:
        evalrules.Engine(plugins=[_readers_plugin(thief)], autoload=False)
    error = caught.value
    assert (error.registry, error.name) == ("facts file suffix", ".yml")
    assert (error.first, error.second) == ("evalrules.facts", "readers_yaml_too")
    assert "evalrules.facts" in str(error)
    assert "readers_yaml_too" in str(error)


def test_evalrules_register_facts_readers_a_name_taken_twice_names_both_plugins():
    with pytest.raises(RegistryConflictError) as caught:
        evalrules.Engine(
            plugins=[_readers_plugin(_reader("json", suffixes=[".js"]))], autoload=False
        )
    assert (caught.value.registry, caught.value.name) == ("facts reader", "json")
    assert caught.value.first == "evalrules.facts"


def test_evalrules_register_facts_readers_items_must_come_from_the_factory():
    class Plugin:
        @hookimpl
        def evalrules_register_facts_readers(self):
            return [{"name": "csv"}]

    with pytest.raises(PluginLoadError, match=r"evalrules\.facts_reader\(\)"):
        evalrules.Engine(plugins=[Plugin()], autoload=False)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"name": "Excel"}, "lower-case"),
        ({"suffixes": ".xlsx"}, "not a string"),
        ({"suffixes": ["xlsx"]}, "must start with a dot"),
        ({"suffixes": [".xlsx", ".XLSX"]}, "twice"),
        ({"suffixes": []}, "suffixes, a sniff, or both"),
    ],
)
def test_the_facts_reader_factory_refuses_malformed_readers(kwargs, needle):
    arguments = {
        "name": "xlsx",
        "suffixes": [".xlsx"],
        "read": lambda data, source: {},
        "description": Text("x", "x"),
        **kwargs,
    }
    with pytest.raises(ValueError, match=needle):
        facts_reader(**arguments)


def test_facts_reader_suffixes_are_kept_in_lower_case():
    reader = _reader("xlsx", suffixes=[".XLSX"])
    assert reader.suffixes == (".xlsx",)


# ------------------------------------------------------------------- broken readers


def _boom(data, source):
    raise KeyError("sheet1")


@pytest.mark.parametrize(
    ("reader", "needle"),
    [
        (_reader("boom", suffixes=[".boom"], read=_boom), "raised KeyError reading"),
        (_reader("listy", suffixes=[".boom"], read=lambda d, s: [1]), "returned list"),
    ],
)
def test_a_reader_that_breaks_is_a_plugin_error(tmp_path, reader, needle):
    engine = evalrules.Engine(plugins=[_readers_plugin(reader)], autoload=False)
    path = tmp_path / "facts.boom"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(PluginError, match=needle) as caught:
        engine.load_facts(path)
    assert caught.value.plugin == f"readers_{reader.name}"
    assert not isinstance(caught.value, FactsError)


def test_a_sniff_that_raises_is_a_plugin_error(tmp_path):
    def sniff(data):
        raise IndexError("too short")

    engine = evalrules.Engine(
        plugins=[_readers_plugin(_reader("fragile", sniff=sniff))], autoload=False
    )
    path = tmp_path / "facts"
    path.write_text("evalrules: facts/1\n", encoding="utf-8")
    with pytest.raises(PluginError, match="raised IndexError while sniffing") as caught:
        engine.load_facts(path)
    assert caught.value.plugin == "readers_fragile"


def test_a_reader_may_return_a_document(tmp_path, example):
    engine = evalrules.Engine(
        plugins=[_readers_plugin(_reader("doc", suffixes=[".doc"], read=lambda d, s: example))],
        autoload=False,
    )
    path = tmp_path / "facts.doc"
    path.write_bytes(b"")
    doc = engine.load_facts(path)
    assert doc == example
    assert doc.source == str(EXAMPLE)  # the reader's own source is kept


# ------------------------------------------------------------------- the file itself


def test_a_folder_is_a_facts_error(engine, tmp_path):
    with pytest.raises(FactsError) as caught:
        engine.load_facts(tmp_path)
    problem = _problem(caught)
    assert problem.code == "unreadable"
    assert "is a directory" in problem.message_en
    assert "目录" in problem.message_zh


def test_binary_content_without_a_suffix_lists_the_readers(toy_engine, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    with pytest.raises(FactsError) as caught:
        toy_engine.load_facts(path)
    problem = _problem(caught)
    assert problem.code == "unknown-format"
    assert "the file name has no suffix" in problem.message_en
    assert "binary data, not text" in problem.message_en
    assert "二进制" in problem.message_zh
    for listing in ("json (.json, content)", "toy (.facts.txt, content)", "yaml (.yaml, .yml"):
        assert listing in problem.message_en


# ----------------------------------------------------------------------- renderers


def test_evalrules_register_renderers_a_binary_renderer_returns_bytes(toy_engine, toyio, example):
    card = toy_engine.evaluate("panjin-county/2023", example)
    assert toy_engine.renderers.get("toy-card").binary
    assert not any(toy_engine.renderers.get(name).binary for name in ("table", "json", "html"))
    data = toy_engine.render(card, "toy-card", lang="en")
    assert isinstance(data, bytes)
    assert data.startswith(toyio.SIGNATURE)
    assert f'"total": "{card.total}"'.encode("utf-16-le") in data
    assert isinstance(toy_engine.render(card, "json"), str)


@pytest.mark.parametrize(
    ("binary", "output", "needle"),
    [
        (False, b"bytes", "returned bytes, but it is declared text"),
        (True, "text", "returned str, but it is declared binary=True"),
    ],
)
def test_evalrules_register_renderers_output_must_match_its_declaration(
    example, binary, output, needle
):
    liar = renderer(
        "liar",
        description=Text("说谎", "Liar"),
        media_type="application/octet-stream",
        suffix=".bin",
        render=lambda card, options: output,
        binary=binary,
    )

    class Plugin:
        @hookimpl
        def evalrules_register_renderers(self):
            return [liar]

    engine = evalrules.Engine(plugins=[evalrules_panjin, Plugin()], autoload=False)
    card = engine.evaluate("panjin-county/2023", example)
    with pytest.raises(PluginError, match=needle) as caught:
        engine.render(card, "liar")
    assert caught.value.plugin is not None
    assert "Plugin" in caught.value.plugin


# --------------------------------------------------------------- fake entry points


def test_evalrules_register_facts_readers_through_entry_points(
    fake_dist, installed, toy_file, example
):
    installed([fake_dist("evalrules-toyio"), fake_dist("panjin")])
    engine = evalrules.Engine()
    assert engine.facts_readers.origin("toy") == "evalrules-toyio[toyio]"
    assert engine.renderers.origin("toy-card") == "evalrules-toyio[toyio]"
    # The module function reads with the default engine, so it sees installed readers too.
    assert evalrules.load_facts(toy_file) == example


# ---------------------------------------------------------------- really installed


@pytest.fixture(scope="module")
def toyio_site(tmp_path_factory) -> Path:
    """The toy plugin's wheel, built and installed alone into a temporary folder."""
    tmp = tmp_path_factory.mktemp("toyio")
    wheels, site = tmp / "wheels", tmp / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    project = Path(__file__).parent / "dists" / "evalrules-toyio"
    build = ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels)]
    done = subprocess.run([*pip, *build, str(project)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = wheels.glob("*.whl")
    install = ["install", "--no-deps", "--no-index", "--target", str(site), str(wheel)]
    done = subprocess.run([*pip, *install], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def _evalrules(site: Path, *args: object, **kwargs) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALRULES_")}
    env["PYTHONPATH"] = str(site)
    script = Path(sys.executable).parent / "evalrules"
    return subprocess.run(
        [str(script), *map(str, args)], env=env, check=False, stderr=subprocess.PIPE, **kwargs
    )


@pytest.mark.slow
def test_installed_reader_and_binary_renderer_through_the_command(
    toyio_site, toy_file, toy_engine, example, tmp_path
):
    expected = toy_engine.render(toy_engine.evaluate("panjin-county/2023", example), "toy-card")

    piped = _evalrules(
        toyio_site, "evaluate", toy_file, "--format", "toy-card", stdout=subprocess.PIPE
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout == expected  # into a pipe, byte for byte

    target = tmp_path / "card.toy"
    written = _evalrules(toyio_site, "evaluate", toy_file, "--format", "toy-card", "-o", target)
    assert written.returncode == 0, written.stderr.decode()
    assert target.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["card.toy", toy_file.name])


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_installed_binary_renderer_refuses_a_terminal(toyio_site, toy_file):
    leader, follower = os.openpty()
    try:
        done = _evalrules(toyio_site, "evaluate", toy_file, "--format", "toy-card", stdout=follower)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once the command has ended
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert "is not written to a terminal" in stderr
    assert "-o FILE.toy" in stderr
    assert "二进制" in stderr
    assert "Traceback" not in stderr
    assert shown == b""  # nothing reached the terminal
