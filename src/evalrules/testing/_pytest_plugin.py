"""The evalrules pytest plugin, registered through the ``pytest11`` entry point.

Fixtures:

``evalrules_engine`` (session)
    An :class:`~evalrules.Engine` of its own (not the default engine of
    :func:`evalrules.load_rubric`). With the ini option ``evalrules_plugins`` (one import
    path per line, ``package.module`` or ``package.module:attribute``) it holds exactly those
    plugins and discovers nothing (``autoload=False``); without it, it holds the installed
    plugins. Override the fixture in a ``conftest.py`` to build it another way.
``evalrules_rubric``
    The :class:`~evalrules.CompiledRubric` named by the closest
    ``@pytest.mark.evalrules_rubric("family/year")`` marker, else by the ini option
    ``evalrules_rubric``, else by a single ``--evalrules-rubric``.
``evalrules_run_case``
    A function running one fixture case (:func:`evalrules.testing.run_case`) with
    ``evalrules_engine``, recording its rule outcomes for ``--evalrules-coverage``.
``evalrules_coverage`` (session)
    The :class:`~evalrules.testing.OutcomeCoverage` those cases record into.

Options:

``--evalrules-rubric REF`` (repeatable)
    Adds test items for an installed rubric: ``invariants`` (every stock invariant on
    documents drawn from the rubric's declarations), ``validation`` (invalid documents report
    exactly their problems) and one ``monotonic[rule:fact]`` item per declared monotonicity.
``--evalrules-coverage``
    Reports the rule-outcome coverage of the fixture cases run through ``evalrules_run_case``.
``--evalrules-coverage-fail``
    Reports it too, and fails the run when an outcome of an exercised rubric never fired.

Importing this module imports neither hypothesis nor a rubric and builds no engine: all of it
happens when a fixture or an option is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from evalrules import CompiledRubric, Engine, Scorecard
    from evalrules.testing._cases import Case
    from evalrules.testing._coverage import OutcomeCoverage

_ENGINE = pytest.StashKey["Engine"]()
_COVERAGE = pytest.StashKey["OutcomeCoverage"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the evalrules options and ini settings."""
    group = parser.getgroup("evalrules", "evalrules rubric testing")
    group.addoption(
        "--evalrules-rubric",
        action="append",
        default=[],
        dest="evalrules_rubrics",
        metavar="REF",
        help="run the evalrules stock invariants and monotonicity checks on this installed "
        "rubric, e.g. panjin-county/2023 (repeatable)",
    )
    group.addoption(
        "--evalrules-coverage",
        action="store_true",
        dest="evalrules_coverage",
        help="report which rule outcomes the fixture cases made fire",
    )
    group.addoption(
        "--evalrules-coverage-fail",
        action="store_true",
        dest="evalrules_coverage_fail",
        help="like --evalrules-coverage, and fail when an outcome never fired",
    )
    parser.addini(
        "evalrules_plugins",
        type="linelist",
        default=[],
        help="evalrules plugins for the evalrules_engine fixture (package.module[:attribute]); "
        "when set, installed plugins are not discovered",
    )
    parser.addini(
        "evalrules_rubric",
        type="string",
        default="",
        help="the rubric reference the evalrules_rubric fixture loads by default",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``evalrules_rubric`` marker."""
    config.addinivalue_line(
        "markers",
        "evalrules_rubric(ref): the rubric (family/year) the evalrules_rubric fixture loads",
    )


# ------------------------------------------------------------------------------ engine


def _import_plugin(spec: str) -> object:
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attribute) if attribute else module
    except (ImportError, AttributeError) as exc:
        raise pytest.UsageError(
            f"evalrules_plugins: cannot import {spec!r}: {type(exc).__name__}: {exc}"
        ) from exc


def _engine(config: pytest.Config) -> Engine:
    """The run's engine, built on first use."""
    engine = config.stash.get(_ENGINE, None)
    if engine is None:
        from evalrules import Engine

        specs = [s for s in config.getini("evalrules_plugins") if s.strip()]
        if specs:
            engine = Engine(plugins=[_import_plugin(s.strip()) for s in specs], autoload=False)
        else:
            engine = Engine()
        config.stash[_ENGINE] = engine
    return engine


def _coverage(config: pytest.Config) -> OutcomeCoverage:
    coverage = config.stash.get(_COVERAGE, None)
    if coverage is None:
        from evalrules.testing._coverage import OutcomeCoverage

        coverage = config.stash[_COVERAGE] = OutcomeCoverage()
    return coverage


@pytest.fixture(scope="session")
def evalrules_engine(pytestconfig: pytest.Config) -> Engine:
    """An engine for the test run: the ``evalrules_plugins`` ini plugins, or the installed."""
    return _engine(pytestconfig)


@pytest.fixture
def evalrules_rubric(request: pytest.FixtureRequest, evalrules_engine: Engine) -> CompiledRubric:
    """The compiled rubric named by the marker, the ini option or ``--evalrules-rubric``."""
    marker = request.node.get_closest_marker("evalrules_rubric")
    ref: str | None = None
    if marker is not None:
        if len(marker.args) != 1 or not isinstance(marker.args[0], str):
            pytest.fail("use @pytest.mark.evalrules_rubric('family/year')", pytrace=False)
        ref = marker.args[0]
    if not ref:
        ref = str(request.config.getini("evalrules_rubric") or "") or None
    if not ref:
        given = request.config.getoption("evalrules_rubrics")
        if len(given) == 1:
            ref = given[0]
    if not ref:
        pytest.fail(
            "evalrules_rubric: name the rubric with @pytest.mark.evalrules_rubric('family/year'), "
            "the ini option evalrules_rubric, or one --evalrules-rubric",
            pytrace=False,
        )
    return evalrules_engine.compile(evalrules_engine.load_rubric(ref))


@pytest.fixture(scope="session")
def evalrules_coverage(pytestconfig: pytest.Config) -> OutcomeCoverage:
    """The rule-outcome coverage the fixture cases of this run record into."""
    return _coverage(pytestconfig)


@pytest.fixture
def evalrules_run_case(
    evalrules_engine: Engine, evalrules_coverage: OutcomeCoverage
) -> Callable[[Case], Scorecard | None]:
    """Run a fixture case with ``evalrules_engine`` and record its outcomes."""
    from evalrules.testing._cases import run_case

    def run(case: Case) -> Scorecard | None:
        return run_case(case, evalrules_engine, coverage=evalrules_coverage)

    return run


# ------------------------------------------------------------------------ coverage report


def _reporting(config: pytest.Config) -> bool:
    return bool(
        config.getoption("evalrules_coverage") or config.getoption("evalrules_coverage_fail")
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``--evalrules-coverage-fail``, an incomplete coverage fails the run."""
    config = session.config
    if not config.getoption("evalrules_coverage_fail"):
        return
    coverage = config.stash.get(_COVERAGE, None)
    if coverage and not coverage.complete and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the rule-outcome coverage report."""
    if not _reporting(config):
        return
    coverage = config.stash.get(_COVERAGE, None)
    terminalreporter.section("evalrules rule-outcome coverage")
    if not coverage:
        terminalreporter.write_line(
            "没有用例通过 evalrules_run_case 运行 / no fixture cases ran through evalrules_run_case"
        )
        return
    terminalreporter.write_line(coverage.report())
    if config.getoption("evalrules_coverage_fail") and not coverage.complete:
        terminalreporter.write_line(
            "覆盖不完整,本次运行失败 / coverage is incomplete: failing (--evalrules-coverage-fail)",
            red=True,
        )


# -------------------------------------------------------------------- generated test items


class RubricCollector(pytest.Collector):
    """The generated checks of one installed rubric (``--evalrules-rubric``)."""

    def __init__(self, *, ref: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ref = ref

    def collect(self) -> Iterable[pytest.Item]:
        """One item per check; a single failing item when the rubric does not load."""
        try:
            compiled = _engine(self.config).compile(_engine(self.config).load_rubric(self.ref))
        except Exception as exc:
            return [
                RubricItem.from_parent(self, name="load", ref=self.ref, check="load", error=exc)
            ]
        items = [
            RubricItem.from_parent(self, name=check, ref=self.ref, check=check)
            for check in ("invariants", "validation")
        ]
        for _, rule in compiled.rubric.rules():
            for m in rule.monotonic:
                items.append(
                    RubricItem.from_parent(
                        self,
                        name=f"monotonic[{rule.code}:{m.fact}]",
                        ref=self.ref,
                        check="monotonic",
                        rule=rule.code,
                        fact=m.fact,
                    )
                )
        return items


class RubricItem(pytest.Item):
    """One generated check of an installed rubric."""

    def __init__(
        self,
        *,
        ref: str,
        check: str,
        rule: str | None = None,
        fact: str | None = None,
        error: BaseException | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ref = ref
        self.check = check
        self.rule = rule
        self.fact = fact
        self.error = error

    def runtest(self) -> None:
        """Run the check under hypothesis with the current profile."""
        if self.error is not None:
            raise self.error
        from evalrules.testing._invariants import run_invariants, run_monotonic, run_validation

        engine = _engine(self.config)
        compiled = engine.compile(engine.load_rubric(self.ref))
        if self.check == "invariants":
            run_invariants(compiled)
        elif self.check == "validation":
            run_validation(compiled)
        else:
            run_monotonic(compiled, rule=self.rule, fact=self.fact)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        """Show an invariant or rubric error as its message, with hypothesis' example."""
        from evalrules.errors import EvalrulesError
        from evalrules.testing._invariants import InvariantError

        exc = excinfo.value
        if isinstance(exc, InvariantError | EvalrulesError):
            notes = [str(n) for n in getattr(exc, "__notes__", ())]
            return "\n".join([f"{type(exc).__name__}: {exc}", *notes])
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Where the item comes from: the rubric and the check."""
        return self.path, None, f"evalrules[{self.ref}]::{self.name}"


# What the generated checks import beyond evalrules' own dependencies (all in evalrules[test]).
_KIT_MODULES = ("hypothesis", "jsonschema")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add the generated items of every ``--evalrules-rubric`` (before ``-k`` selects).

    The generated checks draw documents with hypothesis; without it the run stops at once
    with one message naming the extra to install, instead of failing every item.
    """
    refs = list(dict.fromkeys(config.getoption("evalrules_rubrics")))
    if refs:
        missing = [m for m in _KIT_MODULES if not _importable(m)]
        if missing:
            names = ", ".join(missing)
            raise pytest.UsageError(
                f"--evalrules-rubric 需要 {names}:请安装 pip install 'evalrules[test]' / "
                f"--evalrules-rubric needs {names}: pip install 'evalrules[test]'"
            )
    for ref in refs:
        name = f"evalrules[{ref}]"
        collector = RubricCollector.from_parent(session, name=name, nodeid=name, ref=ref)
        items.extend(collector.collect())
