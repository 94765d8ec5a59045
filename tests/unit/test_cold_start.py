"""What a short-lived process pays for: work that waits until it is needed.

The figures are in ``benchmarks/``; these tests hold the structure that makes them: cerberus
is built only for a document the compiled check refuses, plugin metadata is read only for
distributions with an ``evalrules`` entry point, ``import evalrules`` imports a public name's
module when the name is first used, ``evalrules evaluate`` imports none of the modules that
other commands need (nor, with a kept rubric, those that read and check one), and the console
script imports the command line with the cyclic garbage collector held off.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import _rubrics as R
import pytest

import evalrules
import evalrules_panjin
from _environ import clean_env
from evalrules._plugins import _discovery
from evalrules.errors import FactsError, RubricError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "rubrics" / "panjin-county" / "examples" / "shuangtaizi-2023.facts.yaml"


def _fresh() -> evalrules.CompiledRubric:
    engine = evalrules.Engine(plugins=[evalrules_panjin], autoload=False)
    return engine.compile(engine.load_rubric("panjin-county/2023"))


def test_a_valid_document_is_checked_without_building_cerberus(example):
    compiled = _fresh()
    compiled.evaluate(example)
    assert compiled._validator._schemas == {}


def test_a_refused_document_builds_cerberus_once_and_lists_every_problem(example):
    compiled = _fresh()
    facts = {**example.facts, "party": {**example.facts["party"], "branches": -1}}
    facts["ratings"] = {**facts["ratings"], "fitness": "high"}
    for _ in range(2):
        with pytest.raises(FactsError) as info:
            compiled.evaluate(facts)
        assert {p.path for p in info.value.problems} == {"party.branches", "ratings.fitness"}
    assert list(compiled._validator._schemas) == [False]
    first = compiled._validator._schemas[False]
    # the checked schema is built once and kept; each document gets a validator of its own
    assert compiled._validator._strict.schema is first
    assert compiled._validator._strict is not compiled._validator._strict


def test_cerberus_is_built_at_compile_time_when_no_compiled_check_covers_the_types(tmp_path):
    # A fact type with a cerberus rule the compiled check does not implement: every
    # document goes to cerberus, so its schema is built (and checked) when compiling.
    class Plugin:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_fact_types():
            return [
                evalrules.fact_type(
                    "code",
                    description=evalrules.Text("代码", "A code"),
                    accepts=lambda v: isinstance(v, str),
                    json_schema={"type": "string", "pattern": "^x+$"},
                    expected=evalrules.Text("代码", "a code"),
                    rules={"regex": "x+"},
                )
            ]

    doc = R.minimal()
    doc["facts"]["x.code"] = R.fact("code")
    engine = R.engine(Plugin())
    compiled = engine.compile(engine.load_rubric(R.write(tmp_path, doc)))
    assert compiled._validator._fast_strict is None
    assert set(compiled._validator._schemas) == {False, True}


def test_discovery_reads_metadata_only_of_distributions_with_our_entry_points(monkeypatch):
    read = []
    original = metadata.Distribution.metadata

    def spy(self):
        read.append(self)
        return original.fget(self)

    monkeypatch.setattr(metadata.Distribution, "metadata", property(spy))
    entries = _discovery.list_entries()
    assert any(e.distribution == "evalrules-panjin" for e in entries)
    everything = list(metadata.distributions())
    assert len(everything) > 10  # the development environment has plenty of others
    assert len({id(d) for d in read}) == len(entries)


# Modules that `evalrules evaluate` (table, the default format) must not import: other
# commands' (claims and its Chinese conversion, the facts schema and template), other
# formats' renderers, the test kit, the positions only `check` records, and the executors
# only batches on workers use.
NOT_FOR_EVALUATE = (
    "opencc",
    "evalrules._claims",
    "evalrules._facts._schema",
    "evalrules._renderers._html",
    "evalrules._renderers._markdown",
    "evalrules._rubric._positions",
    "evalrules.testing",
    "concurrent.futures",
    "hypothesis",
    "jsonschema",
)

_RUN = """
import contextlib, io, json, sys
from evalrules._cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        env=clean_env(env),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_evaluate_imports_only_what_it_needs():
    loaded = _modules_after("evaluate", str(EXAMPLE))
    assert "evalrules._scoring._evaluate" in loaded  # it did evaluate
    assert "evalrules._renderers._table" in loaded
    unexpected = sorted(
        m for m in loaded for name in NOT_FOR_EVALUATE if m == name or m.startswith(name + ".")
    )
    assert unexpected == []


# What neither importing evalrules nor evaluating with a kept rubric needs: cerberus (and the
# package metadata it reads when imported) words refusals and checks rule parameters, and
# openpyxl reads and writes workbooks.
NOT_FOR_IMPORT = ("cerberus", "openpyxl", "evalrules._facts._cerberus")


def _matching(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded for n in names if m == n or m.startswith(n + "."))


def test_importing_evalrules_loads_neither_cerberus_nor_openpyxl():
    # every public name used, so every module the public API lives in is imported
    code = (
        "import evalrules, json, sys\n"
        "for name in evalrules.__all__: getattr(evalrules, name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(done.stdout))
    assert "evalrules._scorecard._model" in loaded  # it did import evalrules
    assert _matching(loaded, NOT_FOR_IMPORT) == []


def test_evaluate_with_a_kept_rubric_does_not_load_cerberus(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = _modules_after("evaluate", str(EXAMPLE), env=env)
    assert "cerberus" in first  # the rubric was checked, its parameters by cerberus
    assert list((tmp_path / "evalrules").glob("*.rubric"))
    kept = _modules_after("evaluate", str(EXAMPLE), env=env)
    assert "evalrules._scoring._evaluate" in kept
    assert _matching(kept, NOT_FOR_IMPORT) == []


# What `evalrules evaluate` with a kept rubric imports only when it is needed: reading and
# checking a rubric (the cache has done it), the cohort stage, the Excel reader's zip check,
# the CSV reader, the other commands' modules, the standard library's "did you mean"
# (difflib) and tracebacks (--debug), which only errors use, and importlib.metadata (with
# the e-mail parser it imports), whose files discovery reads itself.
NOT_WITH_A_KEPT_RUBRIC = (
    "importlib.metadata",
    "email",
    "zipfile",
    "evalrules._rubric._loader",
    "evalrules._rubric._extends",
    "evalrules._compiler._check",
    "evalrules._cohort",
    "evalrules._excel._archive",
    "evalrules._facts._csv",
    "evalrules._cli_years",
    "evalrules._cli_cohort",
    "evalrules._diff",
    "evalrules._newyear",
    "evalrules._diagnostics",
    "difflib",
    "traceback",
)


def test_evaluate_with_a_kept_rubric_imports_only_what_it_needs(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = _modules_after("evaluate", str(EXAMPLE), env=env)
    # without a kept rubric the rubric is read and checked: the names are the right ones
    assert {"evalrules._rubric._loader", "evalrules._compiler._check"} <= first
    kept = _modules_after("evaluate", str(EXAMPLE), env=env)
    assert "evalrules._scoring._evaluate" in kept
    assert "evalrules._renderers._table" in kept
    assert _matching(kept, NOT_WITH_A_KEPT_RUBRIC) == []


def test_the_commands_kept_elsewhere_load_when_named(tmp_path):
    # the guard above would pass vacuously if the names were wrong
    loaded = _modules_after("cohort", "--help")
    assert {"evalrules._cli_cohort", "evalrules._cohort._model"} <= loaded
    assert "evalrules._cli_years" in _modules_after("diff", "--help")
    # listed for help, every command is there
    done = subprocess.run(
        [sys.executable, "-c", "from evalrules._cli import main; main()", "--help"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for name in ("cohort", "diff", "new-year", "evaluate", "show"):
        assert f"  {name} " in done.stdout
    # a misspelt command is matched against all of them, those kept elsewhere included
    bad = subprocess.run(
        [sys.executable, "-c", "from evalrules._cli import main; main()", "cohrt"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "cohort" in bad.stderr


def test_importing_evalrules_imports_no_public_name_yet():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import evalrules, json, sys; print(json.dumps(sorted(sys.modules)))",
        ],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {m for m in json.loads(done.stdout) if m.startswith("evalrules")}
    assert loaded == {"evalrules", "evalrules._version"}


def test_the_public_submodules_are_attributes_of_the_package_once_imported_by_name():
    code = (
        "import evalrules, sys; before = 'evalrules.errors' in sys.modules; "
        "print(before, evalrules.errors.FactsError.__name__, evalrules.hookspecs.hookimpl "
        "is evalrules.hookimpl, 'errors' in dir(evalrules), 'TYPE_CHECKING' in dir(evalrules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "FactsError", "True", "True", "False"]


def _type_checking_imports() -> dict[str, str]:
    """Name → module of the imports under ``if TYPE_CHECKING:`` in evalrules/__init__.py."""
    tree = ast.parse(Path(evalrules.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.body:
                assert isinstance(child, ast.ImportFrom)
                assert child.module
                for alias in child.names:
                    found[alias.asname or alias.name] = child.module
    return found


def test_the_public_names_type_checkers_see_are_those_imported_on_use():
    seen = _type_checking_imports()
    assert seen == evalrules._HOME
    lazy = {*seen, "__version__"}
    functions = {"cohort_schema", "evaluate", "load_facts", "load_rubric", "scorecard_schema"}
    assert set(evalrules.__all__) == lazy | functions


def test_every_public_name_resolves_to_its_modules_value():
    for name, module in _type_checking_imports().items():
        assert getattr(evalrules, name) is getattr(importlib.import_module(module), name)
    namespace: dict[str, object] = {}
    exec(f"from evalrules import {', '.join(evalrules.__all__)}", namespace)
    assert all(namespace[name] is getattr(evalrules, name) for name in evalrules.__all__)
    assert set(evalrules.__all__) <= set(dir(evalrules))
    with pytest.raises(AttributeError, match="no attribute 'Engin'"):
        evalrules.Engin  # noqa: B018
    with pytest.raises(ImportError):
        exec("from evalrules import Engin", {})


def test_a_refused_document_still_loads_cerberus_to_word_its_problems(tmp_path):
    bad = tmp_path / "bad.facts.yaml"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("branches: ", "branches: -", 1),
        encoding="utf-8",
    )
    assert bad.read_text(encoding="utf-8") != EXAMPLE.read_text(encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    _modules_after("evaluate", str(EXAMPLE), env=env)
    assert "cerberus" in _modules_after("evaluate", str(bad), env=env)


def test_the_cerberus_error_codes_read_without_cerberus_are_its_own():
    import cerberus

    from evalrules._facts import _validator

    assert cerberus.errors.REQUIRED_FIELD.code == _validator._REQUIRED_FIELD
    assert cerberus.errors.UNKNOWN_FIELD.code == _validator._UNKNOWN_FIELD


def test_the_claims_command_does_load_its_modules(tmp_path):
    # the guard above would pass vacuously if the names were wrong
    report = tmp_path / "report.txt"
    report.write_text("(一)党的领导(5分,自评得分5分)\n", encoding="utf-8")
    loaded = _modules_after("claims", str(report), "--rubric", "panjin-county/2023")
    assert {"opencc", "evalrules._claims"} <= loaded


def _kind_with(params):
    return evalrules.rule_kind(
        "counted",
        summary=evalrules.Text("计数", "Counted"),
        description="A rule kind with one integer parameter.",
        params=params,
        evaluate=lambda ctx: None,
        describe=lambda ctx: evalrules.Text("计数", "counted"),
        outcomes=("met",),
        messages={},
    )


@pytest.mark.parametrize(
    ("params", "problems"),
    [
        # a default fills the required parameter: the check must still normalise
        ({"n": {"type": "integer", "required": True, "default": 1}}, []),
        # without one, the missing parameter is reported, normalising or not
        ({"n": {"type": "integer", "required": True}}, ["required field"]),
        # a coercion turns "2" into 2 before the type is checked
        ({"n": {"type": "integer", "coerce": int}}, []),
        ({"n": {"type": "integer"}}, ["must be of integer type"]),
    ],
)
def test_rule_parameters_are_normalised_when_their_schema_says_so(tmp_path, params, problems):
    class Plugin:
        @staticmethod
        @evalrules.hookimpl
        def evalrules_register_rule_kinds():
            return [_kind_with(params)]

    given = {} if "required" in params["n"] else {"n": "2"}
    doc = R.single([R.rule("C-1", "counted", given)], {"x.value": R.fact("percent")})
    engine = R.engine(Plugin())
    path = R.write(tmp_path, doc)
    if not problems:
        engine.load_rubric(path)
        return
    with pytest.raises(RubricError) as info:
        engine.load_rubric(path)
    assert [p.code for p in info.value.problems] == ["bad-params"]
    assert problems[0] in str(info.value.problems[0])


def test_the_console_script_is_run_which_gives_what_main_gives(tmp_path):
    (script,) = [
        ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "evalrules"
    ]
    assert script.value == "evalrules._console:run"
    code = "import sys; from {0} import {1}; sys.argv[0] = 'evalrules'; sys.exit({1}())"
    done = {
        name: subprocess.run(
            [
                sys.executable,
                "-c",
                code.format(*name.split(":")),
                "evaluate",
                str(EXAMPLE),
                "--format",
                "json",
            ],
            env=clean_env(),
            capture_output=True,
            check=False,
        )
        for name in ("evalrules._cli:main", "evalrules._cli:run", "evalrules._console:run")
    }
    assert {d.returncode for d in done.values()} == {0}
    assert len({d.stdout for d in done.values()}) == 1
    assert json.loads(done["evalrules._console:run"].stdout)["total"]
    refused = tmp_path / "bad.facts.yaml"
    refused.write_text("rubric: panjin-county/2023\nfacts: 3\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-c", code.format("evalrules._console", "run"), "evaluate", str(refused)],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2, bad.stderr
    assert "Traceback" not in bad.stderr


# The console script as a process runs it: the collector's calls recorded, `evalrules._cli`
# imported by the script itself.
_CONSOLE = """
import gc, json, sys
calls = []
counts = lambda: sum(g["collections"] for g in gc.get_stats())
for name in ("disable", "enable", "freeze"):
    def call(real=getattr(gc, name), name=name):
        calls.append([name, counts(), gc.isenabled(), "evalrules._cli" in sys.modules])
        real()
    setattr(gc, name, call)
if sys.argv[1] == "off":
    gc.disable()
    calls.clear()
sys.argv[1:] = ["--version"]
from evalrules._console import run
try:
    run()
except SystemExit:
    pass
print(json.dumps({"calls": calls, "enabled": gc.isenabled()}))
"""


def _console(collector: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _CONSOLE, collector],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("evalrules, version"), done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_console_script_imports_the_command_line_with_the_collector_off():
    result = _console("on")
    (disable, freeze, enable, *after) = result["calls"]
    assert disable[0] == "disable"
    assert disable[3] is False  # before evalrules._cli
    assert freeze[0] == "freeze"
    assert freeze[3] is True  # after it
    assert freeze[1] == disable[1]  # no collection ran in between
    assert freeze[2] is False
    assert enable[0] == "enable"
    assert after == [["freeze", after[0][1], True, True]]  # evalrules._cli.run, at the end
    assert result["enabled"] is True


def test_the_console_script_leaves_a_collector_turned_off_off():
    result = _console("off")
    assert [c[0] for c in result["calls"]] == ["disable", "freeze", "freeze"]
    assert result["enabled"] is False


def test_importing_the_command_line_leaves_the_collector_alone():
    code = (
        "import gc, json\n"
        "gc.freeze = gc.disable = lambda: print('changed')\n"
        "import evalrules._cli\n"
        "print(json.dumps(gc.isenabled()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "true"
